/// Reports a server whose connections run out, or a pooler whose clients queue, with a verdict on why:
/// the pool is too small, the server is overloaded, transactions are left idle, or connections are
/// held idle.
public struct ConnectionSaturationRule: Rule {
    public struct Options: RuleOptions {
        /// Severity by the share of usable connections in use (max_connections minus reserved); below
        /// `medium` the server side alone is not reported.
        public var usage = Levels(medium: 0.75, high: 0.9, critical: 0.97)
        /// A pool is saturated when clients wait and the oldest has waited at least this long.
        public var minClientWaitSeconds = 0.5
        /// Severity by the longest client wait in a saturated pool.
        public var clientWaitSeconds = Levels(medium: 1, high: 5, critical: 20)
        /// A session idle in its transaction for this long holds its connection for nothing; shorter, it is
        /// between two statements of a working transaction.
        public var minIdleTransactionSeconds = 5.0
        /// Verdict *idle transactions* when this share of the connections in use (near the limit), or of the
        /// busy server connections of the pools where clients wait, is held by idle transactions.
        public var idleTransactionShare = 0.25
        /// Verdict *server overloaded* when this share of the connections in use runs statements (near the
        /// limit), or this share of the running statements waits on locks or I/O (clients queueing).
        public var busyShare = 0.5

        public init() {}
    }

    public static let description = RuleDescription(
        id: "connection-saturation",
        title: "Connections saturated",
        category: .connections,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.connections],
        summary: "Connections near the server's limit or clients queueing in the pooler, with a verdict on why.",
        rationale: """
            When every usable connection is taken, new clients are refused; when a pooler's pool is full, \
            clients queue and requests slow down or time out. The cause decides the cure, so the finding \
            gives a verdict:

            - **pool too small**: clients wait in the pooler while its server connections are all busy and \
            the database has connections and capacity to spare. Raise the pool size (PgBouncer's \
            `default_pool_size`, or `pool_size` for the database) to the number the finding names.
            - **server overloaded**: most connections are running statements, many waiting on locks or I/O, \
            near the connection limit. More connections would make it worse (more contention for the same \
            CPU, disks and locks); fix the slow statements and lock waits, and cap concurrency with a \
            smaller pool.
            - **idle transactions**: connections are held by sessions idle in a transaction, doing nothing \
            while keeping their slot (and their locks). Fix the application and set a server-side timeout \
            for idle transactions.
            - **connections held idle**: most connections are idle sessions of client-side pools. Put a \
            transaction-mode pooler in front of the server or shrink the applications' pools.

            Severity follows how close the server is to its limit and how long clients wait. \
            **Validate:** the next scan shows usage below the threshold and no clients waiting.
            """,
        examples: [
            RuleExample(
                "clients queue in PgBouncer while the server idles",
                snapshot: ConnectionRuleExamples.snapshot(
                    sessions: ConnectionRuleExamples.idleSessions(3) + [
                        ConnectionRuleExamples.session(
                            201, "active", seconds: 1.5, query: "SELECT pg_sleep(2)", wait: ("Timeout", "PgSleep")),
                        ConnectionRuleExamples.session(
                            202, "active", seconds: 1.5, query: "SELECT pg_sleep(2)", wait: ("Timeout", "PgSleep")),
                    ],
                    pooler: {
                        var pooler = PoolerState(kind: "pgbouncer", version: "1.18.0")
                        var pool = PoolerState.Pool(
                            database: "shop", user: "app", clientsActive: 2, clientsWaiting: 8, serversActive: 2,
                            maxWaitSeconds: 1.4)
                        pool.size = 2
                        pool.mode = "transaction"
                        pooler.pools = [pool]
                        return pooler
                    }()),
                expecting: ["connections"]),
            RuleExample(
                "a quiet server",
                snapshot: ConnectionRuleExamples.snapshot(
                    sessions: ConnectionRuleExamples.idleSessions(10) + [
                        ConnectionRuleExamples.session(120, "active", seconds: 0.02)
                    ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        guard let connections = context.snapshot.connections else { return [] }
        let load = Load(connections, options: options)
        let serverSaturated = load.usable > 0 && load.usage >= options.usage.medium
        guard serverSaturated || !load.waitingPools.isEmpty else { return [] }
        let verdict = verdict(load, serverSaturated: serverSaturated)
        var severity = Severity.low
        if serverSaturated { severity = max(severity, options.usage.severity(for: load.usage)) }
        if let longestWait = load.waitingPools.map(\.maxWaitSeconds).max() {
            severity = max(severity, options.clientWaitSeconds.severity(for: longestWait))
        }
        return [finding(load, verdict: verdict, severity: severity, engine: context.snapshot.server.engine)]
    }

    private func verdict(_ load: Load, serverSaturated: Bool) -> Verdict {
        let inUse = Double(load.inUse)
        if serverSaturated {
            if load.idleInTransaction > 0, Double(load.idleInTransaction) >= options.idleTransactionShare * inUse {
                return .idleTransactions
            }
            return Double(load.active) >= options.busyShare * inUse ? .serverOverloaded : .idleConnections
        }
        // Clients queue in the pooler: what matters is what holds the pools' own server connections.
        let poolServers = Double(max(load.waitingPools.map(\.serversActive).reduce(0, +), 1))
        if load.idleInTransactionInWaitingPools > 0,
            Double(load.idleInTransactionInWaitingPools) >= options.idleTransactionShare * poolServers
        {
            return .idleTransactions
        }
        if load.active > 0, Double(load.activeWaitingOnLocksOrIO) >= options.busyShare * Double(load.active) {
            return .serverOverloaded
        }
        return .poolTooSmall
    }

    private func finding(_ load: Load, verdict: Verdict, severity: Severity, engine: Engine) -> Finding {
        var evidence = [
            Evidence("connections in use", Double(load.inUse), "count"),
            Evidence("usable connections", Double(load.usable), "count"),
            Evidence("share of usable connections in use", load.usage * 100, "percent"),
            Evidence("sessions running statements", Double(load.active), "count"),
            Evidence("running statements waiting on locks or I/O", Double(load.activeWaitingOnLocksOrIO), "count"),
            Evidence("sessions holding a connection idle in transaction", Double(load.idleInTransaction), "count"),
        ]
        for pool in load.waitingPools {
            let name = "\(pool.database)/\(pool.user)"
            evidence.append(Evidence("clients waiting in pool \(name)", Double(pool.clientsWaiting), "count"))
            evidence.append(Evidence("longest client wait in pool \(name)", pool.maxWaitSeconds * 1_000, "ms"))
            if let size = pool.size { evidence.append(Evidence("pool size of \(name)", Double(size), "count")) }
        }
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: FindingObject(kind: .connections, name: "connections", key: "connections"),
            message: Self.message(load, verdict: verdict),
            evidence: evidence,
            impact: Impact(
                score: Impact.riskScore(severity), confidence: verdict == .poolTooSmall ? .high : .medium,
                summary: Self.summary(load)),
            recommendation: Self.recommendation(load, verdict: verdict),
            fixSQL: verdict == .idleTransactions
                ? SessionText.idleTransactionTimeout(seconds: 300, user: nil, database: nil, engine: engine) : nil,
            risk: Self.risk(verdict),
            validation: "Scan again under the same load: connections in use stay below "
                + "\(Formatting.percent(fraction: options.usage.medium)) of the usable ones and no clients wait in "
                + "the pooler.")
    }

    fileprivate enum Verdict {
        case poolTooSmall, serverOverloaded, idleTransactions, idleConnections
    }
}

/// The numbers the verdict is drawn from.
private struct Load {
    let inUse: Int
    let usable: Int
    let active: Int
    let activeWaitingOnLocksOrIO: Int
    /// Sessions idle in a transaction long enough to count as holding their connection.
    let idleInTransaction: Int
    /// Those of them that belong to a pool where clients wait (same database and user).
    let idleInTransactionInWaitingPools: Int
    /// Pools with clients that have waited at least the minimum, longest wait first.
    let waitingPools: [PoolerState.Pool]
    let poolerKind: String?

    init(_ connections: ConnectionState, options: ConnectionSaturationRule.Options) {
        let sessions = connections.sessions
        inUse = sessions.count
        usable = connections.usableConnections
        active = sessions.filter(\.isActive).count
        activeWaitingOnLocksOrIO = sessions.filter { $0.isActive && $0.isWaitingOnLockOrIO }.count
        let holding = sessions.filter { session in
            session.isIdleInTransaction && (session.idleInTransactionSeconds ?? 0) >= options.minIdleTransactionSeconds
        }
        idleInTransaction = holding.count
        let pools = (connections.pooler?.pools ?? [])
            .filter { $0.clientsWaiting > 0 && $0.maxWaitSeconds >= options.minClientWaitSeconds }
            .sorted { $0.maxWaitSeconds > $1.maxWaitSeconds }
        waitingPools = pools
        idleInTransactionInWaitingPools =
            holding.filter { session in
                pools.contains { $0.database == session.database && $0.user == session.user }
            }.count
        poolerKind = connections.pooler?.kind
    }

    var usage: Double { usable > 0 ? Double(inUse) / Double(usable) : 0 }

    /// Connections the server can still give (never negative).
    var headroom: Int { max(usable - inUse, 0) }

    /// PgBouncer by name, other poolers generically.
    var poolerName: String { poolerKind == "pgbouncer" ? "PgBouncer" : "the pooler" }

    /// The size that lets the pool's waiting clients in, within what the server can still give.
    func suggestedSize(for pool: PoolerState.Pool) -> Int? {
        guard let size = pool.size else { return nil }
        return size + max(min(pool.clientsWaiting, headroom), 1)
    }
}

// MARK: - Messages

extension ConnectionSaturationRule {
    fileprivate static func message(_ load: Load, verdict: Verdict) -> String {
        let server =
            "the server uses \(load.inUse) of \(load.usable) usable connections "
            + "(\(Formatting.percent(fraction: load.usage))), \(load.active) running statements"
        let pools = load.waitingPools.map { pool in
            "\(pool.clientsWaiting) client\(pool.clientsWaiting == 1 ? "" : "s") wait in pool "
                + "\(pool.database)/\(pool.user) (the oldest for \(SessionText.age(pool.maxWaitSeconds))) for "
                + "\(pool.serversActive) busy of \(pool.size.map(String.init) ?? "?") server connections"
        }
        let poolText = pools.isEmpty ? "" : "; in \(load.poolerName), " + pools.joined(separator: "; ")
        switch verdict {
        case .poolTooSmall:
            return "Pool too small: clients queue in \(load.poolerName) while the database has room"
                + poolText + "; " + server + "."
        case .serverOverloaded:
            return "Server overloaded: \(server), \(load.activeWaitingOnLocksOrIO) of them waiting on locks or I/O"
                + poolText + "."
        case .idleTransactions:
            return "Connections held by idle transactions: \(load.idleInTransaction) "
                + "session\(load.idleInTransaction == 1 ? " keeps its connection" : "s keep their connections") "
                + "idle in a transaction; " + server + poolText + "."
        case .idleConnections:
            return "Connections held idle: \(server); the other \(load.inUse - load.active) sessions are "
                + "idle" + poolText + "."
        }
    }

    fileprivate static func summary(_ load: Load) -> String {
        var text = "\(load.inUse) of \(load.usable) usable connections in use"
        if let pool = load.waitingPools.first {
            text +=
                "; \(pool.clientsWaiting) clients waiting up to \(SessionText.age(pool.maxWaitSeconds)) in "
                + "\(pool.database)/\(pool.user)"
        }
        return text
    }

    fileprivate static func recommendation(_ load: Load, verdict: Verdict) -> String {
        switch verdict {
        case .poolTooSmall:
            let raises = load.waitingPools.map { pool -> String in
                let name = "\(pool.database)/\(pool.user)"
                guard let size = pool.size, let suggested = load.suggestedSize(for: pool) else {
                    return "raise the pool size of \(name) by \(pool.clientsWaiting)"
                }
                return "raise the pool size of \(name) from \(size) to \(suggested)"
            }
            return "Let the waiting clients in: " + raises.joined(separator: "; ") + " (default_pool_size, or "
                + "pool_size in the database's entry, then RELOAD on \(load.poolerName)'s console); the server "
                + "has \(load.headroom) connections to spare."
        case .serverOverloaded:
            return "Do not add connections: fix the slowest statements and the lock waits first, and cap "
                + "concurrency with a smaller pool so the server works on fewer statements at a time."
        case .idleTransactions:
            return "Fix the application code that leaves transactions open (see idle-in-transaction) and set a "
                + "server-side timeout for idle transactions so abandoned ones release their connection."
        case .idleConnections:
            return "Put a transaction-mode pooler in front of the server (or shrink the applications' own pools "
                + "and their idle connections) rather than raising the connection limit."
        }
    }

    fileprivate static func risk(_ verdict: Verdict) -> String {
        switch verdict {
        case .poolTooSmall:
            "A bigger pool lets more statements run at once: watch CPU and lock waits on the server after "
                + "raising it."
        case .serverOverloaded:
            "A smaller pool makes clients queue in the pooler instead of the server; fixing the slow statements "
                + "is what removes the queue."
        case .idleTransactions:
            "The timeout ends any transaction idle for longer, rolling back its work; the application sees a "
                + "dropped connection."
        case .idleConnections:
            "Transaction pooling breaks session state the application may rely on (SET, advisory locks, "
                + "prepared statements on older poolers)."
        }
    }
}
