/// Reports N+1 query patterns seen from the database: a cheap key lookup run once per row of a related list,
/// so that its calls, not its plan, are the cost, with the batched form that fetches every key at once.
public struct StatementNPlusOneRule: Rule {
    public struct Options: RuleOptions {
        /// A lookup without a related parent must have run at least this many times…
        public var minCalls = 1_000
        /// …and at least this often, in calls per minute over the window (when the window is known).
        public var minCallsPerMinute = 100.0
        /// A loop behind a related parent is judged by its pattern: this many calls are enough (a staging run).
        public var minCallsWithParent = 50
        /// Each call is cheap: an N+1 lookup is fast on its own, its number is the problem.
        public var maxMeanTimeMs = 5.0
        /// A lookup without a related parent returns about one row per call…
        public var maxRowsPerCall = 1.5
        /// …one behind a related parent may load a collection (a 1-N association) of up to this many rows.
        public var maxCollectionRowsPerCall = 100.0
        /// A parent returns about as many rows in total as the lookup has calls: within this fraction.
        public var parentTolerance = 0.2
        /// The batched query is assumed to cost about one lookup's mean time per this many keys.
        public var keysPerBatchedCall = 100.0
        /// What each call costs the application besides its database time (network round trip, the driver's
        /// work, binding), ms: saved for every call batching removes.
        public var roundTripMs = 0.3
        /// Severity by the time the batched form saves per day.
        public var severityBySavedTimePerDay = Levels.savedTimePerDay

        public init() {}
    }

    public static let description = RuleDescription(
        id: "statement-n-plus-one",
        title: "N+1 lookups",
        category: .statements,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.statements],
        summary:
            "A key lookup runs once per row of a list it follows: batching the keys into one query saves its calls.",
        rationale: """
            An ORM that loads a list and then each row's association one by one sends one cheap lookup per \
            row: `SELECT … FROM customers WHERE id = $1` for each order (an N-1 reference), `SELECT … FROM books \
            WHERE author_id = $1` for each author (a 1-N collection, several rows per call). Each call is fast, \
            but every call pays a network round trip, parsing or binding, planning, executor start-up and the \
            index descent, so the calls together cost far more than one query fetching all the keys.

            **Evidence.** The statement statistics hold no order of execution, so the loop is recognised by its \
            numbers: a lookup (a SELECT of one table by equality on parameters, at most `max_mean_time_ms` a \
            call, not already taking a list of keys) and a parent — a SELECT of the same database returning \
            several rows per call, run by the same user, whose rows in total are the lookup's calls within \
            `parent_tolerance`, and \
            whose table is related to the lookup's: a foreign key from the lookup's filter column to the \
            parent's table (1-N), or from the parent's table to the lookup's key (N-1); without foreign keys in \
            the catalog, the `<table>_id` naming ORMs use. With such a parent the pattern is enough: \
            `min_calls_with_parent` calls (a short staging run), up to `max_collection_rows_per_call` rows a \
            call. A ratio alone names no parent: an unrelated query whose rows happen to match is not what drives \
            the loop. Without a parent, only a one-row lookup (`max_rows_per_call`) run at least `min_calls` \
            times (and `min_calls_per_minute` when the window is known) is reported, with medium confidence; \
            and not at all when another statement of its database runs as often (within 1 %): \
            it is then one step of a transaction run once per request — pgbench's balance read beside its \
            updates, one random key each — with no list to batch. What the database cannot show: which \
            application code runs the loop, and loops whose lookups the server's cache of texts merged with \
            other calls; `dbadvisor logs` (the N+1 burst rule) sees the order of execution.

            **Estimate:** the database time saved, calls × (mean − mean / `keys_per_batched_call`) — the \
            batched query assumed to cost about one lookup per 100 keys — plus the round trips saved, (calls − \
            batches) × `round_trip_ms` (0.3 ms: a network round trip and the driver's work per statement, \
            which the database's timers do not see), with one batch per run of the parent, or per \
            `keys_per_batched_call` keys without one; per day over the statistics window. Severity follows \
            that figure; a window under an hour decides none above medium.

            **Fix:** fetch the keys in one query — PostgreSQL `WHERE id = ANY($1::integer[])` with an array \
            parameter, MySQL and MariaDB `WHERE id IN (…)` (the printed rewrite keeps the digest's `(...)` for \
            the list of keys) — or join the lookup into the parent query; in an ORM, eager loading \
            (SQLAlchemy `selectinload`/`joinedload`, Django `prefetch_related`/`select_related`, Rails \
            `includes`, Hibernate `JOIN FETCH`/`@BatchSize`). **Validate:** the lookup's calls drop by about the \
            batch size in the next scan and the batched statement appears with a similar number of rows in total.
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
            guard statement.calls >= options.minCallsWithParent, statement.meanTimeMs > 0,
                statement.meanTimeMs <= options.maxMeanTimeMs, let rowsPerCall = statement.rowsPerCall,
                rowsPerCall <= options.maxCollectionRowsPerCall
            else { continue }
            let shape = snapshot.shape(of: statement)
            // The server's own foreign-key lookups run once per row written: no application loop to batch. A
            // statement already taking a list of keys is the batched form.
            guard shape.isKeyLookup, snapshot.kind(of: statement) == .application, !Self.takesAList(statement.text)
            else { continue }
            let parent = parent(of: statement, shape: shape, in: snapshot)
            if parent == nil {
                guard statement.calls >= options.minCalls, rowsPerCall <= options.maxRowsPerCall else { continue }
                if let rate = window.perMinute(Double(statement.calls)), rate < options.minCallsPerMinute { continue }
                if parent == nil, isTransactionStep(statement, in: snapshot) { continue }
            }
            findings.append(finding(statement, shape: shape, parent: parent, window: window, snapshot: snapshot))
        }
        return findings
    }

    /// `= ANY(…)`, `IN (…)`: a statement that already takes many keys at once.
    private static func takesAList(_ text: String) -> Bool {
        text.range(of: #"(?i)(=\s*any\s*\(|\bin\s*\()"#, options: .regularExpression) != nil
    }

    private func finding(
        _ statement: StatementStats, shape: StatementShape, parent: Parent?, window: StatementWindow,
        snapshot: Snapshot
    ) -> Finding {
        let engine = snapshot.server.engine
        let calls = Double(statement.calls)
        let batchedCostPerKey = statement.meanTimeMs / options.keysPerBatchedCall
        // One batched query per run of the parent, else one per `keys_per_batched_call` keys.
        let batches = parent.map { Double($0.statement.calls) } ?? (calls / options.keysPerBatchedCall).rounded(.up)
        let savedCalls = max(calls - batches, 0)
        let savedDatabaseMs = calls * (statement.meanTimeMs - batchedCostPerKey)
        let savedPerDay = window.perDayOrCumulative(savedDatabaseMs + savedCalls * options.roundTripMs)
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
        evidence.append(Evidence("round trips saved", savedCalls, "count"))
        evidence.append(Evidence("assumed cost per round trip", options.roundTripMs, "ms"))
        if let parent {
            evidence.append(Evidence("parent calls", Double(parent.statement.calls), "count"))
            if let rows = parent.statement.rows { evidence.append(Evidence("parent rows", Double(rows), "rows")) }
        }
        let table = shape.tables[0]
        let lookup =
            parent.flatMap { BatchedLookup(statement.text, table: table, key: $0.relation.column, engine: engine) }
            ?? BatchedLookup.best(statement.text, table: table, indexes: snapshot.indexes, engine: engine)
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
                    savedDatabaseMs: window.perDayOrCumulative(savedDatabaseMs),
                    savedCalls: window.perDayOrCumulative(savedCalls), roundTripMs: options.roundTripMs,
                    saved: savedPerDay, keysPerCall: options.keysPerBatchedCall, window: window)),
            recommendation: Self.recommendation(lookup: lookup, table: table, parent: parent, engine: engine),
            fixSQL: lookup.map { CatalogNames.spelled($0.sql, in: snapshot) },
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

    /// How a parent's table and the lookup's are related, which makes it the list that drives the loop.
    fileprivate struct Relation {
        /// The lookup's column that takes the parent's keys: `author_id` of `books` under a page of authors
        /// (1-N), `id` of `authors` under a page of books (N-1).
        var column: String
        /// "books.author_id references authors".
        var description: String
    }

    /// The statement the lookups follow: how its rows match the lookup's calls, and how its table is related.
    fileprivate struct Parent {
        var statement: StatementStats
        /// "returned 1,340 rows in total".
        var match: String
        var relation: Relation
    }

    /// A SELECT of the same database and user returning several rows per call, whose rows in total are about the
    /// lookup's calls and whose table is related to the lookup's (a foreign key, or the `<table>_id` naming ORMs
    /// use), the closest match first. A ratio alone names no parent: an unrelated query whose rows happen to
    /// match (psycopg's split of one text over two entries made one) is not what drives the loop.
    private func parent(of child: StatementStats, shape: StatementShape, in snapshot: Snapshot) -> Parent? {
        let calls = Double(child.calls)
        var best: (parent: Parent, distance: Double)?
        for candidate in snapshot.statements
        where candidate.findingKey != child.findingKey && candidate.calls > 0 && candidate.calls < child.calls
            && (candidate.rowsPerCall ?? 0) >= 2
            && (candidate.database == nil || child.database == nil || candidate.database == child.database)
            && (candidate.user == nil || child.user == nil || candidate.user == child.user)
        {
            let distance = abs(Double(candidate.rows ?? 0) - calls) / calls
            guard distance <= options.parentTolerance,
                Self.isCloser(distance, candidate, than: best.map { ($0.distance, $0.parent.statement) })
            else { continue }
            let candidateShape = snapshot.shape(of: candidate)
            guard candidateShape.command == .select,
                let relation = Self.relation(parent: candidateShape, text: candidate.text, child: shape, in: snapshot)
            else { continue }
            let match = "returned \(Formatting.count(Double(candidate.rows ?? 0))) rows in total"
            best = (Parent(statement: candidate, match: match, relation: relation), distance)
        }
        return best?.parent
    }

    /// How the parent's tables relate to the lookup's table, by the lookup's equality columns: a foreign key of
    /// the lookup's table to a parent table (1-N: `books.author_id` under authors) or of a parent table to the
    /// lookup's (N-1: `authors.id` under books); without foreign keys in the catalog, the `<table>_id` naming.
    private static func relation(
        parent: StatementShape, text parentText: String, child: StatementShape, in snapshot: Snapshot
    ) -> Relation? {
        let lookup = child.tables[0]
        let lookupTable = lookup.table.lowercased()
        let columns = lookup.filter.equalityColumns.map { $0.lowercased() }
        for use in parent.tables where use.table.lowercased() != lookupTable {
            let parentTable = use.table.lowercased()
            for key in snapshot.foreignKeys {
                let from = key.table.lowercased()
                let to = key.referencedTable.lowercased()
                let keyColumns = key.columns.map { $0.lowercased() }
                if from == lookupTable, to == parentTable, keyColumns.count == 1, columns.contains(keyColumns[0]) {
                    return Relation(
                        column: key.columns[0],
                        description: "\(key.table).\(key.columns[0]) references \(key.referencedTable)")
                }
                let referenced = key.referencedColumns.map { $0.lowercased() }
                if from == parentTable, to == lookupTable, referenced.count == 1, columns.contains(referenced[0]) {
                    return Relation(
                        column: key.referencedColumns[0],
                        description:
                            "\(key.table).\(key.columns.joined(separator: ", ")) references \(key.referencedTable)")
                }
            }
            guard snapshot.foreignKeys.isEmpty else { continue }
            if let column = columns.first(where: { $0 == singular(parentTable) + "_id" }) {
                return Relation(column: column, description: "\(lookup.table).\(column) names \(use.table)")
            }
            let reference = singular(lookupTable) + "_id"
            if columns.contains("id"), parentText.lowercased().contains(reference) {
                return Relation(column: "id", description: "\(use.table).\(reference) names \(lookup.table)")
            }
        }
        return nil
    }

    /// "authors" → "author", "categories" → "category": the stem ORMs name foreign-key columns after.
    private static func singular(_ table: String) -> String {
        if table.hasSuffix("ies") { return String(table.dropLast(3)) + "y" }
        if table.hasSuffix("s") { return String(table.dropLast()) }
        return table
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
        let rows = statement.rowsPerCall ?? 0
        let what =
            rows <= 1.5
            ? "A one-row lookup"
            : "A lookup of about \(Formatting.decimal(rows, digits: 1)) rows (a collection)"
        var text =
            "\(what) on \(name) by \(table.filter.equalityColumns.joined(separator: ", ")) ran "
            + "\(Formatting.count(Double(statement.calls))) times\(window.spanText) at "
            + "\(Formatting.milliseconds(statement.meanTimeMs)) each: the pattern of N+1 queries"
        if let parent {
            text += "; it probably follows \"\(parent.statement.oneLineText(maxLength: 60))\", which \(parent.match)"
            text += " (\(parent.relation.description))"
        }
        return text + "."
    }

    fileprivate static func impactSummary(
        savedDatabaseMs: Double, savedCalls: Double, roundTripMs: Double, saved: Double, keysPerCall: Double,
        window: StatementWindow
    ) -> String {
        "\(Formatting.milliseconds(savedDatabaseMs)) of database time (a batched query assumed to cost about one "
            + "lookup per \(Formatting.count(keysPerCall)) keys) + \(Formatting.count(savedCalls)) round trips × "
            + "\(Formatting.milliseconds(roundTripMs)) ≈ \(Formatting.milliseconds(saved)) saved "
            + (window.isKnown ? window.periodText : "in total (cumulative: window unknown)")
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
        return text
            + "; in an ORM, eager-load the association instead of loading it row by row (SQLAlchemy selectinload / "
            + "joinedload, Django prefetch_related / select_related, Rails includes, Hibernate JOIN FETCH or "
            + "@BatchSize)."
    }
}
