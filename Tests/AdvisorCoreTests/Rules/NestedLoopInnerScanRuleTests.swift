import AdvisorCore
import Testing

struct NestedLoopInnerScanRuleTests {
    private let rule = NestedLoopInnerScanRule()

    private func outer(rows: Double) -> PlanNode {
        PlanBuilder.node("Seq Scan", relation: "orders", alias: "o", estimated: rows, actual: rows, timeMs: 1)
    }

    private func loop(_ inner: PlanNode, outerRows: Double, timeMs: Double, joinFilter: String? = nil) -> PlanNode {
        var loop = PlanBuilder.node(
            "Nested Loop", estimated: outerRows, actual: outerRows, timeMs: timeMs,
            children: [outer(rows: outerRows), inner])
        loop.joinFilter = joinFilter
        return loop
    }

    @Test func materializedInnerScanGetsAnIndexOnItsJoinColumn() throws {
        var customers = PlanBuilder.node(
            "Seq Scan", relation: "customers", alias: "c", estimated: 2_000, actual: 2_000, timeMs: 0.3)
        customers.schema = "shop"
        let materialize = PlanBuilder.node(
            "Materialize", estimated: 2_000, actual: 2_000, loops: 5_000, timeMs: 0.18, children: [customers])
        var root = loop(materialize, outerRows: 5_000, timeMs: 2_400, joinFilter: "(o.customer_id = c.id)")
        root.rowsRemovedByJoinFilter = 9_995_000
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(root)).first)
        #expect(finding.object.name == "Nested Loop")
        #expect(finding.fixSQL == "CREATE INDEX CONCURRENTLY customers_id_idx ON shop.customers (id);")
        #expect(finding.evidence.first { $0.name == "inner side executions" }?.value == 5_000)
        #expect(finding.evidence.first { $0.name == "inner rows read" }?.value == 10_000_000)
        #expect(finding.message.contains("rescans a materialized copy of Seq Scan on shop.customers c 5,000 times"))
    }

    /// The index the finding suggests is the one HypoPG checked (PlanIndexSuggestions), and its verdict shows.
    @Test func hypotheticalIndexChecksAreReported() throws {
        var customers = PlanBuilder.node(
            "Seq Scan", relation: "customers", alias: "c", estimated: 2_000, actual: 2_000, timeMs: 0.3)
        customers.schema = "shop"
        let materialize = PlanBuilder.node(
            "Materialize", estimated: 2_000, actual: 2_000, loops: 5_000, timeMs: 0.18, children: [customers])
        var snapshot = PlanBuilder.snapshot(
            loop(materialize, outerRows: 5_000, timeMs: 2_400, joinFilter: "(o.customer_id = c.id)"))
        let fix = "CREATE INDEX CONCURRENTLY customers_id_idx ON shop.customers (id);"
        #expect(PlanIndexSuggestions.all(in: snapshot.plans[0].plan) == [fix])
        snapshot.plans[0].indexValidations = [
            IndexValidation(
                createSQL: fix, hypotheticalName: "<1>btree", costBefore: 9_000, costAfter: 300, isUsed: true)
        ]
        let finding = try #require(PlanBuilder.findings(rule, snapshot).first)
        #expect(finding.evidence.first { $0.name == "planner cost with the index" }?.value == 300)
        #expect(finding.risk.contains("Checked with HypoPG: the planner uses this index"))
        snapshot.plans[0].indexValidations?[0].isUsed = false
        #expect(try #require(PlanBuilder.findings(rule, snapshot).first).severity == .info)
    }

    @Test func indexLookupsAndCachedScansAreFine() {
        let lookup = PlanBuilder.node(
            "Index Scan", relation: "customers", alias: "c", estimated: 1, actual: 1, loops: 5_000, timeMs: 0.002)
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(loop(lookup, outerRows: 5_000, timeMs: 14))).isEmpty)
        // Memoize: the scan below runs on 20 cache misses only.
        let scan = PlanBuilder.node(
            "Seq Scan", relation: "customers", alias: "c", estimated: 1, actual: 1, loops: 20, timeMs: 0.5,
            filter: "(id = o.customer_id)", removed: 1_999)
        let memoize = PlanBuilder.node(
            "Memoize", estimated: 1, actual: 1, loops: 5_000, timeMs: 0.003, children: [scan])
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(loop(memoize, outerRows: 5_000, timeMs: 26))).isEmpty)
    }

    @Test func fewLoopsCountOnlyWhenTheyReadManyRows() throws {
        let big = PlanBuilder.node(
            "Seq Scan", relation: "events", estimated: 10, actual: 10, loops: 20, timeMs: 40,
            filter: "(account_id = o.account_id)", removed: 99_990)
        let finding = try #require(
            PlanBuilder.findings(rule, PlanBuilder.snapshot(loop(big, outerRows: 20, timeMs: 810))).first)
        #expect(finding.fixSQL == "CREATE INDEX CONCURRENTLY events_account_id_idx ON events (account_id);")
        let small = PlanBuilder.node(
            "Seq Scan", relation: "events", estimated: 10, actual: 10, loops: 20, timeMs: 0.4,
            filter: "(account_id = o.account_id)", removed: 90)
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(loop(small, outerRows: 20, timeMs: 9))).isEmpty)
    }

    @Test func aCheapInnerSideIsNotReported() {
        let cheap = PlanBuilder.node(
            "Seq Scan", relation: "flags", estimated: 2, actual: 2, loops: 5_000, timeMs: 0.0001)
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(loop(cheap, outerRows: 5_000, timeMs: 30))).isEmpty)
    }

    @Test func mysqlTreeInnerTableScanUnderAFilter() throws {
        let table = PlanBuilder.node(
            "Table scan", operation: .seqScan, relation: "t2", estimated: 160, actual: 160, loops: 2_000, timeMs: 0.2)
        let filter = PlanBuilder.node(
            "Filter", operation: .filter, estimated: 1, actual: 1, loops: 2_000, timeMs: 0.25,
            filter: "(t2.f2 = t1.f1)",
            children: [table])
        let first = PlanBuilder.node(
            "Table scan", operation: .seqScan, relation: "t1", estimated: 2_000, actual: 2_000, timeMs: 1)
        let join = PlanBuilder.node(
            "Nested loop inner join", operation: .nestedLoop, estimated: 2_000, actual: 2_000, timeMs: 520,
            children: [first, filter])
        let snapshot = PlanBuilder.snapshot(join, engine: .mysql, format: .mysqlTree)
        let finding = try #require(PlanBuilder.findings(rule, snapshot).first)
        #expect(finding.fixSQL == "ALTER TABLE t2 ADD INDEX idx_t2_f2 (f2);")
        #expect(finding.risk.contains("check that t2 is the table's name"))
    }

    @Test func mysqlEstimatedBlockNestedLoop() throws {
        let first = PlanBuilder.mysqlTable(
            "orders", accessType: "ref", possibleKeys: ["idx"], key: "idx", examined: 5_000)
        var second = PlanBuilder.mysqlTable(
            "customers", possibleKeys: ["PRIMARY"], examined: 2_000,
            notes: ["Using where", "Using join buffer (Block Nested Loop)"])
        second.filter = "(`shop`.`customers`.`id` = `shop`.`orders`.`customer_id`)"
        let join = PlanBuilder.node(
            "Block nested loop join", operation: .nestedLoop, estimated: 5_000, children: [first, second])
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(join, engine: .mysql)).first)
        #expect(finding.evidence.first { $0.name == "inner side executions" }?.value == 5_000)
        #expect(finding.fixSQL == "ALTER TABLE shop.customers ADD INDEX idx_customers_id (id);")
        #expect(finding.impact.confidence == .low)
    }
}
