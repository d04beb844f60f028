import AdvisorCore
import Testing

struct RowsExaminedRatioRuleTests {
    private let rule = RowsExaminedRatioRule()

    @Test func aWeakIndexIsExtendedWithTheFilteredColumn() throws {
        let table = PlanBuilder.mysqlTable(
            "events", accessType: "ref", possibleKeys: ["idx_events_account"], key: "idx_events_account",
            usedKeyParts: ["account_id"], examined: 201_734, filtered: 0.5,
            condition: "(`app`.`events`.`kind` = 'login')")
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(table, engine: .mysql)).first)
        #expect(finding.object.name == "plan 1")
        #expect(finding.object.kind == .plan)
        #expect(finding.fixSQL == "ALTER TABLE app.events ADD INDEX idx_events_account_id_kind (account_id, kind);")
        #expect(finding.evidence.first { $0.name == "examined per returned" }?.value == 200)
        #expect(finding.message.contains("Index lookup on events"))
    }

    @Test func sumsTheTablesOfAJoinAndNamesTheWorst() throws {
        let first = PlanBuilder.mysqlTable("customers", accessType: "ALL", examined: 2_000, filtered: 100)
        let second = PlanBuilder.mysqlTable(
            "orders", accessType: "ALL", examined: 300_000, filtered: 0.001,
            condition:
                "((`shop`.`orders`.`customer_id` = `shop`.`customers`.`id`) and (`shop`.`orders`.`total` > 990))",
            notes: ["Using where", "Using join buffer (hash join)"])
        let hash = PlanBuilder.node("Hash", operation: .hash, estimated: 2_000, children: [first])
        let join = PlanBuilder.node("Hash join", operation: .hashJoin, estimated: 6, children: [second, hash])
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(join, engine: .mysql)).first)
        #expect(finding.evidence.first { $0.name == "rows examined" }?.value == 302_000)
        #expect(finding.evidence.first { $0.name == "rows examined in orders" }?.value == 300_000)
        #expect(
            finding.fixSQL == "ALTER TABLE shop.orders ADD INDEX idx_orders_customer_id_total (customer_id, total);")
    }

    @Test func aggregatesAreJudgedByTheRowsTheyConsume() {
        let table = PlanBuilder.mysqlTable("orders", accessType: "index", examined: 300_000, filtered: 100)
        let group = PlanBuilder.node(
            "Aggregate using temporary table", operation: .aggregate, estimated: 4_926, children: [table])
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(group, engine: .mysql)).isEmpty)
    }

    @Test func thresholds() {
        // 49× over 200,000 rows, and 100× over 4,900 rows: both under a threshold.
        let lowRatio = PlanBuilder.mysqlTable("t", examined: 200_000, filtered: 100.0 / 49, condition: "(`t`.`a` = 1)")
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(lowRatio, engine: .mysql)).isEmpty)
        let fewRows = PlanBuilder.mysqlTable("t", examined: 4_900, filtered: 1, condition: "(`t`.`a` = 1)")
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(fewRows, engine: .mysql)).isEmpty)
    }

    @Test func measuredMariaDBRows() throws {
        var table = PlanBuilder.mysqlTable(
            "orders", accessType: "range", possibleKeys: ["orders_customer_id_idx"], key: "orders_customer_id_idx",
            usedKeyParts: ["customer_id"], examined: 12_356, filtered: 100, condition: "orders.total > 990")
        table.indexCondition = "orders.customer_id between 1000 and 2000"
        table.actualRows = 65
        table.rowsRemovedByFilter = 6_114
        table.actualFilteredPercent = 1.05
        table.loops = 1
        table.actualTotalTimeMs = 9.7
        let snapshot = PlanBuilder.snapshot(
            table, engine: .mariadb, format: .mariadbJSON, hasActuals: true, hasTiming: true, executionTimeMs: 9.8)
        let finding = try #require(PlanBuilder.findings(rule, snapshot).first)
        #expect(finding.evidence.first { $0.name == "rows examined" }?.value == 6_179)
        #expect(finding.fixSQL == "ALTER TABLE orders ADD INDEX idx_orders_customer_id_total (customer_id, total);")
        #expect(finding.impact.confidence == .high)
    }

    @Test func postgresPlansAreNotJudged() {
        let scan = PlanBuilder.node(
            "Seq Scan", relation: "t", estimated: 1, actual: 1, timeMs: 50, filter: "(a = 1)", removed: 1_000_000)
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(scan)).isEmpty)
    }
}
