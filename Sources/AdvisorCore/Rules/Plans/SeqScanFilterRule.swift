/// Reports full table scans that read many rows only to throw most of them away through a filter:
/// the classic missing index.
///
/// Scans on the inner side of a nested loop that runs that side repeatedly are left to
/// `plan-nested-loop-inner-scan` (the index they need leads with the join column), and MySQL/MariaDB
/// scans whose `possible_keys` is known to be empty are left to `mysql-no-usable-key`, which says the
/// stronger thing: no index could even be considered.
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
            from `rows` × `filtered` on MySQL/MariaDB otherwise; PostgreSQL plans without ANALYZE do not say \
            how many rows a scan reads, so they are not judged.

            **Fix:** create an index on the filter's columns: equality columns (`=`, `IN`, `= ANY`, \
            `IS NULL`) first, then at most one range column (`<`, `>`, `BETWEEN`, `LIKE 'prefix%'`). \
            Conditions under `OR`, functions of columns and comparisons between two columns of the table \
            cannot use a plain column index; an expression or partial index, or a rewrite, may. On \
            PostgreSQL build it with `CREATE INDEX CONCURRENTLY` to avoid blocking writes. \
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
        var findings: [Finding] = []
        for path in context.planNodePaths where path.node.operation == .seqScan {
            let node = path.node
            let plan = path.context.plan
            guard let relation = node.relation, !relation.hasPrefix("<"), !node.neverExecuted else { continue }
            if let total = plan.totalTimeMs, total < options.minPlanTimeMs { continue }
            if let inner = path.innerSideOfNestedLoop, (inner.innerChild.loops ?? path.expectedLoops) >= 2 { continue }
            if Self.hasNoCandidateKeys(node, format: plan.format) { continue }
            guard let condition = Self.condition(of: path), let rows = ScanRows(path),
                rows.totalRead >= options.minRowsRead, rows.removedFraction >= options.minRemovedFraction
            else { continue }
            let share = plan.inclusiveShare(of: node)
            if let share, share < options.minShare { continue }
            findings.append(finding(path, condition: condition, rows: rows, share: share))
        }
        return findings
    }

    /// The filter the scan applies: its own, or (MySQL tree) the `Filter:` node right above it.
    static func condition(of path: PlanNodePath) -> String? {
        if let filter = path.node.filter { return filter }
        guard let parent = path.parent, parent.operation == .filter else { return nil }
        return parent.filter
    }

    /// True when a MySQL/MariaDB format that prints `possible_keys` printed none for this table
    /// (`mysql-no-usable-key` reports those).
    static func hasNoCandidateKeys(_ node: PlanNode, format: PlanFormat) -> Bool {
        guard [.mysqlJSON, .mariadbJSON, .mysqlTable].contains(format) else { return false }
        return node.possibleKeys?.isEmpty ?? true
    }

    private func finding(_ path: PlanNodePath, condition: String, rows: ScanRows, share: Double?) -> Finding {
        let context = path.context
        let node = context.node
        let engine = context.engine
        let columns = FilterColumns(conditions: [condition], relation: node.relation, alias: node.alias, engine: engine)
        let reference = TableReference(node: node, plan: context.plan, conditions: [condition])
        let table = reference?.table ?? node.relation ?? ""
        var evidence = [
            Evidence("rows read", rows.totalRead, "rows"),
            Evidence("rows kept", rows.totalKept, "rows"),
            Evidence("rows removed by filter", rows.removedFraction * 100, "percent"),
        ]
        if rows.loops != 1 { evidence.append(Evidence("loops", rows.loops, "loops")) }
        if let time = node.inclusiveTimeMs { evidence.append(Evidence("scan time", time, "ms")) }
        if let share { evidence.append(Evidence("share of statement", share * 100, "percent")) }
        let fix =
            columns.isEmpty
            ? nil
            : PlanFixSQL.createIndex(
                table: table, schema: reference?.schema, columns: columns.indexColumns, engine: engine)
        let confidence: Confidence = rows.isMeasured ? (context.plan.hasTiming ? .high : .medium) : .low
        return Finding(
            ruleId: Self.description.id,
            severity: share.map(options.severityByShare.severity(for:)) ?? .medium,
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(context, rows: rows, condition: condition),
            evidence: evidence,
            impact: .plan(context.captured, timeMs: node.inclusiveTimeMs, share: share, confidence: confidence),
            recommendation: Self.recommendation(table: table, columns: columns),
            fixSQL: fix,
            risk: [Self.risk(engine), reference?.caveat].compactMap { $0 }.joined(separator: " "),
            validation: Self.validation(engine))
    }
}

// MARK: - Messages

extension SeqScanFilterRule {
    fileprivate static func message(_ context: PlanNodeContext, rows: ScanRows, condition: String) -> String {
        let basis = rows.isMeasured ? "" : " (estimated)"
        let loops = rows.loops > 1 ? " over \(Formatting.count(rows.loops)) loops" : ""
        let keptShare = Formatting.percent(fraction: 1 - rows.removedFraction)
        return "\(context.displayName) (node \(context.node.id)) reads \(Formatting.count(rows.totalRead)) rows"
            + "\(loops) and its filter \(condition) keeps only \(Formatting.count(rows.totalKept)) of them "
            + "(\(keptShare))\(basis)."
    }

    fileprivate static func recommendation(table: String, columns: FilterColumns) -> String {
        if columns.isEmpty {
            return "No plain column index can serve this filter (OR branches, functions of columns or column-to-column "
                + "comparisons): consider an expression or partial index on \(table), or rewrite the condition."
        }
        let list = columns.indexColumns.joined(separator: ", ")
        return "Index \(table) on (\(list)) so the rows this filter keeps are looked up instead of the whole table "
            + "being read."
    }

    fileprivate static func risk(_ engine: Engine) -> String {
        if engine.isMySQLFamily {
            return "Adding an index is an online operation in InnoDB but reads the whole table and can delay replicas; "
                + "every index slows writes to the table and takes disk space."
        }
        return "CREATE INDEX CONCURRENTLY does not block writes but takes longer, cannot run in a transaction and "
            + "leaves an INVALID index to drop if it fails; every index slows writes to the table and takes disk space."
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
