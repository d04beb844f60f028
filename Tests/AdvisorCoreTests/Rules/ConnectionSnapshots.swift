import AdvisorCore

/// Hand-built server snapshots for the connection rules' tests.
enum ConnectionSnapshots {
    static func snapshot(
        engine: Engine = .postgres, maxConnections: Int = 100, reserved: Int = 3,
        sessions: [ConnectionState.Session], pools: [PoolerState.Pool]? = nil
    ) -> Snapshot {
        Snapshot(
            server: ServerInfo(engine: engine), facets: [.connections],
            connections: ConnectionState(
                maxConnections: maxConnections, reservedConnections: reserved, sessions: sessions,
                pooler: pools.map { PoolerState(kind: "pgbouncer", pools: $0) }))
    }

    static func session(
        _ id: Int, _ state: String, seconds: Double = 0.01, user: String = "app", application: String = "shop-web",
        wait: String? = nil, blockedBy: [Int] = [], query: String = "SELECT 1"
    ) -> ConnectionState.Session {
        var session = ConnectionState.Session(id: id, state: state, blockedBy: blockedBy)
        session.user = user
        session.database = "shop"
        session.application = application
        session.stateSeconds = seconds
        session.querySeconds = seconds
        session.transactionSeconds = state == "idle" ? nil : seconds
        session.waitEventType = wait
        session.query = query
        return session
    }

    static func sessions(
        _ count: Int, _ state: String, from firstId: Int, seconds: Double = 1, wait: String? = nil
    ) -> [ConnectionState.Session] {
        (0..<count).map { session(firstId + $0, state, seconds: seconds, wait: wait) }
    }

    static func pool(waiting: Int, maxWaitSeconds: Double, size: Int? = 2, serversActive: Int = 2)
        -> PoolerState.Pool
    {
        var pool = PoolerState.Pool(
            database: "shop", user: "app", clientsActive: serversActive, clientsWaiting: waiting,
            serversActive: serversActive, maxWaitSeconds: maxWaitSeconds)
        pool.size = size
        return pool
    }

    static func findings(_ rule: some Rule, _ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [rule]).run(snapshot).findings
    }
}
