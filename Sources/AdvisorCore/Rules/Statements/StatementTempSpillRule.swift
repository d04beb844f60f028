/// Reports statements whose sorts, hashes or temporary tables spill to disk, with the memory setting
/// that would keep them in memory.
public struct StatementTempSpillRule: Rule {
    public struct Options: RuleOptions {
        /// PostgreSQL: temporary data written per call, averaged over all calls, below which a spill is
        /// not reported (a rare spill spread over many calls).
        public var minSpillKilobytesPerCall = 64.0
        /// MySQL family: the share of calls that created an on-disk temporary table or needed sort merge passes.
        public var minDiskShareOfCalls = 0.01
        /// The statement must cost at least this much time (per day, or in total when the window is unknown).
        public var minTimeMsPerDay = 60_000.0
        /// How much more memory sorted data needs than its temporary files (as in `plan-disk-spill`).
        public var sortMemoryFactor = 2.5
        /// Above this much work_mem (1 GB) the advice is to process fewer rows, not to raise memory.
        public var maxWorkMemKilobytes = 1_048_576.0
        /// The share of the statement's time the fix is assumed to save (the spilling step runs 2–3× faster
        /// in memory, and it is only part of the statement).
        public var assumedSavedShare = 0.3
        /// Severity by the time saved per day.
        public var severityBySavedTimePerDay = Levels.savedTimePerDay

        public init() {}
    }

    public static let description = RuleDescription(
        id: "statement-temp-spill",
        title: "Statement spills to temporary files",
        category: .statements,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.statements],
        summary: "A statement's sorts, hashes or temporary tables do not fit in memory and go to disk.",
        rationale: """
            PostgreSQL counts the temporary blocks each statement writes (`temp_blks_written`, 8 kB each): a \
            sort, hash or materialisation that does not fit in `work_mem` writes its data to temporary files \
            and reads it back, often several times slower than in memory. MySQL and MariaDB count the \
            internal temporary tables that went to disk (`SUM_CREATED_TMP_DISK_TABLES`) and the sort merge \
            passes (`SUM_SORT_MERGE_PASSES`). A statement is reported when it spills on average at least \
            `min_spill_kilobytes_per_call` per call (PostgreSQL) or on at least `min_disk_share_of_calls` of \
            its calls (MySQL family), and costs at least `min_time_ms_per_day`. The database's own temporary \
            file counters (`pg_stat_database.temp_files`, `temp_bytes`) are quoted when present.

            The work_mem suggested is the average spill per call × `sort_memory_factor` (tuples take more room \
            in memory than in temporary files), rounded up to a power of two megabytes. The average spreads \
            the spill over every call, so the calls that do spill need more: when the average suggests no \
            more than the current work_mem, twice the current value is suggested. The saving is estimated as \
            `assumed_saved_share` of the statement's time, with low confidence: the statistics do not say \
            how long the spills took.

            **Fix (PostgreSQL):** raise work_mem for this statement only, `SET LOCAL work_mem = '64MB'` in \
            its transaction, or `ALTER ROLE reporting SET work_mem = '64MB'` for a role that only runs such \
            queries; not server-wide (every sort and hash of every session may use that much). When the need \
            is very large, sort or hash fewer rows (an index providing the order, an earlier filter, fewer \
            columns). **MySQL/MariaDB:** raise `tmp_table_size` (and `max_heap_table_size`, which bounds \
            MEMORY temporary tables; MySQL 8's TempTable engine is also bounded by `temptable_max_ram`) for \
            disk temporary tables, `sort_buffer_size` for merge passes, per session; TEXT/BLOB columns in the \
            temporary table force it to disk on MariaDB and MySQL 5.7 whatever the size. **Validate:** \
            `EXPLAIN (ANALYZE, BUFFERS)` shows no temp blocks; the statement's temporary blocks (or disk \
            tables) per call drop in the next scan.
            """,
        examples: [
            RuleExample(
                "a report sorting on disk on every call",
                snapshot: StatementRuleExamples.snapshot(
                    statements: [
                        StatementRuleExamples.statement(
                            "601", "SELECT customer_id, sum(total) FROM orders GROUP BY customer_id ORDER BY 2 DESC",
                            calls: 1_200, totalTimeMs: 1_800_000, rows: 1_200_000
                        ) {
                            $0.tempBlocksWritten = 1_200 * 2_560
                            $0.tempBlocksRead = 1_200 * 2_560
                        }
                    ],
                    settings: ["work_mem": "4MB"]),
                expecting: ["SELECT customer_id, sum(total) FROM orders GROUP BY customer_id ORDER BY 2 DESC"]),
            RuleExample(
                "a MySQL statement creating a disk temporary table on every call",
                snapshot: StatementRuleExamples.snapshot(
                    engine: .mysql,
                    statements: [
                        StatementRuleExamples.statement(
                            "0xA1", "SELECT `status` , COUNT ( * ) FROM `orders` GROUP BY `status`", calls: 5_000,
                            totalTimeMs: 900_000, rows: 25_000
                        ) {
                            $0.tempTables = 5_000
                            $0.tempDiskTables = 5_000
                        }
                    ]),
                expecting: ["SELECT `status` , COUNT ( * ) FROM `orders` GROUP BY `status`"]),
            RuleExample(
                "a statement that sorts in memory, and one whose rare spills cost nothing",
                snapshot: StatementRuleExamples.snapshot(statements: [
                    StatementRuleExamples.statement(
                        "701", "SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at", calls: 90_000,
                        totalTimeMs: 450_000, rows: 900_000
                    ) { $0.tempBlocksWritten = 0 },
                    StatementRuleExamples.statement(
                        "702", "SELECT * FROM events ORDER BY at", calls: 3, totalTimeMs: 900, rows: 30_000
                    ) { $0.tempBlocksWritten = 600 },
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
        let allTempWritten = snapshot.statements.reduce(0) { $0 + ($1.tempBlocksWritten ?? 0) }
        var findings: [Finding] = []
        for statement in snapshot.statements where statement.calls > 0 {
            // A one-off spill (a load, an index build sorting in maintenance_work_mem, a statement run a handful of
            // times) is no daily cost, and SET LOCAL work_mem is no advice for it.
            guard !snapshot.isOneOff(statement) else { continue }
            let timePerDay = window.perDayOrCumulative(statement.totalTimeMs)
            guard timePerDay >= options.minTimeMsPerDay else { continue }
            let spill: Spill?
            if snapshot.server.engine == .postgres {
                spill = postgresSpill(statement, allTempWritten: allTempWritten, settings: snapshot.settings)
            } else {
                spill = mysqlSpill(statement, settings: snapshot.settings)
            }
            guard let spill else { continue }
            findings.append(
                finding(statement, spill: spill, timePerDay: timePerDay, window: window, snapshot: snapshot))
        }
        return findings
    }

    private func finding(
        _ statement: StatementStats, spill: Spill, timePerDay: Double, window: StatementWindow, snapshot: Snapshot
    ) -> Finding {
        let saved = timePerDay * options.assumedSavedShare * spill.shareOfCalls
        var evidence = spill.evidence
        evidence.append(Evidence("calls", Double(statement.calls), "count"))
        evidence.append(Evidence("total time", statement.totalTimeMs, "ms"))
        evidence.append(Evidence("mean time", statement.meanTimeMs, "ms"))
        let database = snapshot.databases.first { $0.name == (statement.database ?? snapshot.server.database) }
        if let files = database?.tempFiles { evidence.append(Evidence("database temp files", Double(files), "count")) }
        if let bytes = database?.tempBytes { evidence.append(Evidence("database temp bytes", Double(bytes), "bytes")) }
        return Finding(
            ruleId: Self.description.id,
            severity: window.severity(options.severityBySavedTimePerDay, for: saved),
            category: Self.description.category,
            object: .statement(statement),
            message: spill.message + Self.databaseText(database),
            evidence: evidence,
            impact: .daily(
                msPerDay: saved, share: spill.shareOfCalls, timeMs: statement.meanTimeMs, confidence: .low,
                summary: "\(Formatting.milliseconds(timePerDay)) of statement time \(window.periodText); assuming the "
                    + "fix saves \(Formatting.percent(fraction: options.assumedSavedShare)) of it on the calls that "
                    + "spill (\(Formatting.percent(fraction: spill.shareOfCalls))): "
                    + "\(Formatting.milliseconds(saved))"),
            recommendation: spill.recommendation(statement.user),
            fixSQL: spill.fixSQL,
            risk: spill.risk,
            validation: snapshot.server.engine == .postgres
                ? "Run EXPLAIN (ANALYZE, BUFFERS) in a transaction with the new setting: no temp read/written "
                    + "blocks; in the next scan the statement's temp blocks per call should be near zero."
                : "Run EXPLAIN ANALYZE (MySQL 8.0.18+) or ANALYZE FORMAT=JSON (MariaDB) with the new setting, and "
                    + "check in the next scan that the statement's disk temporary tables and merge passes per call "
                    + "drop.")
    }

    // MARK: - Spills

    /// What a statement's counters say about its spill, and the advice that follows.
    fileprivate struct Spill {
        var evidence: [Evidence]
        var message: String
        /// The share of calls that spill (1 when every call is assumed to).
        var shareOfCalls: Double
        var recommendation: (_ user: String?) -> String
        var fixSQL: String?
        var risk: String
    }

    private func postgresSpill(
        _ statement: StatementStats, allTempWritten: Int, settings: [String: String]
    ) -> Spill? {
        guard let written = statement.tempBlocksWritten, written > 0 else { return nil }
        let writtenKB = Double(written) * 8
        let perCallKB = writtenKB / Double(statement.calls)
        guard perCallKB >= options.minSpillKilobytesPerCall else { return nil }
        let current = MemorySetting.kilobytes(settings["work_mem"])
        var neededKB = perCallKB * options.sortMemoryFactor
        if let current, neededKB <= current { neededKB = current * 2 }
        var evidence = [
            Evidence("temp blocks written", Double(written), "blocks"),
            Evidence("temp written per call", perCallKB, "kB"),
        ]
        if let read = statement.tempBlocksRead { evidence.append(Evidence("temp blocks read", Double(read), "blocks")) }
        if allTempWritten > 0 {
            evidence.append(
                Evidence("share of all temp blocks written", Double(written) / Double(allTempWritten) * 100, "percent"))
        }
        if let current { evidence.append(Evidence("work_mem", current, "kB")) }
        let currentText = settings["work_mem"].map { " (work_mem is \($0))" } ?? ""
        let message =
            "Its sorts or hashes wrote \(Formatting.kilobytes(writtenKB)) to temporary files in "
            + "\(Formatting.count(Double(statement.calls))) calls, \(Formatting.kilobytes(perCallKB)) per call on "
            + "average\(currentText)."
        guard neededKB <= options.maxWorkMemKilobytes else {
            return Spill(
                evidence: evidence, message: message, shareOfCalls: 1,
                recommendation: { _ in
                    "Sort or hash fewer rows: about \(Formatting.kilobytes(neededKB)) of work_mem per call is too "
                        + "much to give one query; an index providing the order, an earlier filter or fewer columns "
                        + "avoid the spill."
                },
                fixSQL: nil, risk: "None from this advice; an index or query change has its own review.")
        }
        let advice = WorkMemAdvice(neededKB: neededKB)
        evidence.append(Evidence("proposed work_mem", advice.settingKB, "kB"))
        return Spill(
            evidence: evidence, message: message, shareOfCalls: 1,
            recommendation: { user in
                let role = user.map { Self.quotedIdentifier($0) } ?? "the_role"
                return "Run SET LOCAL work_mem = '\(advice.setting)' in the transaction that runs this statement "
                    + "(or ALTER ROLE \(role) SET work_mem = '\(advice.setting)' if that role only runs such "
                    + "queries), so its sorts and hashes stay in memory."
            },
            fixSQL: advice.fixSQL, risk: advice.risk)
    }

    private func mysqlSpill(_ statement: StatementStats, settings: [String: String]) -> Spill? {
        let calls = Double(statement.calls)
        let diskTables = Double(statement.tempDiskTables ?? 0)
        let mergePasses = Double(statement.sortMergePasses ?? 0)
        let share = min(1, max(diskTables, mergePasses) / calls)
        guard share >= options.minDiskShareOfCalls, diskTables + mergePasses > 0 else { return nil }
        var evidence: [Evidence] = []
        var parts: [String] = []
        var fixes: [String] = []
        var advice: [String] = []
        if diskTables > 0 {
            evidence.append(Evidence("disk temporary tables", diskTables, "count"))
            if let tables = statement.tempTables, tables > 0 {
                evidence.append(
                    Evidence("share of temporary tables on disk", diskTables / Double(tables) * 100, "percent"))
            }
            parts.append("created \(Formatting.count(diskTables)) temporary tables on disk")
            // The smaller of the two bounds an in-memory (MEMORY engine) temporary table; 16 MB is their default.
            let currentBytes = [settings["tmp_table_size"], settings["max_heap_table_size"]]
                .compactMap { MemorySetting.kilobytes($0, bareUnitKilobytes: 1.0 / 1024) }.min().map { $0 * 1024 }
            let proposed = Self.bytesSetting(max(64 * 1_048_576, (currentBytes ?? 16 * 1_048_576) * 4))
            fixes.append("SET SESSION tmp_table_size = \(proposed);")
            fixes.append("SET SESSION max_heap_table_size = \(proposed);")
            advice.append("tmp_table_size and max_heap_table_size to \(Formatting.kilobytes(Double(proposed) / 1024))")
        }
        if mergePasses > 0 {
            evidence.append(Evidence("sort merge passes", mergePasses, "count"))
            parts.append("needed \(Formatting.count(mergePasses)) sort merge passes")
            // sort_buffer_size defaults to 256 kB.
            let currentBytes =
                MemorySetting.kilobytes(settings["sort_buffer_size"], bareUnitKilobytes: 1.0 / 1024)
                .map { $0 * 1024 } ?? 262_144
            let proposed = Self.bytesSetting(max(2 * 1_048_576, currentBytes * 4))
            fixes.append("SET SESSION sort_buffer_size = \(proposed);")
            advice.append("sort_buffer_size to \(Formatting.kilobytes(Double(proposed) / 1024))")
        }
        evidence.append(Evidence("share of calls spilling", share * 100, "percent"))
        let message =
            "It \(parts.joined(separator: " and ")) in \(Formatting.count(calls)) calls "
            + "(\(Formatting.percent(fraction: share)) of calls)."
        let adviceText = advice.joined(separator: " and ")
        return Spill(
            evidence: evidence, message: message, shareOfCalls: share,
            recommendation: { _ in
                "Raise \(adviceText) in the session that runs this statement (SET SESSION before it), and check "
                    + "that its temporary table holds no TEXT/BLOB columns, which force it to disk whatever the size."
            },
            fixSQL: fixes.joined(separator: "\n"),
            risk: "These are per-session, per-table (or per-sort) limits: every session that sets them may use that "
                + "much for each temporary table or sort at once; keep them scoped to the sessions that need them.")
    }

    /// A power of two of bytes at least `bytes`, as MySQL takes byte settings.
    private static func bytesSetting(_ bytes: Double) -> Int {
        var value = 1_048_576
        while Double(value) < bytes { value *= 2 }
        return value
    }

    /// A role name as PostgreSQL needs it quoted (lower-case letters, digits and `_` go bare).
    fileprivate static func quotedIdentifier(_ name: String) -> String {
        let bare =
            name.first.map { $0.isLetter || $0 == "_" } == true
            && name.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "_" }
        return bare ? name : "\"" + name.map { $0 == "\"" ? "\"\"" : String($0) }.joined() + "\""
    }

    private static func databaseText(_ database: DatabaseStats?) -> String {
        guard let database, let files = database.tempFiles, files > 0 else { return "" }
        let bytes = database.tempBytes.map { " (\(Formatting.kilobytes(Double($0) / 1024)))" } ?? ""
        return " Database \(database.name) wrote \(Formatting.count(Double(files))) temporary files\(bytes) since "
            + "its statistics were reset."
    }
}
