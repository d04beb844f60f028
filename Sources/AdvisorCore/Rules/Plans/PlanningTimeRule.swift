/// Reports statements that spend longer being planned than being executed, with the likely reason
/// read from the plan (many partitions, many joins, huge IN lists, heavy catalog access).
public struct PlanningTimeRule: Rule {
    public struct Options: RuleOptions {
        /// Planning faster than this is never worth a finding, however short the execution: a 0.2 ms plan
        /// for a 0.05 ms primary-key lookup is normal, while 5 ms of planning per call is worth removing
        /// from a statement that runs often.
        public var minPlanningTimeMs = 5.0
        /// Planning must take at least this multiple of the execution time.
        public var minPlanningToExecutionRatio = 1.0
        /// From this many relations planned (scans in the plan plus partitions pruned only at execution
        /// time) the plan is "many partitions".
        public var manyRelations = 50
        /// From this many joins the join search space is large (join_collapse_limit defaults to 8).
        public var manyJoins = 8
        /// From this many elements an IN list / array literal is "huge".
        public var hugeInList = 1_000
        /// From this many blocks touched while planning, catalog access is a likely cause.
        public var heavyPlanningBlocks = 10_000.0
        /// Severity by planning time's share of planning + execution.
        public var severityByShare = Levels(medium: 0.6, high: 0.8, critical: 0.95)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "plan-planning-time",
        title: "Planning slower than execution",
        category: .plans,
        engines: [.postgres],
        requires: [.plans],
        summary: "The statement spends more time being planned than executed.",
        rationale: """
            Every execution of an unprepared statement is planned again. When planning takes longer than \
            running the query, the planner is the bottleneck. Usual causes, which the finding names when the \
            plan shows them: many partitions that are only pruned at execution time (or not at all), so the \
            planner builds paths for each; many joins (the join search grows exponentially up to \
            `join_collapse_limit`, 8 by default); huge `IN (…)` lists that are estimated element by element; \
            and heavy catalog access while planning (`Planning: Buffers`), from bloated catalogs or a new \
            connection whose caches are still cold.

            **Fix:** reuse plans: a prepared statement (or the driver's server-side statement cache) is planned \
            once and, with `plan_cache_mode = auto`, switches to a generic plan after five executions when \
            that plan is as cheap. Let partition pruning happen at plan time (constant conditions on the \
            partition key) or use fewer, larger partitions; for many joins, fix the join order and lower \
            `join_collapse_limit` for that query; pass big lists as one array parameter (`= ANY($1)`) or join \
            a `VALUES` list. **Validate:** `EXPLAIN (ANALYZE)` shows the new planning time; for prepared \
            statements, `pg_stat_statements` (with `pg_stat_statements.track_planning = on`) shows \
            `mean_plan_time`.
            """,
        examples: [
            RuleExample(
                "planning 200 partitions to read one",
                plan: """
                    Append  (cost=0.29..1702.00 rows=200 width=48) (actual time=0.071..1.904 rows=42 loops=1)
                      Subplans Removed: 199
                      ->  Index Scan using events_p199_created_at_idx on events_p199 events_1  (cost=0.30..8.52 rows=1 width=48) (actual time=0.068..0.912 rows=42 loops=1)
                            Index Cond: (created_at >= (now() - '01:00:00'::interval))
                    Planning:
                      Buffers: shared hit=18240 read=112
                    Planning Time: 84.305 ms
                    Execution Time: 2.131 ms
                    """,
                expecting: ["plan 1"]),
            RuleExample(
                "a primary-key lookup with sub-millisecond planning",
                plan: """
                    Index Scan using orders_pkey on orders  (cost=0.43..8.45 rows=1 width=97) (actual time=0.021..0.022 rows=1 loops=1)
                      Index Cond: (id = 12345)
                    Planning Time: 0.204 ms
                    Execution Time: 0.048 ms
                    """,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for (offset, captured) in context.snapshot.plans.enumerated() where captured.plan.engine == .postgres {
            let plan = captured.plan
            guard let planning = plan.planningTimeMs, let execution = plan.executionTimeMs,
                planning >= options.minPlanningTimeMs,
                planning >= execution * options.minPlanningToExecutionRatio
            else { continue }
            findings.append(finding(captured, number: offset + 1, planning: planning, execution: execution))
        }
        return findings
    }

    private func finding(_ captured: CapturedPlan, number: Int, planning: Double, execution: Double) -> Finding {
        let plan = captured.plan
        let share = planning / (planning + execution)
        let shape = PlanShape(plan)
        var evidence = [
            Evidence("planning time", planning, "ms"),
            Evidence("execution time", execution, "ms"),
            Evidence("planning share of total time", share * 100, "percent"),
            Evidence("relation scans in the plan", Double(shape.scans), "count"),
            Evidence("joins in the plan", Double(shape.joins), "count"),
        ]
        if shape.prunedSubplans > 0 {
            evidence.append(Evidence("subplans removed at execution", Double(shape.prunedSubplans), "count"))
        }
        if shape.largestInList > 0 {
            evidence.append(Evidence("largest IN list", Double(shape.largestInList), "count"))
        }
        if let buffers = plan.planningBuffers {
            evidence.append(Evidence("planning shared blocks hit", buffers.sharedHit, "blocks"))
            evidence.append(Evidence("planning shared blocks read", buffers.sharedRead, "blocks"))
        }
        let causes = causes(of: shape, plan: plan)
        return Finding(
            ruleId: Self.description.id,
            severity: options.severityByShare.severity(for: share),
            category: Self.description.category,
            object: .plan(captured, number: number),
            message: Self.message(number: number, planning: planning, execution: execution, causes: causes),
            evidence: evidence,
            impact: Self.impact(captured, planning: planning, share: share),
            recommendation: Self.recommendation(causes: causes),
            risk: "A generic plan from a prepared statement ignores the actual parameter values and can be worse "
                + "for skewed data; compare EXPLAIN EXECUTE after the sixth execution with the custom plan, and "
                + "set plan_cache_mode if needed.",
            validation: "Run EXPLAIN (ANALYZE) again, or watch mean_plan_time in pg_stat_statements (with "
                + "pg_stat_statements.track_planning = on): planning time should fall below execution time.")
    }

    /// What made planning expensive, as far as the plan shows it.
    private func causes(of shape: PlanShape, plan: Plan) -> [Cause] {
        var causes: [Cause] = []
        if shape.scans + shape.prunedSubplans >= options.manyRelations {
            causes.append(.manyRelations(shape.scans + shape.prunedSubplans, prunedAtExecution: shape.prunedSubplans))
        }
        if shape.joins >= options.manyJoins { causes.append(.manyJoins(shape.joins)) }
        if shape.largestInList >= options.hugeInList { causes.append(.hugeInList(shape.largestInList)) }
        if let buffers = plan.planningBuffers, buffers.sharedHit + buffers.sharedRead >= options.heavyPlanningBlocks {
            causes.append(.catalogAccess(buffers.sharedHit + buffers.sharedRead))
        }
        return causes
    }

    /// Planning time is not part of execution time, so `Impact.plan` (execution shares) does not fit.
    private static func impact(_ captured: CapturedPlan, planning: Double, share: Double) -> Impact {
        let perDay = captured.callsPerDay.map { planning * $0 }
        let dayText = perDay.map { "; \(Formatting.milliseconds($0)) per day" } ?? ""
        return Impact(
            score: perDay ?? planning, share: share, timeMs: planning, confidence: .high,
            summary: "\(Formatting.percent(fraction: share)) of planning + execution time, "
                + "\(Formatting.milliseconds(planning)) per execution\(dayText)")
    }

    fileprivate enum Cause {
        case manyRelations(Int, prunedAtExecution: Int)
        case manyJoins(Int)
        case hugeInList(Int)
        case catalogAccess(Double)
    }
}

/// The counts that explain planning effort.
private struct PlanShape {
    var scans = 0
    var joins = 0
    /// PostgreSQL's "Subplans Removed: N" (partitions pruned only at execution time), summed.
    var prunedSubplans = 0
    var largestInList = 0

    init(_ plan: Plan) {
        plan.root.visit { node in
            if node.operation.isRelationScan && node.operation != .bitmapIndexScan { scans += 1 }
            if [.nestedLoop, .hashJoin, .mergeJoin].contains(node.operation) { joins += 1 }
            for property in node.properties where property.name == "Subplans Removed" {
                prunedSubplans += Int(property.value.filter(\.isNumber)) ?? 0
            }
            for condition in [
                node.filter, node.indexCondition, node.recheckCondition, node.joinFilter,
                node.hashCondition,
            ] {
                if let condition { largestInList = max(largestInList, Self.largestArrayLiteral(in: condition)) }
            }
        }
    }

    /// Elements in the largest `'{…}'` array literal of a condition: PostgreSQL prints `x IN (1, 2, 3)` as
    /// `(x = ANY ('{1,2,3}'::integer[]))`.
    static func largestArrayLiteral(in condition: String) -> Int {
        var largest = 0
        var remainder = Substring(condition)
        while let start = remainder.range(of: "'{") {
            let body = remainder[start.upperBound...]
            guard let end = body.range(of: "}'") else { break }
            let literal = body[..<end.lowerBound]
            if !literal.isEmpty { largest = max(largest, literal.reduce(1) { $1 == "," ? $0 + 1 : $0 }) }
            remainder = body[end.upperBound...]
        }
        return largest
    }
}

// MARK: - Messages

extension PlanningTimeRule {
    fileprivate static func message(number: Int, planning: Double, execution: Double, causes: [Cause]) -> String {
        let reasons = causes.isEmpty ? "" : " The plan shows " + causes.map(description).joined(separator: ", ") + "."
        return "Plan \(number) took \(Formatting.milliseconds(planning)) to plan and "
            + "\(Formatting.milliseconds(execution)) to execute.\(reasons)"
    }

    fileprivate static func description(of cause: Cause) -> String {
        switch cause {
        case .manyRelations(let relations, let pruned):
            let prunedText = pruned > 0 ? ", \(Formatting.count(Double(pruned))) of them pruned only at execution" : ""
            return "\(Formatting.count(Double(relations))) relations to plan\(prunedText)"
        case .manyJoins(let joins): return "\(joins) joins"
        case .hugeInList(let elements): return "an IN list of \(Formatting.count(Double(elements))) values"
        case .catalogAccess(let blocks): return "\(Formatting.count(blocks)) blocks read while planning"
        }
    }

    fileprivate static func recommendation(causes: [Cause]) -> String {
        let remedies = causes.map { cause in
            switch cause {
            case .manyRelations:
                "let partitions be pruned at plan time (constant partition-key conditions) or use fewer partitions"
            case .manyJoins:
                "fix the join order and lower join_collapse_limit for this query"
            case .hugeInList:
                "pass the list as one array parameter (= ANY($1)) or join a VALUES list"
            case .catalogAccess:
                "keep connections pooled so catalog caches stay warm and vacuum bloated catalogs"
            }
        }
        let base = "Plan once and reuse the plan with a prepared statement or the driver's statement cache"
        return remedies.isEmpty ? base + "." : base + ", and " + remedies.joined(separator: "; ") + "."
    }
}
