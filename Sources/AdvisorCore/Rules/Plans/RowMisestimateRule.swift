/// Reports nodes whose row estimate is off by an order of magnitude or more where it matters: the
/// planner chose join strategies, join order and memory for the wrong number of rows.
///
/// Only the source of an error is reported: a node whose children are already misestimated in the
/// same direction inherits their error and is reported only when it multiplies it by another
/// `minFactor` on its own (a join's selectivity misjudged on top of its input's).
public struct RowMisestimateRule: Rule {
    public struct Options: RuleOptions {
        /// Estimated and actual rows per loop must differ by at least this factor (both floored at 1).
        // 10× is where plan choices flip: below it the planner's cost model absorbs the error.
        public var minFactor = 10.0
        /// The larger of estimated and actual rows, over all loops, must reach this; smaller errors change nothing.
        public var minRows = 100.0
        /// The node (or the join it feeds) must account for at least this share of execution time.
        public var minShare = 0.1
        /// Plans faster than this are not worth a finding.
        public var minPlanTimeMs = 1.0
        /// Severity by the share of execution time of the node or the join it feeds.
        public var severityByShare = Levels(medium: 0.25, high: 0.5, critical: 0.8)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "plan-row-misestimate",
        title: "Row estimate off by an order of magnitude",
        category: .plans,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.plans],
        summary: "A node produced ten times more or fewer rows than planned, so the plan around it was chosen blind.",
        rationale: """
            Every plan choice (nested loop or hash join, join order, index or sequential scan, how much memory \
            a sort or hash gets) follows from row estimates. When a node produces 100× more rows than \
            expected, a nested loop planned for a handful of outer rows runs its inner side thousands of \
            times; 100× fewer, and a hash or sort is sized for data that never comes. The error usually starts \
            at a scan whose statistics are stale or whose conditions are correlated (`city = 'Paris' AND \
            country = 'FR'` is not as selective as the product of the two), and every node above inherits it; \
            this rule reports where it starts. Needs ANALYZE output (actual rows). Nodes cut short by a \
            `LIMIT`, a merge join or a semi/anti join produce fewer rows than estimated by design and are not \
            judged as overestimates.

            **Fix:** refresh statistics (`ANALYZE table;`, MySQL/MariaDB `ANALYZE TABLE t;`). For conditions \
            on correlated columns, PostgreSQL 10+ extended statistics \
            (`CREATE STATISTICS … (dependencies, ndistinct) ON a, b FROM t;` then `ANALYZE`), MySQL 8 \
            histograms (`ANALYZE TABLE t UPDATE HISTOGRAM ON col;`), MariaDB engine-independent statistics \
            (`ANALYZE TABLE t PERSISTENT FOR COLUMNS (col) INDEXES ();`). For skewed single columns, a larger \
            statistics target (`ALTER TABLE t ALTER COLUMN c SET STATISTICS 1000;` then `ANALYZE`). \
            **Validate:** run EXPLAIN ANALYZE again: estimated and actual rows of the node should agree within \
            a small factor, and the plan above it may change.
            """,
        examples: [
            RuleExample(
                "correlated columns make the planner expect 8 rows instead of 4,211",
                plan: """
                    Nested Loop  (cost=0.71..1034.80 rows=8 width=72) (actual time=0.060..96.551 rows=4211 loops=1)
                      ->  Index Scan using addresses_city_idx on addresses a  (cost=0.29..250.11 rows=8 width=40) (actual time=0.031..5.117 rows=4211 loops=1)
                            Index Cond: (city = 'Paris'::text)
                            Filter: (country = 'FR'::text)
                            Rows Removed by Filter: 12
                      ->  Index Scan using customers_pkey on customers c  (cost=0.42..98.08 rows=1 width=32) (actual time=0.021..0.021 rows=1 loops=4211)
                            Index Cond: (id = a.customer_id)
                    Planning Time: 0.240 ms
                    Execution Time: 97.020 ms
                    """,
                expecting: ["Index Scan using addresses_city_idx on addresses a"]),
            RuleExample(
                "estimates within a small factor",
                plan: """
                    Hash Join  (cost=30.50..2041.33 rows=4000 width=72) (actual time=0.410..12.902 rows=4211 loops=1)
                      Hash Cond: (a.customer_id = c.id)
                      ->  Seq Scan on addresses a  (cost=0.00..1790.00 rows=4100 width=40) (actual time=0.011..9.870 rows=4211 loops=1)
                            Filter: (city = 'Paris'::text)
                            Rows Removed by Filter: 95789
                      ->  Hash  (cost=18.00..18.00 rows=1000 width=32) (actual time=0.380..0.381 rows=1000 loops=1)
                            Buckets: 1024  Batches: 1  Memory Usage: 72kB
                            ->  Seq Scan on customers c  (cost=0.00..18.00 rows=1000 width=32) (actual time=0.005..0.160 rows=1000 loops=1)
                    Planning Time: 0.201 ms
                    Execution Time: 13.180 ms
                    """,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// A node whose estimate is off, with the factor and direction.
    fileprivate struct Misestimate {
        var path: PlanNodePath
        var estimated: Double
        var actual: Double
        var factor: Double
        var isUnderestimate: Bool
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let paths = context.planNodePaths.filter { $0.context.plan.hasActuals }
        var errors: [PlanNodeKey: Misestimate] = [:]
        for path in paths {
            if let total = path.context.plan.totalTimeMs, total < options.minPlanTimeMs { continue }
            if let error = misestimate(path) { errors[PlanNodeKey(path)] = error }
        }
        var findings: [Finding] = []
        for path in paths {
            guard let error = errors[PlanNodeKey(path)], isSource(error, among: errors),
                let (share, timeMs) = significance(error, among: errors)
            else { continue }
            findings.append(finding(error, share: share, timeMs: timeMs))
        }
        return findings
    }

    private func misestimate(_ path: PlanNodePath) -> Misestimate? {
        let node = path.node
        guard !node.neverExecuted, let loops = node.loops, loops > 0, let actual = node.actualRows,
            let estimated = node.estimatedRows,
            // The root's estimate steers no choice in the plan; a Hash or a bitmap index scan repeats its
            // input's estimate; BitmapAnd/Or print no rows; a ModifyTable returns rows only with RETURNING.
            path.parent != nil,
            ![.bitmapAnd, .bitmapOr, .bitmapIndexScan, .hash, .modifyTable].contains(node.operation)
        else { return nil }
        let flooredActual = max(actual, 1)
        let flooredEstimate = max(estimated, 1)
        let factor = max(flooredActual / flooredEstimate, flooredEstimate / flooredActual)
        let isUnderestimate = flooredActual > flooredEstimate
        guard factor >= options.minFactor, max(actual, estimated) * loops >= options.minRows else { return nil }
        if !isUnderestimate, Self.mayStopEarly(path) { return nil }
        return Misestimate(
            path: path, estimated: estimated, actual: actual, factor: factor, isUnderestimate: isUnderestimate)
    }

    /// True when a node may legitimately stop before producing all the rows it was estimated to: below a
    /// LIMIT (down to the first node that consumes all its input), a merge join, the inner side of a
    /// semi/anti join, or a sub-plan (EXISTS stops at the first row).
    static func mayStopEarly(_ path: PlanNodePath) -> Bool {
        let blocking: Set<PlanOperation> = [.sort, .aggregate, .hash, .setOp, .windowAgg, .materialize]
        var below = path.node
        for ancestor in path.ancestors.reversed() {
            if below.isSubPlan { return true }
            switch ancestor.operation {
            case .limit, .mergeJoin: return true
            case .nestedLoop, .hashJoin:
                let joinType = (ancestor.joinType ?? ancestor.nodeType).lowercased()
                let firstInput = ancestor.children.first { !$0.isSubPlan }
                if (joinType.contains("semi") || joinType.contains("anti")) && firstInput != below { return true }
            default:
                if blocking.contains(ancestor.operation) { return false }
            }
            below = ancestor
        }
        return false
    }

    /// The share and time that make the error matter: the largest among the node, the join it feeds, and
    /// the same for every node above that inherits the error.
    private func significance(
        _ error: Misestimate, among errors: [PlanNodeKey: Misestimate]
    ) -> (share: Double, timeMs: Double?)? {
        let plan = error.path.context.plan
        var best: (share: Double, timeMs: Double?)?
        func consider(_ node: PlanNode) {
            guard let share = plan.inclusiveShare(of: node), share > best?.share ?? -1 else { return }
            best = (share, node.inclusiveTimeMs)
        }
        var current = error
        while true {
            consider(current.path.node)
            if let join = Self.consumingJoin(current.path) { consider(join) }
            guard let parent = current.path.parent,
                let inheritor = errors[PlanNodeKey(current.path.context.planNumber, parent.id)],
                inheritor.isUnderestimate == error.isUnderestimate
            else { break }
            current = inheritor
        }
        guard let best, best.share >= options.minShare else { return nil }
        return best
    }

    /// The join whose strategy depends on this node's row count: the parent join, or the join above a Hash.
    static func consumingJoin(_ path: PlanNodePath) -> PlanNode? {
        let joins: Set<PlanOperation> = [.nestedLoop, .hashJoin, .mergeJoin]
        guard let parent = path.parent else { return nil }
        if joins.contains(parent.operation) { return parent }
        if parent.operation == .hash, let grandparent = path.ancestors.dropLast().last,
            joins.contains(grandparent.operation)
        {
            return grandparent
        }
        return nil
    }

    /// False when a node it reads from (a descendant, or the CTE a CTE Scan reads) already has the error
    /// in the same direction and this node does not add another `minFactor` on its own.
    private func isSource(_ error: Misestimate, among errors: [PlanNodeKey: Misestimate]) -> Bool {
        var inherited = 1.0
        let plan = error.path.context.planNumber
        let node = error.path.node
        for input in [node] + Self.cteDefinitions(read: node, in: error.path.context.plan) {
            input.visit { descendant in
                guard descendant.id != node.id, let below = errors[PlanNodeKey(plan, descendant.id)],
                    below.isUnderestimate == error.isUnderestimate
                else { return }
                inherited = max(inherited, below.factor)
            }
        }
        return inherited == 1 || error.factor >= inherited * options.minFactor
    }

    /// The subtree computing the CTE a CTE Scan reads (none for other nodes).
    static func cteDefinitions(read node: PlanNode, in plan: Plan) -> [PlanNode] {
        guard node.operation == .cteScan, let name = node.cteName else { return [] }
        var definitions: [PlanNode] = []
        plan.root.visit { candidate in
            if candidate.cteDefinitionName == name { definitions.append(candidate) }
        }
        return definitions
    }

    private func finding(_ error: Misestimate, share: Double, timeMs: Double?) -> Finding {
        let context = error.path.context
        let node = context.node
        var evidence = [
            Evidence("estimated rows per loop", error.estimated, "rows"),
            Evidence("actual rows per loop", error.actual, "rows"),
            Evidence(error.isUnderestimate ? "underestimate factor" : "overestimate factor", error.factor, "factor"),
        ]
        if let loops = node.loops, loops != 1 { evidence.append(Evidence("loops", loops, "loops")) }
        evidence.append(Evidence("share of statement", share * 100, "percent"))
        let remedy = Remedy(error: error)
        return Finding(
            ruleId: Self.description.id,
            severity: options.severityByShare.severity(for: share),
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(context, error: error),
            evidence: evidence,
            // How much a better plan saves is unknown until the planner sees the right numbers.
            impact: .plan(context.captured, timeMs: timeMs, share: share, confidence: .low),
            recommendation: remedy.recommendation,
            fixSQL: remedy.fixSQL,
            risk: remedy.risk,
            validation: "Run EXPLAIN ANALYZE again: estimated and actual rows of this node should agree within a small "
                + "factor, and the plan above it may change (for example a nested loop becoming a hash join).")
    }
}

/// What to do about one misestimate: the statement that gives the planner the missing knowledge.
private enum Remedy {
    /// PostgreSQL assumes 1,000 rows from a set-returning function unless told otherwise.
    case functionRows(name: String, rows: Double)
    /// Correlated conditions on one PostgreSQL table.
    case extendedStatistics(TableReference, columns: [String])
    /// Conditions on MySQL/MariaDB columns the optimizer has no statistics for.
    case columnStatistics(TableReference, columns: [String], engine: Engine)
    /// Stale or missing statistics on the tables below.
    case analyze([TableReference], engine: Engine)

    init(error: RowMisestimateRule.Misestimate) {
        let node = error.path.node
        let plan = error.path.context.plan
        let engine = plan.engine
        if node.operation == .functionScan, let name = node.functionName, engine == .postgres {
            self = .functionRows(name: name, rows: max(1, error.actual.rounded()))
            return
        }
        if node.operation.isRelationScan || node.accessType != nil,
            let table = TableReference(node: node, plan: plan, conditions: [node.indexCondition, node.filter])
        {
            let columns = FilterColumns(node: node, engine: engine)
            if engine.isMySQLFamily, !columns.isEmpty {
                self = .columnStatistics(table, columns: columns.allColumns, engine: engine)
                return
            }
            // Functional dependencies only help equality conditions; PostgreSQL takes at most 8 columns.
            let correlated = columns.equalityColumns.count >= 2 ? columns.equalityColumns : columns.allColumns
            if correlated.count >= 2 {
                self = .extendedStatistics(table, columns: Array(correlated.prefix(8)))
                return
            }
        }
        var tables: [TableReference] = []
        for input in [node] + RowMisestimateRule.cteDefinitions(read: node, in: plan) {
            input.visit { descendant in
                guard descendant.operation.isRelationScan || descendant.accessType != nil,
                    let table = TableReference(node: descendant, plan: plan, conditions: [descendant.filter]),
                    !tables.contains(where: { $0.table == table.table && $0.schema == table.schema })
                else { return }
                tables.append(table)
            }
        }
        self = .analyze(Array(tables.prefix(4)), engine: engine)
    }

    var recommendation: String {
        switch self {
        case .functionRows(let name, _):
            return "Declare how many rows \(name) returns (ALTER FUNCTION … ROWS) so the planner stops assuming the "
                + "default 1,000."
        case .extendedStatistics(let table, let columns):
            return "Create extended statistics on \(table.table) (\(columns.joined(separator: ", "))) so the planner "
                + "knows these columns are correlated, then ANALYZE it."
        case .columnStatistics(let table, let columns, let engine):
            let kind = engine == .mariadb ? "engine-independent statistics" : "histograms"
            return "Collect \(kind) on \(table.table) (\(columns.joined(separator: ", "))) so the optimizer sees how "
                + "selective these conditions are."
        case .analyze(let tables, _):
            guard !tables.isEmpty else {
                return "Check the statistics of the tables this node reads: the planner's row counts are far off."
            }
            return "Refresh the statistics of \(tables.map(\.table).joined(separator: ", ")) (ANALYZE) so the planner "
                + "sees the real row counts."
        }
    }

    var fixSQL: String? {
        switch self {
        case .functionRows(let name, let rows):
            return "ALTER FUNCTION \(PlanFixSQL.quote(name, engine: .postgres)) ROWS \(Int(min(rows, 1e15)));"
        case .extendedStatistics(let table, let columns):
            return PlanFixSQL.createStatistics(table: table.table, schema: table.schema, columns: columns)
        case .columnStatistics(let table, let columns, let engine):
            return PlanFixSQL.columnHistograms(
                table: table.table, schema: table.schema, columns: columns, engine: engine)
        case .analyze(let tables, let engine):
            guard !tables.isEmpty else { return nil }
            return tables.map { PlanFixSQL.analyze(table: $0.table, schema: $0.schema, engine: engine) }
                .joined(separator: "\n")
        }
    }

    var risk: String {
        let caveats: [String]
        switch self {
        case .functionRows:
            return "The declared row count applies to every call of the function; pick a typical value, not this "
                + "call's."
        case .extendedStatistics(let table, _), .columnStatistics(let table, _, _):
            caveats = [table.caveat].compactMap { $0 }
        case .analyze(let tables, _): caveats = tables.compactMap(\.caveat).prefix(1).map { $0 }
        }
        let base =
            "Collecting statistics reads a sample of the table and is cheap; new statistics can change other plans "
            + "that use the table, usually for the better, so watch the slow log or pg_stat_statements afterwards."
        return ([base] + caveats).joined(separator: " ")
    }
}

// MARK: - Messages

extension RowMisestimateRule {
    fileprivate static func message(_ context: PlanNodeContext, error: Misestimate) -> String {
        let direction = error.isUnderestimate ? "underestimated" : "overestimated"
        return "\(context.displayName) (node \(context.node.id)) was estimated at "
            + "\(Formatting.count(error.estimated)) rows per loop but produced \(Formatting.count(error.actual)) "
            + "(\(direction) \(Formatting.factor(error.factor)))."
    }
}
