import AdvisorCore
import AdvisorQueries
import Foundation

/// How many checkpoints the server started by timeout and on request, since the statistics reset
/// (`Queries/postgres/pg_checkpoints*.sql`).
enum CheckpointsCollector: PostgresCollector {
    static let name = "checkpoints"

    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws {
        let query: QueryText = server.major >= 17 ? .pgCheckpointsV17 : .pgCheckpoints
        snapshot.checkpoints = try parse(
            rows: session.rows(query), query: query, collectedAt: snapshot.server.collectedAt,
            startedAt: snapshot.server.startedAt)
        snapshot.facets.insert(.checkpoints)
    }

    /// The counters over the time since they were reset, or since the server started when they never were.
    static func parse(
        rows: [LibPQSession.Row], query: QueryText, collectedAt: Date?, startedAt: Date?
    ) throws(UnexpectedRowError) -> CheckpointActivity {
        let row = try PostgresRowReader.single(of: rows, query: query)
        let since = try row.optionalDate("stats_reset_epoch") ?? startedAt
        let window = since.flatMap { start in collectedAt.map { max($0.timeIntervalSince(start), 0) } }
        return CheckpointActivity(
            source: query == .pgCheckpointsV17 ? "pg_stat_checkpointer" : "pg_stat_bgwriter",
            timed: try row.integer("checkpoints_timed"), requested: try row.integer("checkpoints_requested"),
            windowSeconds: window)
    }
}
