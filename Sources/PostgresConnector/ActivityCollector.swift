import AdvisorCore
import AdvisorQueries

/// The server's client sessions (`pg_stat_activity`) and connection limits: `Snapshot.connections` and
/// the `connections` facet.
///
/// Both queries are read before anything is stored, so a snapshot either has the whole picture or none
/// of it (and then a notice). A role without `pg_monitor` sees other roles' sessions without their
/// text or state: the sessions are kept (they hold connection slots), the placeholder text is dropped,
/// and a notice says how to see them in full.
struct ActivityCollector: PostgresCollector {
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
    static func add(limits: [LibPQSession.Row], activity: [LibPQSession.Row], to snapshot: inout Snapshot) throws {
        guard let limitRow = limits.first.map(Fields.init), let maxConnections = limitRow.int("max_connections")
        else {
            throw ServerError(
                engine: .postgres, sqlState: nil, query: QueryText.pgConnectionLimits.rawValue,
                message: "max_connections was not returned")
        }
        // PostgreSQL 16 added reserved_connections (for pg_use_reserved_connections) beside the
        // superuser's slots; ordinary roles can use neither.
        let reserved =
            (limitRow.int("superuser_reserved_connections") ?? 0) + (limitRow.int("reserved_connections") ?? 0)
        let sessions = activity.map(Fields.init).compactMap(session)
        snapshot.connections = ConnectionState(
            maxConnections: maxConnections, reservedConnections: reserved, sessions: sessions,
            pooler: snapshot.connections?.pooler)
        snapshot.facets.insert(.connections)
        if let timeout = limitRow.text("idle_in_transaction_session_timeout"),
            snapshot.settings["idle_in_transaction_session_timeout"] == nil
        {
            snapshot.settings["idle_in_transaction_session_timeout"] = timeout
        }
        let hidden = activity.filter { Fields($0).text("query") == hiddenQueryText }.count
        if hidden > 0 {
            snapshot.notices.append(hiddenSessionsNotice(count: hidden, login: limitRow.text("login")))
        }
    }

    // MARK: - Private helpers

    private static func session(_ row: Fields) -> ConnectionState.Session? {
        guard let pid = row.int("pid") else { return nil }
        let blockedBy = (row.text("blocked_by") ?? "").split(separator: ",").compactMap { Int($0) }
        var session = ConnectionState.Session(id: pid, state: row.text("state"), blockedBy: blockedBy)
        session.user = row.text("user_name")
        session.database = row.text("database_name")
        session.application = row.text("application_name").flatMap { $0.isEmpty ? nil : $0 }
        session.client = row.text("client")
        session.waitEventType = row.text("wait_event_type")
        session.waitEvent = row.text("wait_event")
        session.connectedSeconds = row.double("connected_seconds")
        session.transactionSeconds = row.double("transaction_seconds")
        session.querySeconds = row.double("query_seconds")
        session.stateSeconds = row.double("state_seconds")
        session.query = row.text("query").flatMap { $0 == hiddenQueryText || $0.isEmpty ? nil : $0 }
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

/// Typed access to one result row; NULL and unparsable values are nil.
private struct Fields {
    let row: LibPQSession.Row

    init(_ row: LibPQSession.Row) {
        self.row = row
    }

    func text(_ column: String) -> String? { row[column] ?? nil }
    func int(_ column: String) -> Int? { text(column).flatMap { Int($0) } }
    func double(_ column: String) -> Double? { text(column).flatMap { Double($0) } }
}
