/// Reports sessions waiting on locks, one finding per session at the root of a blocking chain: who it
/// blocks, directly and through others, how long they have waited, and what the root is doing.
public struct BlockedQueriesRule: Rule {
    public struct Options: RuleOptions {
        /// A statement waiting for a lock for less than this is ordinary contention (PostgreSQL's
        /// deadlock_timeout, after which it logs lock waits, is 1 s).
        public var minWaitSeconds = 5.0
        /// Severity by the longest wait behind one root blocker.
        public var severityByWaitSeconds = Levels(medium: 30, high: 120, critical: 600)
        /// From this many sessions blocked behind one root the severity is one level higher.
        public var manyBlocked = 5

        public init() {}
    }

    public static let description = RuleDescription(
        id: "blocked-queries",
        title: "Queries blocked by locks",
        category: .connections,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.connections],
        summary: "Sessions wait for locks another session holds; the finding names the blocking chain.",
        rationale: """
            A statement that needs a row or table lock another transaction holds waits until that \
            transaction ends. Waiters queue behind each other, so one long transaction at the root of a \
            chain can stall many sessions, fill the connection pool and time out requests far from the \
            cause. The finding names the root blocker (the session that holds the lock and waits for \
            nothing), what it is doing (often *idle in transaction*: the application left it open), the \
            sessions behind it, and the chain from the longest waiter to the root.

            **Fix:** when the root is idle in a transaction, end it (the fix SQL rolls its work back) and fix \
            the code that leaves transactions open. When it is running, keep transactions short: commit \
            sooner, take locks in a consistent order, move slow work out of the transaction, and run schema \
            changes with a lock timeout. A lock timeout on the waiting side turns endless queues into fast, \
            retryable errors. **Validate:** the next scan shows no blocked sessions; lock-wait logging \
            (`log_lock_waits` on PostgreSQL) shows fewer waits.
            """,
        examples: [
            RuleExample(
                "an idle transaction holds a row lock two updates wait for",
                snapshot: ConnectionRuleExamples.snapshot(
                    sessions: ConnectionRuleExamples.idleSessions(4) + [
                        ConnectionRuleExamples.session(
                            301, "idle in transaction", seconds: 400,
                            query: "UPDATE orders SET status = 'paid' WHERE id = 42", application: "admin-tool"),
                        ConnectionRuleExamples.session(
                            302, "active", seconds: 95, query: "UPDATE orders SET status = 'shipped' WHERE id = 42",
                            wait: ("Lock", "transactionid"), blockedBy: [301]),
                        ConnectionRuleExamples.session(
                            303, "active", seconds: 40, query: "UPDATE orders SET note = 'x' WHERE id = 42",
                            wait: ("Lock", "tuple"), blockedBy: [302]),
                    ]),
                expecting: ["sessions blocked by session 301"]),
            RuleExample(
                "a lock wait of half a second",
                snapshot: ConnectionRuleExamples.snapshot(
                    sessions: ConnectionRuleExamples.idleSessions(4) + [
                        ConnectionRuleExamples.session(301, "active", seconds: 0.6),
                        ConnectionRuleExamples.session(
                            302, "active", seconds: 0.5, wait: ("Lock", "transactionid"), blockedBy: [301]),
                    ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        guard let connections = context.snapshot.connections else { return [] }
        let byId = Dictionary(connections.sessions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var waitersByRoot: [Int: [ConnectionState.Session]] = [:]
        let rootsById = Self.rootsOfEveryBlockedSession(byId)
        for session in connections.sessions
        where session.isBlocked && Self.waitSeconds(session) >= options.minWaitSeconds {
            // A session whose every path ends in a cycle has no root resolved: the lowest id stands for the cycle.
            let roots =
                rootsById[session.id].flatMap { $0.isEmpty ? nil : $0.sorted() } ?? Self.roots(of: session, in: byId)
            for root in roots { waitersByRoot[root, default: []].append(session) }
        }
        return waitersByRoot.keys.sorted().compactMap { root in
            guard let waiters = waitersByRoot[root] else { return nil }
            let ordered = waiters.sorted { Self.waitSeconds($0) > Self.waitSeconds($1) }
            return finding(
                root: root, rootSession: byId[root], waiters: ordered, sessions: byId,
                engine: context.snapshot.server.engine)
        }
    }

    private func finding(
        root: Int, rootSession: ConnectionState.Session?, waiters: [ConnectionState.Session],
        sessions: [Int: ConnectionState.Session], engine: Engine
    ) -> Finding {
        let longest = waiters.first.map(Self.waitSeconds) ?? 0
        var severity = options.severityByWaitSeconds.severity(for: longest)
        if waiters.count >= options.manyBlocked { severity = severity.raised }
        var evidence = [
            Evidence("sessions blocked", Double(waiters.count), "count"),
            Evidence("longest lock wait", longest * 1_000, "ms"),
        ]
        if let seconds = rootSession?.transactionSeconds {
            evidence.append(Evidence("blocking transaction age", seconds * 1_000, "ms"))
        }
        let chain = waiters.first.map { Self.chain(from: $0, to: root, in: sessions) } ?? [root]
        let rootIsIdle = rootSession?.isIdleInTransaction ?? false
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: FindingObject(
                kind: .connections, name: "sessions blocked by session \(root)",
                key: "blocked-queries|" + (rootSession.map(Self.identity) ?? "unknown")),
            message: Self.message(root: root, rootSession: rootSession, waiters: waiters, chain: chain),
            evidence: evidence,
            impact: Impact(
                score: Impact.riskScore(severity), confidence: .high,
                summary: "\(waiters.count) session\(waiters.count == 1 ? "" : "s") stalled for up to "
                    + SessionText.age(longest)),
            recommendation: rootIsIdle
                ? "End the idle transaction of session \(root) (it holds the lock and does nothing) and fix the "
                    + "code path that leaves it open; give waiting statements a lock timeout so they fail fast."
                : "Shorten the transaction of session \(root): commit sooner, take locks in a consistent order and "
                    + "move slow work out of it; if it must not wait, end it and give waiting statements a lock "
                    + "timeout so they fail fast.",
            fixSQL: "-- Manual remedy: ends the blocking session, rolling back its transaction:\n"
                + SessionText.terminate([root], engine: engine),
            risk: "Ending the blocking session rolls back its uncommitted work and the application sees a dropped "
                + "connection; the waiting statements then proceed.",
            validation: "The next scan shows no sessions waiting behind this one.")
    }

    // MARK: - Private helpers

    /// How long the session's statement has waited (its age: it has been waiting since it started or
    /// since it reached the lock).
    private static func waitSeconds(_ session: ConnectionState.Session) -> Double {
        session.querySeconds ?? session.stateSeconds ?? 0
    }

    /// The roots of every blocked session (`roots(of:)`), each session resolved once from the roots of its blockers:
    /// linear in the sessions and their blocked-by links, where walking each waiter's chain was quadratic (4,000
    /// sessions each blocked by the previous took 1.7 s, 100,000 never ended). Sessions in a cycle get no root here.
    private static func rootsOfEveryBlockedSession(_ sessions: [Int: ConnectionState.Session]) -> [Int: Set<Int>] {
        var resolved: [Int: Set<Int>] = [:]
        for start in sessions.values where start.isBlocked && resolved[start.id] == nil {
            var onPath: Set<Int> = []
            var stack: [(id: Int, blockersDone: Bool)] = [(start.id, false)]
            while let (id, blockersDone) = stack.popLast() {
                guard resolved[id] == nil else { continue }
                // Not blocked, or not in the snapshot: a root of itself.
                guard let session = sessions[id], session.isBlocked else {
                    resolved[id] = [id]
                    continue
                }
                if blockersDone {
                    onPath.remove(id)
                    resolved[id] = session.blockedBy.reduce(into: Set<Int>()) { $0.formUnion(resolved[$1] ?? []) }
                } else if onPath.insert(id).inserted {
                    stack.append((id, true))
                    for blocker in session.blockedBy where resolved[blocker] == nil && !onPath.contains(blocker) {
                        stack.append((blocker, false))
                    }
                }
            }
        }
        return resolved
    }

    /// The sessions at the end of every blocking path from `session`: they hold a lock and wait for none,
    /// or are not in the snapshot. In a cycle (a deadlock not yet detected) the lowest id stands for it.
    private static func roots(of session: ConnectionState.Session, in sessions: [Int: ConnectionState.Session])
        -> [Int]
    {
        var roots: Set<Int> = []
        var seen: Set<Int> = [session.id]
        var pending = session.blockedBy
        while let id = pending.popLast() {
            guard seen.insert(id).inserted else { continue }
            if let blocker = sessions[id], blocker.isBlocked {
                pending += blocker.blockedBy
            } else {
                roots.insert(id)
            }
        }
        if roots.isEmpty, let lowest = seen.min() { roots.insert(lowest) }
        return roots.sorted()
    }

    /// Ids from `waiter` to `root` along blocked-by links (breadth first, so the shortest chain).
    private static func chain(
        from waiter: ConnectionState.Session, to root: Int, in sessions: [Int: ConnectionState.Session]
    ) -> [Int] {
        var previous: [Int: Int] = [:]
        var queue = [waiter.id]
        var seen: Set<Int> = [waiter.id]
        var next = 0
        while next < queue.count {
            let id = queue[next]
            next += 1
            if id == root { break }
            for blocker in sessions[id]?.blockedBy ?? [] where seen.insert(blocker).inserted {
                previous[blocker] = id
                queue.append(blocker)
            }
        }
        var path = [root]
        while let last = path.last, let before = previous[last] { path.append(before) }
        return path.reversed()
    }

    /// What survives a restart of the blocker: who it is and what it ran.
    private static func identity(_ session: ConnectionState.Session) -> String {
        SessionText.ownerKey(session) + "|" + (SessionText.statement(session.query, limit: 60) ?? "")
    }
}

// MARK: - Messages

extension BlockedQueriesRule {
    fileprivate static func message(
        root: Int, rootSession: ConnectionState.Session?, waiters: [ConnectionState.Session], chain: [Int]
    ) -> String {
        var rootText = "Session \(root)"
        if let rootSession {
            let state = rootSession.state.map { ", \($0)" } ?? ""
            let since = rootSession.stateSeconds.map { " for \(SessionText.age($0))" } ?? ""
            let statement = SessionText.statement(rootSession.query).map { ", last statement: \($0)" } ?? ""
            rootText += " (\(SessionText.owner(rootSession))\(state)\(since)\(statement))"
        }
        let count = waiters.count
        var text = "\(rootText) blocks \(count) session\(count == 1 ? "" : "s")"
        if let first = waiters.first {
            let statement = SessionText.statement(first.query).map { " (\($0))" } ?? ""
            text += "; the longest has waited \(SessionText.age(waitSeconds(first))): session \(first.id)\(statement)"
            if chain.count > 2 {
                let links = chain.dropFirst().map { "session \($0)" }.joined(separator: ", which waits for ")
                text += " waits for \(links)"
            } else {
                text += " waits for it"
            }
        }
        return text + "."
    }
}
