/// Small server snapshots the connection rules' examples are built from.
enum ConnectionRuleExamples {
    /// A PostgreSQL snapshot with the given sessions (and pooler) on a server of `maxConnections`.
    static func snapshot(
        maxConnections: Int = 100, reserved: Int = 3, sessions: [ConnectionState.Session],
        pooler: PoolerState? = nil
    ) -> Snapshot {
        Snapshot(
            server: ServerInfo(engine: .postgres, versionNumber: 150_008),
            facets: [.connections],
            connections: ConnectionState(
                maxConnections: maxConnections, reservedConnections: reserved, sessions: sessions, pooler: pooler))
    }

    /// A session of the `shop-web` application as `app` on `shop`.
    static func session(
        _ id: Int, _ state: String, seconds: Double = 0.01, transactionSeconds: Double? = nil, query: String? = nil,
        wait: (type: String, event: String)? = nil, blockedBy: [Int] = [], application: String = "shop-web"
    ) -> ConnectionState.Session {
        var session = ConnectionState.Session(id: id, state: state, blockedBy: blockedBy)
        session.user = "app"
        session.database = "shop"
        session.application = application
        session.stateSeconds = seconds
        session.querySeconds = seconds
        session.transactionSeconds = transactionSeconds ?? (state == "idle" ? nil : seconds)
        session.connectedSeconds = 3_600
        session.waitEventType = wait?.type
        session.waitEvent = wait?.event
        session.query = query ?? "SELECT id, status FROM orders WHERE id = $1"
        return session
    }

    /// `count` idle sessions from id `firstId` on: what a healthy application pool leaves connected.
    static func idleSessions(_ count: Int, from firstId: Int = 100) -> [ConnectionState.Session] {
        (0..<count).map { session(firstId + $0, "idle", seconds: 2) }
    }
}
