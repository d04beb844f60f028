/// Reports nested loops whose inner side reads a table without an index, once per outer row: the cost
/// grows with outer rows × inner rows.
///
/// The inner side is followed through pass-through nodes (Materialize, Memoize, Hash, a MySQL
/// `Filter:`) to the table access. An index lookup (Index, Index Only, Bitmap scans, MySQL ref/eq_ref/
/// range) is what a nested loop wants and is left alone; so is a Memoize whose cache spares all but a
/// few scans (the scan below it then runs only on cache misses).
public struct NestedLoopInnerScanRule: Rule {
    public struct Options: RuleOptions {
        /// The inner side must run at least this many times.
        // A thousand repetitions of even a small scan add up; fewer are judged by rows read instead.
        public var minLoops = 1_000.0
        /// Or, with at least two loops, read at least this many rows over all of them.
        public var minRowsRead = 100_000.0
        /// The inner side must account for at least this share of the statement (time, or cost when untimed).
        public var minShare = 0.1
        /// Plans faster than this are not worth a finding.
        public var minPlanTimeMs = 1.0
        /// Severity by the inner side's share of the statement.
        public var severityByShare = Levels(medium: 0.25, high: 0.5, critical: 0.8)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "plan-nested-loop-inner-scan",
        title: "Nested loop rescanning its inner table",
        category: .plans,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.plans],
        summary: "A nested loop reads its inner table without an index once per outer row.",
        rationale: """
            A nested loop runs its inner side once for every row of its outer side. That is cheap when the \
            inner side is an index lookup on the join column, and quadratic when it is a sequential scan, a \
            full index scan or a rescan of a materialized result that the join condition then filters row by \
            row (PostgreSQL `Join Filter`, MySQL/MariaDB block nested loop `Using join buffer`). It usually \
            means the inner table has no index on its join column, or the planner expected very few outer \
            rows (see `plan-row-misestimate`).

            **Fix:** index the inner table on its join column, followed by the columns of its other equality \
            conditions, so every loop becomes an index lookup (PostgreSQL \
            `CREATE INDEX CONCURRENTLY … ON t (join_col, …);`, MySQL/MariaDB `ALTER TABLE t ADD INDEX … \
            (join_col, …);`). If the outer row estimate is badly wrong, fix the statistics first: with the \
            right estimate the planner may pick a hash join on its own. **Validate:** run EXPLAIN ANALYZE \
            again: the inner side should be an index scan or lookup with about as many rows per loop as \
            matches, and the loop's time should drop accordingly.
            """,
        examples: [
            RuleExample(
                "an inner sequential scan repeated for every order",
                plan: """
                    Nested Loop  (cost=0.00..1527514.00 rows=5000 width=72) (actual time=0.052..2461.380 rows=5000 loops=1)
                      Join Filter: (o.customer_id = c.id)
                      Rows Removed by Join Filter: 9995000
                      ->  Seq Scan on orders o  (cost=0.00..92.00 rows=5000 width=40) (actual time=0.009..1.021 rows=5000 loops=1)
                      ->  Materialize  (cost=0.00..35.00 rows=2000 width=32) (actual time=0.000..0.180 rows=2000 loops=5000)
                            ->  Seq Scan on customers c  (cost=0.00..25.00 rows=2000 width=32) (actual time=0.006..0.301 rows=2000 loops=1)
                    Planning Time: 0.190 ms
                    Execution Time: 2462.910 ms
                    """,
                expecting: ["Nested Loop"]),
            RuleExample(
                "an index lookup on the inner side",
                plan: """
                    Nested Loop  (cost=0.29..2297.00 rows=5000 width=72) (actual time=0.030..14.210 rows=5000 loops=1)
                      ->  Seq Scan on orders o  (cost=0.00..92.00 rows=5000 width=40) (actual time=0.009..0.920 rows=5000 loops=1)
                      ->  Index Scan using customers_pkey on customers c  (cost=0.29..0.44 rows=1 width=32) (actual time=0.002..0.002 rows=1 loops=5000)
                            Index Cond: (id = o.customer_id)
                    Planning Time: 0.170 ms
                    Execution Time: 14.620 ms
                    """,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// The inner side of one nested loop and the table access at its bottom.
    fileprivate struct InnerScan {
        var loop: PlanNodePath
        var inner: PlanNode
        var access: PlanNode
        /// Conditions between the loop and the access (join filters, MySQL `Filter:` nodes, the access's own).
        var conditions: [String?]
        /// How many times the table (or its materialized copy) is read.
        var repetitions: Double
        /// Rows read over all repetitions, when known.
        var rowsRead: Double?
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        Self.innerScans(in: context).compactMap { scan in
            let plan = scan.loop.context.plan
            if let total = plan.totalTimeMs, total < options.minPlanTimeMs { return nil }
            guard
                scan.repetitions >= options.minLoops
                    || (scan.repetitions >= 2 && (scan.rowsRead ?? 0) >= options.minRowsRead)
            else { return nil }
            let share = plan.inclusiveShare(of: scan.inner)
            if let share, share < options.minShare { return nil }
            return finding(scan, share: share)
        }
    }

    /// Every inner side of a nested loop that reads a table without an index lookup, whatever the thresholds.
    private static func innerScans(in context: RuleContext) -> [InnerScan] {
        var scans: [InnerScan] = []
        let paths = context.planNodePaths
        var pathsByNode: [PlanNodeKey: PlanNodePath] = [:]
        for path in paths { pathsByNode[PlanNodeKey(path)] = path }
        for path in paths where path.node.operation == .nestedLoop && !path.node.neverExecuted {
            let inputs = path.node.children.filter { !$0.isSubPlan }
            for inner in inputs.dropFirst() {
                guard let innerPath = pathsByNode[PlanNodeKey(path, inner)],
                    let scan = innerScan(loop: path, innerPath: innerPath, pathsByNode: pathsByNode)
                else { continue }
                scans.append(scan)
            }
        }
        return scans
    }

    /// Every index this rule could suggest for the snapshot's plans, whatever the thresholds (for the
    /// HypoPG check of `scan --explain-top`, which must test exactly what the findings suggest).
    public static func suggestedIndexes(in context: RuleContext) -> [String] {
        innerScans(in: context).compactMap { suggestedIndex(for: $0).createSQL }
    }

    /// The index for one inner scan: its table, its columns, and the CREATE INDEX (nil when none can serve).
    private static func suggestedIndex(for scan: InnerScan) -> (
        reference: TableReference?, columns: FilterColumns, createSQL: String?
    ) {
        let plan = scan.loop.context.plan
        let access = scan.access
        let columns = FilterColumns(
            conditions: scan.conditions, relation: access.relation, alias: access.alias, engine: plan.engine)
        let reference = TableReference(node: access, plan: plan, conditions: scan.conditions)
        guard !columns.isEmpty, let table = reference?.table ?? access.relation else {
            return (reference, columns, nil)
        }
        let sql = PlanFixSQL.createIndex(
            table: table, schema: reference?.schema, columns: columns.indexColumns, engine: plan.engine)
        return (reference, columns, sql)
    }

    /// Follows the inner input down to its table access; nil when that access is an index lookup, or
    /// something no index on a table can change (a function, a CTE, a materialized derived table).
    private static func innerScan(
        loop: PlanNodePath, innerPath: PlanNodePath, pathsByNode: [PlanNodeKey: PlanNodePath]
    ) -> InnerScan? {
        var node = innerPath.node
        var conditions: [String?] = [loop.node.joinFilter]
        var repetitions = innerPath.expectedLoops
        var materialized = false
        while PlanNodePath.passThroughOperations.contains(node.operation) {
            if node.operation == .filter { conditions.append(node.filter) }
            guard let child = node.children.first(where: { !$0.isSubPlan }) else { return nil }
            // Under a Memoize the table is read only on cache misses; under a Materialize it is read once and
            // every loop rescans the materialized rows.
            if node.operation == .memoize { repetitions = child.loops ?? repetitions }
            if node.operation == .materialize { materialized = true }
            node = child
        }
        guard node.operation == .seqScan || node.operation == .fullIndexScan, let relation = node.relation,
            !relation.hasPrefix("<"), let accessPath = pathsByNode[PlanNodeKey(loop.context.planNumber, node.id)]
        else { return nil }
        conditions += [node.indexCondition, node.filter]
        let rowsRead: Double?
        if materialized {
            rowsRead = (innerPath.node.actualRows ?? innerPath.node.estimatedRows).map { $0 * repetitions }
        } else {
            rowsRead = ScanRows(accessPath)?.totalRead
        }
        return InnerScan(
            loop: loop, inner: innerPath.node, access: node, conditions: conditions, repetitions: repetitions,
            rowsRead: rowsRead)
    }

    private func finding(_ scan: InnerScan, share: Double?) -> Finding {
        let context = scan.loop.context
        let engine = context.engine
        let access = scan.access
        let (reference, columns, fix) = Self.suggestedIndex(for: scan)
        let table = reference?.table ?? access.relation ?? ""
        var evidence = [Evidence("inner side executions", scan.repetitions, "loops")]
        if let rows = scan.rowsRead { evidence.append(Evidence("inner rows read", rows, "rows")) }
        if let removed = context.node.rowsRemovedByJoinFilter {
            evidence.append(Evidence("rows removed by join filter", removed * (context.node.loops ?? 1), "rows"))
        }
        if let time = scan.inner.inclusiveTimeMs { evidence.append(Evidence("inner side time", time, "ms")) }
        if let share { evidence.append(Evidence("share of statement", share * 100, "percent")) }
        let check = IndexValidationText(fix: fix, captured: context.captured, engine: engine)
        evidence += check.evidence
        let confidence: Confidence = context.plan.hasActuals ? (context.plan.hasTiming ? .high : .medium) : .low
        return Finding(
            ruleId: Self.description.id,
            severity: check.severity(share.map(options.severityByShare.severity(for:)) ?? .medium),
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(context, scan: scan),
            evidence: evidence,
            impact: .plan(context.captured, timeMs: scan.inner.inclusiveTimeMs, share: share, confidence: confidence),
            recommendation: Self.recommendation(table: table, columns: columns),
            fixSQL: fix,
            risk: [Self.risk(engine), reference?.caveat, check.text].compactMap { $0 }.joined(separator: " "),
            validation:
                "Run EXPLAIN ANALYZE again: the inner side should become an index lookup returning about as many "
                + "rows per loop as match, and the loop's time should drop accordingly.")
    }
}

// MARK: - Messages

extension NestedLoopInnerScanRule {
    fileprivate static func message(_ context: PlanNodeContext, scan: InnerScan) -> String {
        let accessName = scan.access.displayName(engine: context.engine)
        let rows = scan.rowsRead.map { ", reading \(Formatting.count($0)) rows in all" } ?? ""
        let how = scan.inner.operation == .materialize ? "rescans a materialized copy of" : "runs"
        return "\(context.displayName) (node \(context.node.id)) \(how) \(accessName) "
            + "\(Formatting.count(scan.repetitions)) times\(rows), without an index lookup."
    }

    fileprivate static func risk(_ engine: Engine) -> String {
        if engine.isMySQLFamily {
            return "Adding an index is online in InnoDB but reads the whole table and can delay replicas; it slows "
                + "writes to the table and takes disk space."
        }
        return "CREATE INDEX CONCURRENTLY does not block writes but cannot run in a transaction and leaves an "
            + "INVALID index to drop if it fails; the index slows writes to the table and takes disk space."
    }

    fileprivate static func recommendation(table: String, columns: FilterColumns) -> String {
        if columns.isEmpty {
            return "Give \(table) an index on the column it is joined on, so each loop looks up its matching rows "
                + "instead of reading the table."
        }
        return "Index \(table) on (\(columns.indexColumns.joined(separator: ", "))) so each loop looks up its matching "
            + "rows instead of reading the table."
    }
}
