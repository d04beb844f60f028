import AdvisorCore
import AdvisorQueries

/// The counters of every (non-template) database on the server (`Queries/postgres/pg_databases.sql`).
enum DatabasesCollector: PostgresCollector {
    static let name = "databases"

    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws {
        let query: QueryText = server.major >= 14 ? .pgDatabasesV14 : .pgDatabases
        snapshot.databases = try parse(rows: session.rows(query), query: query)
        snapshot.facets.insert(.databases)
        if let activity = sessionActivity(snapshot) {
            snapshot.sessionActivity = activity
            snapshot.facets.insert(.sessions)
        }
    }

    /// The scanned database's sessions (PostgreSQL 14 and later), over the time since its statistics reset, or
    /// since the server started when they never were.
    static func sessionActivity(_ snapshot: Snapshot) -> SessionActivity? {
        guard let database = snapshot.databases.first(where: { $0.name == snapshot.server.database }),
            let sessions = database.sessions
        else { return nil }
        let since = database.statsResetAt ?? snapshot.server.startedAt
        let window = since.flatMap { start in snapshot.server.collectedAt.map { max($0.timeIntervalSince(start), 0) } }
        return SessionActivity(
            source: "pg_stat_database", sessions: sessions, timedSessions: sessions,
            totalSessionSeconds: database.sessionTimeMs.map { $0 / 1_000 }, windowSeconds: window)
    }

    static func parse(rows: [LibPQSession.Row], query: QueryText = .pgDatabases) throws(UnexpectedRowError)
        -> [DatabaseStats]
    {
        try PostgresRowReader.readers(of: rows, query: query).map { (row) throws(UnexpectedRowError) in
            var database = DatabaseStats(name: try row.text("database_name"))
            database.sizeBytes = try row.optionalInteger("size_bytes")
            database.blocksHit = try row.optionalInteger("blocks_hit")
            database.blocksRead = try row.optionalInteger("blocks_read")
            database.tempFiles = try row.optionalInteger("temp_files")
            database.tempBytes = try row.optionalInteger("temp_bytes")
            database.deadlocks = try row.optionalInteger("deadlocks")
            database.commits = try row.optionalInteger("commits")
            database.rollbacks = try row.optionalInteger("rollbacks")
            if query == .pgDatabasesV14 {
                database.sessions = try row.optionalInteger("sessions")
                database.sessionTimeMs = try row.optionalNumber("session_time_ms")
            }
            database.statsResetAt = try row.optionalDate("stats_reset_epoch")
            return database
        }
    }
}
