/// Reports N+1 loops seen in the order sessions ran their statements (MySQL's statement history, a
/// server or slow log): a parent query followed by the same child statement once per row, in bursts.
public struct NPlusOneBurstRule: Rule {
    public struct Options: RuleOptions {
        /// A (parent, child) pair is reported from this many bursts…
        public var minBursts = 3
        /// …or this many child calls in bursts.
        public var minCalls = 50
        /// What each call costs besides its database time (network round trip, parsing, the driver), ms.
        public var roundTripMs = 0.3
        /// A history or log shorter than this is not extrapolated to a day.
        public var minWindowSeconds = 60.0
        /// Severity by the time batching saves per day.
        public var severityBySavedTimePerDay = Levels.savedTimePerDay

        public init() {}
    }

    public static let description = RuleDescription(
        id: "n-plus-one-burst",
        title: "N+1 bursts",
        category: .statements,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.queryHistory],
        summary: "A session ran the same statement many times in a row after a parent query: an N+1 loop.",
        rationale: """
            An ORM that loads a list and then each row's association one by one leaves a clear trace in the \
            order a session runs its statements: the list query, then the same lookup N times in a row with \
            other literals, then the next list. The statement history (MySQL's \
            `events_statements_history_long`) or a log shows these bursts directly, per session, with the \
            statement that preceded them. A burst is 5 or more calls of one statement in a row, each within a \
            second of the last, in one session; its parent is the statement just before it in the same \
            transaction, and must return rows to loop over (a SELECT, or a write with RETURNING). A run after a \
            write, after BEGIN or at the start of a session is no loop — psycopg's executemany of a bulk load, \
            sysbench's ten point selects per transaction — and neither a COMMIT nor a BEGIN is crossed. A \
            (parent, child) pair is reported from `min_bursts` bursts or `min_calls` child calls in bursts; \
            where the source counts the parent's rows (MySQL's slow log and statement history; a PostgreSQL log \
            does not), the more bursts have exactly as many calls as the parent returned rows, the surer it is \
            that the loop runs once per parent row (confidence high when at least half do).

            **Estimate:** the child's time in bursts × (1 − 1 / average burst length) — one batched call \
            per burst instead of N, assumed to cost about one call — plus the calls saved × `round_trip_ms` \
            (0.3 ms: a network round trip, parsing and the driver's work per statement, which the \
            database's timers do not see); per day over the span the history or log covers, when it covers \
            at least `min_window_seconds`, else for the span seen (confidence low, severity at most medium).

            **Fix:** fetch the children of all parent rows at once — PostgreSQL `WHERE key = ANY($1)` with \
            an array, MySQL and MariaDB `WHERE key IN (…)` — or join the child table into the parent query; \
            in an ORM, eager loading (`includes`/`preload`, `select_related`/`prefetch_related`, `JOIN \
            FETCH`/`@BatchSize`). **Validate:** the bursts disappear from the history (or log) and the child \
            statement's calls drop by about the average burst length.
            """,
        examples: [
            RuleExample(
                "a customer lookup for each order of a list, 40 lists an hour",
                snapshot: StatementRuleExamples.history(bursts: [
                    QueryBurst(
                        parentFingerprint: "d1", parentText: "SELECT id, customer_id FROM orders WHERE shop_id = 7",
                        childFingerprint: "d2", childText: "SELECT id, name FROM customers WHERE id = 42", bursts: 40,
                        calls: 1_000, longestBurst: 25, totalTimeMs: 400, burstsMatchingParentRows: 38, sessions: 6,
                        applications: ["shop-web"], users: ["app"])
                ]),
                expecting: ["SELECT id, name FROM customers WHERE id = 42"]),
            RuleExample(
                "two short repeats: a retry, not a loop",
                snapshot: StatementRuleExamples.history(bursts: [
                    QueryBurst(
                        parentFingerprint: "d1", parentText: "SELECT id FROM carts WHERE id = 9",
                        childFingerprint: "d3",
                        childText: "UPDATE carts SET total = 10 WHERE id = 9", bursts: 2, calls: 10, longestBurst: 5,
                        totalTimeMs: 3, burstsMatchingParentRows: 0, sessions: 1)
                ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let snapshot = context.snapshot
        return snapshot.queryBursts.filter { $0.bursts >= options.minBursts || $0.calls >= options.minCalls }
            .map { finding($0, snapshot: snapshot) }
    }

    private func finding(_ burst: QueryBurst, snapshot: Snapshot) -> Finding {
        let engine = snapshot.server.engine
        let window = snapshot.queryHistoryWindowSeconds.flatMap { $0 >= options.minWindowSeconds ? $0 : nil }
        let perDay = { (value: Double) in window.map { value * 86_400 / $0 } ?? value }
        let averageLength = Double(burst.calls) / Double(max(burst.bursts, 1))
        let savedFraction = 1 - 1 / averageLength
        let savedCalls = Double(burst.calls - burst.bursts)
        let savedDatabaseMs = (burst.totalTimeMs ?? 0) * savedFraction
        let savedMs = savedDatabaseMs + savedCalls * options.roundTripMs
        let savedPerDay = perDay(savedMs)
        let matching = burst.burstsMatchingParentRows * 2 >= burst.bursts && burst.burstsMatchingParentRows > 0
        let confidence: Confidence = window == nil ? .low : (matching ? .high : .medium)
        var severity = options.severityBySavedTimePerDay.severity(for: savedPerDay)
        if window == nil { severity = min(severity, .medium) }

        var evidence = [
            Evidence("bursts", Double(burst.bursts), "count"),
            Evidence("calls in bursts", Double(burst.calls), "count"),
            Evidence("longest burst", Double(burst.longestBurst), "count"),
            Evidence("average burst length", averageLength, "count"),
            Evidence("sessions", Double(burst.sessions), "count"),
        ]
        // Only where the source counts the parent's rows: a zero would read as evidence against the loop.
        if burst.burstsWithParentRows > 0 {
            evidence.append(
                Evidence("bursts matching the parent's rows", Double(burst.burstsMatchingParentRows), "count"))
        }
        if let time = burst.totalTimeMs { evidence.append(Evidence("time in bursts", time, "ms")) }
        if let seconds = snapshot.queryHistoryWindowSeconds { evidence.append(Evidence("window", seconds, "s")) }
        if window != nil { evidence.append(Evidence("calls per day", perDay(Double(burst.calls)), "count")) }

        let child = childStatement(burst, in: snapshot)
        let shape = StatementShape(child, engine: engine)
        let lookup = shape.tables.first.flatMap { table in
            BatchedLookup.best(child, table: table, indexes: snapshot.indexes, engine: engine)
        }
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: FindingObject(
                kind: .statement, name: StatementStats.oneLine(burst.childText), key: burst.key),
            message: Self.message(burst, averageLength: averageLength),
            evidence: evidence,
            impact: .daily(
                msPerDay: savedPerDay, timeMs: burst.totalTimeMs.map { $0 / Double(max(burst.calls, 1)) },
                confidence: confidence,
                summary: Self.impactSummary(
                    burst, savedFraction: savedFraction, savedCalls: savedCalls, savedMs: savedPerDay,
                    roundTripMs: options.roundTripMs, window: snapshot.queryHistoryWindowSeconds,
                    extrapolated: window != nil)),
            recommendation: Self.recommendation(burst, lookup: lookup, shape: shape, engine: engine),
            fixSQL: lookup.map { CatalogNames.spelled($0.sql, in: snapshot) },
            risk: "A batched query returns the rows in no particular order and without the keys that match "
                + "nothing: map them back by key in the application. Very long key lists (tens of thousands) are "
                + "better split into batches of a few hundred to a few thousand.",
            validation: "The bursts should disappear from the statement history (or log), and the child statement's "
                + "calls drop by about the average burst length in the next scan.")
    }

    /// The child's normalized text when the statement statistics hold it (a MySQL digest is both the
    /// burst's fingerprint and the statement's id), since the batched rewrite needs placeholders; else
    /// the sample.
    private func childStatement(_ burst: QueryBurst, in snapshot: Snapshot) -> String {
        snapshot.statements.first { $0.id == burst.childFingerprint }?.text ?? burst.childText
    }
}

// MARK: - Messages

extension NPlusOneBurstRule {
    fileprivate static func message(_ burst: QueryBurst, averageLength: Double) -> String {
        let child = StatementStats.oneLine(burst.childText, maxLength: 60)
        var text =
            "\"\(child)\" ran \(Formatting.count(Double(burst.calls))) times in "
            + "\(Formatting.count(Double(burst.bursts))) burst\(burst.bursts == 1 ? "" : "s") "
            + "(\(Formatting.decimal(averageLength, digits: 1)) in a row on average, up to "
            + "\(Formatting.count(Double(burst.longestBurst)))) in \(Formatting.count(Double(burst.sessions))) "
            + "session\(burst.sessions == 1 ? "" : "s")"
        if let parent = burst.parentText {
            text += " after \"\(StatementStats.oneLine(parent, maxLength: 60))\""
            if burst.burstsMatchingParentRows > 0 {
                text +=
                    "; \(burst.burstsMatchingParentRows) of \(burst.bursts) bursts had as many calls as it "
                    + "returned rows"
            }
        }
        return text + ": an N+1 loop."
    }

    fileprivate static func impactSummary(
        _ burst: QueryBurst, savedFraction: Double, savedCalls: Double, savedMs: Double, roundTripMs: Double,
        window: Double?, extrapolated: Bool
    ) -> String {
        let time = burst.totalTimeMs.map {
            "\(Formatting.milliseconds($0)) in bursts × \(Formatting.percent(fraction: savedFraction)) "
                + "avoidable + "
        }
        let span: String
        if extrapolated, let window {
            span = "per day (extrapolated from \(Formatting.duration(seconds: window)) of history)"
        } else if let window {
            span = "in the \(Formatting.duration(seconds: window)) seen (too short to extrapolate to a day)"
        } else {
            span = "in the statements seen (their span is unknown: not per day)"
        }
        return "\(time ?? "")\(Formatting.count(savedCalls)) calls saved × \(Formatting.milliseconds(roundTripMs)) "
            + "round trip ≈ \(Formatting.milliseconds(savedMs)) \(span)"
    }

    fileprivate static func recommendation(
        _ burst: QueryBurst, lookup: BatchedLookup?, shape: StatementShape, engine: Engine
    ) -> String {
        let table = shape.tables.first?.table
        let column = lookup?.column ?? shape.tables.first?.filter.equalityColumns.last ?? "the key"
        let batched = engine == .postgres ? "WHERE \(column) = ANY($1) with an array of keys" : "WHERE \(column) IN (…)"
        var text = "Fetch the children of all parent rows in one query (\(batched))"
        if let parent = burst.parentText {
            text += " after \"\(StatementStats.oneLine(parent, maxLength: 60))\""
        }
        text += ", or join \(table ?? "the child table") into the parent query"
        let sources = (burst.applications + burst.users.map { "user \($0)" }).prefix(4)
        if !sources.isEmpty { text += " (from \(sources.joined(separator: ", ")))" }
        return text + "; in an ORM, eager-load the association instead of loading it row by row."
    }
}
