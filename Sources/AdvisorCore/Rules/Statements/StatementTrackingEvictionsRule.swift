/// Reports statement statistics that lose entries: the source evicts statements to make room, so the
/// statement rules see only part of the workload.
public struct StatementTrackingEvictionsRule: Rule {
    public struct Options: RuleOptions {
        /// Also report when the statements tracked fill at least this share of the capacity.
        public var fullShare = 0.95
        /// Evictions per day (in total when the window is unknown) from which the finding is high: the
        /// statistics of a busy, varied workload are mostly lost.
        public var highEvictionsPerDay = 1_000.0

        public init() {}
    }

    public static let description = RuleDescription(
        id: "statement-tracking-evictions",
        title: "Statement statistics are being evicted",
        category: .configuration,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.statements],
        summary: "The statement statistics are full and drop statements, so the workload is only partly seen.",
        rationale: """
            `pg_stat_statements` keeps at most `pg_stat_statements.max` statements (5,000 by default); when \
            a new one arrives it evicts the least-used entries, and PostgreSQL 14+ counts these evictions \
            (`pg_stat_statements_info.dealloc`). MySQL's digest table keeps \
            `performance_schema_digests_size` rows and counts what it could not record in \
            `Performance_schema_digest_lost`. Evicted statements lose their counters: the top-statement \
            profile, N+1 detection and every per-statement figure then cover only part of the workload, and \
            the statements that come and go (often the problem ones) are the ones missing. Reported when \
            entries were evicted since the last reset, or when the statements tracked fill at least \
            `full_share` of the capacity.

            **Fix:** raise the capacity (PostgreSQL: `ALTER SYSTEM SET pg_stat_statements.max = 20000;` and a \
            restart, about 1–2 kB of shared memory per entry; MySQL 8: `SET PERSIST_ONLY \
            performance_schema_digests_size = 20000;` and a restart; MariaDB: the same setting in the server's \
            configuration file). When most entries differ only by literal lists or temporary-table names, \
            normalising the queries in the application helps more than a bigger table. **Validate:** after \
            the restart, evictions stay at zero over a day.
            """,
        examples: [
            RuleExample(
                "pg_stat_statements evicted entries",
                snapshot: StatementRuleExamples.snapshot(
                    statements: [
                        StatementRuleExamples.statement(
                            "801", "SELECT * FROM orders WHERE id = $1", calls: 10, totalTimeMs: 1, rows: 10)
                    ],
                    source: StatementSource(name: "pg_stat_statements", capacity: 5_000, evictions: 12_400)),
                expecting: ["pg_stat_statements.max"]),
            RuleExample(
                "room to spare and nothing evicted",
                snapshot: StatementRuleExamples.snapshot(
                    statements: [
                        StatementRuleExamples.statement(
                            "901", "SELECT * FROM orders WHERE id = $1", calls: 10, totalTimeMs: 1, rows: 10)
                    ],
                    source: StatementSource(name: "pg_stat_statements", capacity: 5_000, evictions: 0)),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let snapshot = context.snapshot
        guard let source = snapshot.statementSource else { return [] }
        let engine = snapshot.server.engine
        let settingName = engine == .postgres ? "pg_stat_statements.max" : "performance_schema_digests_size"
        let capacity = source.capacity ?? snapshot.settings[settingName].flatMap { Int($0) }
        let evictions = source.evictions ?? 0
        let tracked = snapshot.statements.count
        let fill = capacity.map { $0 > 0 ? Double(tracked) / Double($0) : 0 }
        let isFull = (fill ?? 0) >= options.fullShare
        guard evictions > 0 || isFull else { return [] }
        let window = StatementWindow(snapshot)
        let evictionsPerDay = window.perDayOrCumulative(Double(evictions))
        let severity: Severity =
            evictions == 0 ? .low : evictionsPerDay >= options.highEvictionsPerDay ? .high : .medium
        var evidence = [
            Evidence("evictions", Double(evictions), "count"),
            Evidence("statements tracked", Double(tracked), "count"),
        ]
        if let capacity { evidence.append(Evidence("capacity", Double(capacity), "count")) }
        if let fill { evidence.append(Evidence("capacity used", fill * 100, "percent")) }
        if window.isKnown, evictions > 0 { evidence.append(Evidence("evictions per day", evictionsPerDay, "count")) }
        let proposed = Self.proposedCapacity(capacity)
        return [
            Finding(
                ruleId: Self.description.id,
                severity: severity,
                category: Self.description.category,
                object: FindingObject(kind: .setting, name: settingName, key: settingName),
                message: Self.message(
                    source: source, evictions: evictions, tracked: tracked, capacity: capacity, window: window),
                evidence: evidence,
                impact: Impact(
                    score: Impact.riskScore(severity), confidence: .high,
                    summary: evictions > 0
                        ? "\(Formatting.count(evictionsPerDay)) statements evicted \(window.periodText): their "
                            + "statistics are lost"
                        : "the statement statistics are nearly full: the next new statements evict others"),
                recommendation: Self.recommendation(
                    engine: engine, settingName: settingName, capacity: capacity, proposed: proposed),
                fixSQL: Self.fixSQL(engine: engine, settingName: settingName, proposed: proposed),
                risk: engine == .postgres
                    ? "Needs a server restart; each entry takes shared memory (about 1–2 kB with its query text)."
                    : "Needs a server restart; the digest table takes memory in proportion to its size.",
                validation: "After the restart, the evictions counter should stay at zero over a day of normal load "
                    + "and the statements tracked stay below the new capacity.")
        ]
    }

    /// Twice the current capacity (5,000 assumed when unknown: PostgreSQL's default), rounded up to a thousand.
    private static func proposedCapacity(_ capacity: Int?) -> Int {
        let doubled = (capacity ?? 5_000) * 2
        return (doubled + 999) / 1_000 * 1_000
    }
}

// MARK: - Messages

extension StatementTrackingEvictionsRule {
    fileprivate static func message(
        source: StatementSource, evictions: Int, tracked: Int, capacity: Int?, window: StatementWindow
    ) -> String {
        let capacityText = capacity.map { " of \(Formatting.count(Double($0)))" } ?? ""
        let trackedText = "\(Formatting.count(Double(tracked)))\(capacityText) statements tracked"
        guard evictions > 0 else {
            return "\(source.name) is nearly full (\(trackedText)): new statements will evict the least used."
        }
        return "\(source.name) evicted \(Formatting.count(Double(evictions))) statements\(window.spanText) to make "
            + "room (\(trackedText)): their statistics are lost and the statement findings see only part of the "
            + "workload."
    }

    fileprivate static func recommendation(engine: Engine, settingName: String, capacity: Int?, proposed: Int) -> String
    {
        let current = capacity.map { "from \(Formatting.count(Double($0))) " } ?? ""
        let how: String
        switch engine {
        case .postgres: how = "with ALTER SYSTEM and restart the server"
        case .mysql: how = "with SET PERSIST_ONLY and restart the server"
        case .mariadb: how = "in the server's configuration file and restart it"
        }
        return "Raise \(settingName) \(current)to \(Formatting.count(Double(proposed))) \(how); if most entries "
            + "differ only by literals or IN-list lengths, normalise those queries instead."
    }

    fileprivate static func fixSQL(engine: Engine, settingName: String, proposed: Int) -> String? {
        switch engine {
        case .postgres: "ALTER SYSTEM SET \(settingName) = \(proposed);  -- takes effect after a restart"
        case .mysql: "SET PERSIST_ONLY \(settingName) = \(proposed);  -- takes effect after a restart"
        case .mariadb: nil
        }
    }
}
