import AdvisorCore
import Foundation
import TestSupport
import Testing

@testable import AdvisorReport

/// A small hand-built scan (statements, database counters, a monitoring gap) through every format,
/// compared byte for byte with `Snapshots/`. Only the statement and database rules run.
struct ScanReportGoldenTests {
    private static let collectedAt = Date(timeIntervalSince1970: 1_767_225_600)

    private static func statement(
        _ id: String, _ text: String, calls: Int, totalTimeMs: Double, rows: Int,
        _ configure: (inout StatementStats) -> Void = { _ in }
    ) -> StatementStats {
        var statement = StatementStats(
            id: id, text: text, database: "shop", user: "app", calls: calls, totalTimeMs: totalTimeMs, rows: rows)
        configure(&statement)
        return statement
    }

    /// The hand-built scan, also what the other format tests render.
    static func snapshot() -> Snapshot {
        var statements = [
            statement(
                "-8744932113457845254",
                """
                SELECT o.id, o.total, o.created_at
                  FROM orders o
                 WHERE o.status = $1 AND o.created_at > $2
                 ORDER BY o.created_at DESC
                """,
                calls: 14_400, totalTimeMs: 5_184_000, rows: 720_000
            ) { $0.maxTimeMs = 2_950 },
            statement(
                "3141592653589793238", "SELECT id, name, email FROM customers WHERE id = $1", calls: 2_400_000,
                totalTimeMs: 912_000, rows: 2_399_000),
            statement(
                "-271828182845904523", "SELECT id, customer_id, total FROM orders WHERE shop_id = $1 LIMIT $2",
                calls: 96_000, totalTimeMs: 288_000, rows: 2_400_000),
            statement(
                "1618033988749894848",
                "SELECT customer_id, sum(total) FROM orders GROUP BY customer_id ORDER BY 2 DESC", calls: 48,
                totalTimeMs: 624_000, rows: 4_800_000
            ) {
                $0.tempBlocksWritten = 48 * 12_800
                $0.tempBlocksRead = 48 * 12_800
            },
        ]
        for number in 1...9 {
            statements.append(
                statement(
                    "10\(number)", "UPDATE carts SET updated_at = now() WHERE id = $\(number)", calls: 1_000 * number,
                    totalTimeMs: 1_500 * Double(number), rows: 1_000 * number))
        }
        var database = DatabaseStats(name: "shop")
        database.blocksHit = 95_000_000
        database.blocksRead = 5_000_000
        database.tempFiles = 96
        database.tempBytes = 5_033_164_800
        var orders = TableStats(schema: "public", name: "orders")
        orders.blocksRead = 4_100_000
        return Snapshot(
            server: ServerInfo(
                engine: .postgres, version: "15.8", versionNumber: 150_008, target: "localhost:5432/shop as app",
                database: "shop", collectedAt: Self.collectedAt,
                statsResetAt: Self.collectedAt.addingTimeInterval(-86_400)),
            facets: [.statements, .databases, .tables, .settings],
            settings: ["shared_buffers": "128MB", "work_mem": "4MB"],
            notices: [
                Notice(
                    level: .warning,
                    message: "track_io_timing is off: statements and plans show no time spent reading and writing "
                        + "blocks",
                    remedy: "Turn on track_io_timing (no restart needed).", code: "track_io_timing_off",
                    fixSQL: "ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();")
            ],
            statements: statements,
            statementSource: StatementSource(
                name: "pg_stat_statements", capacity: 5_000, evictions: 0,
                resetAt: Self.collectedAt.addingTimeInterval(-86_400)),
            databases: [database], tables: [orders])
    }

    static func report() -> Report {
        let rules: [any Rule] = [
            DatabaseCacheHitRatioRule(), MonitoringGapRule(), StatementNPlusOneRule(), StatementTempSpillRule(),
            StatementTopTimeRule(), StatementTrackingEvictionsRule(),
        ]
        let snapshot = Self.snapshot()
        let outcome = RuleEngine(rules: rules).run(snapshot)
        return Report(
            command: "scan", source: "localhost:5432/shop as app", toolVersion: "0.0.0-test",
            generatedAt: Date(timeIntervalSince1970: 1_767_225_660), snapshot: snapshot, findings: outcome.findings,
            rules: outcome.ran, skippedRules: outcome.skipped)
    }

    @Test(arguments: OutputFormat.allCases)
    func scanWithStatements(format: OutputFormat) throws {
        assertGolden(
            try format.reporter.render(Self.report(), options: RenderOptions()),
            named: "scan_statements.\(format.rawValue)")
    }

    @Test func profileListsTheTopTenAndSumsTheRest() throws {
        let profile = try #require(StatementProfileLayout(Self.snapshot()))
        #expect(profile.rows.count == 11)
        #expect(profile.rows.first?.id == "-8744932113457845254")
        #expect(profile.rows.last?.rank == "")
        #expect(profile.rows.last?.text(maxLength: 80) == "… 3 other statements")
        #expect(profile.title.hasPrefix("Statement profile · top 10 of 13 statements by total time"))
        let text = try TextReporter.render(Self.report(), options: RenderOptions())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let profileLines = lines.drop { !$0.hasPrefix("Statement profile") }.prefix { !$0.isEmpty }
        #expect(profileLines.count == 13)
        #expect(profileLines.allSatisfy { $0.count <= 132 })
    }

    @Test func noProfileWithoutStatements() {
        var empty = Self.snapshot()
        empty.statements = []
        #expect(StatementProfileLayout(empty) == nil)
    }
}
