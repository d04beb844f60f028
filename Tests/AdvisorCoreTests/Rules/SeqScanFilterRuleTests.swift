import AdvisorCore
import Foundation
import Testing

struct SeqScanFilterRuleTests {
    private let rule = SeqScanFilterRule()

    private func scan(
        removed: Double, kept: Double = 1_000, loops: Double = 1, timeMs: Double = 100,
        filter: String = "(((status)::text = 'shipped'::text) AND (created_at > '2024-01-01'::date))"
    ) -> PlanNode {
        var node = PlanBuilder.node(
            "Seq Scan", relation: "orders", estimated: kept, actual: kept, loops: loops, timeMs: timeMs,
            filter: filter, removed: removed)
        node.schema = "public"
        return node
    }

    @Test func reportsTheScanWithAnIndexOnEqualityThenRangeColumns() throws {
        let findings = PlanBuilder.findings(rule, PlanBuilder.snapshot(scan(removed: 999_000), executionTimeMs: 101))
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.object.name == "Seq Scan on public.orders")
        #expect(
            finding.fixSQL
                == "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON public.orders (status, created_at);")
        #expect(finding.evidence.first { $0.name == "rows read" }?.value == 1_000_000)
        #expect(finding.severity == .critical)
        #expect(finding.impact.timeMs == 100)
        #expect(finding.message.contains("1,000,000 rows"))
        #expect(finding.message.contains("keeps only 1,000 of them (0.1 %)"))
    }

    @Test func thresholdsOnRowsReadAndRemovedShare() {
        // 89 % removed: not reported; 90 %: reported.
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(scan(removed: 8_900, kept: 1_100))).isEmpty)
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(scan(removed: 9_000, kept: 1_000))).count == 1)
        // 9,999 rows read: not reported.
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(scan(removed: 9_899, kept: 100))).isEmpty)
    }

    @Test func parallelScansCountEveryProcess() throws {
        // 3,500 rows per process, three processes: 10,500 rows read, above the 10,000 floor.
        var parallel = scan(removed: 3_400, kept: 100, loops: 3, timeMs: 40)
        parallel.isParallelAware = true
        var gather = PlanBuilder.node("Gather", estimated: 300, actual: 300, timeMs: 45, children: [parallel])
        gather.workersPlanned = 2
        gather.workersLaunched = 2
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(gather)).first)
        #expect(finding.object.name == "Parallel Seq Scan on public.orders")
        #expect(finding.evidence.first { $0.name == "rows read" }?.value == 10_500)
    }

    @Test func leavesRepeatedInnerScansToTheNestedLoopRule() {
        let outer = PlanBuilder.node("Seq Scan", relation: "customers", estimated: 10, actual: 10, timeMs: 0.1)
        let inner = scan(removed: 99_000, kept: 10, loops: 10, timeMs: 30)
        let loop = PlanBuilder.node("Nested Loop", estimated: 100, actual: 100, timeMs: 301, children: [outer, inner])
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(loop)).isEmpty)
    }

    @Test func noFixWhenNoPlainColumnCanBeIndexed() throws {
        let node = scan(removed: 50_000, kept: 10, filter: "((lower(email) = 'a@b.c'::text) OR (phone IS NULL))")
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(node)).first)
        #expect(finding.fixSQL == nil)
        #expect(finding.recommendation.contains("expression or partial index"))
    }

    @Test func anExpressionOfOneColumnGetsAnExpressionIndex() throws {
        let node = scan(removed: 199_999, kept: 1, filter: "(lower((email)::text) = 'user4242@example.com'::text)")
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(node)).first)
        #expect(finding.fixSQL == "CREATE INDEX CONCURRENTLY orders_lower_idx ON public.orders (lower((email)::text));")
        #expect(finding.recommendation.contains("on (lower((email)::text))"))
        #expect(finding.risk.contains("IMMUTABLE"))
        let mixed = scan(
            removed: 199_999, kept: 1,
            filter: "(((payload ->> 'path'::text) = '/a'::text) AND (tenant_id = 7) AND (created_at > now()))")
        let mixedFinding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(mixed)).first)
        #expect(
            mixedFinding.fixSQL
                == "CREATE INDEX CONCURRENTLY orders_tenant_id_expr_created_at_idx ON public.orders "
                + "(tenant_id, (payload ->> 'path'::text), created_at);")
        let volatile = scan(removed: 199_999, kept: 1, filter: "(date_trunc('day'::text, now()) = created_at::date)")
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(volatile)).first?.risk.contains("IMMUTABLE") == false)
    }

    @Test func silentOnNeverExecutedAndUnanalysedPostgresScans() {
        var never = scan(removed: 0, kept: 0)
        never.neverExecuted = true
        never.actualRows = nil
        never.loops = nil
        let root = PlanBuilder.node("Append", estimated: 1, actual: 1, timeMs: 5, children: [never])
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(root)).isEmpty)
        let estimateOnly = PlanBuilder.node(
            "Seq Scan", relation: "orders", estimated: 10, cost: 20_000, filter: "(status = 'x'::text)")
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(estimateOnly)).isEmpty)
    }

    /// In a scan the catalog says how many rows a full scan reads; the plan's estimate, how many it keeps.
    @Test func unanalysedPostgresScansAreJudgedAgainstTheTablesRowCount() throws {
        let estimateOnly = PlanBuilder.node(
            "Seq Scan", relation: "orders", estimated: 120, cost: 20_000, filter: "(status = 'x'::text)")
        func snapshot(rows: Double, schema: String = "public") -> Snapshot {
            var snapshot = PlanBuilder.snapshot(estimateOnly)
            var table = TableStats(schema: schema, name: "orders")
            table.estimatedRows = rows
            snapshot.tables = [table]
            return snapshot
        }
        let finding = try #require(PlanBuilder.findings(rule, snapshot(rows: 800_000)).first)
        #expect(finding.evidence.first { $0.name == "rows read" }?.value == 800_000)
        #expect(finding.evidence.first { $0.name == "rows kept" }?.value == 120)
        #expect(finding.message.hasSuffix("(estimated)."))
        #expect(finding.impact.confidence == .low)
        #expect(finding.severity <= .medium)
        #expect(finding.fixSQL == "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);")
        // A small table, or one whose name two schemas share, is not judged.
        #expect(PlanBuilder.findings(rule, snapshot(rows: 5_000)).isEmpty)
        var shared = snapshot(rows: 800_000)
        shared.tables.append(TableStats(schema: "archive", name: "orders"))
        shared.tables[1].estimatedRows = 900_000
        #expect(PlanBuilder.findings(rule, shared).isEmpty)
    }

    /// What HypoPG said of the suggested index: the costs as evidence; an index the planner would not use
    /// leaves the suggestion as a hint; without a check the finding says how to get one.
    @Test func hypotheticalIndexChecksAreReported() throws {
        let fix = "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON public.orders (status, created_at);"
        func finding(_ validations: [IndexValidation]?) throws -> Finding {
            var snapshot = PlanBuilder.snapshot(scan(removed: 999_000), executionTimeMs: 101)
            snapshot.plans[0].indexValidations = validations
            return try #require(PlanBuilder.findings(rule, snapshot).first)
        }
        #expect(
            SeqScanFilterRule.suggestedIndexes(in: PlanBuilder.snapshot(scan(removed: 999_000)).plans[0].plan) == [fix])
        let used = try finding([
            IndexValidation(
                createSQL: fix, hypotheticalName: "<1>btree", costBefore: 20_000, costAfter: 500, isUsed: true)
        ])
        #expect(used.evidence.first { $0.name == "planner cost with the index" }?.value == 500)
        #expect(used.risk.contains("Checked with HypoPG: the planner uses this index"))
        #expect(used.risk.contains("20,000 → 500 (98 % less)"))
        #expect(used.severity == .critical)
        let ignored = try finding([
            IndexValidation(
                createSQL: fix, hypotheticalName: "<1>btree", costBefore: 20_000, costAfter: 20_000, isUsed: false)
        ])
        #expect(ignored.severity == .info)
        #expect(ignored.risk.contains("the planner would not use this index"))
        #expect(try finding(nil).risk.contains("CREATE EXTENSION hypopg"))
        #expect(try finding([]).risk.contains("HypoPG could not plan the statement"))
    }

    /// In a scan the catalog says what the index would cost to keep; weighed against the reads HypoPG says it
    /// saves, an index whose writes cost more is only a low hint, and says so.
    @Test func whatTheIndexCostsToKeepIsWeighedAgainstTheReadsItSaves() throws {
        let fix = "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON public.orders (status, created_at);"
        func finding(inserted: Int, callsPerDay: Double) throws -> Finding {
            var snapshot = PlanBuilder.snapshot(scan(removed: 999_000), executionTimeMs: 101)
            snapshot.server.collectedAt = Date(timeIntervalSince1970: 1_800_000_000)
            snapshot.server.statsResetAt = Date(timeIntervalSince1970: 1_800_000_000 - 10 * 86_400)
            var table = TableStats(schema: "public", name: "orders")
            (table.estimatedRows, table.rowsInserted, table.rowsUpdated, table.rowsDeleted) = (
                1_000_000, inserted, 0, 0
            )
            snapshot.tables = [table]
            snapshot.statements = [
                StatementStats(id: "7", text: "SELECT …", calls: 1_000, totalTimeMs: 100_000, rows: 1)
            ]
            snapshot.plans[0].statementFingerprint = snapshot.statements[0].findingKey
            snapshot.plans[0].callsPerDay = callsPerDay
            snapshot.plans[0].indexValidations = [
                IndexValidation(
                    createSQL: fix, hypotheticalName: "<1>", costBefore: 20_000, costAfter: 2_000, isUsed: true)
            ]
            return try #require(PlanBuilder.findings(rule, snapshot).first)
        }
        // 100 ms a call × 100 calls a day × 90 % saved = 9 s of reads a day; 10,000 inserts a day cost 50 ms.
        let pays = try finding(inserted: 100_000, callsPerDay: 100)
        #expect(pays.evidence.first { $0.name == "index entries to write per day" }?.value == 10_000)
        #expect(pays.evidence.first { $0.name == "estimated index size" }?.value == 1_000_000 * 32 / 0.9)
        #expect(pays.risk.contains("It saves ~9,000 ms of reads a day."), "\(pays.risk)")
        #expect(pays.severity == .critical)
        // A table written 100 million times a day against a statement run once a day: the writes win.
        let costs = try finding(inserted: 1_000_000_000, callsPerDay: 1)
        #expect(costs.risk.contains("this index does not pay for itself"), "\(costs.risk)")
        #expect(costs.severity == .low)
    }

    @Test func mysqlTreeFilterAboveTheTableScan() throws {
        let table = PlanBuilder.node(
            "Table scan", operation: .seqScan, relation: "orders", estimated: 995_400, actual: 1_000_000, timeMs: 371)
        let filter = PlanBuilder.node(
            "Filter", operation: .filter, estimated: 33_177, actual: 1_187, timeMs: 412,
            filter: "((orders.status = 'shipped') and (orders.created_at > TIMESTAMP'2024-01-01 00:00:00'))",
            children: [table])
        let snapshot = PlanBuilder.snapshot(filter, engine: .mysql, format: .mysqlTree)
        let finding = try #require(PlanBuilder.findings(rule, snapshot).first)
        #expect(finding.object.name == "Table scan on orders")
        #expect(finding.fixSQL == "ALTER TABLE orders ADD INDEX idx_orders_status_created_at (status, created_at);")
    }

    @Test func mysqlEstimatesAndTheNoUsableKeyHandOff() {
        let withKeys = PlanBuilder.mysqlTable(
            "orders", possibleKeys: ["idx_orders_status"], examined: 995_400, filtered: 1,
            condition: "(`shop`.`orders`.`status` = 'shipped')")
        let findings = PlanBuilder.findings(rule, PlanBuilder.snapshot(withKeys, engine: .mysql))
        #expect(findings.map(\.object.name) == ["Table scan on orders"])
        #expect(findings.first?.impact.confidence == .low)
        let withoutKeys = PlanBuilder.mysqlTable(
            "orders", examined: 995_400, filtered: 1, condition: "(`shop`.`orders`.`status` = 'shipped')")
        let snapshot = PlanBuilder.snapshot(withoutKeys, engine: .mysql)
        #expect(PlanBuilder.findings(rule, snapshot).isEmpty)
        #expect(PlanBuilder.findings(NoUsableKeyRule(), snapshot).map(\.object.name) == ["Table scan on orders"])
    }

    @Test func severityFollowsTheShareOfTime() throws {
        let small = scan(removed: 99_000, timeMs: 20)
        let root = PlanBuilder.node("Sort", estimated: 1_000, actual: 1_000, timeMs: 100, children: [small])
        let finding = try #require(PlanBuilder.findings(rule, PlanBuilder.snapshot(root)).first)
        #expect(finding.severity == .low)
        var options = SeqScanFilterRule.Options()
        options.minShare = 0.3
        #expect(PlanBuilder.findings(SeqScanFilterRule(options: options), PlanBuilder.snapshot(root)).isEmpty)
    }
}
