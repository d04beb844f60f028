import AdvisorCore
import Testing

struct HotNodeRuleTests {
    private let rule = HotNodeRule()

    /// The most common paste, a plain EXPLAIN of a filtered scan under a Gather: the advice names the
    /// filter's columns and the index, and says how to check that it pays off.
    @Test func aFilteredScanGetsTheIndexOnItsColumns() throws {
        var scan = PlanBuilder.node(
            "Seq Scan", relation: "orders", estimated: 479, cost: 14_662,
            filter: "(((status)::text = 'shipped'::text) AND (created_at > '2024-01-01'::date))")
        scan.isParallelAware = true
        let root = PlanBuilder.node("Gather", estimated: 1_150, cost: 15_777, children: [scan])
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(root)).first)
        #expect(finding.recommendation.contains("an index on (status, created_at)"))
        #expect(finding.recommendation.contains("an estimated 479 rows per process"))
        #expect(
            finding.recommendation.contains(
                "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON orders (status, created_at);"))
        #expect(finding.recommendation.contains("Rows Removed by Filter"))
        #expect(finding.fixSQL == nil)
        #expect(finding.severity == .low)
    }

    @Test func aScanWithoutAnIndexableFilterKeepsTheGeneralAdvice() throws {
        let scan = PlanBuilder.node(
            "Seq Scan", relation: "orders", estimated: 479, cost: 14_662, filter: "((a = 1) OR (b = 2))")
        let root = PlanBuilder.node("Gather", estimated: 1_150, cost: 15_777, children: [scan])
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(root)).first)
        #expect(finding.recommendation.hasPrefix("Read fewer rows: an index on the columns this scan filters on"))
    }
}
