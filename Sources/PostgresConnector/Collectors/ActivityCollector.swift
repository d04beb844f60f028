import AdvisorCore
import AdvisorQueries

/// The server's client sessions (`pg_stat_activity`) and connection limits: `Snapshot.connections` and
/// the `connections` facet.
///
/// Both queries are read before anything is stored, so a snapshot either has the whole picture or none
/// of it (and then a notice). A role without `pg_monitor` sees other roles' sessions without their
/// text or state: the sessions are kept (they hold connection slots), the placeholder text is dropped,
/// and a notice says how to see them in full.
enum ActivityCollector: PostgresCollector {
    static let name = "connections"

    /// What `pg_stat_activity` shows instead of another role's statement to a role without privilege.
    static let hiddenQueryText = "<insufficient privilege>"

    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws {
        let limits = try session.rows(.pgConnectionLimits)
        let activity = try session.rows(.pgActivity)
        try add(limits: limits, activity: activity, to: &snapshot)
    }

    /// Stores rows of `pg_connection_limits` and `pg_activity` in the snapshot; apart from the queries
    /// so recorded rows can be checked without a server.
    static func add(
        limits: [LibPQSession.Row], activity: [LibPQSession.Row], to snapshot: inout Snapshot
    ) throws(UnexpectedRowError) {
        let limitRow = try PostgresRowReader.single(of: limits, query: .pgConnectionLimits)
        // PostgreSQL 16 added reserved_connections (for pg_use_reserved_connections) beside the
        // superuser's slots; ordinary roles can use neither.
        let reserved =
            try limitRow.integer("superuser_reserved_connections")
            + (limitRow.optionalInteger("reserved_connections") ?? 0)
        let readers = PostgresRowReader.readers(of: activity, query: .pgActivity)
        var sessions: [ConnectionState.Session] = []
        var hidden = 0
        for row in readers {
            sessions.append(try session(row))
            if try row.optionalText("query") == hiddenQueryText { hidden += 1 }
        }
        snapshot.connections = ConnectionState(
            maxConnections: try limitRow.integer("max_connections"), reservedConnections: reserved,
            sessions: sessions, pooler: snapshot.connections?.pooler)
        snapshot.facets.insert(.connections)
        if let timeout = try limitRow.optionalText("idle_in_transaction_session_timeout"),
            snapshot.settings["idle_in_transaction_session_timeout"] == nil
        {
            snapshot.settings["idle_in_transaction_session_timeout"] = timeout
        }
        if hidden > 0 {
            snapshot.notices.append(hiddenSessionsNotice(count: hidden, login: try limitRow.optionalText("login")))
        }
    }

    // MARK: - Private helpers

    private static func session(_ row: PostgresRowReader) throws(UnexpectedRowError) -> ConnectionState.Session {
        var blockedBy: [Int] = []
        for pid in (try row.optionalText("blocked_by") ?? "").split(separator: ",") {
            guard let id = Int(pid) else { throw row.error("blocked_by", "expected process ids, found \"\(pid)\"") }
            blockedBy.append(id)
        }
        var session = ConnectionState.Session(
            id: try row.integer("pid"), state: try row.optionalText("state"), blockedBy: blockedBy)
        session.user = try row.optionalText("user_name")
        session.database = try row.optionalText("database_name")
        session.application = try row.optionalText("application_name").flatMap { $0.isEmpty ? nil : $0 }
        session.client = try row.optionalText("client")
        session.waitEventType = try row.optionalText("wait_event_type")
        session.waitEvent = try row.optionalText("wait_event")
        session.connectedSeconds = try row.optionalNumber("connected_seconds")
        session.transactionSeconds = try row.optionalNumber("transaction_seconds")
        session.querySeconds = try row.optionalNumber("query_seconds")
        session.stateSeconds = try row.optionalNumber("state_seconds")
        session.query = try row.optionalText("query").flatMap { $0 == hiddenQueryText || $0.isEmpty ? nil : $0 }
        return session
    }

    private static func hiddenSessionsNotice(count: Int, login: String?) -> Notice {
        let role = login ?? "the scanning role"
        return Notice(
            level: .warning,
            message: "\(count) session\(count == 1 ? "" : "s") of other roles showed no state or statement: "
                + "\(role) may not read other roles' activity, so idle transactions, long statements and lock "
                + "waits among them go unseen.",
            remedy: "Grant pg_monitor (or pg_read_all_stats) to \(role).",
            code: "pg_stat_activity_restricted",
            fixSQL: login.map { "GRANT pg_monitor TO \($0);" })
    }
}
