import AdvisorCore
import Testing

struct NoUsableKeyRuleTests {
    private let rule = NoUsableKeyRule()

    @Test func aFilteredTableWithoutCandidateKeys() throws {
        let table = PlanBuilder.mysqlTable(
            "orders", examined: 298_915, filtered: 10,
            condition: "((`shop`.`orders`.`status` = 'refunded') and "
                + "(`shop`.`orders`.`created_at` >= TIMESTAMP'2024-06-01 00:00:00'))")
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(table, engine: .mysql)).first)
        #expect(finding.object.name == "Table scan on orders")
        #expect(
            finding.fixSQL == "ALTER TABLE shop.orders ADD INDEX idx_orders_status_created_at (status, created_at);")
        #expect(finding.evidence.first { $0.name == "rows examined" }?.value == 298_915)
        #expect(!finding.risk.contains("alias"))
    }

    @Test func silentWhenAKeyWasPossibleOrTheTableIsSmallOrUnfiltered() {
        let keyed = PlanBuilder.mysqlTable(
            "orders", possibleKeys: ["idx_orders_status"], examined: 298_915, condition: "(`orders`.`status` = 'x')")
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(keyed, engine: .mysql)).isEmpty)
        let small = PlanBuilder.mysqlTable("orders", examined: 9_999, condition: "(`orders`.`status` = 'x')")
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(small, engine: .mysql)).isEmpty)
        let unfiltered = PlanBuilder.mysqlTable("orders", examined: 298_915)
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(unfiltered, engine: .mysql)).isEmpty)
    }

    @Test func theTreeFormatDoesNotPrintPossibleKeys() {
        let table = PlanBuilder.node("Table scan", operation: .seqScan, relation: "orders", estimated: 300_000)
        var scan = table
        scan.accessType = "ALL"
        let filter = PlanBuilder.node(
            "Filter", operation: .filter, estimated: 300, filter: "(orders.status = 'x')", children: [scan])
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(filter, engine: .mysql, format: .mysqlTree)).isEmpty)
    }

    @Test func aJoinedTableThroughAJoinBufferWithTheConditionOnTheJoin() throws {
        let driving = PlanBuilder.mysqlTable(
            "c", accessType: "ref", possibleKeys: ["customers_city_idx"], key: "customers_city_idx", examined: 99)
        let joined = PlanBuilder.mysqlTable(
            "p", examined: 500, notes: ["Using where", "Using join buffer (flat, BNL join)"])
        var join = PlanBuilder.node(
            "Block nested loop join", operation: .nestedLoop, estimated: 49_500, children: [driving, joined])
        join.joinFilter = "p.country = c.country"
        var plan = PlanBuilder.snapshot(join, engine: .mariadb, format: .mariadbJSON)
        let finding = try #require(PlanBuilder.findings(rule, plan).first)
        #expect(finding.evidence.first { $0.name == "rows examined" }?.value == 49_500)
        #expect(finding.fixSQL == "ALTER TABLE p ADD INDEX idx_p_country (country);")
        #expect(finding.risk.contains("check that p is the table's name"))
        // With the statement at hand the alias resolves to the table.
        plan.plans[0].plan.queryText =
            "SELECT c.id, p.code FROM customers c JOIN promotions p ON p.country = c.country WHERE c.city = 'City 25'"
        let resolved = try #require(PlanBuilder.findings(rule, plan).first)
        #expect(resolved.fixSQL == "ALTER TABLE promotions ADD INDEX idx_promotions_country (country);")
        #expect(!resolved.risk.contains("alias"))
    }

    @Test func onlyOneOfTheTwoScanRulesReportsATable() {
        let noKeys = PlanBuilder.snapshot(
            PlanBuilder.mysqlTable("orders", examined: 300_000, filtered: 1, condition: "(`orders`.`status` = 'x')"),
            engine: .mysql)
        let keys = PlanBuilder.snapshot(
            PlanBuilder.mysqlTable(
                "orders", possibleKeys: ["idx_orders_status"], examined: 300_000, filtered: 1,
                condition: "(`orders`.`status` = 'x')"),
            engine: .mysql)
        let both = RuleEngine(rules: [rule, SeqScanFilterRule()])
        #expect(both.run(noKeys).findings.map(\.ruleId) == ["mysql-no-usable-key"])
        #expect(both.run(keys).findings.map(\.ruleId) == ["plan-seq-scan-filter"])
    }
}
