/// Reports a PostgreSQL server that starts many short sessions: applications connecting per request instead of
/// reusing connections from a pool.
public struct ConnectionChurnRule: Rule {
    public struct Options: RuleOptions {
        /// Reported from this many new sessions per second, on average over the window…
        public var minSessionsPerSecond = 1.0
        /// …when sessions last this long or less on average (when their length is known).
        public var maxMeanSessionSeconds = 10.0
        /// At or above this many new sessions per second, the severity is high.
        public var highSessionsPerSecond = 20.0
        /// What starting a session costs the server (a process fork, authentication, catalog caches warmed
        /// again), milliseconds; the client also waits for the round trips and any TLS handshake.
        public var sessionStartMs = 2.0

        public init() {}
    }

    public static let description = RuleDescription(
        id: "connection-churn",
        title: "Many short-lived sessions",
        category: .connections,
        engines: [.postgres],
        requires: [.sessions],
        summary: "The server starts many short sessions: clients connect per request instead of reusing connections.",
        rationale: """
            Every PostgreSQL session is a process: starting one forks it, authenticates (TLS adds a handshake), \
            and warms its catalog caches again, a few milliseconds of server time before the first query, and \
            more round trips for the client. An application that opens a connection per request or job pays \
            that every time, and bursts of new connections crowd `max_connections`. The server is reported \
            when it starts at least `min_sessions_per_second` sessions per second on average and they last at \
            most `max_mean_session_seconds` (when their length is known): from `pg_stat_database.sessions` and \
            `session_time` of the scanned database (PostgreSQL 14 and later), or from a log with \
            `log_connections` and `log_disconnections`.

            **Estimate:** sessions per day × `session_start_ms` of server time (low confidence: the cost \
            depends on the machine, TLS and the catalog). **Fix:** reuse connections: the application's \
            connection pool (HikariCP, SQLAlchemy's pool, pgx pool…) with long-lived connections, or PgBouncer in \
            transaction mode in front of the server for short-lived processes (serverless functions, PHP, \
            cron jobs). Behind a pooler, check that it does not close its server connections too soon \
            (`server_lifetime`, `server_idle_timeout`). **Validate:** sessions per second drop in the next scan \
            and the mean session length grows.
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
            perSecond >= options.minSessionsPerSecond,
            (activity.meanSessionSeconds ?? 0) <= options.maxMeanSessionSeconds
        else { return [] }
        return [finding(activity, perSecond: perSecond, behindPooler: context.snapshot.connections?.pooler != nil)]
    }

    private func finding(_ activity: SessionActivity, perSecond: Double, behindPooler: Bool) -> Finding {
        let perDay = perSecond * 86_400
        let costPerDay = perDay * options.sessionStartMs
        var evidence = [
            Evidence("sessions started", Double(activity.sessions), "count"),
            Evidence("sessions per second", perSecond, "count"),
        ]
        if let mean = activity.meanSessionSeconds { evidence.append(Evidence("mean session", mean * 1_000, "ms")) }
        if let window = activity.windowSeconds { evidence.append(Evidence("window", window, "s")) }
        evidence.append(Evidence("estimated start-up time per day", costPerDay, "ms"))
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
                msPerDay: costPerDay, share: nil, timeMs: options.sessionStartMs, confidence: .low,
                summary: "\(Formatting.count(perDay)) session starts a day × about "
                    + "\(Formatting.milliseconds(options.sessionStartMs)) of server time each ≈ "
                    + "\(Formatting.milliseconds(costPerDay)) per day, plus the clients' connection round trips"),
            recommendation: behindPooler
                ? "Sessions are started even with a pooler in front: check that clients connect through it, and "
                    + "that it keeps its server connections (server_lifetime, server_idle_timeout, min_pool_size)."
                : "Reuse connections: give the application a connection pool with long-lived connections, or put "
                    + "PgBouncer in transaction mode in front of the server for short-lived processes (serverless "
                    + "functions, PHP, cron jobs).",
            risk: "A transaction-mode pooler does not keep session state between transactions: session-level "
                + "SET, advisory locks, LISTEN and (before PgBouncer 1.21) prepared statements need care.",
            validation: "Sessions per second drop in the next scan (pg_stat_database.sessions) or log, and the mean "
                + "session length grows.")
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
