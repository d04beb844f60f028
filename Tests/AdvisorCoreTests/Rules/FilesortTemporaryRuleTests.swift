import AdvisorCore
import Testing

struct FilesortTemporaryRuleTests {
    typealias B = RulePlanBuilder

    private func table(_ name: String, rows: Double, alias: String? = nil, schema: String? = nil) -> PlanNode {
        var node = PlanNode(nodeType: "Table scan", operation: .seqScan)
        node.relation = name
        node.alias = alias
        node.schema = schema
        node.accessType = "ALL"
        node.estimatedRows = rows
        node.rowsExaminedPerScan = rows
        return node
    }

    private func sort(_ keys: [String]?, over child: PlanNode) -> PlanNode {
        var node = PlanNode(nodeType: "Sort", operation: .sort, children: [child])
        node.usingFilesort = true
        node.sortKey = keys
        node.estimatedRows = child.estimatedRows
        return node
    }

    private func plan(_ root: PlanNode, engine: Engine = .mysql) -> Plan {
        B.plan(root, engine: engine, hasTiming: false, hasActuals: false)
    }

    @Test func sortOnColumnsOfOneTableGetsAnIndex() throws {
        let finding = try #require(
            B.findings(
                FilesortTemporaryRule(),
                plan(sort(["orders.total DESC", "orders.id"], over: table("orders", rows: 298_915)))
            ).first)
        #expect(finding.object.name == "Sort")
        #expect(finding.evidence("estimated rows sorted or grouped") == 298_915)
        // Mixed directions need DESC in the index.
        #expect(finding.fixSQL == "ALTER TABLE orders ADD INDEX idx_orders_total_id (total DESC, id);")
        #expect(finding.severity == .medium)
        #expect(finding.message.contains("sorts about 298,915 rows by orders.total DESC, orders.id"))
    }

    @Test func sameDirectionKeysNeedNoDescAndAliasesResolveToTheTable() throws {
        let root = sort(["`o`.`created_at` DESC"], over: table("orders", rows: 50_000, alias: "o", schema: "shop"))
        let finding = try #require(B.findings(FilesortTemporaryRule(), plan(root)).first)
        #expect(finding.fixSQL == "ALTER TABLE shop.orders ADD INDEX idx_orders_created_at (created_at);")
    }

    @Test func mariaDBSortKeyInOneStringIsSplit() throws {
        let root = sort(["t1.a desc, t1.`order` desc"], over: table("t1", rows: 20_000))
        let finding = try #require(B.findings(FilesortTemporaryRule(), plan(root, engine: .mariadb)).first)
        #expect(finding.fixSQL == "ALTER TABLE t1 ADD INDEX idx_t1_a_order (a, `order`);")
    }

    @Test func expressionsAndSeveralTablesGetNoFixSQL() throws {
        let aggregate = try #require(
            B.findings(FilesortTemporaryRule(), plan(sort(["count(0) desc"], over: table("orders", rows: 298_915))))
                .first)
        #expect(aggregate.fixSQL == nil)
        #expect(aggregate.recommendation.hasPrefix("No single index can deliver this order"))

        var join = PlanNode(nodeType: "Nested loop inner join", operation: .nestedLoop)
        join.children = [table("orders", rows: 100_000, alias: "o"), table("customers", rows: 1, alias: "c")]
        join.estimatedRows = 100_000
        let twoTables = try #require(
            B.findings(FilesortTemporaryRule(), plan(sort(["c.name", "o.total"], over: join))).first)
        #expect(twoTables.fixSQL == nil)
        #expect(twoTables.evidence("estimated rows sorted or grouped") == 100_000)
    }

    @Test func fewRowsAreCheap() {
        #expect(
            B.findings(FilesortTemporaryRule(), plan(sort(["orders.total"], over: table("orders", rows: 9_999))))
                .isEmpty)
    }

    @Test func tabularFlagsOnTheFirstTableCountTheWholeJoin() throws {
        var first = table("orders", rows: 298_915)
        first.notes = ["Using temporary", "Using filesort"]
        first.usingTemporary = true
        first.usingFilesort = true
        var second = table("customers", rows: 1)
        second.operation = .indexScan
        var join = PlanNode(nodeType: "Nested loop inner join", operation: .nestedLoop, children: [first, second])
        join.estimatedRows = 2_000_000
        let finding = try #require(B.findings(FilesortTemporaryRule(), plan(join)).first)
        #expect(finding.object.name == "Table scan on orders")
        #expect(finding.evidence("estimated rows sorted or grouped") == 2_000_000)
        #expect(finding.severity == .high)
        #expect(finding.message.contains("groups through a temporary table and sorts"))
        #expect(finding.recommendation.contains("tmp_table_size and max_heap_table_size"))
        #expect(finding.impact.confidence == .low)
    }

    @Test func aSortOverATemporaryTableIsOneFinding() throws {
        // -> Sort: cnt DESC / -> Table scan on <temporary> / -> Aggregate using temporary table / -> Table scan on t
        var aggregate = PlanNode(
            nodeType: "Aggregate using temporary table", operation: .aggregate,
            children: [table("orders", rows: 300_000)])
        aggregate.usingTemporary = true
        aggregate.estimatedRows = 4_926
        var temporary = table("<temporary>", rows: 4_926)
        temporary.operation = .subqueryScan
        temporary.children = [aggregate]
        let root = sort(["cnt DESC"], over: temporary)
        let findings = B.findings(FilesortTemporaryRule(), plan(root))
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.object.name == "Sort")
        // The rows going into the grouping, not the groups coming out.
        #expect(finding.evidence("estimated rows sorted or grouped") == 300_000)
        #expect(finding.message.contains("groups through a temporary table and sorts"))
        #expect(finding.fixSQL == nil)
    }

    @Test func materializedDerivedTablesAreNotReported() {
        var materialize = PlanNode(
            nodeType: "Materialize", operation: .materialize,
            children: [table("orders", rows: 300_000)])
        materialize.usingTemporary = true
        materialize.estimatedRows = 300_000
        #expect(B.findings(FilesortTemporaryRule(), plan(materialize)).isEmpty)
    }

    @Test func withTimingASortThatCostsNothingIsSilentAndOneThatCostsIsGradedByShare() throws {
        func timed(sortTime: Double) -> Plan {
            let scan = B.node("Table scan", timeMs: 100, rows: 300_000) {
                $0.operation = .seqScan
                $0.relation = "orders"
            }
            let root = B.node("Sort", timeMs: 100 + sortTime, rows: 300_000, children: [scan]) {
                $0.usingFilesort = true
                $0.sortKey = ["orders.total"]
            }
            return B.plan(root, engine: .mysql, executionTimeMs: 100 + sortTime)
        }
        #expect(B.findings(FilesortTemporaryRule(), timed(sortTime: 2)).isEmpty)
        let finding = try #require(B.findings(FilesortTemporaryRule(), timed(sortTime: 300)).first)
        #expect(finding.impact.timeMs == 300)
        #expect(finding.severity == .critical)
        #expect(finding.evidence("rows sorted or grouped") == 300_000)
    }

    @Test func postgresPlansAreIgnored() {
        let root = sort(["orders.total"], over: table("orders", rows: 300_000))
        #expect(B.findings(FilesortTemporaryRule(), plan(root, engine: .postgres)).isEmpty)
    }
}

extension FilesortTemporaryRuleTests {
    @Test func aSortOverAJoinBlockAbsorbsTheTablesTemporaryFlag() throws {
        // Tabular EXPLAIN: `Using where; Using temporary; Using filesort` on o, a hash join after it; the
        // parser puts the Sort over the whole block and leaves the flags on o's row.
        var orders = table("orders", rows: 49_820, alias: "o")
        orders.notes = ["Using where", "Using temporary", "Using filesort"]
        orders.usingTemporary = true
        var lookup = PlanNode(nodeType: "Nested loop join", operation: .nestedLoop, children: [orders])
        lookup.estimatedRows = 49_820
        var hash = PlanNode(nodeType: "Hash", operation: .hash, children: [lookup])
        hash.estimatedRows = 49_820
        var join = PlanNode(nodeType: "Hash join", operation: .hashJoin, children: [table("regions", rows: 120), hash])
        join.estimatedRows = 5_978_448
        let findings = B.findings(FilesortTemporaryRule(), plan(sort(nil, over: join)))
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.object.name == "Sort")
        #expect(finding.message.contains("groups through a temporary table and sorts about 5,978,448 rows"))
    }
}
