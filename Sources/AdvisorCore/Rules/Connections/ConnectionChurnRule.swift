/// Reports a server that starts many short sessions: applications connecting per request instead of reusing
/// connections from a pool.
public struct ConnectionChurnRule: Rule {
    public struct Options: RuleOptions {
        /// Reported from this many new sessions per second, on average over the window…
        public var minSessionsPerSecond = 1.0
        /// …when sessions last this long or less on average (when their length is known).
        public var maxMeanSessionSeconds = 10.0
        /// Fewer sessions, or a shorter window, say nothing about a rate (a handful of connections in the seconds
        /// after a restart).
        public var minSessions = 100
        public var minWindowSeconds = 600.0
        /// At or above this many new sessions per second, the severity is high.
        public var highSessionsPerSecond = 20.0
        /// What starting a session costs the server, milliseconds: PostgreSQL forks a process, authenticates and
        /// warms its catalog caches again; MySQL and MariaDB authenticate on a (cached) thread. The client also
        /// waits for the round trips and any TLS handshake.
        public var sessionStartMs = 2.0
        public var mysqlSessionStartMs = 0.5

        public init() {}
    }

    public static let description = RuleDescription(
        id: "connection-churn",
        title: "Many short-lived sessions",
        category: .connections,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.sessions],
        summary: "The server starts many short sessions: clients connect per request instead of reusing connections.",
        rationale: """
            Every PostgreSQL session is a process: starting one forks it, authenticates (TLS adds a handshake), \
            and warms its catalog caches again, a few milliseconds of server time before the first query, and \
            more round trips for the client. An application that opens a connection per request or job pays \
            that every time, and bursts of new connections crowd `max_connections`. The server is reported \
            when it starts at least `min_sessions_per_second` sessions per second on average (at least \
            `min_sessions` over at least `min_window_seconds`) and they last at \
            most `max_mean_session_seconds` (when their length is known): from `pg_stat_database.sessions` and \
            `session_time` of the scanned database (PostgreSQL 14 and later), a log with `log_connections` \
            and `log_disconnections`, or MySQL's and MariaDB's `Connections` status counter over `Uptime`.

            **Estimate:** sessions per day × `session_start_ms` (`mysql_session_start_ms`) of server time (low \
            confidence: the cost depends on the machine, TLS and the catalog). **Fix:** reuse connections: the \
            application's connection pool (HikariCP, SQLAlchemy's pool, pgx pool…) with long-lived connections, \
            or a pooler in front of the server for short-lived processes (serverless functions, PHP, cron \
            jobs): PgBouncer in transaction mode, ProxySQL. Behind a pooler, check that it does not close its \
            server connections too soon (`server_lifetime`, `server_idle_timeout`); on MySQL, a \
            `thread_cache_size` too small makes every connection create a thread (`Threads_created`). \
            **Validate:** sessions per second drop in the next scan and the mean session length grows.
            """,
        examples: [
            RuleExample(
                "forty new sessions a second lasting 50 ms",
                snapshot: ConnectionChurnRule.example(sessions: 3_456_000, totalSessionSeconds: 172_800),
                expecting: ["server sessions"]),
            RuleExample(
                "a pool of long-lived connections",
                snapshot: ConnectionChurnRule.example(sessions: 400, totalSessionSeconds: 3_000_000),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        guard let activity = context.snapshot.sessionActivity, let perSecond = activity.sessionsPerSecond,
            activity.sessions >= options.minSessions, (activity.windowSeconds ?? 0) >= options.minWindowSeconds,
            perSecond >= options.minSessionsPerSecond,
            (activity.meanSessionSeconds ?? 0) <= options.maxMeanSessionSeconds
        else { return [] }
        return [finding(activity, perSecond: perSecond, snapshot: context.snapshot)]
    }

    private func finding(_ activity: SessionActivity, perSecond: Double, snapshot: Snapshot) -> Finding {
        let postgres = snapshot.server.engine == .postgres
        let startMs = postgres ? options.sessionStartMs : options.mysqlSessionStartMs
        let perDay = perSecond * 86_400
        let costPerDay = perDay * startMs
        var evidence = [
            Evidence("sessions started", Double(activity.sessions), "count"),
            Evidence("sessions per second", perSecond, "count"),
        ]
        if let mean = activity.meanSessionSeconds { evidence.append(Evidence("mean session", mean * 1_000, "ms")) }
        if let window = activity.windowSeconds { evidence.append(Evidence("window", window, "s")) }
        evidence.append(Evidence("estimated start-up time per day", costPerDay, "ms"))
        // MySQL: a connection the thread cache cannot serve creates a thread.
        let threadsCreated = snapshot.settings["status.Threads_created"].flatMap(Double.init)
        if !postgres, let threadsCreated { evidence.append(Evidence("threads created", threadsCreated, "count")) }
        let threadCacheMisses = threadsCreated.map { $0 / Double(max(activity.sessions, 1)) } ?? 0
        let mean =
            activity.meanSessionSeconds.map { ", lasting \(Formatting.milliseconds($0 * 1_000)) on average" } ?? ""
        let window = activity.windowSeconds.map { " over \(Formatting.duration(seconds: $0))" } ?? ""
        return Finding(
            ruleId: Self.description.id,
            severity: perSecond >= options.highSessionsPerSecond ? .high : .medium,
            category: Self.description.category,
            object: FindingObject(kind: .connections, name: "server sessions", key: "sessions"),
            message: "The server started \(Formatting.count(Double(activity.sessions))) sessions\(window) "
                + "(\(Formatting.decimal(perSecond, digits: 1)) a second)\(mean): clients connect per request "
                + "instead of reusing connections.",
            evidence: evidence,
            impact: .daily(
                msPerDay: costPerDay, share: nil, timeMs: startMs, confidence: .low,
                summary: "\(Formatting.count(perDay)) session starts a day × about "
                    + "\(Formatting.milliseconds(startMs)) of server time each ≈ "
                    + "\(Formatting.milliseconds(costPerDay)) per day, plus the clients' connection round trips"),
            recommendation: Self.recommendation(
                postgres: postgres, behindPooler: snapshot.connections?.pooler != nil,
                threadCacheMisses: threadCacheMisses),
            risk: "A transaction-mode pooler does not keep session state between transactions: session-level "
                + "SET, advisory locks, LISTEN and (before PgBouncer 1.21) prepared statements need care.",
            validation: "Sessions per second drop in the next scan (pg_stat_database.sessions) or log, and the mean "
                + "session length grows.")
    }

    private static func recommendation(postgres: Bool, behindPooler: Bool, threadCacheMisses: Double) -> String {
        if behindPooler {
            return "Sessions are started even with a pooler in front: check that clients connect through it, and "
                + "that it keeps its server connections (server_lifetime, server_idle_timeout, min_pool_size)."
        }
        var text =
            "Reuse connections: give the application a connection pool with long-lived connections, or put "
            + (postgres ? "PgBouncer in transaction mode" : "ProxySQL")
            + " in front of the server for short-lived processes (serverless functions, PHP, cron jobs)."
        if !postgres, threadCacheMisses > 0.1 {
            text +=
                " Meanwhile, \(Formatting.percent(fraction: min(threadCacheMisses, 1))) of connections created a "
                + "thread: raise thread_cache_size (SET GLOBAL thread_cache_size = 64, and in the option file)."
        }
        return text
    }

    /// A day of `pg_stat_database` with `sessions` lasting `totalSessionSeconds` in all.
    static func example(sessions: Int, totalSessionSeconds: Double) -> Snapshot {
        var snapshot = StatementRuleExamples.snapshot()
        snapshot.facets.insert(.sessions)
        snapshot.sessionActivity = SessionActivity(
            source: "pg_stat_database", sessions: sessions, timedSessions: sessions,
            totalSessionSeconds: totalSessionSeconds, windowSeconds: 86_400)
        return snapshot
    }
}
