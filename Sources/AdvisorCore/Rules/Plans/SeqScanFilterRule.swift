/// Reports full table scans that read many rows only to throw most of them away through a filter:
/// the classic missing index.
///
/// Scans on the inner side of a nested loop that runs that side repeatedly are left to
/// `plan-nested-loop-inner-scan` (the index they need leads with the join column), and MySQL/MariaDB
/// scans whose `possible_keys` is known to be empty are left to `mysql-no-usable-key`, which says the
/// stronger thing: no index could even be considered.
///
/// PostgreSQL partitions that an Append reads with the same filter are judged together, as one scan
/// of the partitioned table (`PartitionScanGroup`), and reported once.
public struct SeqScanFilterRule: Rule {
    public struct Options: RuleOptions {
        /// The scan must read at least this many rows per execution of the statement (all loops).
        // Below ~10,000 rows a sequential scan costs a few milliseconds at most; an index would not pay off.
        public var minRowsRead = 10_000.0
        /// The filter must discard at least this share of the rows read.
        // At 90 % removed an index reads a tenth of the rows or fewer; below that a scan is often the better plan.
        public var minRemovedFraction = 0.9
        /// The scan must account for at least this share of the statement (time, or cost when untimed).
        public var minShare = 0.1
        /// Plans faster than this are not worth a finding.
        public var minPlanTimeMs = 1.0
        /// Severity by the scan's share of the statement.
        public var severityByShare = Levels(medium: 0.25, high: 0.5, critical: 0.8)
        /// Write time per index entry, in ms, for what the suggested index would cost to keep (as the index
        /// rules count what dropping one saves).
        public var maintenanceMsPerRow = 0.005

        public init() {}
    }

    public static let description = RuleDescription(
        id: "plan-seq-scan-filter",
        title: "Sequential scan discarding most rows",
        category: .plans,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.plans],
        summary: "A full table scan reads many rows and its filter throws almost all of them away.",
        rationale: """
            A sequential scan (PostgreSQL `Seq Scan`, MySQL/MariaDB access type `ALL` / `Table scan`) reads \
            every row of the table and then tests the filter on each. When the filter keeps only a few \
            percent of a large table, nearly all that reading is wasted: an index on the filtered columns \
            lets the server go straight to the rows it keeps. Rows read are measured with ANALYZE \
            (`Rows Removed by Filter`, MySQL `EXPLAIN ANALYZE`, MariaDB `r_rows`/`r_filtered`) and estimated \
            from `rows` × `filtered` on MySQL/MariaDB otherwise. A PostgreSQL plan without ANALYZE does not say \
            how many rows a scan reads: in `scan --explain-top` the table's row count from the catalog \
            (`reltuples`) stands in, against the planner's estimate of the rows kept; a plan read on its own \
            is not judged (`plan-hot-node` names the filter's columns when the scan dominates it).

            **Fix:** create an index on the filter's columns: equality columns (`=`, `IN`, `= ANY`, \
            `IS NULL`) first, then at most one range column (`<`, `>`, `BETWEEN`, `LIKE 'prefix%'`). \
            Conditions under `OR` and comparisons between two columns of the table cannot use a plain column \
            index; a partial index, or a rewrite, may. On PostgreSQL an expression of one column compared for \
            equality with a constant (`lower((email)::text) = '…'`, `(payload ->> 'path'::text) = '…'`) is \
            served by an expression index on exactly that expression, written as EXPLAIN prints it, in \
            parentheses unless it is a bare function call; its functions must be `IMMUTABLE` (`now()`, \
            `random()`, `date_trunc` on a `timestamptz` are not). Plain columns come first in the key, as \
            other queries can use them too. On PostgreSQL build the index with `CREATE INDEX CONCURRENTLY` \
            to avoid blocking writes.

            **Partitioned tables:** PostgreSQL scans each partition of a partitioned table separately under an \
            `Append`. When many partitions are scanned with the same filter, each may be too small to matter \
            while together they read the whole table: the scans are added up and reported once, on the parent \
            (named after the partitions' aliases, `events_1`… for `events`, or failing that their names' common \
            prefix). An index created on the parent is created on every partition, but PostgreSQL cannot build \
            it `CONCURRENTLY`: a plain `CREATE INDEX` blocks writes to the whole table while it runs. To avoid \
            that, create it on the parent alone with `CREATE INDEX events_expr_idx ON ONLY events (…)` (it \
            stays invalid), build each partition's index with `CREATE INDEX CONCURRENTLY`, and attach each \
            with `ALTER INDEX events_expr_idx ATTACH PARTITION events_2024_01_expr_idx`; the parent's index \
            becomes valid once every partition's is attached.

            **Checked by the planner:** in `scan --explain-top` on a PostgreSQL database with the HypoPG \
            extension, the suggested index is added as a hypothetical one and the statement planned again: the \
            finding gives the cost before and after, and an index the planner would not use is only an `info` \
            hint. Otherwise the finding says it is unchecked, and how to check it.

            **Validate:** run `EXPLAIN (ANALYZE, BUFFERS)` (MySQL: `EXPLAIN ANALYZE`) again: the scan \
            should become an index or bitmap scan reading about as many rows as it returns.
            """,
        examples: [
            RuleExample(
                "a scan of a million orders keeping one in a thousand",
                plan: """
                    Seq Scan on orders  (cost=0.00..23334.00 rows=1150 width=64) (actual time=0.041..131.905 rows=1187 loops=1)
                      Filter: (((status)::text = 'shipped'::text) AND (created_at > '2024-01-01 00:00:00'::timestamp without time zone))
                      Rows Removed by Filter: 998813
                    Planning Time: 0.122 ms
                    Execution Time: 132.020 ms
                    """,
                expecting: ["Seq Scan on orders"]),
            RuleExample(
                "a MySQL table scan filtered down to a few rows",
                plan: """
                    -> Filter: ((orders.status = 'shipped') and (orders.created_at > TIMESTAMP'2024-01-01 00:00:00'))  (cost=101289 rows=33177) (actual time=0.120..412.350 rows=1187 loops=1)
                        -> Table scan on orders  (cost=101289 rows=995400) (actual time=0.095..371.024 rows=1000000 loops=1)
                    """,
                expecting: ["Table scan on orders"]),
            RuleExample(
                "an expression of a column compared with a constant: an expression index",
                plan: """
                    Seq Scan on customers  (cost=0.00..5061.00 rows=1000 width=4) (actual time=0.823..39.305 rows=1 loops=1)
                      Filter: (lower((email)::text) = 'user4242@example.com'::text)
                      Rows Removed by Filter: 199999
                    Planning Time: 0.022 ms
                    Execution Time: 39.318 ms
                    """,
                expecting: ["Seq Scan on customers"]),
            RuleExample(
                "four partitions, each too small alone, read with the same filter: one finding on the parent",
                plan: """
                    Append  (cost=0.00..549.50 rows=100 width=12) (actual time=0.016..1.623 rows=4 loops=1)
                      ->  Seq Scan on events_2024_01 events_1  (cost=0.00..147.34 rows=27 width=12) (actual time=0.015..0.517 rows=2 loops=1)
                            Filter: ((payload ->> 'path'::text) = '/products/42'::text)
                            Rows Removed by Filter: 5354
                      ->  Seq Scan on events_2024_02 events_2  (cost=0.00..137.16 rows=25 width=12) (actual time=0.352..0.380 rows=1 loops=1)
                            Filter: ((payload ->> 'path'::text) = '/products/42'::text)
                            Rows Removed by Filter: 5010
                      ->  Seq Scan on events_2024_03 events_3  (cost=0.00..147.36 rows=27 width=12) (actual time=0.355..0.407 rows=1 loops=1)
                            Filter: ((payload ->> 'path'::text) = '/products/42'::text)
                            Rows Removed by Filter: 5356
                      ->  Seq Scan on events_2024_04 events_4  (cost=0.00..117.14 rows=21 width=12) (actual time=0.317..0.317 rows=0 loops=1)
                            Filter: ((payload ->> 'path'::text) = '/products/42'::text)
                            Rows Removed by Filter: 4276
                    Planning Time: 0.465 ms
                    Execution Time: 1.675 ms
                    """,
                expecting: ["Seq Scan on 4 partitions of events"]),
            RuleExample(
                "a scan that keeps most of the rows it reads",
                plan: """
                    Seq Scan on orders  (cost=0.00..20834.00 rows=601234 width=64) (actual time=0.012..88.400 rows=600112 loops=1)
                      Filter: ((status)::text <> 'cancelled'::text)
                      Rows Removed by Filter: 399888
                    Planning Time: 0.090 ms
                    Execution Time: 104.310 ms
                    """,
                expecting: []),
            RuleExample(
                "a small table read in full",
                plan: """
                    Seq Scan on countries  (cost=0.00..5.06 rows=1 width=32) (actual time=0.010..0.052 rows=1 loops=1)
                      Filter: (code = 'NL'::bpchar)
                      Rows Removed by Filter: 249
                    Planning Time: 0.060 ms
                    Execution Time: 0.070 ms
                    """,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var scans: [PartitionScanGroup.Scan] = []
        let tableRows = Self.tableRows(in: context.snapshot)
        let catalog = context.snapshot.tables.isEmpty ? nil : IndexCatalog(context.snapshot)
        let meanTimes = Dictionary(context.snapshot.statements.map { ($0.findingKey, $0.meanTimeMs) }) { a, _ in a }
        for path in context.planNodePaths where path.node.operation == .seqScan {
            let node = path.node
            let plan = path.context.plan
            guard let relation = node.relation, !relation.hasPrefix("<"), !node.neverExecuted else { continue }
            if let total = plan.totalTimeMs, total < options.minPlanTimeMs { continue }
            if let inner = path.innerSideOfNestedLoop, (inner.innerChild.loops ?? path.expectedLoops) >= 2 { continue }
            if Self.hasNoCandidateKeys(node, format: plan.format) { continue }
            guard let condition = Self.condition(of: path),
                let rows = ScanRows(path, tableRows: tableRows(relation, node.schema))
            else { continue }
            scans.append(PartitionScanGroup.Scan(path: path, rows: rows, condition: condition))
        }
        var findings: [Finding] = []
        // A group passing the thresholds is reported once, even when some of its scans would pass alone.
        var grouped: Set<PlanNodeKey> = []
        for group in PartitionScanGroup.groups(of: scans) where passes(group.rows, share: group.share) {
            findings.append(finding(group))
            grouped.formUnion(group.scans.map { PlanNodeKey($0.path) })
        }
        for scan in scans where !grouped.contains(PlanNodeKey(scan.path)) {
            let share = scan.path.context.plan.inclusiveShare(of: scan.path.node)
            guard passes(scan.rows, share: share) else { continue }
            findings.append(
                finding(
                    scan.path, condition: scan.condition, rows: scan.rows, share: share, catalog: catalog,
                    meanTimes: meanTimes))
        }
        return findings
    }

    private func passes(_ rows: ScanRows, share: Double?) -> Bool {
        guard rows.totalRead >= options.minRowsRead, rows.removedFraction >= options.minRemovedFraction else {
            return false
        }
        return share.map { $0 >= options.minShare } ?? true
    }

    /// The filter the scan applies: its own, or (MySQL tree) the `Filter:` node right above it.
    static func condition(of path: PlanNodePath) -> String? {
        if let filter = path.node.filter { return filter }
        guard let parent = path.parent, parent.operation == .filter else { return nil }
        return parent.filter
    }

    /// The index this rule suggests for a full scan filtering on `condition`: the table as fix SQL names it,
    /// the key, and the CREATE INDEX (nil when no plain column or expression of the filter can be indexed).
    /// Shared with the HypoPG check of `scan --explain-top`, which must test exactly what the finding suggests.
    public static func suggestedIndex(for node: PlanNode, condition: String, plan: Plan) -> (
        reference: TableReference?, keys: [IndexKey], createSQL: String?
    ) {
        let reference = TableReference(node: node, plan: plan, conditions: [condition])
        let keys = FilterColumns(
            conditions: [condition], relation: node.relation, alias: node.alias, engine: plan.engine
        )
        .indexKeys
        guard !keys.isEmpty, let table = reference?.table ?? node.relation else { return (reference, keys, nil) }
        let sql = PlanFixSQL.createIndex(table: table, schema: reference?.schema, keys: keys, engine: plan.engine)
        return (reference, keys, sql)
    }

    /// Every index this rule could suggest for `plan`, whatever the thresholds: one per filtered full scan.
    public static func suggestedIndexes(in plan: Plan) -> [String] {
        var found: [String] = []
        plan.root.visit { node, parent in
            guard node.operation == .seqScan, let relation = node.relation, !relation.hasPrefix("<") else { return }
            guard let condition = node.filter ?? (parent?.operation == .filter ? parent?.filter : nil),
                let sql = suggestedIndex(for: node, condition: condition, plan: plan).createSQL, !found.contains(sql)
            else { return }
            found.append(sql)
        }
        return found
    }

    /// The read time a day the index would save: the statement's measured time a day × the share of its cost
    /// the planner said the index takes off (HypoPG), or a timed plan's scan time × its calls a day; nil
    /// when neither is known.
    static func readsSavedPerDay(_ path: PlanNodePath, validation: IndexValidation?, meanTimeMs: Double?) -> Double? {
        let captured = path.context.captured
        guard let callsPerDay = captured.callsPerDay else { return nil }
        if let validation, validation.isUsed, let meanTimeMs {
            return meanTimeMs * callsPerDay * validation.savedShare
        }
        guard captured.plan.hasTiming, let time = path.node.inclusiveTimeMs else { return nil }
        return time * callsPerDay
    }

    /// The planner's row count of a table in the snapshot's catalog, by name and schema, or by name alone
    /// when the plan prints no schema and one table has that name.
    static func tableRows(in snapshot: Snapshot) -> (_ table: String, _ schema: String?) -> Double? {
        guard snapshot.server.engine == .postgres, !snapshot.plans.isEmpty else { return { _, _ in nil } }
        var qualified: [String: Double] = [:]
        var byName: [String: Double?] = [:]
        for table in snapshot.tables {
            guard let rows = table.estimatedRows ?? table.liveRows.map(Double.init), rows > 0 else { continue }
            qualified[table.qualifiedName] = rows
            // A name two schemas share is ambiguous without a schema.
            byName[table.name] = byName[table.name] == nil ? rows : .some(nil)
        }
        return { table, schema in
            if let schema { return qualified["\(schema).\(table)"] }
            return byName[table] ?? nil
        }
    }

    /// True when a MySQL/MariaDB format that prints `possible_keys` printed none for this table
    /// (`mysql-no-usable-key` reports those).
    static func hasNoCandidateKeys(_ node: PlanNode, format: PlanFormat) -> Bool {
        guard [.mysqlJSON, .mariadbJSON, .mysqlTable].contains(format) else { return false }
        return node.possibleKeys?.isEmpty ?? true
    }

    private func finding(
        _ path: PlanNodePath, condition: String, rows: ScanRows, share: Double?, catalog: IndexCatalog?,
        meanTimes: [String: Double]
    ) -> Finding {
        let context = path.context
        let node = context.node
        let engine = context.engine
        let suggestion = Self.suggestedIndex(for: node, condition: condition, plan: context.plan)
        let reference = suggestion.reference
        let table = reference?.table ?? node.relation ?? ""
        var evidence = [
            Evidence("rows read", rows.totalRead, "rows"),
            Evidence("rows kept", rows.totalKept, "rows"),
            Evidence("rows removed by filter", rows.removedFraction * 100, "percent"),
        ]
        if rows.loops != 1 { evidence.append(Evidence("loops", rows.loops, "loops")) }
        if let time = node.inclusiveTimeMs { evidence.append(Evidence("scan time", time, "ms")) }
        if let share { evidence.append(Evidence("share of statement", share * 100, "percent")) }
        let keys = suggestion.keys
        let fix = suggestion.createSQL
        let check = IndexValidationText(fix: fix, captured: context.captured, engine: engine)
        evidence += check.evidence
        let upkeep = catalog.flatMap { catalog in
            fix.flatMap { _ in
                IndexUpkeep(
                    table: table, schema: reference?.schema, keys: keys.count, catalog: catalog,
                    msPerEntry: options.maintenanceMsPerRow)
            }
        }
        let saved = Self.readsSavedPerDay(
            path, validation: check.validation,
            meanTimeMs: context.captured.statementFingerprint.flatMap { meanTimes[$0] })
        evidence += upkeep?.evidence ?? []
        let risk = [
            Self.risk(engine), Self.expressionCaveat(keys), reference?.caveat, check.text,
            upkeep?.sentence(savedMsPerDay: saved),
        ]
        var severity = share.map(options.severityByShare.severity(for:)) ?? .medium
        // Rows read taken from the catalog, not the plan: a strong hint at most.
        if !rows.isMeasured, engine == .postgres { severity = min(severity, .medium) }
        // An index that costs more in writes than it saves in reads is a hint, not a fix to run.
        if upkeep?.outweighs(savedMsPerDay: saved) == true { severity = min(severity, .low) }
        severity = check.severity(severity)
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(context, rows: rows, condition: condition),
            evidence: evidence,
            impact: .plan(
                context.captured, timeMs: node.inclusiveTimeMs, share: share, confidence: confidence(rows, context)),
            recommendation: Self.recommendation(table: table, keys: keys, engine: engine),
            fixSQL: fix,
            risk: risk.compactMap { $0 }.joined(separator: " "),
            validation: Self.validation(engine))
    }

    /// One finding for the scans of a partitioned table's partitions, on the Append above them.
    private func finding(_ group: PartitionScanGroup) -> Finding {
        let context = group.scans[0].path.context
        let rows = group.rows
        let share = group.share
        let parent = group.parent
        let parentName = parent.table.map {
            PlanFixSQL.qualifiedName(table: $0, schema: parent.schema, engine: .postgres)
        }
        let filterColumns = parent.table.map {
            FilterColumns(conditions: [group.filter], relation: $0, engine: .postgres)
        }
        let keys = filterColumns?.indexKeys ?? []
        var fix: String?
        if let table = parent.table, !keys.isEmpty {
            fix = PlanFixSQL.createIndex(
                table: table, schema: parent.schema, keys: keys, engine: .postgres, concurrently: false)
        }
        var evidence = [
            Evidence("partitions", Double(group.scans.count), "count"),
            Evidence("rows read", rows.totalRead, "rows"),
            Evidence("rows kept", rows.totalKept, "rows"),
            Evidence("rows removed by filter", rows.removedFraction * 100, "percent"),
        ]
        if let time = group.timeMs { evidence.append(Evidence("scan time", time, "ms")) }
        if let share { evidence.append(Evidence("share of statement", share * 100, "percent")) }
        // The key leaves out the partition count, which grows as partitions are added.
        let name = "\(group.scanName) on \(group.scans.count) partitions of \(parentName ?? "an unidentified table")"
        let partitions = group.scans.compactMap(\.path.node.relation)
        let statement = context.captured.statementFingerprint ?? context.captured.label
        let identity = parentName ?? partitions.sorted().joined(separator: ",")
        let object = FindingObject(
            kind: .planNode, name: name,
            key: "\(statement)|\(group.scanName) on partitions of \(identity)|\(group.filter)",
            plan: context.planNumber, node: group.append.id,
            coveredNodes: group.scans.flatMap { scan in
                // The scan and any per-partition node between it and the Append.
                scan.path.ancestors.drop { $0.id != group.append.id }.dropFirst().map(\.id) + [scan.path.node.id]
            })
        let risk = [
            Self.partitionedRisk(parentName), Self.expressionCaveat(keys),
            parent.isCertain ? nil : parentName.map(Self.inferredParentCaveat),
        ]
        return Finding(
            ruleId: Self.description.id,
            severity: share.map(options.severityByShare.severity(for:)) ?? .medium,
            category: Self.description.category,
            object: object,
            message: Self.message(group, name: name),
            evidence: evidence,
            impact: .plan(context.captured, timeMs: group.timeMs, share: share, confidence: confidence(rows, context)),
            recommendation: Self.recommendation(group, parentName: parentName, keys: keys, partitions: partitions),
            fixSQL: fix,
            risk: risk.compactMap { $0 }.joined(separator: " "),
            validation: Self.partitionValidation)
    }

    private func confidence(_ rows: ScanRows, _ context: PlanNodeContext) -> Confidence {
        rows.isMeasured ? (context.plan.hasTiming ? .high : .medium) : .low
    }
}

// MARK: - Messages

extension SeqScanFilterRule {
    fileprivate static func message(_ context: PlanNodeContext, rows: ScanRows, condition: String) -> String {
        let basis = rows.isMeasured ? "" : " (estimated)"
        let loops = rows.loops > 1 ? " over \(Formatting.count(rows.loops)) loops" : ""
        return "\(context.displayName) (node \(context.node.id)) reads \(Formatting.count(rows.totalRead)) rows"
            + "\(loops) and its filter \(condition) keeps only \(Formatting.count(rows.totalKept)) of them "
            + "(\(keptShare(rows)))\(basis)."
    }

    fileprivate static func message(_ group: PartitionScanGroup, name: String) -> String {
        let rows = group.rows
        let basis = rows.isMeasured ? "" : " (estimated)"
        let largest = group.scans.map(\.rows.totalRead).max() ?? 0
        return "\(name) (the \(group.append.nodeType) at node \(group.append.id)) together read "
            + "\(Formatting.count(rows.totalRead)) rows and their filter \(group.filter) keeps only "
            + "\(Formatting.count(rows.totalKept)) of them (\(keptShare(rows)))\(basis); no partition reads more than "
            + "\(Formatting.count(largest)) rows, so none stands out alone."
    }

    /// The share of rows kept; "under 0.1 %" rather than a rounded "0.0 %".
    private static func keptShare(_ rows: ScanRows) -> String {
        let kept = 1 - rows.removedFraction
        return kept > 0 && kept < 0.001 ? "under 0.1 %" : Formatting.percent(fraction: kept)
    }

    fileprivate static func recommendation(table: String, keys: [IndexKey], engine: Engine) -> String {
        if keys.isEmpty {
            return "No plain column index can serve this filter (OR branches, functions of columns or column-to-column "
                + "comparisons): consider an expression or partial index on \(table), or rewrite the condition."
        }
        let list = keys.map { $0.sql(engine: engine) }.joined(separator: ", ")
        return "Index \(table) on (\(list)) so the rows this filter keeps are looked up instead of the whole table "
            + "being read."
    }

    fileprivate static func recommendation(
        _ group: PartitionScanGroup, parentName: String?, keys: [IndexKey], partitions: [String]
    ) -> String {
        guard let parentName else {
            let names = partitions.prefix(3).joined(separator: ", ") + (partitions.count > 3 ? ", …" : "")
            return
                "The partitioned table these scans belong to could not be told from the partitions' names (\(names)): "
                + "index it on the filter's columns so every partition looks up the rows it keeps."
        }
        if keys.isEmpty {
            return "No index on \(parentName) can serve this filter as printed (OR branches or column-to-column "
                + "comparisons): consider a partial index on \(parentName), or rewrite the condition."
        }
        let list = keys.map { $0.sql(engine: .postgres) }.joined(separator: ", ")
        return
            "Index the partitioned table \(parentName) on (\(list)): PostgreSQL creates the index on every partition, "
            + "so each looks up the rows this filter keeps instead of all \(group.scans.count) partitions being read."
    }

    fileprivate static func risk(_ engine: Engine) -> String {
        if engine.isMySQLFamily {
            return "Adding an index is an online operation in InnoDB but reads the whole table and can delay replicas; "
                + "every index slows writes to the table and takes disk space."
        }
        return "CREATE INDEX CONCURRENTLY does not block writes but takes longer, cannot run in a transaction and "
            + "leaves an INVALID index to drop if it fails; every index slows writes to the table and takes disk space."
    }

    fileprivate static func partitionedRisk(_ parentName: String?) -> String {
        let table = parentName ?? "the partitioned table"
        return "PostgreSQL cannot CREATE INDEX CONCURRENTLY on a partitioned table: this CREATE INDEX holds a SHARE "
            + "lock on \(table) and each of its partitions while it builds, blocking INSERT, UPDATE and DELETE on "
            + "them (reads go on). To avoid that, create the index ON ONLY \(table), build each partition's with "
            + "CREATE INDEX CONCURRENTLY and ALTER INDEX … ATTACH PARTITION each (see the rule's rationale); every "
            + "index slows writes and takes disk space."
    }

    fileprivate static func inferredParentCaveat(_ parentName: String) -> String {
        "The parent's name is inferred from the partitions' names: check that \(parentName) is the partitioned "
            + "table before running the SQL."
    }

    fileprivate static let partitionValidation =
        "Run EXPLAIN (ANALYZE, BUFFERS) again: each partition should be read by an Index or Bitmap Heap Scan on its "
        + "own copy of the new index, reading about as many rows as it returns."

    /// What to know before creating an expression index; nil when the keys are plain columns.
    fileprivate static func expressionCaveat(_ keys: [IndexKey]) -> String? {
        guard keys.contains(where: \.isExpression) else { return nil }
        return "An expression index serves only queries that use the same expression, and PostgreSQL refuses it "
            + "when a function in it is not IMMUTABLE (date_trunc on a timestamp with time zone, for one)."
    }

    fileprivate static func validation(_ engine: Engine) -> String {
        if engine.isMySQLFamily {
            return "Run EXPLAIN ANALYZE again: the table should be read by a ref or range access on the new index, "
                + "examining about as many rows as it keeps."
        }
        return "Run EXPLAIN (ANALYZE, BUFFERS) again: the scan should become an Index or Bitmap Heap Scan on the new "
            + "index, reading about as many rows as it returns."
    }
}
