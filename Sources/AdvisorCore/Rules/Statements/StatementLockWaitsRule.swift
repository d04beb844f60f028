/// Reports statements that spend their time waiting for locks: the lock waits and deadlocks a PostgreSQL log
/// reports per statement, and for MySQL and MariaDB the lock time they count per statement (`Lock_time`,
/// `SUM_LOCK_TIME`) when the server's counters show lock contention — lock time alone is mostly the time to open
/// and lock tables, not waiting for other transactions.
public struct StatementLockWaitsRule: Rule {
    public struct Options: RuleOptions {
        /// MySQL family: the share of a statement's time spent waiting for locks from which it is reported…
        public var minLockShare = 0.2
        /// …when that waiting comes to at least this much per day (or in total when the window is unknown).
        public var minLockTimeMsPerDay = 60_000.0
        /// Severity by the time spent waiting per day.
        public var severityByWaitPerDay = Levels.savedTimePerDay

        public init() {}
    }

    public static let description = RuleDescription(
        id: "statement-lock-waits",
        title: "Statement waits for locks",
        category: .statements,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.statements],
        summary: "A statement spends its time waiting for locks other transactions hold, or ends in deadlocks.",
        rationale: """
            Time spent waiting for a lock is not the statement's own work: no index or plan makes it faster, \
            the transaction holding the lock does. PostgreSQL logs a wait once it has lasted `deadlock_timeout` \
            (1 s by default) when `log_lock_waits` is on — `process 4882 still waiting for ShareLock on \
            transaction 259635360 after 1000.119 ms`, then `acquired … after` when it ends — and every \
            `deadlock detected`, each followed by the statement; `dbadvisor logs` ties them to the statement \
            classes. Every statement class with a logged wait or deadlock is reported; the time waited is what \
            the `acquired` lines say, plus for waits that never report their end the time they had lasted when \
            logged (a lower bound). MySQL and MariaDB count each statement's lock time (slow log `Lock_time`, \
            `performance_schema` `SUM_LOCK_TIME`), but that is mostly the time to open and lock tables, not \
            contention: a read-only workload with no writer shows plenty of it. Lock time counts as waiting only \
            up to what the server counted as waiting — `Innodb_row_lock_time` (row-lock waits since the server \
            started), unbounded when `Table_locks_waited` shows table-lock waits — and nothing when neither \
            counter shows a wait or they are unknown (a slow log alone), or when the statement counters were reset \
            after the server started (those counters cannot say whether any wait fell in the statements' window). \
            A statement is reported when that \
            waiting is at least `min_lock_share` of its time and comes to at least `min_lock_time_ms_per_day`.

            **Fix:** find what holds the lock. `ShareLock on transaction` (or `on tuple`) is a row another \
            transaction changed and has not committed: keep write transactions short (no network calls or user \
            think time inside them), touch rows in one order everywhere (by primary key) so that waits do not \
            become deadlocks, and use `SELECT … FOR UPDATE SKIP LOCKED` for work queues. A lock `on relation` \
            queues behind a schema change or `LOCK TABLE`: run DDL with a short `lock_timeout` and retries, \
            `CREATE INDEX CONCURRENTLY`, off-peak. `blocked-queries` shows the holder live during a scan. \
            **Validate:** the waits and deadlocks disappear from the next log; the statement's mean time drops.
            """,
        examples: [
            RuleExample(
                "row lock waits and deadlocks on one UPDATE, from a PostgreSQL log",
                snapshot: StatementRuleExamples.lockWaits([
                    StatementRuleExamples.lockWait(
                        "UPDATE accounts SET balance = balance + $1 WHERE id = $2", waits: 40, acquiredWaitMs: 90_000,
                        deadlocks: 3, kinds: ["ShareLock on transaction"])
                ]),
                expecting: ["UPDATE accounts SET balance = balance + $1 WHERE id = $2"]),
            RuleExample(
                "a MySQL statement mostly waiting on locks",
                snapshot: StatementRuleExamples.snapshot(
                    engine: .mysql,
                    statements: [
                        StatementRuleExamples.statement(
                            "d9", "DELETE FROM sessions WHERE expires_at < ?", calls: 2_000, totalTimeMs: 900_000,
                            rows: 40_000
                        ) { $0.lockTimeMs = 600_000 }
                    ],
                    settings: ["status.Innodb_row_lock_waits": "1200", "status.Innodb_row_lock_time": "700000"]),
                expecting: ["DELETE FROM sessions WHERE expires_at < ?"]),
            RuleExample(
                "lock time on a workload with no lock waits (opening and locking tables, not contention)",
                snapshot: StatementRuleExamples.snapshot(
                    engine: .mysql,
                    statements: [
                        StatementRuleExamples.statement(
                            "d7", "SELECT * FROM users WHERE id = ?", calls: 200_000, totalTimeMs: 500_000,
                            rows: 200_000
                        ) { $0.lockTimeMs = 200_000 }
                    ],
                    settings: [
                        "status.Innodb_row_lock_waits": "0", "status.Innodb_row_lock_time": "0",
                        "status.Table_locks_waited": "0",
                    ]),
                expecting: []),
            RuleExample(
                "lock time a small part of the statement's time",
                snapshot: StatementRuleExamples.snapshot(
                    engine: .mysql,
                    statements: [
                        StatementRuleExamples.statement(
                            "d8", "SELECT * FROM orders WHERE id = ?", calls: 100_000, totalTimeMs: 900_000,
                            rows: 100_000
                        ) { $0.lockTimeMs = 20_000 }
                    ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let snapshot = context.snapshot
        let window = StatementWindow(snapshot)
        let logged = snapshot.lockWaits.filter { $0.waits + $0.acquiredWaits + $0.deadlocks > 0 }
            .map { finding($0, window: window, snapshot: snapshot) }
        let contention = Contention(snapshot)
        let counted = snapshot.statements.compactMap { statement -> Finding? in
            // A load, a schema change or a statement run a handful of times waits once, not every day.
            guard !snapshot.isOneOff(statement), let lockMs = statement.lockTimeMs.map(contention.waitingMs),
                statement.totalTimeMs > 0,
                lockMs > 0, lockMs >= options.minLockShare * statement.totalTimeMs,
                window.perDayOrCumulative(lockMs) >= options.minLockTimeMsPerDay
            else { return nil }
            return finding(statement, lockMs: lockMs, window: window, contention: contention)
        }
        return logged + counted
    }

    /// What the MySQL-family server counted as lock waiting since it started (`SHOW GLOBAL STATUS`): the bound on
    /// how much of a statement's lock time can be contention.
    struct Contention {
        /// `Innodb_row_lock_waits` / `Innodb_row_lock_time` (ms).
        var rowLockWaits: Double?
        var rowLockTimeMs: Double?
        /// `Table_locks_waited`: table-level lock waits, whose time the server does not count.
        var tableLocksWaited: Double?

        /// The counters run since the server started: they are evidence about the statement counters only when
        /// those run since then too. Digests truncated later cover a part of that span the counters cannot tell
        /// apart — waits seen long before (another database's benchmark) are no evidence about the statements of
        /// the last minutes — so then nothing counts as waiting.
        init(_ snapshot: Snapshot) {
            let counter = { (name: String) in snapshot.settings["status." + name].flatMap(Double.init) }
            guard snapshot.statementCountersStartWithServer else { return }
            rowLockWaits = counter("Innodb_row_lock_waits")
            rowLockTimeMs = counter("Innodb_row_lock_time")
            tableLocksWaited = counter("Table_locks_waited")
        }

        /// The part of `lockMs` that can be waiting for other transactions: all of it once table-lock waits were
        /// counted, at most the row-lock wait time otherwise, and none without evidence of waits.
        func waitingMs(_ lockMs: Double) -> Double {
            if let tableLocksWaited, tableLocksWaited > 0 { return lockMs }
            guard let rowLockTimeMs, (rowLockWaits ?? 1) > 0 else { return 0 }
            return min(lockMs, rowLockTimeMs)
        }

        var evidenceText: String {
            var parts: [String] = []
            if let rowLockWaits {
                parts.append(
                    "\(Formatting.count(rowLockWaits)) InnoDB row-lock wait\(rowLockWaits == 1 ? "" : "s")"
                        + (rowLockTimeMs.map { " (\(Formatting.milliseconds($0)))" } ?? ""))
            }
            if let tableLocksWaited, tableLocksWaited > 0 {
                parts.append("\(Formatting.count(tableLocksWaited)) table-lock waits")
            }
            return parts.joined(separator: " and ")
        }
    }

    /// A PostgreSQL statement class with logged waits or deadlocks.
    private func finding(_ waits: StatementLockWaits, window: StatementWindow, snapshot: Snapshot) -> Finding {
        let waitedPerDay = window.perDayOrCumulative(waits.waitedMs)
        var severity = window.severity(options.severityByWaitPerDay, for: waitedPerDay)
        // A deadlock cancels a transaction: the application sees an error, whatever the time lost.
        if waits.deadlocks > 0 { severity = max(severity, .medium) }
        let (object, statement) = FindingObject.loggedStatement(id: waits.statementId, text: waits.text, in: snapshot)
        var evidence = [
            Evidence("lock waits logged", Double(waits.waits), "count"),
            Evidence("waits that ended", Double(waits.acquiredWaits), "count"),
            Evidence("time waited", waits.waitedMs, "ms"),
            Evidence("longest wait", waits.longestWaitMs, "ms"),
            Evidence("deadlocks", Double(waits.deadlocks), "count"),
        ]
        if let statement { evidence.append(Evidence("calls", Double(statement.calls), "count")) }
        if window.isKnown { evidence.append(Evidence("time waited per day", waitedPerDay, "ms")) }
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: object,
            message: Self.message(waits),
            evidence: evidence,
            impact: .daily(
                msPerDay: waitedPerDay, share: nil, timeMs: waits.longestWaitMs, confidence: window.confidence(.medium),
                summary: "at least \(Formatting.milliseconds(waitedPerDay)) waiting for locks \(window.periodText)"
                    + (waits.deadlocks > 0
                        ? ", and \(waits.deadlocks) transaction\(waits.deadlocks == 1 ? "" : "s") cancelled by deadlocks"
                        : "")),
            recommendation: Self.recommendation(kinds: waits.lockKinds, deadlocks: waits.deadlocks > 0),
            risk: "None in itself: the change is in the application's transactions or in how schema changes run.",
            validation: "The statement's lock waits and deadlocks disappear from the next log (keep log_lock_waits "
                + "on), and its mean time drops.")
    }

    /// A MySQL-family statement whose lock time is a large share of its time.
    private func finding(
        _ statement: StatementStats, lockMs: Double, window: StatementWindow, contention: Contention
    ) -> Finding {
        let share = lockMs / statement.totalTimeMs
        let lockPerDay = window.perDayOrCumulative(lockMs)
        return Finding(
            ruleId: Self.description.id,
            severity: window.severity(options.severityByWaitPerDay, for: lockPerDay),
            category: Self.description.category,
            object: .statement(statement),
            message: "It waited for locks up to \(Formatting.milliseconds(lockMs)) of its "
                + "\(Formatting.milliseconds(statement.totalTimeMs)) (\(Formatting.percent(fraction: share))) over "
                + "\(Formatting.count(Double(statement.calls))) calls\(window.spanText): its lock time, bounded by "
                + "the \(contention.evidenceText) the server counted since it started.",
            evidence: [
                Evidence("lock time", statement.lockTimeMs ?? lockMs, "ms"),
                Evidence("lock time that can be waiting", lockMs, "ms"),
                Evidence("total time", statement.totalTimeMs, "ms"),
                Evidence("share of time waiting for locks", share * 100, "percent"),
                Evidence("calls", Double(statement.calls), "count"),
            ],
            impact: .daily(
                msPerDay: lockPerDay, share: share, timeMs: lockMs / Double(max(statement.calls, 1)),
                confidence: window.confidence(.medium),
                summary: "\(Formatting.milliseconds(lockPerDay)) waiting for locks \(window.periodText)"),
            recommendation: "Find what holds the locks it waits for: InnoDB row locks held by other transactions "
                + "(sys.innodb_lock_waits, performance_schema.data_lock_waits; blocked-queries during a scan) or "
                + "table and metadata locks (LOCK TABLES, a schema change, a long transaction on the same table: "
                + "sys.schema_table_lock_waits). Keep write transactions short, change rows in one order "
                + "everywhere, and run schema changes online (ALGORITHM=INPLACE, LOCK=NONE) or off-peak.",
            risk: "None in itself: the change is in the application's transactions or in how schema changes run.",
            validation: "The statement's lock time per call drops in the next scan or slow log.")
    }

    private static func message(_ waits: StatementLockWaits) -> String {
        var parts: [String] = []
        if waits.waits > 0 || waits.acquiredWaits > 0 {
            let count = max(waits.waits, waits.acquiredWaits)
            parts.append(
                "waited for locks \(Formatting.count(Double(count))) time\(count == 1 ? "" : "s") longer than "
                    + "deadlock_timeout (longest \(Formatting.milliseconds(waits.longestWaitMs)), at least "
                    + "\(Formatting.milliseconds(waits.waitedMs)) in all)")
        }
        if waits.deadlocks > 0 {
            parts.append(
                "was cancelled in \(waits.deadlocks) deadlock\(waits.deadlocks == 1 ? "" : "s")")
        }
        let kinds = waits.lockKinds.isEmpty ? "" : " Locks waited for: \(waits.lockKinds.joined(separator: ", "))."
        return "It " + parts.joined(separator: " and ") + "." + kinds
    }

    private static func recommendation(kinds: [String], deadlocks: Bool) -> String {
        var advice: [String] = []
        if kinds.contains(where: { $0.hasSuffix("on transaction") || $0.hasSuffix("on tuple") }) || kinds.isEmpty {
            advice.append(
                "It waits for rows another transaction changed and has not committed: find that transaction (the "
                    + "log's DETAIL names the process holding the lock; blocked-queries shows it live) and keep "
                    + "write transactions short, with no network calls or user think time inside them")
        }
        if kinds.contains(where: { $0.hasSuffix("on relation") }) {
            advice.append(
                "It queues for a table lock behind a schema change, VACUUM FULL, REINDEX or LOCK TABLE (and "
                    + "everything after it queues too): run DDL with SET lock_timeout = '2s' and retries, "
                    + "CREATE INDEX / REINDEX CONCURRENTLY, off-peak")
        }
        if kinds.contains(where: { $0.contains("advisory lock") }) {
            advice.append("It waits for an advisory lock the application takes: hold it for less time")
        }
        if deadlocks {
            advice.append(
                "Deadlocks mean transactions lock the same rows in different orders: change rows in one order "
                    + "everywhere (by primary key), or lock them up front (SELECT … FOR UPDATE ORDER BY id), and "
                    + "retry a transaction cancelled by a deadlock")
        }
        if kinds.contains(where: { $0.hasSuffix("on transaction") }), !deadlocks {
            advice.append("For work queues, SELECT … FOR UPDATE SKIP LOCKED lets workers pass rows others hold")
        }
        return advice.joined(separator: ". ") + "."
    }
}
