/// Reports sessions that opened a transaction and then stopped talking to the server, grouped by the
/// application, user and database they belong to, naming each session.
public struct IdleInTransactionRule: Rule {
    public struct Options: RuleOptions {
        /// A session idle in its transaction for less than this is between two statements of a normal
        /// transaction.
        public var minIdleSeconds = 60.0
        /// Severity by the longest idle time in a group.
        public var severityByIdleSeconds = Levels(medium: 300, high: 1_800, critical: 7_200)
        /// From this many idle transactions in one group the severity is one level higher.
        public var manySessions = 5
        /// The idle-transaction timeout the fix sets (never below `min_idle_seconds`).
        public var timeoutSeconds = 300.0

        public init() {}
    }

    public static let description = RuleDescription(
        id: "idle-in-transaction",
        title: "Transactions left idle",
        category: .connections,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.connections],
        summary: "Sessions keep a transaction open without running anything.",
        rationale: """
            A session that begins a transaction and then waits (for the user, for a remote call, or because \
            the code forgot to commit) keeps everything the transaction holds: its row and table locks, which \
            other sessions queue behind, its connection slot, and the snapshot that stops the server from \
            cleaning up row versions that died after it started (vacuum on PostgreSQL, purge on InnoDB), so \
            tables and indexes bloat while it stays open. The finding names each session: id, user, \
            application, how long it has been idle and the last statement it ran.

            **Fix:** commit or roll back promptly in the application, and never wait for anything outside the \
            database inside a transaction. As a manual remedy, end the sessions (the fix SQL; their \
            uncommitted work is rolled back). The lasting safety net is a server-side timeout for idle \
            transactions (`idle_in_transaction_session_timeout` on PostgreSQL, `idle_transaction_timeout` on \
            MariaDB), set for the application's role. **Validate:** the sessions are gone from the next scan; \
            after the timeout, the application logs show which code path was cut off.
            """,
        examples: [
            RuleExample(
                "a worker left a transaction open for 20 minutes",
                snapshot: ConnectionRuleExamples.snapshot(
                    sessions: ConnectionRuleExamples.idleSessions(5) + [
                        ConnectionRuleExamples.session(
                            4242, "idle in transaction", seconds: 1_200, transactionSeconds: 1_260,
                            query: "UPDATE orders SET status = 'shipped' WHERE id = $1", application: "billing-worker")
                    ]),
                expecting: ["idle transactions of billing-worker as app on shop"]),
            RuleExample(
                "transactions idle for a moment between statements",
                snapshot: ConnectionRuleExamples.snapshot(
                    sessions: ConnectionRuleExamples.idleSessions(5) + [
                        ConnectionRuleExamples.session(4242, "idle in transaction", seconds: 0.2)
                    ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        guard let connections = context.snapshot.connections else { return [] }
        let idle = connections.sessions.filter { session in
            session.isIdleInTransaction && (session.idleInTransactionSeconds ?? 0) >= options.minIdleSeconds
        }
        let groups = Dictionary(grouping: idle, by: SessionText.ownerKey)
        return groups.keys.sorted().compactMap { key in
            guard let sessions = groups[key] else { return nil }
            let ordered = sessions.sorted { ($0.idleInTransactionSeconds ?? 0) > ($1.idleInTransactionSeconds ?? 0) }
            return finding(ordered, key: key, engine: context.snapshot.server.engine)
        }
    }

    /// `sessions` belong to one owner, longest idle first.
    private func finding(_ sessions: [ConnectionState.Session], key: String, engine: Engine) -> Finding {
        let longest = sessions.first?.idleInTransactionSeconds ?? 0
        let oldestTransaction = sessions.compactMap(\.transactionSeconds).max() ?? longest
        var severity = options.severityByIdleSeconds.severity(for: longest)
        if sessions.count >= options.manySessions { severity = severity.raised }
        var evidence = [
            Evidence("sessions idle in transaction", Double(sessions.count), "count"),
            Evidence("longest idle time", longest * 1_000, "ms"),
            Evidence("oldest open transaction", oldestTransaction * 1_000, "ms"),
        ]
        evidence += sessions.prefix(Self.listedSessions).map { session in
            Evidence("session \(session.id) idle time", (session.idleInTransactionSeconds ?? 0) * 1_000, "ms")
        }
        let owner = sessions[0]
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: FindingObject(
                kind: .connections, name: "idle transactions of \(SessionText.owner(owner))",
                key: "idle-in-transaction|\(key)"),
            message: Self.message(sessions, longest: longest),
            evidence: evidence,
            impact: Impact(
                score: Impact.riskScore(severity), confidence: .high,
                summary: "\(sessions.count) open transaction\(sessions.count == 1 ? "" : "s") idle for up to "
                    + "\(SessionText.age(longest)), holding locks and old row versions"),
            recommendation: "Find the code path of \(SessionText.owner(owner)) that leaves transactions open "
                + "(the last statement names it) and commit or roll back promptly; end these sessions if they "
                + "block others, and set a server-side timeout for idle transactions as the safety net.",
            fixSQL: fixSQL(sessions, engine: engine),
            risk: "Ending a session rolls back its uncommitted work and the application sees a dropped "
                + "connection; a timeout does the same to any transaction idle for longer, legitimate or not.",
            validation: "The sessions are gone from the next scan; with the timeout set, no session stays idle in "
                + "a transaction longer than it.")
    }

    private func fixSQL(_ sessions: [ConnectionState.Session], engine: Engine) -> String {
        let timeout = max(options.timeoutSeconds, options.minIdleSeconds)
        var sql =
            "-- Ends these transactions now, rolling back their work:\n"
            + SessionText.terminate(sessions.map(\.id), engine: engine)
        let owner = sessions[0]
        if let setting = SessionText.idleTransactionTimeout(
            seconds: timeout, user: owner.user, database: owner.database, engine: engine)
        {
            sql +=
                "\n-- From now on, ends transactions idle longer than \(SessionText.age(timeout)) "
                + (engine == .postgres && owner.user != nil ? "(new sessions of the role):\n" : "(new sessions):\n")
                + setting
        }
        return sql
    }

    /// Sessions named one by one in the message and evidence; the rest are counted.
    fileprivate static let listedSessions = 5
}

// MARK: - Messages

extension IdleInTransactionRule {
    fileprivate static func message(_ sessions: [ConnectionState.Session], longest: Double) -> String {
        let count = sessions.count
        let listed = sessions.prefix(listedSessions).map { session in
            let transaction = session.transactionSeconds.map { ", transaction open \(SessionText.age($0))" } ?? ""
            let statement = SessionText.statement(session.query).map { ", last statement: \($0)" } ?? ""
            return "session \(session.id) (idle \(SessionText.age(session.idleInTransactionSeconds ?? 0))"
                + "\(transaction)\(statement))"
        }
        let more = count > listedSessions ? "; and \(count - listedSessions) more" : ""
        return "\(count) session\(count == 1 ? "" : "s") of \(SessionText.owner(sessions[0])) "
            + "\(count == 1 ? "is" : "are") idle in a transaction, the longest for \(SessionText.age(longest)): "
            + listed.joined(separator: "; ") + more + "."
    }
}
