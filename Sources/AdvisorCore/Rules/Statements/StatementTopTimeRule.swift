/// Reports the statements that cost the most database time in total, pt-query-digest's profile as
/// findings: where tuning pays first.
public struct StatementTopTimeRule: Rule {
    public struct Options: RuleOptions {
        /// A statement is reported when it takes at least this share of all statement time.
        public var minShare = 0.05
        /// At most this many statements, the most expensive first.
        public var maxStatements = 10
        /// A statement costing less than this (milliseconds per day, or in total when the window is
        /// unknown) is not worth tuning, whatever its share: an idle database yields nothing.
        public var minTimeMsPerDay = 60_000.0
        /// How much of the statement's time tuning is assumed to save, for ranking only: the real saving
        /// is known once its plan is read, and the specific findings that estimate it rank on their own.
        public var assumedSavedShare = 0.5
        /// Severity by the share of all statement time.
        public var severityByShare = Levels(medium: 0.1, high: 0.25, critical: 0.5)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "statement-top-time",
        title: "Statement among the most expensive in total time",
        category: .statements,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.statements],
        summary: "A statement takes a large share of all the time the database spends running statements.",
        rationale: """
            The statement statistics (`pg_stat_statements`, `performance_schema` digests) add up the time \
            of every call. Sorted by total time they are the profile pt-query-digest prints: a few \
            statements usually take most of the time, and only those are worth tuning first — a 2 s report \
            run twice a day matters less than a 3 ms lookup run a million times. Each statement taking at \
            least `min_share` of all statement time (top `max_statements`, and at least `min_time_ms_per_day`) \
            is reported with its calls, total and mean time, rows per call, and when known its maximum, the \
            share of its time spent on block I/O and the temporary blocks it wrote.

            The ranking score is the statement's daily time × `assumed_saved_share`: what tuning saves is \
            unknown until its plan is read. Without a statistics window (no reset time, no server start) the \
            cumulative numbers are used, with low confidence. Severity follows the share; a window under an hour (a short \
            log, counters reset minutes ago) or an unknown one decides no severity above medium, since its share \
            may be a burst's. A one-off — a bulk load (COPY), an index build, a \
            schema change, maintenance, or any statement run 5 times or fewer — is not a daily cost: it is \
            reported at most as low, with what it cost in total and no rate. The statements PostgreSQL's \
            foreign-key triggers run (`SELECT 1 FROM ONLY … FOR KEY SHARE OF x`, cascades) are named by the \
            foreign key and the writes that make the server run them; the key check of each row written is at most \
            low, as it has nothing to tune.

            **Fix:** read its plan. `dbadvisor scan --explain-top N` captures the plans of the top statements \
            and runs the plan rules on them; by hand, `EXPLAIN (ANALYZE, BUFFERS)` with typical values \
            (PostgreSQL 16+: `EXPLAIN (GENERIC_PLAN)` on the normalized text as is), MySQL `EXPLAIN ANALYZE`, \
            MariaDB `ANALYZE FORMAT=JSON`. Look at the columns its WHERE clause filters on and the indexes \
            that serve them. A cheap statement called very often is better batched (see \
            `statement-n-plus-one`) or cached. A `COMMIT` has no plan: its time is the log flush to disk, \
            paid once per transaction (fewer, larger transactions; `synchronous_commit`, \
            `innodb_flush_log_at_trx_commit`); an `INSERT … VALUES` is advised on its writes (batching, indexes \
            to maintain) and a schema or maintenance statement on when and how it runs. **Validate:** after the change, the statement's mean time and \
            share drop in the next scan over a similar window.
            """,
        examples: [
            RuleExample(
                "one statement takes most of the time",
                snapshot: StatementRuleExamples.snapshot(statements: [
                    StatementRuleExamples.statement(
                        "101", "SELECT * FROM orders WHERE status = $1 ORDER BY created_at DESC LIMIT $2",
                        calls: 12_000, totalTimeMs: 5_400_000, rows: 240_000),
                    StatementRuleExamples.statement(
                        "102", "SELECT id, name FROM customers WHERE id = $1", calls: 90_000, totalTimeMs: 45_000,
                        rows: 90_000),
                    StatementRuleExamples.statement(
                        "103", "UPDATE carts SET updated_at = $1 WHERE id = $2", calls: 30_000,
                        totalTimeMs: 30_000, rows: 30_000),
                ]),
                expecting: ["SELECT * FROM orders WHERE status = $1 ORDER BY created_at DESC LIMIT $2"]),
            RuleExample(
                "an idle database",
                snapshot: StatementRuleExamples.snapshot(statements: [
                    StatementRuleExamples.statement(
                        "201", "SELECT * FROM settings WHERE key = $1", calls: 40, totalTimeMs: 12, rows: 40),
                    StatementRuleExamples.statement("202", "SELECT $1", calls: 1_440, totalTimeMs: 30, rows: 1_440),
                ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let snapshot = context.snapshot
        let ranked = snapshot.statements.filter { $0.totalTimeMs > 0 }.sorted { a, b in
            a.totalTimeMs != b.totalTimeMs ? a.totalTimeMs > b.totalTimeMs : a.findingKey < b.findingKey
        }
        let grandTotal = ranked.reduce(0) { $0 + $1.totalTimeMs }
        guard grandTotal > 0 else { return [] }
        let window = StatementWindow(snapshot)
        var findings: [Finding] = []
        for (offset, statement) in ranked.prefix(max(options.maxStatements, 0)).enumerated() {
            let share = statement.totalTimeMs / grandTotal
            // A one-off (a load, an index build, a statement run a handful of times) cost its total once.
            let oneOff = snapshot.isOneOff(statement)
            let timePerDay = oneOff ? statement.totalTimeMs : window.perDayOrCumulative(statement.totalTimeMs)
            guard share >= options.minShare, timePerDay >= options.minTimeMsPerDay else { continue }
            findings.append(
                oneOff
                    ? oneOffFinding(statement, rank: offset + 1, share: share, window: window, snapshot: snapshot)
                    : finding(
                        statement, rank: offset + 1, share: share, timePerDay: timePerDay, window: window,
                        snapshot: snapshot))
        }
        return findings
    }

    private func finding(
        _ statement: StatementStats, rank: Int, share: Double, timePerDay: Double, window: StatementWindow,
        snapshot: Snapshot
    ) -> Finding {
        let calls = Double(statement.calls)
        var evidence = profileEvidence(statement, rank: rank, share: share)
        if window.isKnown {
            evidence.append(Evidence("calls per day", window.perDayOrCumulative(calls), "count"))
            evidence.append(Evidence("time per day", timePerDay, "ms"))
        }
        return Finding(
            ruleId: Self.description.id,
            severity: severity(statement, share: share, window: window, snapshot: snapshot),
            category: Self.description.category,
            object: .statement(statement),
            message: Self.message(statement, rank: rank, share: share, window: window, snapshot: snapshot),
            evidence: evidence,
            impact: .daily(
                msPerDay: timePerDay * options.assumedSavedShare, share: share, timeMs: statement.meanTimeMs,
                confidence: window.confidence(.medium),
                summary: "\(Formatting.percent(fraction: share)) of statement time, "
                    + "\(Formatting.milliseconds(timePerDay)) \(window.periodText); ranked as if tuning saved "
                    + "\(Formatting.percent(fraction: options.assumedSavedShare)) of it"),
            recommendation: Self.recommendation(statement, rank: rank, snapshot: snapshot),
            risk: "None: this finding points at where the time goes; the change it leads to carries its own risk.",
            validation: validation(snapshot))
    }

    /// By share, at most medium over a short or unknown window, and at most low for the server's own key check
    /// of each row written into a referencing table: it has nothing to tune, its cost is the writes'.
    private func severity(
        _ statement: StatementStats, share: Double, window: StatementWindow, snapshot: Snapshot
    ) -> Severity {
        let severity = window.severity(options.severityByShare, for: share)
        if case .foreignKey(let action) = snapshot.kind(of: statement), !action.onReferencingSide {
            return min(severity, .low)
        }
        return severity
    }

    /// A one-off's finding: what it cost in total, never a rate, low (it is not a daily cost), ranked as one.
    private func oneOffFinding(
        _ statement: StatementStats, rank: Int, share: Double, window: StatementWindow, snapshot: Snapshot
    ) -> Finding {
        let severity = min(options.severityByShare.severity(for: share), .low)
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: .statement(statement),
            message: Self.oneOffMessage(statement, rank: rank, share: share, window: window, snapshot: snapshot),
            evidence: profileEvidence(statement, rank: rank, share: share),
            impact: Impact(
                score: Impact.riskScore(severity), share: share, timeMs: statement.meanTimeMs,
                confidence: window.confidence(.medium),
                summary: "\(Formatting.milliseconds(statement.totalTimeMs)) in total "
                    + "(\(Formatting.percent(fraction: share)) of statement time), once: not a daily cost"),
            recommendation: Self.recommendation(statement, rank: rank, snapshot: snapshot),
            risk: "None: this finding points at where the time went; the change it leads to carries its own risk.",
            validation: validation(snapshot))
    }

    private func validation(_ snapshot: Snapshot) -> String {
        "After the change, compare the statement's mean time and share of statement time in the next "
            + "\(snapshot.statementSource?.isLog == true ? "log" : "scan") over a similar window: both should drop."
    }

    private func profileEvidence(_ statement: StatementStats, rank: Int, share: Double) -> [Evidence] {
        let calls = Double(statement.calls)
        var evidence = [
            Evidence("rank by total time", Double(rank), "count"),
            Evidence("calls", calls, "count"),
            Evidence("total time", statement.totalTimeMs, "ms"),
            Evidence("share of statement time", share * 100, "percent"),
            Evidence("mean time", statement.meanTimeMs, "ms"),
        ]
        if let rows = statement.rowsPerCall { evidence.append(Evidence("rows per call", rows, "rows")) }
        if let max = statement.maxTimeMs { evidence.append(Evidence("max time", max, "ms")) }
        let ioTime = (statement.blockReadTimeMs ?? 0) + (statement.blockWriteTimeMs ?? 0)
        if statement.blockReadTimeMs != nil || statement.blockWriteTimeMs != nil {
            evidence.append(Evidence("I/O time share", ioTime / statement.totalTimeMs * 100, "percent"))
        }
        if let written = statement.tempBlocksWritten, written > 0 {
            evidence.append(Evidence("temp blocks written", Double(written), "blocks"))
        }
        if let examined = statement.rowsExamined, statement.calls > 0 {
            evidence.append(Evidence("rows examined per call", Double(examined) / calls, "rows"))
        }
        return evidence
    }
}

// MARK: - Messages

extension StatementTopTimeRule {
    fileprivate static func message(
        _ statement: StatementStats, rank: Int, share: Double, window: StatementWindow, snapshot: Snapshot
    ) -> String {
        var what = ""
        if case .foreignKey(let action) = snapshot.kind(of: statement) {
            what = " is \(action.description(in: snapshot)); it"
        }
        return "Statement #\(rank) by total time\(what) takes \(Formatting.percent(fraction: share)) of all "
            + "statement time: \(Formatting.milliseconds(statement.totalTimeMs)) in "
            + "\(Formatting.count(Double(statement.calls))) calls\(window.spanText) (mean "
            + "\(Formatting.milliseconds(statement.meanTimeMs))"
            + (statement.rowsPerCall.map { ", \(Formatting.decimal($0, digits: 1)) rows per call" } ?? "") + ")."
    }

    fileprivate static func oneOffMessage(
        _ statement: StatementStats, rank: Int, share: Double, window: StatementWindow, snapshot: Snapshot
    ) -> String {
        let kind = snapshot.kind(of: statement)
        let what: String
        switch kind {
        case .load: what = "a bulk load"
        case .indexBuild: what = "an index build"
        case .schemaChange: what = "a schema change"
        case .maintenance: what = "maintenance"
        case .application, .foreignKey: what = "a statement run \(statement.calls == 1 ? "once" : "a handful of times")"
        }
        let runs = statement.calls == 1 ? "once" : "\(Formatting.count(Double(statement.calls))) times"
        return "Statement #\(rank) by total time ran \(runs)\(window.spanText) and took "
            + "\(Formatting.milliseconds(statement.totalTimeMs)) in total (\(Formatting.percent(fraction: share)) "
            + "of all statement time): \(what), not a daily cost."
    }

    fileprivate static func recommendation(_ statement: StatementStats, rank: Int, snapshot: Snapshot) -> String {
        let engine = snapshot.server.engine
        let shape = snapshot.shape(of: statement)
        let verb = firstWord(statement.text)
        if verb == "commit" || verb == "end" { return commitAdvice(engine) }
        switch snapshot.kind(of: statement) {
        case .foreignKey(let action): return foreignKeyAdvice(action, snapshot)
        case .load: return loadAdvice(engine)
        case .indexBuild: return indexBuildAdvice(engine)
        case .schemaChange, .maintenance: return maintenanceAdvice(verb, engine)
        case .application: break
        }
        if verb == "insert" || verb == "replace", !statement.text.lowercased().contains("select") {
            return insertAdvice(shape)
        }
        let planNumber = snapshot.planNumber(of: statement)
        let fromLog = snapshot.statementSource?.isLog == true
        var text: String
        if let planNumber {
            text = "Its plan was captured (plan \(planNumber)): the plan findings on it say where the time goes"
        } else {
            let explain: String
            switch engine {
            case .postgres: explain = "EXPLAIN (ANALYZE, BUFFERS)"
            case .mysql: explain = "EXPLAIN ANALYZE"
            case .mariadb: explain = "ANALYZE FORMAT=JSON"
            }
            if fromLog, statement.sampleText != nil {
                // A log keeps the slowest execution with its literals: the statement to explain as it ran.
                text =
                    "Read its plan: \(explain) its slowest sample (listed under the statement profile"
                    + (shape.command == .select ? ")" : "; ANALYZE runs it, so inside a transaction you roll back)")
                if engine == .postgres { text += ", or have auto_explain log it" }
            } else {
                text =
                    "Read its plan: dbadvisor scan --explain-top \(rank), or \(explain) with typical values"
                    + (engine == .postgres ? " (16+: EXPLAIN (GENERIC_PLAN) as is)" : "")
            }
        }
        text += tableAdvice(shape)
        if statement.calls >= 10_000, statement.meanTimeMs < 1 {
            text += "; at this call rate, fewer calls (batching, caching) may save more than a faster plan"
        }
        return text + "."
    }

    private static func name(_ use: StatementShape.TableUse) -> String {
        use.schema.map { "\($0).\(use.table)" } ?? use.table
    }

    /// The statement's first keyword, lower-cased: statements without a plan worth reading are told by it.
    private static func firstWord(_ text: String) -> String {
        text.drop { $0.isWhitespace || $0 == "(" }.prefix { $0.isLetter }.lowercased()
    }

    /// A bulk load: its time is writing rows and maintaining what comes with them, paid once per load.
    private static func loadAdvice(_ engine: Engine) -> String {
        let indexes =
            engine == .postgres
            ? "raise maintenance_work_mem for the session that builds the indexes"
            : "raise innodb_sort_buffer_size for the index builds"
        return "A bulk load (COPY, LOAD DATA, CREATE TABLE … AS) has no plan to tune, and its time is paid once "
            + "per load. If loads like it recur and take too long, load into a table without its secondary indexes "
            + "and foreign keys and add them afterwards (\(indexes)), and run it off-peak."
    }

    /// An index build sorts in maintenance_work_mem (PostgreSQL) or innodb_sort_buffer_size, not in work_mem.
    private static func indexBuildAdvice(_ engine: Engine) -> String {
        engine == .postgres
            ? "An index build (CREATE INDEX, ADD PRIMARY KEY / UNIQUE, REINDEX, CLUSTER) has no plan to tune: it sorts "
                + "in maintenance_work_mem, not work_mem. If builds like it recur, raise maintenance_work_mem for the "
                + "session that runs them (SET maintenance_work_mem = '1GB') and, on a table in use, build "
                + "CONCURRENTLY (ADD CONSTRAINT … USING INDEX for a key) so that writes are not blocked."
            : "An index build (CREATE INDEX, ADD PRIMARY KEY / UNIQUE, OPTIMIZE) has no plan to tune: InnoDB sorts "
                + "in innodb_sort_buffer_size. If builds like it recur, run them off-peak with ALGORITHM=INPLACE, "
                + "LOCK=NONE (or pt-online-schema-change, gh-ost) so that writes are not blocked."
    }

    /// The server's own foreign-key statements: their cost follows the writes that fire them.
    private static func foreignKeyAdvice(_ action: ForeignKeyAction, _ snapshot: Snapshot) -> String {
        guard action.onReferencingSide else {
            return "This statement is the server's own and has nothing to tune: the unique index it looks the key "
                + "up in exists by necessity (a foreign key requires one), and its time follows the rows written. "
                + "If it costs too much, look at the writes that fire it (fewer rows, fewer key updates) rather "
                + "than at this statement."
        }
        let table = (action.schema.map { "\($0)." } ?? "") + action.table
        let columns = action.columns.joined(separator: ", ")
        return "This statement is the server's own: it finds the rows of \(table) that reference each deleted or "
            + "updated key by \(columns). Without an index whose leading columns are \(columns), each one reads "
            + "\(table) in full: check that one exists (foreign-key-missing-index reports it when it does not), "
            + "e.g. CREATE INDEX CONCURRENTLY ON \(table) (\(columns))."
    }

    private static func maintenanceAdvice(_ verb: String, _ engine: Engine) -> String {
        let online =
            engine == .postgres
            ? "CREATE INDEX CONCURRENTLY, ALTER TABLE … NOT VALID then VALIDATE, pg_repack"
            : "ALGORITHM=INPLACE/INSTANT with LOCK=NONE, pt-online-schema-change or gh-ost"
        return "A schema or maintenance statement (\(verb.uppercased())) has no plan to tune. If it runs while the "
            + "application does, run it off-peak or in a form that does not block writes (\(online)); if it "
            + "runs often (tables created and dropped per request), keep the schema fixed instead."
    }

    /// INSERT … VALUES: the time is writing rows, not finding them.
    private static func insertAdvice(_ shape: StatementShape) -> String {
        let table = shape.tables.first.map { " into " + name($0) } ?? ""
        return "An INSERT … VALUES has no plan to tune: its time is writing each row\(table) and maintaining "
            + "the indexes, foreign keys and triggers that come with it. Send rows in batches (multi-row VALUES, "
            + "COPY or LOAD DATA) where the application inserts one per statement, and drop the indexes nothing "
            + "reads (see index-unused)."
    }

    /// Where a commit's time goes: waiting for its log records to reach disk (and replicas), once per transaction.
    private static func commitAdvice(_ engine: Engine) -> String {
        switch engine {
        case .postgres:
            "A COMMIT waits for its WAL to be flushed to disk (and, with synchronous_standby_names, for the "
                + "standbys): its time is the disk's flush latency times the number of transactions. Measure the "
                + "disk with pg_test_fsync; commit less often (group small transactions, batch writes); where "
                + "losing the last few transactions in a crash is acceptable, SET synchronous_commit = off for "
                + "those sessions (the database stays consistent)."
        case .mysql, .mariadb:
            "A COMMIT flushes the redo log (innodb_flush_log_at_trx_commit = 1) and the binary log "
                + "(sync_binlog = 1) to disk: its time is the disk's fsync latency times the number of "
                + "transactions. Commit less often (group small transactions, batch writes), put the logs on a disk "
                + "with fast fsync, or, where losing up to a second of transactions in a crash is acceptable, set "
                + "innodb_flush_log_at_trx_commit = 2."
        }
    }

    /// What the statement's shape says to look at: the columns an index should serve, or rows read unfiltered.
    private static func tableAdvice(_ shape: StatementShape) -> String {
        let filtered = shape.tables.filter { !$0.filter.isEmpty }
        if !filtered.isEmpty {
            let parts = filtered.map { "\(name($0)) on \($0.filter.allColumns.joined(separator: ", "))" }
            return "; it filters \(parts.joined(separator: " and ")): check that an index serves these columns"
        }
        guard let first = shape.tables.first else { return "" }
        switch shape.command {
        case .select:
            return "; it reads \(shape.tables.map(name).joined(separator: " and ")) without a condition on the "
                + "values it looks for: check that it needs every row it reads"
        case .insert: return "; it writes into \(name(first)): look at the indexes and triggers each row maintains"
        default: return ""
        }
    }
}
