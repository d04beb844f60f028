import AdvisorCore
import AdvisorQueries

/// The counters of every (non-template) database on the server (`Queries/postgres/pg_databases.sql`).
enum DatabasesCollector: PostgresCollector {
    static let name = "databases"

    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws {
        snapshot.databases = try parse(rows: session.rows(.pgDatabases))
        snapshot.facets.insert(.databases)
    }

    static func parse(rows: [LibPQSession.Row]) throws(UnexpectedRowError) -> [DatabaseStats] {
        try PostgresRowReader.readers(of: rows, query: .pgDatabases).map { (row) throws(UnexpectedRowError) in
            var database = DatabaseStats(name: try row.text("database_name"))
            database.sizeBytes = try row.optionalInteger("size_bytes")
            database.blocksHit = try row.optionalInteger("blocks_hit")
            database.blocksRead = try row.optionalInteger("blocks_read")
            database.tempFiles = try row.optionalInteger("temp_files")
            database.tempBytes = try row.optionalInteger("temp_bytes")
            database.deadlocks = try row.optionalInteger("deadlocks")
            database.commits = try row.optionalInteger("commits")
            database.rollbacks = try row.optionalInteger("rollbacks")
            database.statsResetAt = try row.optionalDate("stats_reset_epoch")
            return database
        }
    }
}
