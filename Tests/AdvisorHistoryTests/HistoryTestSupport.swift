import AdvisorCore
import AdvisorHistory
import Foundation

/// Hand-built scans of one PostgreSQL server, a day apart, for the history tests.
enum HistoryScans {
    /// 2026-01-01T00:00:00Z.
    static let day0 = Date(timeIntervalSince1970: 1_767_225_600)
    static let started = day0.addingTimeInterval(-30 * 86_400)

    static func statement(_ id: String, calls: Int, totalTimeMs: Double, rows: Int) -> StatementStats {
        StatementStats(
            id: id, text: "SELECT * FROM t\(id) WHERE id = $1", database: "shop", user: "app", calls: calls,
            totalTimeMs: totalTimeMs, rows: rows)
    }

    /// A scan taken `day` days after day 0, counters since `resetAt` (default: the server's start).
    static func scan(
        day: Double, statements: [StatementStats], startedAt: Date = started, resetAt: Date? = started,
        evictions: Int? = 0
    ) -> Snapshot {
        Snapshot(
            server: ServerInfo(
                engine: .postgres, target: "db:5432/shop as app", database: "shop",
                collectedAt: day0.addingTimeInterval(day * 86_400), startedAt: startedAt, statsResetAt: started),
            facets: [.statements, .settings],
            statements: statements,
            statementSource: StatementSource(
                name: "pg_stat_statements", capacity: 5_000, evictions: evictions, resetAt: resetAt))
    }

    /// A previous run as the store would return it for `snapshot`.
    static func recorded(_ snapshot: Snapshot, findings: [RecordedFinding] = []) -> RecordedRun {
        RecordedRun(
            id: 1, target: "shop", engine: snapshot.server.engine, serverTarget: snapshot.server.target,
            collectedAt: snapshot.server.collectedAt ?? day0, startedAt: snapshot.server.startedAt,
            statsResetAt: snapshot.server.statsResetAt, statementsResetAt: snapshot.statementSource?.resetAt,
            statementEvictions: snapshot.statementSource?.evictions,
            statements: StatementDeltas(current: snapshot, previous: nil).counters, findings: findings)
    }

    /// A store in a new temporary folder.
    static func temporaryStorePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-history-\(UUID())")
            .appendingPathComponent("history.sqlite").path
    }
}
