import Testing

@testable import AdvisorCore

struct TableSeqScanHeavyRuleTests {
    private typealias S = SchemaExamples
    private let rule = TableSeqScanHeavyRule()

    private func run(_ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [rule]).run(snapshot).findings
    }

    private func orders(rows: Double = 300_000, seqScans: Int = 36_000, indexScans: Int = 400) -> TableStats {
        S.table("orders", rows: rows, seqScans: seqScans, indexScans: indexScans)
    }

    private let byStatus = S.statement(
        "1", "SELECT * FROM orders WHERE status = $1 AND created_at > $2", calls: 36_000, totalTimeMs: 900_000)

    @Test func thresholdsFollowPgdoctor() throws {
        // 10,000 rows at 10:1 is medium; 50,000 rows at 50:1 is high; under either, nothing.
        #expect(
            try #require(run(S.snapshot(tables: [orders(rows: 20_000, seqScans: 2_000, indexScans: 100)])).first)
                .severity == .medium)
        #expect(
            try #require(run(S.snapshot(tables: [orders(rows: 60_000, seqScans: 5_000, indexScans: 100)])).first)
                .severity == .high)
        #expect(run(S.snapshot(tables: [orders(rows: 60_000, seqScans: 900, indexScans: 100)])).isEmpty)
        #expect(run(S.snapshot(tables: [orders(rows: 9_000, seqScans: 90_000, indexScans: 0)])).isEmpty)
    }

    @Test func scansMustReadAMaterialNumberOfRowsADay() {
        // 300 scans of 20,000 rows in 30 days: 200,000 rows a day, under the 1,000,000 floor.
        #expect(run(S.snapshot(tables: [orders(rows: 20_000, seqScans: 300, indexScans: 0)])).isEmpty)
    }

    @Test func partitionedParentsAreSkipped() {
        var parent = S.table("events", kind: .partitioned, rows: 240_000)
        parent.seqScans = 0
        #expect(run(S.snapshot(tables: [parent])).isEmpty)
    }

    @Test func theTopStatementsFilterGivesTheIndexAndTheServedShareTheTime() throws {
        let joined = S.statement(
            "2", "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = $1",
            calls: 100, totalTimeMs: 300_000)
        let other = S.statement("3", "SELECT * FROM orders WHERE created_at > $1", calls: 10, totalTimeMs: 60_000)
        let finding = try #require(
            run(S.snapshot(tables: [orders()], statements: [byStatus, joined, other])).first)
        #expect(
            finding.fixSQL
                == "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON public.orders (status, created_at);")
        #expect(finding.recommendation.contains("it also serves statement 2"))
        #expect(!finding.recommendation.contains("statement 3"))
        // (900,000 × 0.8 + 300,000 × 0.5) / 30 days; the join makes the estimate low confidence.
        #expect(abs(finding.impact.score - 29_000) < 0.001)
        #expect(finding.impact.confidence == .low)
    }

    /// A captured plan may be plain EXPLAIN, on which the plan rules cannot measure the scan: the table rule
    /// still suggests the index; other statements whose plans scan the table are pointed at the plan rules.
    @Test func statementsWithACapturedSeqScanStillGetTheirIndex() throws {
        var scan = PlanNode(nodeType: "Seq Scan")
        scan.relation = "orders"
        let plan = Plan(engine: .postgres, format: .postgresJSON, root: scan)
        let captured = CapturedPlan(label: "statement 1", statementFingerprint: "1", plan: plan)
        let finding = try #require(
            run(S.snapshot(tables: [orders()], statements: [byStatus], plans: [captured])).first)
        #expect(
            finding.fixSQL
                == "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON public.orders (status, created_at);")
        #expect(!finding.recommendation.contains("see plan-seq-scan-filter"))
        let other = S.statement("4", "SELECT * FROM orders WHERE customer_id = $1", calls: 9, totalTimeMs: 1_000)
        var otherScan = captured
        otherScan.statementFingerprint = "4"
        let both = try #require(
            run(S.snapshot(tables: [orders()], statements: [byStatus, other], plans: [captured, otherScan])).first)
        #expect(both.recommendation.contains("statement 4"))
        #expect(both.recommendation.contains("see plan-seq-scan-filter"))
    }

    @Test func anExistingIndexOnTheColumnsIsNotSuggestedAgain() throws {
        let snapshot = S.snapshot(
            tables: [orders()], indexes: [S.index("orders", "orders_status_created_at_idx", ["status", "created_at"])],
            statements: [byStatus])
        let finding = try #require(run(snapshot).first)
        #expect(finding.fixSQL == nil)
        #expect(finding.recommendation.contains("orders_status_created_at_idx already leads with"))
    }

    @Test func withoutStatementsTheTableIsStillReportedAndSaysWhy() throws {
        var snapshot = S.snapshot(tables: [orders()])
        let finding = try #require(run(snapshot).first)
        #expect(finding.fixSQL == nil)
        #expect(finding.recommendation.contains("no statement statistics were collected"))
        // 36,000 scans × 300,000 rows / 30 days × 0.0001 ms.
        #expect(abs(finding.impact.score - 36_000) < 0.001)
        snapshot.statements = [S.statement("9", "SELECT * FROM orders", calls: 36_000, totalTimeMs: 900_000)]
        let unfiltered = try #require(run(snapshot).first)
        #expect(unfiltered.recommendation.contains("without a filter on values, such as statement 9"))
    }

    @Test func mysqlGetsAnOnlineAlterTable() throws {
        let snapshot = S.snapshot(
            engine: .mysql,
            tables: [S.table("orders", schema: "shop", rows: 300_000, seqScans: 36_000, indexScans: 10)],
            statements: [
                S.statement("ab12", "SELECT * FROM `orders` WHERE `status` = ?", calls: 36_000, totalTimeMs: 900_000)
            ])
        let finding = try #require(run(snapshot).first)
        #expect(
            finding.fixSQL
                == "ALTER TABLE shop.orders ADD INDEX idx_orders_status (status), ALGORITHM=INPLACE, LOCK=NONE;")
    }
}

@Suite struct TableSeqScanHeavyReadRatioTests {
    /// A few full scans of a big table outweigh many key lookups: the scan counts alone (0.3:1) miss it.
    @Test func rowsReadDecideWhenScanCountsDoNot() throws {
        var orders = TableStats(schema: "public", name: "orders")
        orders.estimatedRows = 300_000
        orders.seqScans = 240
        orders.seqRowsRead = 72_000_000
        orders.indexScans = 852
        orders.indexRowsFetched = 8_052
        var snapshot = Snapshot(server: ServerInfo(engine: .postgres), facets: [.tables], tables: [orders])
        let findings = RuleEngine(rules: [TableSeqScanHeavyRule()]).run(snapshot).findings
        #expect(findings.map(\.object.name) == ["table public.orders"])
        #expect(findings.first?.severity == .high)
        #expect(findings.first?.message.contains("against 8,052 fetched through indexes") == true)
        // The same table mostly served by its indexes stays quiet.
        snapshot.tables[0].indexRowsFetched = 50_000_000
        #expect(RuleEngine(rules: [TableSeqScanHeavyRule()]).run(snapshot).findings.isEmpty)
    }
}
