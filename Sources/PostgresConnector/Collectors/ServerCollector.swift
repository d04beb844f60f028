import AdvisorCore
import AdvisorQueries
import Foundation

/// The server's version and clock, the scanned database, and since when its counters count
/// (`Queries/postgres/pg_server.sql`).
///
/// `collectedAt` is the server's `now()`, not the local clock, so counter windows are measured on one clock.
enum ServerCollector: PostgresCollector {
    static let name = "server"

    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws {
        let target = snapshot.server.target
        snapshot.server = try parse(rows: session.rows(.pgServer))
        snapshot.server.target = target
    }

    /// The server described by the single row of `pg_server`; `target` is left to the scanner.
    static func parse(rows: [LibPQSession.Row]) throws(UnexpectedRowError) -> ServerInfo {
        let row = try PostgresRowReader.single(of: rows, query: .pgServer)
        return ServerInfo(
            engine: .postgres, version: try row.text("version"),
            versionNumber: try row.integer("server_version_num"), database: try row.text("database_name"),
            collectedAt: try row.optionalDate("collected_at_epoch"),
            startedAt: try row.optionalDate("started_at_epoch"),
            statsResetAt: try row.optionalDate("stats_reset_epoch"))
    }
}
