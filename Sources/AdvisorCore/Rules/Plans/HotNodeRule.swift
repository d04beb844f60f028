/// Reports the nodes where most of a plan's time goes (exclusive time), so review starts there.
/// A node another rule explains (a missing index, a spill) is left to that rule's finding.
public struct HotNodeRule: SupersededBySpecificFindings {
    public struct Options: RuleOptions {
        /// A node is hot when its own time is at least this share of the statement's.
        public var minShare = 0.2
        /// Plans faster than this are not worth a finding.
        public var minPlanTimeMs = 1.0
        /// At most this many hot nodes per plan.
        public var maxNodesPerPlan = 3
        /// Severity by share of the statement's time.
        public var severityByShare = Levels(medium: 0.3, high: 0.5, critical: 0.8)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "plan-hot-node",
        title: "Hot plan node",
        category: .plans,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.plans],
        summary: "A single node accounts for a large share of the statement's execution time.",
        rationale: """
            Exclusive (self) time is what a node costs on its own, its children subtracted, over all its \
            loops and workers. Tuning anything else in the plan cannot save more than the rest of the time, \
            so the hottest nodes are where to look first. When the plan has no timing (plain EXPLAIN), the \
            share is by estimated cost and the confidence is low.

            **Fix:** depends on the node: the more specific findings on the same node (a missing index, a \
            spill to disk, a misestimate) say what to change. **Validate:** run `EXPLAIN (ANALYZE, BUFFERS)` \
            again and compare the node's exclusive time.
            """,
        examples: [
            RuleExample(
                "a sequential scan taking most of the time",
                plan: """
                    Hash Join  (cost=1.09..2.20 rows=4 width=8) (actual time=0.100..40.500 rows=4 loops=1)
                      Hash Cond: (o.customer_id = c.id)
                      ->  Seq Scan on orders o  (cost=0.00..1.05 rows=5 width=8) (actual time=0.010..38.000 rows=5 loops=1)
                      ->  Hash  (cost=1.04..1.04 rows=4 width=4) (actual time=0.050..0.050 rows=4 loops=1)
                            ->  Seq Scan on customers c  (cost=0.00..1.04 rows=4 width=4) (actual time=0.010..0.020 rows=4 loops=1)
                    Planning Time: 0.100 ms
                    Execution Time: 40.600 ms
                    """,
                expecting: ["Seq Scan on orders o"]),
            RuleExample(
                "time spread evenly over a fast plan",
                plan: """
                    Index Scan using orders_pkey on orders  (cost=0.29..8.30 rows=1 width=8) (actual time=0.010..0.011 rows=1 loops=1)
                      Index Cond: (id = 42)
                    Planning Time: 0.050 ms
                    Execution Time: 0.030 ms
                    """,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for (offset, captured) in context.snapshot.plans.enumerated() {
            let plan = captured.plan
            if let total = plan.totalTimeMs, total < options.minPlanTimeMs { continue }
            // In a one-node plan "this node takes all the time" says nothing.
            guard plan.root.nodeCount > 1 else { continue }
            var candidates: [(node: PlanNode, share: Double, parent: PlanNode?)] = []
            plan.root.visit { node, parent in
                guard let share = plan.exclusiveShare(of: node), share >= options.minShare else { return }
                candidates.append((node, share, parent))
            }
            let hottest = candidates.sorted { $0.share > $1.share }.prefix(options.maxNodesPerPlan)
            for candidate in hottest {
                let nodeContext = PlanNodeContext(
                    captured: captured, planNumber: offset + 1, node: candidate.node, parent: candidate.parent)
                findings.append(finding(nodeContext, share: candidate.share))
            }
        }
        return findings
    }

    private func finding(_ context: PlanNodeContext, share: Double) -> Finding {
        let node = context.node
        var evidence = [Evidence("share of statement", share * 100, "percent")]
        if let time = node.exclusiveTimeMs { evidence.append(Evidence("exclusive time", time, "ms")) }
        if let time = node.inclusiveTimeMs { evidence.append(Evidence("inclusive time", time, "ms")) }
        if let loops = node.loops { evidence.append(Evidence("loops", loops, "loops")) }
        if let rows = node.actualRows { evidence.append(Evidence("actual rows per loop", rows, "rows")) }
        return Finding(
            ruleId: Self.description.id,
            // By estimated cost alone a hot node is a hint, not a measurement.
            severity: context.plan.hasTiming ? options.severityByShare.severity(for: share) : .low,
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(context, share: share),
            evidence: evidence,
            impact: .plan(
                context.captured, timeMs: node.exclusiveTimeMs, share: share,
                confidence: context.plan.hasTiming ? .high : .low),
            recommendation: Self.scanRecommendation(context) ?? Self.recommendation(for: node.operation),
            risk: "None: this finding only points at where the time goes.",
            validation: "Run EXPLAIN (ANALYZE, BUFFERS) again after a change and compare this node's exclusive time.")
    }
}

// MARK: - Messages

extension HotNodeRule {
    fileprivate static func message(_ context: PlanNodeContext, share: Double) -> String {
        let basis = context.plan.hasTiming ? "execution time" : "estimated cost"
        let time = context.node.exclusiveTimeMs.map { " (\(Formatting.milliseconds($0)) of its own)" } ?? ""
        return "\(context.displayName) (node \(context.node.id)) accounts for "
            + "\(Formatting.percent(fraction: share)) of the statement's \(basis)\(time)."
    }

    /// For a full scan with a filter: the columns and the index that would serve it. Without ANALYZE the
    /// plan does not say how many rows the filter discards, so the index is offered to check, not as a fix.
    fileprivate static func scanRecommendation(_ context: PlanNodeContext) -> String? {
        let node = context.node
        guard [.seqScan, .fullIndexScan].contains(node.operation),
            let condition = node.filter ?? (context.parent?.operation == .filter ? context.parent?.filter : nil),
            let reference = TableReference(node: node, plan: context.plan, conditions: [condition])
        else { return nil }
        let keys = FilterColumns(
            conditions: [condition], relation: node.relation, alias: node.alias, engine: context.engine
        ).indexKeys
        guard !keys.isEmpty else { return nil }
        let list = keys.map { $0.sql(engine: context.engine) }.joined(separator: ", ")
        let index = PlanFixSQL.createIndex(
            table: reference.table, schema: reference.schema, keys: keys, engine: context.engine)
        let perProcess = node.isParallelAware ? " per process" : ""
        let kept = node.estimatedRows.map { " (an estimated \(Formatting.count($0)) rows\(perProcess))" } ?? ""
        let check =
            context.plan.hasActuals
            ? ""
            : " EXPLAIN (ANALYZE, BUFFERS) tells: an index pays off when Rows Removed by Filter is most of the rows read."
        return "Read fewer rows: if the filter \(condition) keeps a small part of \(reference.table)\(kept), an index "
            + "on (\(list)) lets the server look those rows up instead of reading the whole table: \(index)\(check)"
    }

    fileprivate static func recommendation(for operation: PlanOperation) -> String {
        switch operation {
        case .seqScan, .fullIndexScan:
            "Read fewer rows: an index on the columns this scan filters on, or a narrower query."
        case .sort, .incrementalSort:
            "Avoid the sort: an index that delivers rows in this order, or enough work_mem to sort in memory."
        case .hashJoin, .hash, .mergeJoin:
            "Join fewer rows: filter earlier, or index the join key so a cheaper join strategy becomes possible."
        case .nestedLoop:
            "Reduce the loops: make the inner side an index lookup, or check the outer row estimate."
        case .aggregate, .windowAgg:
            "Aggregate fewer rows: filter before aggregating, or pre-aggregate (a summary table)."
        case .indexScan, .indexOnlyScan, .bitmapHeapScan, .bitmapIndexScan:
            "Make the index more selective for this condition (more columns, or a partial index)."
        default:
            "Start tuning here: this node's own work dominates the statement."
        }
    }
}
