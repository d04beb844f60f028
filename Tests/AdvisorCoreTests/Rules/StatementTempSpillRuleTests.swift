import Foundation
import Testing

@testable import AdvisorCore

struct StatementTempSpillRuleTests {
    typealias E = StatementRuleExamples

    private func findings(_ snapshot: Snapshot, _ rule: StatementTempSpillRule = StatementTempSpillRule()) -> [Finding]
    {
        RuleEngine(rules: [rule]).run(snapshot).findings
    }

    /// A report writing `blocksPerCall` temp blocks on each of its 1,200 calls, 30 minutes a day in all.
    private func report(blocksPerCall: Int) -> StatementStats {
        E.statement(
            "1", "SELECT customer_id, sum(total) FROM orders GROUP BY customer_id ORDER BY 2 DESC", calls: 1_200,
            totalTimeMs: 1_800_000, rows: 1_200_000
        ) {
            $0.tempBlocksWritten = 1_200 * blocksPerCall
            $0.tempBlocksRead = 1_200 * blocksPerCall
        }
    }

    @Test func workMemSizedFromTheSpillPerCall() throws {
        var database = DatabaseStats(name: "shop")
        database.tempFiles = 2_400
        database.tempBytes = 25_769_803_776
        let snapshot = E.snapshot(
            statements: [report(blocksPerCall: 2_560)], databases: [database], settings: ["work_mem": "4MB"])
        let finding = try #require(findings(snapshot).first)
        // 2,560 blocks × 8 kB = 20 MB per call; × 2.5 = 50 MB → 64MB.
        #expect(finding.evidence("temp written per call") == 20_480)
        #expect(finding.evidence("proposed work_mem") == 65_536)
        #expect(finding.evidence("work_mem") == 4_096)
        #expect(finding.evidence("share of all temp blocks written") == 100)
        #expect(finding.evidence("database temp files") == 2_400)
        #expect(finding.fixSQL == "SET LOCAL work_mem = '64MB';")
        #expect(finding.recommendation.contains("ALTER ROLE app SET work_mem = '64MB'"))
        #expect(finding.message.contains("20.0 MB per call on average (work_mem is 4MB)"))
        #expect(finding.message.contains("Database shop wrote 2,400 temporary files (24.0 GB)"))
        #expect(finding.impact.score == 1_800_000 * 0.3)
        #expect(finding.impact.confidence == .low)
        #expect(finding.severity == .medium)
    }

    @Test func anAverageBelowTheCurrentSettingSuggestsTwiceIt() throws {
        // 16 blocks (128 kB) per call on average: the calls that spill write more than 64MB of work_mem holds.
        let snapshot = E.snapshot(statements: [report(blocksPerCall: 16)], settings: ["work_mem": "65536"])
        let finding = try #require(findings(snapshot).first)
        #expect(finding.fixSQL == "SET LOCAL work_mem = '128MB';")
    }

    @Test func aHugeSpillAsksForFewerRows() throws {
        // 100,000 blocks per call: about 1.9 GB of work_mem.
        let finding = try #require(findings(E.snapshot(statements: [report(blocksPerCall: 100_000)])).first)
        #expect(finding.fixSQL == nil)
        #expect(finding.recommendation.hasPrefix("Sort or hash fewer rows"))
    }

    @Test func quotedRoleNames() throws {
        var statement = report(blocksPerCall: 2_560)
        statement.user = "Reporting"
        let finding = try #require(findings(E.snapshot(statements: [statement])).first)
        #expect(finding.recommendation.contains("ALTER ROLE \"Reporting\" SET"))
    }

    @Test func cheapOrSmallSpillsAreSilent() {
        var cheap = report(blocksPerCall: 2_560)
        cheap.totalTimeMs = 30_000
        #expect(findings(E.snapshot(statements: [cheap])).isEmpty)
        // 4 blocks (32 kB) per call on average.
        #expect(findings(E.snapshot(statements: [report(blocksPerCall: 4)])).isEmpty)
    }

    @Test func mysqlDiskTemporaryTablesAndMergePasses() throws {
        let digest = E.statement(
            "0xA1", "SELECT `status` , COUNT ( * ) FROM `orders` GROUP BY `status` ORDER BY `total`", calls: 5_000,
            totalTimeMs: 900_000, rows: 25_000
        ) {
            $0.tempTables = 5_000
            $0.tempDiskTables = 2_500
            $0.sortMergePasses = 500
        }
        let snapshot = E.snapshot(engine: .mysql, statements: [digest], settings: ["tmp_table_size": "33554432"])
        let finding = try #require(findings(snapshot).first)
        #expect(finding.evidence("share of calls spilling") == 50)
        #expect(finding.evidence("share of temporary tables on disk") == 50)
        #expect(
            finding.fixSQL == """
                SET SESSION tmp_table_size = 134217728;
                SET SESSION max_heap_table_size = 134217728;
                SET SESSION sort_buffer_size = 2097152;
                """)
        #expect(finding.impact.score == 900_000 * 0.3 * 0.5)
        #expect(finding.message.hasPrefix("It created 2,500 temporary tables on disk and needed 500 sort merge passes"))
    }
}

extension StatementTempSpillRuleTests {
    @Test func oneOffSpillsGetNoWorkMemAdviceNorARate() {
        // ADD PRIMARY KEY sorts in maintenance_work_mem; the COPY and a report run twice are one-offs.
        let statements = [
            E.statement(
                "1", "alter table pgbench_accounts add primary key (aid)", calls: 1, totalTimeMs: 70_000, rows: 0),
            E.statement(
                "2", "CREATE INDEX orders_placed ON orders (placed_at)", calls: 60, totalTimeMs: 700_000, rows: 0),
            E.statement("3", "SELECT * FROM events ORDER BY at", calls: 2, totalTimeMs: 300_000, rows: 30_000),
        ].map { statement in
            var statement = statement
            statement.tempBlocksWritten = 50_000 * statement.calls
            return statement
        }
        #expect(findings(E.snapshot(days: 16.0 / 1_440, statements: statements)).isEmpty)
    }
}
