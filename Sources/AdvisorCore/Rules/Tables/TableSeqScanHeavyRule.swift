/// Reports large tables read mostly by sequential scans, tied to the statements that read them with a
/// filter, with the index the most expensive of those statements needs.
public struct TableSeqScanHeavyRule: Rule {
    public struct Options: RuleOptions {
        /// A table this large (estimated rows) with this many sequential scans per index scan: medium.
        // pgdoctor's thresholds: WARN above 10,000 rows at 10:1, FAIL above 50,000 rows at 50:1.
        public var minRows = 10_000.0
        public var minScanRatio = 10.0
        /// A table this large with this many sequential scans per index scan: high.
        public var highMinRows = 50_000.0
        public var highMinScanRatio = 50.0
        /// Rows read by sequential scans per row fetched through an index, at which the table also counts
        /// as read mostly by sequential scans (medium, and high from `highMinReadRatio`) whatever the scan
        /// counts: a few full scans of a big table outweigh many key lookups, which the scan ratio misses.
        public var minReadRatio = 100.0
        public var highMinReadRatio = 1_000.0
        /// Sequential scans must read at least this many rows a day in all: below that, not material.
        public var minRowsReadPerDay = 1_000_000.0
        /// Sequential scans reading fewer rows than this each, on average, are small lookups (LIMIT,
        /// EXISTS, a table that was small until recently): not reported.
        public var minRowsPerScan = 5_000.0
        /// Estimated time to read one row in a sequential scan, in milliseconds.
        // About ten million rows a second from cache, as the seq-scan plans in Fixtures/ show (1M rows in ~130 ms).
        public var scanMsPerRow = 0.0001
        /// Share of a statement's time an index on its filter saves, when it reads this table alone, and
        /// when it joins others.
        // Filtering a large table by a scan dominates a single-table statement; in a join the other tables'
        // work remains, so less of the time is the scan's.
        public var savedShareSingleTable = 0.8
        public var savedShareJoin = 0.5

        public init() {}
    }

    public static let description = RuleDescription(
        id: "table-seq-scan-heavy",
        title: "Table read mostly by sequential scans",
        category: .tables,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.tables],
        summary: "A large table is read by sequential scans far more often than through its indexes.",
        rationale: """
            The table statistics count how a table is read: sequential scans (every row) against index \
            scans. A large table read mostly by sequential scans usually lacks the index its frequent \
            queries filter on. Thresholds follow pgdoctor: at least 10,000 estimated rows with 10 sequential \
            scans per index scan (medium), at least 50,000 rows with 50 per index scan (high). Not reported: \
            tables whose scans read few rows each (`min_rows_per_scan`: LIMIT, EXISTS, a table that was small \
            until recently), tables whose scans read fewer than `min_rows_read_per_day` rows a day in all, and \
            partitioned tables themselves (their partitions carry the counters and are judged one by one).

            **Tied to statements.** The statements of the statement statistics whose main query reads the \
            table with a filter on values (`status = $1`, `created_at > $2`) are its likely causes, ranked by \
            total time. The most expensive one's filter gives the suggested index: its equality columns, \
            then its first range column, as plan rules suggest them; the finding lists the other statements \
            the same index would serve (those filtering on its leading column). A statement whose captured \
            plan shows a Seq Scan on the table is left to `plan-seq-scan-filter`, which judges that plan, and \
            only mentioned. When an index leading with those columns already exists, no new one is \
            suggested: the planner prefers the scan (low selectivity, stale statistics) and EXPLAIN says why. \
            When no statement can be tied (statement statistics missing, the statements evicted, full reads \
            without a filter), the finding still reports the table's numbers and says why there is no index \
            to suggest.

            **Time saved** is an estimate: the served statements' time per day × `saved_share_single_table` \
            (0.8; medium confidence) or `saved_share_join` (0.5, when the statement joins other tables; low \
            confidence). Without statements: rows read by sequential scans per day × `scan_ms_per_row` (low).

            **Fix:** `CREATE INDEX CONCURRENTLY` on the suggested columns (MySQL: `ALTER TABLE … ADD INDEX …, \
            ALGORITHM=INPLACE, LOCK=NONE`).

            **Validate:** after the index is built, the table's index scans grow and its sequential scans \
            stop growing; `EXPLAIN (ANALYZE)` of the statement uses the index.
            """,
        examples: [
            RuleExample(
                "orders scanned by a frequent filter on status and date",
                snapshot: SchemaExamples.snapshot(
                    tables: [
                        SchemaExamples.table("orders", rows: 300_000, seqScans: 36_000, indexScans: 400)
                    ],
                    indexes: [SchemaExamples.index("orders", "orders_pkey", ["id"], primary: true, scans: 400)],
                    statements: [
                        SchemaExamples.statement(
                            "-4411", "SELECT id, total FROM orders WHERE status = $1 AND created_at > $2",
                            calls: 36_000, totalTimeMs: 1_800_000, rows: 400_000),
                        SchemaExamples.statement(
                            "912", "SELECT * FROM orders WHERE id = $1", calls: 400, totalTimeMs: 20),
                    ]),
                expecting: ["table public.orders"]),
            RuleExample(
                "a large table read mostly through its indexes",
                snapshot: SchemaExamples.snapshot(
                    tables: [
                        SchemaExamples.table("orders", rows: 300_000, seqScans: 30, indexScans: 900_000)
                    ]),
                expecting: []),
            RuleExample(
                "many scans that each stop after a few rows",
                snapshot: SchemaExamples.snapshot(
                    tables: [
                        SchemaExamples.table(
                            "events_archive", rows: 2_000_000, seqScans: 90_000, seqRowsRead: 90_000, indexScans: 10)
                    ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let snapshot = context.snapshot
        let catalog = IndexCatalog(snapshot)
        let heavy = catalog.tables.compactMap { table in measure(table, catalog).map { (table, $0) } }
        guard !heavy.isEmpty else { return [] }
        let engine = snapshot.server.engine
        let statements = snapshot.statements.map { ($0, StatementShape($0.text, engine: engine)) }
        let scannedByPlan = Self.statementsWithSeqScans(context)
        return heavy.map { table, numbers in
            let causes = Self.causes(of: table, statements, scannedByPlan: scannedByPlan)
            return finding(table, numbers, causes: causes, snapshot: snapshot, catalog: catalog)
        }
    }

    // MARK: - The table's numbers

    fileprivate struct Numbers {
        var rows: Double
        var seqScans: Int
        var indexScans: Int
        var seqRowsRead: Int?
        var seqRowsPerDay: Double?
        var severity: Severity

        var indexRowsFetched: Int?

        var ratio: Double { indexScans > 0 ? Double(seqScans) / Double(indexScans) : .infinity }

        /// Rows read sequentially per row fetched through an index (nil when the counters are missing).
        var readRatio: Double? {
            guard let seqRowsRead, let fetched = indexRowsFetched else { return nil }
            return fetched > 0 ? Double(seqRowsRead) / Double(fetched) : .infinity
        }
    }

    private func measure(_ table: TableStats, _ catalog: IndexCatalog) -> Numbers? {
        // A partitioned table's own counters stay at zero: its partitions carry them.
        guard table.kind != .partitioned, let seqScans = table.seqScans, seqScans > 0,
            let rows = table.estimatedRows.flatMap({ $0 >= 0 ? $0 : nil }) ?? table.liveRows.map(Double.init)
        else { return nil }
        var numbers = Numbers(
            rows: rows, seqScans: seqScans, indexScans: table.indexScans ?? 0, seqRowsRead: table.seqRowsRead,
            seqRowsPerDay: table.seqRowsRead.flatMap { catalog.perDay(Double($0)) }, severity: .medium,
            indexRowsFetched: table.indexRowsFetched)
        let readRatio = numbers.readRatio ?? 0
        if rows >= options.highMinRows
            && (numbers.ratio >= options.highMinScanRatio || readRatio >= options.highMinReadRatio)
        {
            numbers.severity = .high
        } else if !(rows >= options.minRows
            && (numbers.ratio >= options.minScanRatio || readRatio >= options.minReadRatio))
        {
            return nil
        }
        if let read = numbers.seqRowsRead, Double(read) / Double(seqScans) < options.minRowsPerScan { return nil }
        if let perDay = numbers.seqRowsPerDay, perDay < options.minRowsReadPerDay { return nil }
        return numbers
    }

    // MARK: - Statements

    fileprivate struct Cause {
        var statement: StatementStats
        var use: StatementShape.TableUse
        var joins: Bool
        /// A captured plan of this statement scans the table: `plan-seq-scan-filter` judges it.
        var hasPlanScan: Bool
    }

    /// Statements with a filter on values that read `table` in their main query, most total time first.
    private static func causes(
        of table: TableStats, _ statements: [(StatementStats, StatementShape)], scannedByPlan: Set<String>
    ) -> (filtered: [Cause], unfiltered: [StatementStats]) {
        var filtered: [Cause] = []
        var unfiltered: [StatementStats] = []
        for (statement, shape) in statements where [.select, .update, .delete].contains(shape.command) {
            guard let use = shape.use(of: table.name), use.schema.map({ $0 == table.schema }) ?? true else { continue }
            guard shape.hasValueFilter, !use.filter.indexKeys.isEmpty else {
                unfiltered.append(statement)
                continue
            }
            let planKeys = [statement.id, statement.findingKey].map { "\($0)|\(table.name.lowercased())" }
            filtered.append(
                Cause(
                    statement: statement, use: use, joins: shape.tables.count > 1,
                    hasPlanScan: planKeys.contains(where: scannedByPlan.contains)))
        }
        let byTime = { (a: StatementStats, b: StatementStats) in
            a.totalTimeMs != b.totalTimeMs ? a.totalTimeMs > b.totalTimeMs : a.id < b.id
        }
        return (filtered.sorted { byTime($0.statement, $1.statement) }, unfiltered.sorted(by: byTime))
    }

    /// "fingerprint|table" for every captured plan of a statement with a sequential scan of the table.
    private static func statementsWithSeqScans(_ context: RuleContext) -> Set<String> {
        var keys: Set<String> = []
        for path in context.planNodePaths where path.node.operation == .seqScan {
            guard let statement = path.context.captured.statementFingerprint, let relation = path.node.relation
            else { continue }
            keys.insert("\(statement)|\(relation.lowercased())")
        }
        return keys
    }

    // MARK: - The finding

    private func finding(
        _ table: TableStats, _ numbers: Numbers, causes: (filtered: [Cause], unfiltered: [StatementStats]),
        snapshot: Snapshot, catalog: IndexCatalog
    ) -> Finding {
        let engine = catalog.engine
        let candidates = causes.filtered
        // A statement whose filter an existing index already leads with is served by that index: the
        // scans more likely come from the others, unless no other is left.
        let unserved = candidates.filter {
            Self.existingIndex(leadingWith: $0.use.filter.indexKeys, on: table, catalog) == nil
        }
        let open = unserved.isEmpty ? candidates : unserved
        let keys = open.first?.use.filter.indexKeys ?? []
        let served = keys.first.map { leading in open.filter { Self.filters($0.use.filter, on: leading) } } ?? []
        // Statements the suggestion does not serve whose captured plans scan the table: the plan rules speak
        // for them.
        let deferred = causes.filtered.filter { cause in
            cause.hasPlanScan && !served.contains { $0.statement.findingKey == cause.statement.findingKey }
        }
        let existing = Self.existingIndex(leadingWith: keys, on: table, catalog)
        var fix: String?
        if !keys.isEmpty, existing == nil {
            fix = IndexFixSQL.createIndex(
                table: table, keys: keys, engine: engine,
                existingNames: catalog.indexNames(inSchema: table.schema))
        }
        let impact = impact(numbers, served: served, snapshot: snapshot)
        var evidence = [
            Evidence("estimated rows", numbers.rows, "rows"),
            Evidence("sequential scans", Double(numbers.seqScans), "count"),
            Evidence("index scans", Double(numbers.indexScans), "count"),
        ]
        if numbers.indexScans > 0 { evidence.append(Evidence("sequential per index scan", numbers.ratio, "factor")) }
        if let readRatio = numbers.readRatio, readRatio.isFinite {
            evidence.append(Evidence("rows read sequentially per row fetched by index", readRatio, "factor"))
        }
        if let read = numbers.seqRowsRead {
            evidence.append(Evidence("rows read by sequential scans", Double(read), "rows"))
        }
        if let perDay = numbers.seqRowsPerDay {
            evidence.append(Evidence("rows read by sequential scans per day", perDay, "rows"))
        }
        evidence.append(Evidence("statements filtering the table", Double(causes.filtered.count), "count"))
        let keyList = keys.map { $0.sql(engine: engine) }.joined(separator: ", ")
        return Finding(
            ruleId: Self.description.id,
            severity: numbers.severity,
            category: Self.description.category,
            object: SchemaFindingText.object(table),
            message: Self.message(table, numbers, window: SchemaFindingText.window(catalog)),
            evidence: evidence,
            impact: impact,
            recommendation: Self.recommendation(
                table, keyList: keyList, served: served, deferred: deferred, existing: existing,
                unfiltered: causes.unfiltered, snapshot: snapshot),
            fixSQL: fix,
            risk: Self.risk(engine, partitionOf: table.partitionOf),
            validation: "After the index is built, the sequential scans of \(table.qualifiedName) stop growing while "
                + "its index scans grow; EXPLAIN (ANALYZE) of the statement shows an Index or Bitmap Heap Scan.")
    }

    private func impact(_ numbers: Numbers, served: [Cause], snapshot: Snapshot) -> Impact {
        let perStatement = served.compactMap { cause -> (Double, Bool)? in
            snapshot.perDay(cause.statement.totalTimeMs).map { ($0, cause.joins) }
        }
        if !perStatement.isEmpty {
            let saved = perStatement.reduce(0) {
                $0 + $1.0 * ($1.1 ? options.savedShareJoin : options.savedShareSingleTable)
            }
            let spent = perStatement.reduce(0) { $0 + $1.0 }
            return .daily(
                msPerDay: saved, share: spent > 0 ? saved / spent : nil,
                confidence: perStatement.contains { $0.1 } ? .low : .medium,
                summary: "~\(Formatting.milliseconds(saved)) per day of the \(Formatting.milliseconds(spent)) "
                    + "the statements it serves take")
        }
        guard let perDay = numbers.seqRowsPerDay else {
            return Impact(
                score: Impact.riskScore(numbers.severity), confidence: .low,
                summary: "size unknown: neither statement times nor a statistics window to rate the scans")
        }
        let spent = perDay * options.scanMsPerRow
        return .daily(
            msPerDay: spent, confidence: .low,
            summary: "~\(Formatting.milliseconds(spent)) per day reading \(Formatting.count(perDay)) rows by scans")
    }

    /// True when the filter constrains the index's leading key, so the index narrows its reads.
    private static func filters(_ filter: FilterColumns, on leading: IndexKey) -> Bool {
        switch leading {
        case .column(let name): filter.allColumns.contains(name)
        case .expression: filter.equalityExpressions.contains(leading)
        }
    }

    /// A valid, non-partial index whose leading columns are `keys` (plain columns only).
    private static func existingIndex(leadingWith keys: [IndexKey], on table: TableStats, _ catalog: IndexCatalog)
        -> IndexStats?
    {
        let columns = keys.compactMap { key -> String? in
            if case .column(let name) = key { return name.lowercased() }
            return nil
        }
        guard !columns.isEmpty, columns.count == keys.count else { return nil }
        return catalog.indexes(on: table.qualifiedName).first { index in
            index.isValid && index.predicate == nil
                && index.columns.prefix(columns.count).map { $0.lowercased() } == columns
        }
    }
}

// MARK: - Messages

extension TableSeqScanHeavyRule {
    fileprivate static func message(_ table: TableStats, _ numbers: Numbers, window: String?) -> String {
        let scans = Formatting.count(Double(numbers.seqScans))
        let ratio =
            numbers.indexScans > 0
            ? "\(Formatting.factor(numbers.ratio)) its \(Formatting.count(Double(numbers.indexScans))) index scans"
            : "no index scan at all"
        let perDay = numbers.seqRowsPerDay.map { ", \(Formatting.count($0)) a day" } ?? ""
        let fetched =
            numbers.indexRowsFetched.map {
                " against \(Formatting.count(Double($0))) fetched through indexes"
            } ?? ""
        let reads =
            numbers.seqRowsRead.map { ", reading \(Formatting.count(Double($0))) rows\(perDay)\(fetched)" } ?? ""
        return "\(table.qualifiedName) (\(Formatting.count(numbers.rows)) rows) was read by \(scans) sequential scans "
            + "(\(ratio))\(reads)\(window.map { " in \($0)" } ?? "")."
    }

    fileprivate static func recommendation(
        _ table: TableStats, keyList: String, served: [Cause], deferred: [Cause], existing: IndexStats?,
        unfiltered: [StatementStats], snapshot: Snapshot
    ) -> String {
        var sentences: [String] = []
        if let top = served.first, !keyList.isEmpty {
            if let existing {
                sentences.append(
                    "\(existing.name) already leads with (\(keyList)), which \(label(top.statement)) filters on, yet "
                        + "the table is scanned: run EXPLAIN on it to see why the planner prefers a scan (filter not "
                        + "selective, stale statistics, a cast or function on the column)")
            } else {
                sentences.append("Index \(table.qualifiedName) on (\(keyList)) for \(label(top.statement))")
                if served.count > 1 {
                    let others = served.dropFirst().prefix(3).map { label($0.statement) }.joined(separator: "; ")
                    let more = served.count > 4 ? " and \(served.count - 4) more" : ""
                    sentences.append("it also serves \(others)\(more)")
                }
            }
        }
        if !deferred.isEmpty {
            let names = deferred.prefix(3).map { label($0.statement) }.joined(separator: "; ")
            sentences.append(
                "captured plans show a Seq Scan on the table for \(names): see plan-seq-scan-filter for "
                    + (deferred.count == 1 ? "it" : "them"))
        }
        if served.isEmpty && deferred.isEmpty {
            sentences.append("No index can be suggested: " + noStatementReason(unfiltered, snapshot: snapshot))
        }
        return sentences.joined(separator: "; ") + "."
    }

    private static func noStatementReason(_ unfiltered: [StatementStats], snapshot: Snapshot) -> String {
        if snapshot.statements.isEmpty {
            return "no statement statistics were collected, so the statements that scan the table are unknown; "
                + "find them with pg_stat_statements (or the slow query log) and EXPLAIN them"
        }
        if let top = unfiltered.first {
            return "the statements that read the table without a filter on values, such as \(label(top)), read "
                + "all of it (an index does not help a full read); others may come from sub-queries, functions or "
                + "statements no longer in the statement statistics"
        }
        return "none of the \(snapshot.statements.count) statements in the statement statistics reads it in its "
            + "main query with a filter (the scans may come from sub-queries, functions, evicted statements or "
            + "maintenance jobs); EXPLAIN the statements that mention it"
    }

    /// "statement 4411 (SELECT id, total FROM orders WHERE status = $1 …)".
    private static func label(_ statement: StatementStats) -> String {
        let text = statement.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let short = text.count > 70 ? String(text.prefix(70)) + "…" : text
        return "statement \(statement.id) (\(short))"
    }

    fileprivate static func risk(_ engine: Engine, partitionOf parent: String?) -> String {
        let build =
            engine.isMySQLFamily
            ? "Adding an index is online in InnoDB but reads the whole table and can delay replicas"
            : "CREATE INDEX CONCURRENTLY does not block writes but takes longer, cannot run in a transaction and "
                + "leaves an INVALID index to drop if it fails"
        let partition =
            parent.map {
                " An index on this partition serves it alone: when the other partitions of \($0) are read the same "
                    + "way, index \($0) instead."
            } ?? ""
        return build + "; every index slows writes and takes disk space. The statements are matched to the table by "
            + "their text, which may miss or misattribute some." + partition
    }
}
