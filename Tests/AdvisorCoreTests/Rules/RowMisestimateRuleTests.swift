import AdvisorCore
import Testing

struct RowMisestimateRuleTests {
    private let rule = RowMisestimateRule()

    private func scan(
        _ relation: String, estimated: Double, actual: Double, loops: Double = 1, timeMs: Double = 1,
        filter: String? = nil
    ) -> PlanNode {
        PlanBuilder.node(
            "Seq Scan", relation: relation, estimated: estimated, actual: actual, loops: loops, timeMs: timeMs,
            filter: filter, removed: filter == nil ? nil : 0)
    }

    @Test func reportsTheSourceNotTheNodesThatInheritIt() throws {
        let outer = scan(
            "addresses", estimated: 8, actual: 4_000, timeMs: 5,
            filter: "((city = 'Paris'::text) AND (country = 'FR'::text))")
        let inner = PlanBuilder.node(
            "Index Scan", relation: "customers", estimated: 1, actual: 1, loops: 4_000, timeMs: 0.02)
        let loop = PlanBuilder.node("Nested Loop", estimated: 8, actual: 4_000, timeMs: 90, children: [outer, inner])
        let root = PlanBuilder.node("Sort", estimated: 8, actual: 4_000, timeMs: 91, children: [loop])
        let aggregate = PlanBuilder.node("Aggregate", estimated: 1, actual: 1, timeMs: 92, children: [root])
        let findings = PlanBuilder.findings(rule, PlanBuilder.snapshot(aggregate))
        #expect(findings.map(\.object.name) == ["Seq Scan on addresses"])
        let finding = try #require(findings.first)
        #expect(
            finding.fixSQL
                == "CREATE STATISTICS addresses_city_country_stats (dependencies, ndistinct) ON city, country FROM addresses;\nANALYZE addresses;"
        )
        #expect(finding.evidence.first { $0.name == "underestimate factor" }?.value == 500)
        #expect(finding.message.contains("underestimated 500×"))
        // The scan is 5 % of the time, but the nested loop it drives is most of it: critical by share,
        // capped at high because the whole statement takes 92 ms.
        #expect(finding.severity == .high)
    }

    @Test func aJoinThatAddsItsOwnErrorIsASourceToo() {
        let left = scan("a", estimated: 100, actual: 2_000, timeMs: 2)
        let right = scan("b", estimated: 100, actual: 100, timeMs: 1)
        let hash = PlanBuilder.node("Hash", estimated: 100, actual: 100, timeMs: 1.5, children: [right])
        var join = PlanBuilder.node("Hash Join", estimated: 10, actual: 200_000, timeMs: 50, children: [left, hash])
        join.hashCondition = "(a.x = b.x)"
        let sort = PlanBuilder.node("Sort", estimated: 10, actual: 200_000, timeMs: 80, children: [join])
        let names = PlanBuilder.findings(rule, PlanBuilder.snapshot(sort)).map(\.object.name)
        #expect(Set(names) == ["Seq Scan on a", "Hash Join"])
    }

    @Test func belowALimitOnlyUnderestimatesCount() {
        let over = scan("events", estimated: 100_000, actual: 10, timeMs: 5)
        let limit = PlanBuilder.node("Limit", estimated: 10, actual: 10, timeMs: 5, children: [over])
        let root = PlanBuilder.node("Result", estimated: 10, actual: 10, timeMs: 5, children: [limit])
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(root)).isEmpty)
        let sorted = PlanBuilder.node(
            "Sort", estimated: 100_000, actual: 10, timeMs: 5,
            children: [scan("events", estimated: 100_000, actual: 10, timeMs: 4)])
        let limitOverSort = PlanBuilder.node("Limit", estimated: 10, actual: 10, timeMs: 5, children: [sorted])
        // A Sort reads all its input: the scan below it was not cut short, so its overestimate is real.
        #expect(
            PlanBuilder.findings(rule, PlanBuilder.snapshot(limitOverSort)).map(\.object.name) == ["Seq Scan on events"]
        )
    }

    @Test func thresholdsOnFactorRowsAndTheRoot() {
        let nine = PlanBuilder.node(
            "Sort", estimated: 100, actual: 900, timeMs: 10,
            children: [scan("t", estimated: 100, actual: 900, timeMs: 9)])
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(nine)).isEmpty)
        let tiny = PlanBuilder.node(
            "Sort", estimated: 1, actual: 50, timeMs: 10, children: [scan("t", estimated: 1, actual: 50, timeMs: 9)])
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(tiny)).isEmpty)
        // The root's estimate steers nothing.
        #expect(
            PlanBuilder.findings(rule, PlanBuilder.snapshot(scan("t", estimated: 1, actual: 50_000, timeMs: 9))).isEmpty
        )
    }

    @Test func needsActuals() {
        let plain = PlanBuilder.node(
            "Sort", estimated: 1, cost: 10,
            children: [PlanBuilder.node("Seq Scan", relation: "t", estimated: 1, cost: 5)])
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(plain)).isEmpty)
    }

    @Test func functionScansAreToldTheirRowCount() throws {
        var function = PlanBuilder.node("Function Scan", estimated: 1_000, actual: 6, timeMs: 50)
        function.functionName = "find_children"
        let loop = PlanBuilder.node(
            "Nested Loop", estimated: 1_000, actual: 6, timeMs: 60,
            children: [
                function,
                PlanBuilder.node("Index Scan", relation: "nodes", estimated: 1, actual: 1, loops: 6, timeMs: 1),
            ])
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(loop)).first)
        #expect(finding.fixSQL == "ALTER FUNCTION find_children ROWS 6;")
    }

    @Test func cteScansInheritTheirDefinitionsError() {
        var definition = scan("items", estimated: 1, actual: 5_000, timeMs: 20)
        definition.parentRelationship = "InitPlan"
        definition.subplanName = "CTE recent"
        var cteScan = PlanBuilder.node("CTE Scan", estimated: 1, actual: 5_000, timeMs: 30)
        cteScan.cteName = "recent"
        let aggregate = PlanBuilder.node(
            "Aggregate", estimated: 1, actual: 1, timeMs: 31, children: [definition, cteScan])
        let names = PlanBuilder.findings(rule, PlanBuilder.snapshot(aggregate)).map(\.object.name)
        #expect(names == ["Seq Scan on items"])
    }

    @Test func mysqlFamilyGetsColumnStatistics() throws {
        var table = PlanBuilder.mysqlTable(
            "orders", examined: 300_000, filtered: 100, condition: "orders.status = 'refunded' and orders.total > 990")
        table.actualRows = 249
        table.rowsRemovedByFilter = 299_751
        table.loops = 1
        table.actualTotalTimeMs = 27
        let sort = PlanBuilder.node(
            "Sort", operation: .sort, estimated: 300_000, actual: 249, timeMs: 28, children: [table])
        let snapshot = PlanBuilder.snapshot(
            sort, engine: .mariadb, format: .mariadbJSON, hasActuals: true, hasTiming: true)
        let finding = try #require(PlanBuilder.findings(rule, snapshot).first)
        #expect(finding.fixSQL == "ANALYZE TABLE orders PERSISTENT FOR COLUMNS (status, total) INDEXES ();")
        let mysql = PlanBuilder.snapshot(sort, engine: .mysql, format: .mysqlTree, hasActuals: true, hasTiming: true)
        #expect(
            PlanBuilder.findings(rule, mysql).first?.fixSQL == "ANALYZE TABLE orders UPDATE HISTOGRAM ON status, total;"
        )
    }
}
