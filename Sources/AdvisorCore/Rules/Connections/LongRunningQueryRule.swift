/// Reports statements that have been running for a long time, grouped by who runs them and what they run.
/// Statements waiting on a lock are left to `blocked-queries`, which names what they wait for.
public struct LongRunningQueryRule: Rule {
    public struct Options: RuleOptions {
        /// A statement running for less than this is not reported.
        public var minRunningSeconds = 300.0
        /// Severity by the longest running time in a group.
        public var severityByRunningSeconds = Levels(medium: 900, high: 3_600, critical: 14_400)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "long-running-queries",
        title: "Long-running queries",
        category: .connections,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.connections],
        summary: "Statements have been running for minutes or hours.",
        rationale: """
            A statement that runs for many minutes holds a connection, its locks and a snapshot the whole \
            time: other sessions queue behind its locks, and row versions that died after it started cannot \
            be cleaned up, so tables bloat. Often it is a runaway: a missing join condition, a plan gone bad \
            after a data change, a report run against the primary, or a client that stopped reading results.

            **Fix:** look at the statement and its plan (`dbadvisor explain`): add the missing index or \
            condition, or move the report to a replica. Cancel a runaway with the fix SQL (the session stays \
            connected; only the statement ends) and cap the application role with a statement timeout so the \
            next one ends by itself. **Validate:** the next scan shows no statement running longer than the \
            threshold.
            """,
        examples: [
            RuleExample(
                "a report query running for 25 minutes",
                snapshot: ConnectionRuleExamples.snapshot(
                    sessions: ConnectionRuleExamples.idleSessions(4) + [
                        ConnectionRuleExamples.session(
                            777, "active", seconds: 1_500,
                            query: "SELECT customer_id, sum(total) FROM orders GROUP BY customer_id",
                            wait: ("IO", "DataFileRead"), application: "reporting")
                    ]),
                expecting: ["long-running statement of reporting as app on shop"]),
            RuleExample(
                "short statements only",
                snapshot: ConnectionRuleExamples.snapshot(
                    sessions: ConnectionRuleExamples.idleSessions(4) + [
                        ConnectionRuleExamples.session(777, "active", seconds: 2)
                    ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        guard let connections = context.snapshot.connections else { return [] }
        let running = connections.sessions.filter { session in
            session.isActive && !session.isBlocked && (session.querySeconds ?? 0) >= options.minRunningSeconds
        }
        let groups = Dictionary(grouping: running, by: Self.identity)
        return groups.keys.sorted().compactMap { key in
            guard let sessions = groups[key] else { return nil }
            let ordered = sessions.sorted { ($0.querySeconds ?? 0) > ($1.querySeconds ?? 0) }
            return finding(ordered, key: key, engine: context.snapshot.server.engine)
        }
    }

    /// `sessions` run the same statement for the same owner, longest first.
    private func finding(_ sessions: [ConnectionState.Session], key: String, engine: Engine) -> Finding {
        let longest = sessions.first?.querySeconds ?? 0
        let severity = options.severityByRunningSeconds.severity(for: longest)
        let owner = sessions[0]
        var evidence = [
            Evidence("sessions running it", Double(sessions.count), "count"),
            Evidence("longest running time", longest * 1_000, "ms"),
        ]
        evidence += sessions.prefix(5).map {
            Evidence("session \($0.id) running time", ($0.querySeconds ?? 0) * 1_000, "ms")
        }
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: FindingObject(
                kind: .connections, name: "long-running statement of \(SessionText.owner(owner))",
                key: "long-running-queries|\(key)"),
            message: Self.message(sessions, longest: longest),
            evidence: evidence,
            impact: Impact(
                score: Impact.riskScore(severity), confidence: .medium,
                summary: "a statement running for \(SessionText.age(longest)), holding its locks and snapshot"),
            recommendation: "Check whether the statement should run this long: look at its plan for a missing "
                + "index or condition, or run it on a replica; cancel it if it is a runaway, and cap the role "
                + "with a statement timeout.",
            fixSQL: "-- Manual remedy: cancels the statement, the session stays connected:\n"
                + SessionText.cancel(sessions.map(\.id), engine: engine),
            risk: "Cancelling rolls back the statement (and, outside an explicit transaction, its work); a batch "
                + "job may retry it or fail.",
            validation: "The next scan shows no statement running longer than the threshold.")
    }

    /// Who runs it and what it runs: stable across runs of the same job.
    private static func identity(_ session: ConnectionState.Session) -> String {
        SessionText.ownerKey(session) + "|" + (SessionText.statement(session.query, limit: 60) ?? "")
    }
}

// MARK: - Messages

extension LongRunningQueryRule {
    fileprivate static func message(_ sessions: [ConnectionState.Session], longest: Double) -> String {
        let ids = sessions.map { "session \($0.id)" }.joined(separator: ", ")
        let owner = SessionText.owner(sessions[0])
        let statement = SessionText.statement(sessions[0].query).map { ": \($0)" } ?? ""
        let wait =
            sessions[0].waitEventType.map { type in
                " It is waiting on \(type)" + (sessions[0].waitEvent.map { " (\($0))" } ?? "") + "."
            } ?? ""
        return "A statement of \(owner) has been running for \(SessionText.age(longest)) (\(ids))\(statement)."
            + wait
    }
}
