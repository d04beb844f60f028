import AdvisorCore
import Testing

struct HeapFetchesRuleTests {
    typealias B = RulePlanBuilder

    private func scanPlan(
        fetches: Double, rows: Double, loops: Double = 1, time: Double = 180, execution: Double = 186,
        schema: String? = "public", relation: String = "orders"
    ) -> Plan {
        let scan = B.node("Index Only Scan", timeMs: time, rows: rows, loops: loops) {
            $0.relation = relation
            $0.schema = schema
            $0.index = "orders_customer_id_created_at_idx"
            $0.indexCondition = "(customer_id = 42)"
            $0.heapFetches = fetches
        }
        return B.plan(scan, executionTimeMs: execution)
    }

    @Test func staleVisibilityMapIsReportedWithVacuum() throws {
        let finding = try #require(B.findings(HeapFetchesRule(), scanPlan(fetches: 41_877, rows: 50_112)).first)
        #expect(finding.object.name == "Index Only Scan using orders_customer_id_created_at_idx on public.orders")
        #expect(finding.fixSQL == "VACUUM (ANALYZE) public.orders;")
        #expect(finding.evidence("heap fetches") == 41_877)
        #expect(finding.evidence("rows returned") == 50_112)
        // 180 ms of own time × 41,877 / 50,112 of the rows fetched from the heap.
        let expected = 180 * 41_877 / 50_112.0
        #expect(abs((finding.impact.timeMs ?? 0) - expected) < 0.001)
        #expect(finding.severity == .critical)
        #expect(finding.validation.contains("'public.orders'::regclass"))
    }

    @Test func fetchesAreTotalsComparedWithRowsTimesLoops() {
        // 2,000 fetches over 100 loops of 200 rows: 10 % of 20,000 rows — at the threshold.
        #expect(B.findings(HeapFetchesRule(), scanPlan(fetches: 2_000, rows: 200, loops: 100)).count == 1)
        // 1,500 fetches for 20,000 rows is 7.5 %: a healthy visibility map.
        #expect(B.findings(HeapFetchesRule(), scanPlan(fetches: 1_500, rows: 200, loops: 100)).isEmpty)
    }

    @Test func fewFetchesAreNoise() {
        #expect(B.findings(HeapFetchesRule(), scanPlan(fetches: 999, rows: 1_000)).isEmpty)
        #expect(B.findings(HeapFetchesRule(), scanPlan(fetches: 0, rows: 50_112)).isEmpty)
    }

    @Test func aScanThatCostsNothingIsSilent() {
        // The scan is 1 % of a 10 s statement.
        let scan = scanPlan(fetches: 5_000, rows: 5_000, time: 100).root
        let root = B.node("Nested Loop", timeMs: 10_000, rows: 1, children: [scan])
        #expect(B.findings(HeapFetchesRule(), B.plan(root, executionTimeMs: 10_000)).isEmpty)
    }

    @Test func namesNeedingQuotesAreQuoted() throws {
        let plan = scanPlan(fetches: 41_877, rows: 50_112, schema: "Sales", relation: "order items")
        let finding = try #require(B.findings(HeapFetchesRule(), plan).first)
        #expect(finding.fixSQL == "VACUUM (ANALYZE) \"Sales\".\"order items\";")
    }

    @Test func withoutSchemaTheBareTableIsVacuumed() throws {
        let finding = try #require(
            B.findings(HeapFetchesRule(), scanPlan(fetches: 41_877, rows: 50_112, schema: nil)).first)
        #expect(finding.fixSQL == "VACUUM (ANALYZE) orders;")
    }

    @Test func plainIndexScansAreNeverReported() {
        var plan = scanPlan(fetches: 41_877, rows: 50_112)
        plan.root.nodeType = "Index Scan"
        plan.root.operation = .indexScan
        #expect(B.findings(HeapFetchesRule(), plan).isEmpty)
    }
}
