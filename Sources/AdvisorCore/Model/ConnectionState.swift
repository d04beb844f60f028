import Foundation

/// The server's connections at collection time, and the pooler in front of it when one was read.
public struct ConnectionState: Codable, Equatable, Sendable {
    /// `max_connections`.
    public var maxConnections: Int
    /// Slots ordinary roles cannot use (`superuser_reserved_connections` + `reserved_connections`).
    public var reservedConnections: Int
    /// Client sessions (background workers excluded).
    public var sessions: [Session]
    /// PgBouncer (or another pooler) when it was read.
    public var pooler: PoolerState?

    public init(maxConnections: Int, reservedConnections: Int = 0, sessions: [Session] = [], pooler: PoolerState? = nil)
    {
        self.maxConnections = maxConnections
        self.reservedConnections = reservedConnections
        self.sessions = sessions
        self.pooler = pooler
    }

    /// Connections ordinary roles can open.
    public var usableConnections: Int { max(maxConnections - reservedConnections, 0) }

    /// One client session. Ages are seconds before collection, so a saved snapshot keeps its meaning.
    public struct Session: Codable, Equatable, Sendable {
        /// Backend process id (PostgreSQL) or thread id (MySQL).
        public var id: Int
        public var user: String?
        public var database: String?
        public var application: String?
        public var client: String?
        /// "active", "idle", "idle in transaction", "idle in transaction (aborted)", …
        public var state: String?
        public var waitEventType: String?
        public var waitEvent: String?
        public var connectedSeconds: Double?
        /// Age of the open transaction, nil outside one.
        public var transactionSeconds: Double?
        /// Age of the running (or, when idle, the last) statement.
        public var querySeconds: Double?
        /// Time in the current state.
        public var stateSeconds: Double?
        /// Sessions holding the locks this one waits for.
        public var blockedBy: [Int]
        /// The statement text, cut to a few hundred characters.
        public var query: String?

        public init(id: Int, state: String?, blockedBy: [Int] = []) {
            self.id = id
            self.state = state
            self.blockedBy = blockedBy
        }
    }
}

/// A connection pooler's view (PgBouncer's `SHOW POOLS`, `SHOW STATS`, `SHOW CONFIG`).
public struct PoolerState: Codable, Equatable, Sendable {
    /// "pgbouncer".
    public var kind: String
    public var version: String?
    /// Settings as the pooler reports them (`max_client_conn`, `default_pool_size`, `pool_mode`, …).
    public var settings: [String: String]
    public var pools: [Pool]

    public init(kind: String, version: String? = nil, settings: [String: String] = [:], pools: [Pool] = []) {
        self.kind = kind
        self.version = version
        self.settings = settings
        self.pools = pools
    }

    /// One pool (database × user).
    public struct Pool: Codable, Equatable, Sendable {
        public var database: String
        public var user: String
        public var mode: String?
        /// The pool's size limit (`pool_size` from `SHOW DATABASES`, else `default_pool_size`).
        public var size: Int?
        public var clientsActive: Int
        public var clientsWaiting: Int
        public var serversActive: Int
        public var serversIdle: Int
        public var serversUsed: Int
        /// How long the oldest waiting client has waited, seconds.
        public var maxWaitSeconds: Double
        /// From `SHOW STATS` for the pool's database: average wait per transaction since the
        /// pooler started, and the transaction rate.
        public var averageWaitMs: Double?
        public var transactionsPerSecond: Double?

        public init(
            database: String, user: String, clientsActive: Int = 0, clientsWaiting: Int = 0, serversActive: Int = 0,
            serversIdle: Int = 0, serversUsed: Int = 0, maxWaitSeconds: Double = 0
        ) {
            self.database = database
            self.user = user
            self.clientsActive = clientsActive
            self.clientsWaiting = clientsWaiting
            self.serversActive = serversActive
            self.serversIdle = serversIdle
            self.serversUsed = serversUsed
            self.maxWaitSeconds = maxWaitSeconds
        }
    }
}
