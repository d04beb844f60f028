/// Reports N+1 query patterns seen from the database: a cheap one-row key lookup run so often that its
/// calls, not its plan, are the cost, with the batched form that fetches every key at once.
public struct StatementNPlusOneRule: Rule {
    public struct Options: RuleOptions {
        /// The lookup must have run at least this many times.
        public var minCalls = 1_000
        /// And at least this often, in calls per minute over the window (when the window is known).
        public var minCallsPerMinute = 100.0
        /// Each call is cheap: an N+1 lookup is fast on its own, its number is the problem.
        public var maxMeanTimeMs = 5.0
        /// Each call returns about one row.
        public var maxRowsPerCall = 1.5
        /// A parent is a statement whose total rows are within this fraction of the lookup's calls.
        public var parentTolerance = 0.2
        /// Or one whose calls, multiplied by a whole number up to this, match the lookup's calls (within 1 %).
        public var maxCallsMultiple = 20
        /// The batched query is assumed to cost about one lookup's mean time per this many keys.
        public var keysPerBatchedCall = 100.0
        /// Severity by the database time the batched form saves per day.
        public var severityBySavedTimePerDay = Levels.savedTimePerDay

        public init() {}
    }

    public static let description = RuleDescription(
        id: "statement-n-plus-one",
        title: "N+1 lookups",
        category: .statements,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.statements],
        summary: "A one-row key lookup runs so often that fetching the keys in one batched query would save time.",
        rationale: """
            An ORM that loads a list and then each row's association one by one sends one cheap lookup per \
            row: `SELECT … FROM customers WHERE id = $1`, thousands of times a minute. Each call is fast, but \
            every call pays a network round trip, parsing or binding, planning, executor start-up and the \
            index descent, so the calls together cost far more than one query fetching all the keys. Seen \
            from the database: at least `min_calls` calls (and `min_calls_per_minute` when the window is \
            known), a mean time of at most `max_mean_time_ms`, at most `max_rows_per_call` rows per call, \
            and the shape of a key lookup (a SELECT of one table by equality on parameters). When another \
            statement returns about as many rows in total as the lookup has calls (within \
            `parent_tolerance`), or runs a whole fraction as often, it is probably the list the lookups \
            follow: it is named and the confidence rises. Without such a parent, a lookup run as often as another \
            statement of its database (within 1 %) is one step of a transaction run once per request — \
            pgbench's balance read beside its updates, one random key each — and is not reported: there is no \
            list to batch.

            **Estimate:** calls per day × (mean time − mean time / `keys_per_batched_call`): the batched \
            query is assumed to cost about one lookup's mean time per 100 keys, because per-call overhead \
            dominates a one-row lookup and fetching more rows from the same index is cheap. The application \
            also saves a round trip per call, which is not counted.

            **Fix:** fetch the keys in one query — PostgreSQL `WHERE id = ANY($1)` with an array parameter, \
            MySQL and MariaDB `WHERE id IN (…)` — or join the lookup into the parent query; in an ORM, eager \
            loading (`includes`/`preload`, `select_related`/`prefetch_related`, `JOIN FETCH`/`@BatchSize`). \
            **Validate:** the lookup's calls drop by about the batch size in the next scan and the batched \
            statement appears with a similar number of rows in total.
            """,
        examples: [
            RuleExample(
                "a customer lookup for every order in a list",
                snapshot: StatementRuleExamples.snapshot(statements: [
                    StatementRuleExamples.statement(
                        "301", "SELECT id, name, email FROM customers WHERE id = $1", calls: 2_000_000,
                        totalTimeMs: 240_000, rows: 1_990_000),
                    StatementRuleExamples.statement(
                        "302", "SELECT id, customer_id, total FROM orders WHERE shop_id = $1 LIMIT $2",
                        calls: 80_000, totalTimeMs: 160_000, rows: 2_000_000),
                ]),
                expecting: ["SELECT id, name, email FROM customers WHERE id = $1"]),
            RuleExample(
                "a primary-key lookup called a few hundred times",
                snapshot: StatementRuleExamples.snapshot(statements: [
                    StatementRuleExamples.statement(
                        "401", "SELECT * FROM customers WHERE id = $1", calls: 300, totalTimeMs: 24, rows: 300)
                ]),
                expecting: []),
            RuleExample(
                "a frequent statement returning many rows per call, and a frequent write",
                snapshot: StatementRuleExamples.snapshot(statements: [
                    StatementRuleExamples.statement(
                        "501", "SELECT * FROM order_items WHERE order_id = $1", calls: 500_000, totalTimeMs: 150_000,
                        rows: 4_000_000),
                    StatementRuleExamples.statement(
                        "502", "UPDATE sessions SET seen_at = $1 WHERE id = $2", calls: 900_000, totalTimeMs: 90_000,
                        rows: 900_000),
                ]),
                expecting: []),
            RuleExample(
                "one balance read per transaction, beside the transaction's updates (pgbench)",
                snapshot: StatementRuleExamples.snapshot(statements: [
                    StatementRuleExamples.statement(
                        "601", "SELECT abalance FROM pgbench_accounts WHERE aid = $1", calls: 400_000,
                        totalTimeMs: 3_200, rows: 400_000),
                    StatementRuleExamples.statement(
                        "602", "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2", calls: 400_000,
                        totalTimeMs: 9_600, rows: 400_000),
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
        var findings: [Finding] = []
        for statement in snapshot.statements {
            // Rows must be counted: a source without them (a PostgreSQL log) has the N+1 burst rule instead.
            guard statement.calls >= options.minCalls, statement.meanTimeMs > 0,
                statement.meanTimeMs <= options.maxMeanTimeMs, let rowsPerCall = statement.rowsPerCall,
                rowsPerCall <= options.maxRowsPerCall
            else { continue }
            if let rate = window.perMinute(Double(statement.calls)), rate < options.minCallsPerMinute { continue }
            let shape = snapshot.shape(of: statement)
            // The server's own foreign-key lookups run once per row written: no application loop to batch.
            guard shape.isKeyLookup, snapshot.kind(of: statement) == .application else { continue }
            let parent = parent(of: statement, in: snapshot)
            if parent == nil, isTransactionStep(statement, in: snapshot) { continue }
            findings.append(finding(statement, shape: shape, parent: parent, window: window, snapshot: snapshot))
        }
        return findings
    }

    private func finding(
        _ statement: StatementStats, shape: StatementShape, parent: Parent?, window: StatementWindow,
        snapshot: Snapshot
    ) -> Finding {
        let engine = snapshot.server.engine
        let calls = Double(statement.calls)
        let batchedCostPerKey = statement.meanTimeMs / options.keysPerBatchedCall
        let savedPerDay = window.perDayOrCumulative(calls * (statement.meanTimeMs - batchedCostPerKey))
        let callsPerDay = window.perDayOrCumulative(calls)
        var evidence = [
            Evidence("calls", calls, "count"),
            Evidence("mean time", statement.meanTimeMs, "ms"),
            Evidence("rows per call", statement.rowsPerCall ?? 0, "rows"),
            Evidence("total time", statement.totalTimeMs, "ms"),
        ]
        if let rate = window.perMinute(calls) { evidence.append(Evidence("calls per minute", rate, "count")) }
        if window.isKnown { evidence.append(Evidence("calls per day", callsPerDay, "count")) }
        evidence.append(Evidence("assumed batched cost per key", batchedCostPerKey, "ms"))
        if let parent {
            evidence.append(Evidence("parent calls", Double(parent.statement.calls), "count"))
            if let rows = parent.statement.rows { evidence.append(Evidence("parent rows", Double(rows), "rows")) }
        }
        let lookup = BatchedLookup.best(
            statement.text, table: shape.tables[0], indexes: snapshot.indexes, engine: engine)
        let confidence: Confidence = window.isKnown ? (parent == nil ? .medium : .high) : .low
        return Finding(
            ruleId: Self.description.id,
            severity: window.severity(options.severityBySavedTimePerDay, for: savedPerDay),
            category: Self.description.category,
            object: .statement(statement),
            message: Self.message(statement, shape: shape, parent: parent, window: window),
            evidence: evidence,
            impact: .daily(
                msPerDay: savedPerDay, timeMs: statement.meanTimeMs, confidence: confidence,
                summary: Self.impactSummary(
                    callsPerDay: callsPerDay, mean: statement.meanTimeMs, batchedCostPerKey: batchedCostPerKey,
                    saved: savedPerDay, keysPerCall: options.keysPerBatchedCall, window: window)),
            recommendation: Self.recommendation(lookup: lookup, table: shape.tables[0], parent: parent, engine: engine),
            fixSQL: lookup?.sql,
            risk: "A batched query returns the rows in no particular order and without the keys that match "
                + "nothing: map them back by key in the application. Very long key lists (tens of thousands) are "
                + "better split into batches of a few hundred to a few thousand.",
            validation: "In the next scan the lookup's calls should drop by about the batch size, and the batched "
                + "statement appear with about as many rows in total as the lookup had calls.")
    }

    // MARK: - Parent

    /// Without a parent, a statement of the same database run as often as the lookup (within 1 %): the lookup is
    /// then one step of a transaction run once per request — pgbench's balance read beside its updates — with
    /// one random key each time, not a loop over a list.
    private func isTransactionStep(_ lookup: StatementStats, in snapshot: Snapshot) -> Bool {
        let calls = Double(lookup.calls)
        return snapshot.statements.contains { other in
            other.findingKey != lookup.findingKey
                && (other.database == nil || lookup.database == nil || other.database == lookup.database)
                && abs(Double(other.calls) - calls) <= calls * 0.01
        }
    }

    /// The statement the lookups probably follow, and how it matches.
    fileprivate struct Parent {
        var statement: StatementStats
        /// "returned 2,000,000 rows", "ran 80,000 times (× 25)".
        var match: String
    }

    /// A SELECT returning several rows per call whose total rows are about the lookup's calls (closest
    /// first), else one whose calls × a whole number are the lookup's calls.
    private func parent(of child: StatementStats, in snapshot: Snapshot) -> Parent? {
        let calls = Double(child.calls)
        var byRows: (candidate: StatementStats, distance: Double)?
        var byMultiple: (candidate: StatementStats, multiple: Int, distance: Double)?
        for candidate in snapshot.statements
        where candidate.findingKey != child.findingKey && candidate.calls > 0 && candidate.calls < child.calls
            && (candidate.rowsPerCall ?? 0) >= 2
            && (candidate.database == nil || child.database == nil
                || candidate.database == child.database)
        {
            let rowsDistance = abs(Double(candidate.rows ?? 0) - calls) / calls
            let ratio = calls / Double(candidate.calls)
            let multiple = Int(ratio.rounded())
            let multipleDistance = abs(ratio - Double(multiple)) / Double(max(multiple, 1))
            let matchesRows = rowsDistance <= options.parentTolerance
            let matchesMultiple = multiple >= 2 && multiple <= options.maxCallsMultiple && multipleDistance <= 0.01
            guard matchesRows || matchesMultiple, snapshot.shape(of: candidate).command == .select else { continue }
            if matchesRows, Self.isCloser(rowsDistance, candidate, than: byRows.map { ($0.distance, $0.candidate) }) {
                byRows = (candidate, rowsDistance)
            }
            if matchesMultiple,
                Self.isCloser(multipleDistance, candidate, than: byMultiple.map { ($0.distance, $0.candidate) })
            {
                byMultiple = (candidate, multiple, multipleDistance)
            }
        }
        if let byRows {
            return Parent(
                statement: byRows.candidate,
                match: "returned \(Formatting.count(Double(byRows.candidate.rows ?? 0))) rows in total")
        }
        return byMultiple.map { found in
            Parent(
                statement: found.candidate,
                match: "ran \(Formatting.count(Double(found.candidate.calls))) times (× \(found.multiple))")
        }
    }

    private static func isCloser(
        _ distance: Double, _ candidate: StatementStats, than best: (Double, StatementStats)?
    ) -> Bool {
        guard let (bestDistance, bestCandidate) = best else { return true }
        if distance != bestDistance { return distance < bestDistance }
        return candidate.findingKey < bestCandidate.findingKey
    }
}

// MARK: - Messages

extension StatementNPlusOneRule {
    fileprivate static func message(
        _ statement: StatementStats, shape: StatementShape, parent: Parent?, window: StatementWindow
    ) -> String {
        let table = shape.tables[0]
        let name = table.schema.map { "\($0).\(table.table)" } ?? table.table
        var text =
            "A one-row lookup on \(name) by \(table.filter.equalityColumns.joined(separator: ", ")) ran "
            + "\(Formatting.count(Double(statement.calls))) times\(window.spanText) at "
            + "\(Formatting.milliseconds(statement.meanTimeMs)) each: the pattern of N+1 queries"
        if let parent {
            text += "; it probably follows \"\(parent.statement.oneLineText(maxLength: 60))\", which \(parent.match)"
        }
        return text + "."
    }

    fileprivate static func impactSummary(
        callsPerDay: Double, mean: Double, batchedCostPerKey: Double, saved: Double, keysPerCall: Double,
        window: StatementWindow
    ) -> String {
        let period = window.isKnown ? "calls per day" : "calls (cumulative: window unknown)"
        return "\(Formatting.count(callsPerDay)) \(period) × (\(Formatting.milliseconds(mean)) mean − "
            + "\(Formatting.milliseconds(batchedCostPerKey)) per key batched, assuming a batched query costs "
            + "about one lookup per \(Formatting.count(keysPerCall)) keys) ≈ \(Formatting.milliseconds(saved)) "
            + "saved \(window.isKnown ? "per day" : "in total"), plus a network round trip per call in the application"
    }

    fileprivate static func recommendation(
        lookup: BatchedLookup?, table: StatementShape.TableUse, parent: Parent?, engine: Engine
    ) -> String {
        let column = lookup?.column ?? table.filter.equalityColumns.last ?? "the key"
        let batched = engine == .postgres ? "WHERE \(column) = ANY($1) with an array of keys" : "WHERE \(column) IN (…)"
        var text = "Fetch the keys in one query (\(batched))"
        if let parent {
            text += " after \"\(parent.statement.oneLineText(maxLength: 60))\", or join \(table.table) into it"
        } else {
            text += ", or join \(table.table) into the query that produces the keys"
        }
        return text + "; in an ORM, eager-load the association instead of loading it row by row."
    }
}
