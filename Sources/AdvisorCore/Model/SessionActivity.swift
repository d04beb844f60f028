/// How many sessions (connections) the server started over a window, and how long they lasted: from
/// `pg_stat_database` (`sessions`, `session_time`, PostgreSQL 14 and later) or a log with `log_connections` and
/// `log_disconnections`.
public struct SessionActivity: Codable, Equatable, Sendable {
    /// `pg_stat_database` or `log`.
    public var source: String
    /// Sessions started.
    public var sessions: Int
    /// Sessions whose length is known (ended ones, in a log), and their total length in seconds.
    public var timedSessions: Int?
    public var totalSessionSeconds: Double?
    /// Seconds the counts cover; nil when unknown.
    public var windowSeconds: Double?

    public init(
        source: String, sessions: Int, timedSessions: Int? = nil, totalSessionSeconds: Double? = nil,
        windowSeconds: Double? = nil
    ) {
        self.source = source
        self.sessions = sessions
        self.timedSessions = timedSessions
        self.totalSessionSeconds = totalSessionSeconds
        self.windowSeconds = windowSeconds
    }

    /// New sessions per second over the window.
    public var sessionsPerSecond: Double? {
        windowSeconds.flatMap { $0 > 0 ? Double(sessions) / $0 : nil }
    }

    /// How long a session lasted on average, seconds.
    public var meanSessionSeconds: Double? {
        guard let timed = timedSessions, timed > 0, let total = totalSessionSeconds else { return nil }
        return total / Double(timed)
    }
}
