import AdvisorCore
import AdvisorQueries

/// The server's client connections (`mysql_processlist.sql`) with their open InnoDB transactions and
/// row-lock waits (`mysql_lock_waits.sql`; MySQL 8: `mysql_lock_waits_v8.sql`), and `max_connections`:
/// `Snapshot.connections` and the `connections` facet.
///
/// Mapping to `ConnectionState.Session`: `id` is the processlist id; `state` is "idle in transaction"
/// for a `Sleep` connection holding an InnoDB transaction, "idle" for another `Sleep`, "active"
/// otherwise; `stateSeconds` is the processlist TIME (seconds in the current command), also
/// `querySeconds` for an active one; `waitEvent` is the processlist STATE of an active connection,
/// with `waitEventType` "Lock" while its transaction waits for a row lock; `transactionSeconds` is the
/// age of its InnoDB transaction. MySQL reserves one connection beyond `max_connections` for an
/// administrator: `reservedConnections` is 0.
enum MySQLConnectionsCollector: MySQLCollector {
    static let name = "connections"

    static func collect(from session: MySQLSession, server: MySQLServer, into snapshot: inout Snapshot) throws {
        let processes = try session.rows(.mysqlProcesslist)
        let lockQuery = lockWaitsQuery(for: server)
        let waits = try session.rows(lockQuery)
        try add(processes: processes, lockWaits: waits, lockQuery: lockQuery, to: &snapshot)
    }

    static func lockWaitsQuery(for server: MySQLServer) -> QueryText {
        server.isMySQL8 ? .mysqlLockWaitsV8 : .mysqlLockWaits
    }

    /// Stores the rows of the processlist and lock-wait queries; apart from the queries so recorded rows
    /// can be checked without a server. `max_connections` comes from the settings already collected.
    static func add(
        processes: [MySQLSession.Row], lockWaits: [MySQLSession.Row], lockQuery: QueryText = .mysqlLockWaits,
        to snapshot: inout Snapshot
    ) throws(UnexpectedRowError) {
        guard let maxConnections = snapshot.settings["max_connections"].flatMap({ Int($0) }) else {
            throw UnexpectedRowError(
                query: QueryText.mysqlVariables.rawValue, column: "max_connections",
                reason: "max_connections was not read")
        }
        var blockers: [Int: [Int]] = [:]
        for row in MySQLRowReader.readers(of: lockWaits, query: lockQuery) {
            blockers[try row.integer("waiting_thread_id"), default: []].append(try row.integer("blocking_thread_id"))
        }
        var sessions: [ConnectionState.Session] = []
        for row in MySQLRowReader.readers(of: processes, query: .mysqlProcesslist) {
            sessions.append(try session(row, blockedBy: blockers))
        }
        snapshot.connections = ConnectionState(
            maxConnections: maxConnections, sessions: sessions, pooler: snapshot.connections?.pooler)
        snapshot.facets.insert(.connections)
    }

    // MARK: - Private helpers

    private static func session(
        _ row: MySQLRowReader, blockedBy blockers: [Int: [Int]]
    ) throws(UnexpectedRowError) -> ConnectionState.Session {
        let id = try row.integer("thread_id")
        let command = try row.optionalText("command") ?? ""
        let transactionSeconds = try row.optionalNumber("transaction_seconds")
        let state: String
        if command == "Sleep" {
            state = transactionSeconds == nil ? "idle" : "idle in transaction"
        } else {
            state = "active"
        }
        var session = ConnectionState.Session(id: id, state: state, blockedBy: blockers[id] ?? [])
        session.user = try row.optionalText("user_name")
        session.database = try row.optionalText("database_name")
        session.client = try row.optionalText("client_host")
        session.transactionSeconds = transactionSeconds
        session.stateSeconds = try row.optionalNumber("seconds_in_state")
        if state == "active" {
            session.querySeconds = session.stateSeconds
            session.waitEvent = try row.optionalText("state").flatMap { $0.isEmpty ? nil : $0 }
            if try row.optionalText("transaction_state") == "LOCK WAIT" { session.waitEventType = "Lock" }
        }
        session.query = try row.optionalText("query_text").flatMap { $0.isEmpty ? nil : $0 }
        return session
    }
}
