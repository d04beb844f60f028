/// Two plans of one statement side by side (before and after an index, a setting, an upgrade): their nodes
/// paired, what appeared and disappeared, the estimate errors that changed, the findings fixed and introduced,
/// and a verdict on which is faster and where the difference comes from.
public struct PlanComparison: Sendable {
    /// What the plans are compared by: measured time when both have it, else the planner's estimated cost.
    public enum Basis: String, Codable, Sendable {
        case time
        case cost
        /// Neither timing in both nor costs in both (MySQL EXPLAIN without ANALYZE prints no total cost).
        case none
    }

    public var before: Plan
    public var after: Plan
    public var basis: Basis
    /// Every node of both plans once: paired nodes in the after plan's order, each disappeared node after the
    /// node that precedes it in the before plan.
    public var nodes: [NodeComparison]
    public var fixedFindings: [Finding]
    public var introducedFindings: [Finding]
    /// Findings both plans have (same fingerprint).
    public var remainingFindings: [Finding]
    public var verdict: ComparisonVerdict
    /// Why the two plans look like plans of different statements (their texts normalise differently, or they
    /// read no relation in common); nil when nothing says so. The comparison is still made, and marked.
    public var unrelatedBecause: String?

    /// Compares two plans, with the findings each got from the rules; the findings' fingerprints must come
    /// from plans captured under the same label (see `compare(_:_:rules:)`).
    public init(before: Plan, after: Plan, beforeFindings: [Finding] = [], afterFindings: [Finding] = []) {
        self.before = before
        self.after = after
        let timed = before.hasTiming && after.hasTiming && before.totalTimeMs != nil && after.totalTimeMs != nil
        let costed = before.root.totalCost != nil && after.root.totalCost != nil
        basis = timed ? .time : costed ? .cost : .none
        nodes = Self.pair(before, after)
        let afterPrints = Set(afterFindings.map(\.fingerprint))
        let beforePrints = Set(beforeFindings.map(\.fingerprint))
        fixedFindings = beforeFindings.filter { !afterPrints.contains($0.fingerprint) }
        introducedFindings = afterFindings.filter { !beforePrints.contains($0.fingerprint) }
        remainingFindings = afterFindings.filter { beforePrints.contains($0.fingerprint) }
        verdict = ComparisonVerdict(before: before, after: after, basis: basis, nodes: nodes)
        unrelatedBecause = Self.unrelatedBecause(before, after)
    }

    /// Texts that normalise differently (literals and placeholders aside), or no relation read by both.
    private static func unrelatedBecause(_ before: Plan, _ after: Plan) -> String? {
        if let first = before.queryText, let second = after.queryText {
            var fingerprinter = StatementFingerprinter(engine: after.engine)
            if fingerprinter.hash(first) != fingerprinter.hash(second) {
                return "their statements differ (the texts normalise differently)"
            }
            return nil
        }
        func relations(_ plan: Plan) -> Set<String> {
            var names: Set<String> = []
            plan.root.visit { node, _ in if let relation = node.relation { names.insert(relation.lowercased()) } }
            return names
        }
        let (read, readAfter) = (relations(before), relations(after))
        guard !read.isEmpty, !readAfter.isEmpty, read.isDisjoint(with: readAfter) else { return nil }
        return "they read no table in common"
    }

    /// Runs `rules` on each plan, captured under one label so that a problem both plans have keeps its
    /// fingerprint, and compares them.
    public static func compare(_ before: Plan, _ after: Plan, rules: RuleEngine) -> PlanComparison {
        func findings(_ plan: Plan) -> [Finding] {
            let captured = CapturedPlan(label: "compared statement", plan: plan)
            return rules.run(Snapshot(server: ServerInfo(engine: plan.engine), facets: [.plans], plans: [captured]))
                .findings
        }
        return PlanComparison(
            before: before, after: after, beforeFindings: findings(before), afterFindings: findings(after))
    }

    /// Paired nodes, measured in both plans, whose row estimate error crossed 10× (either way) or changed
    /// tenfold, and appeared nodes off by 10× or more.
    public var estimateChanges: [NodeComparison] {
        nodes.filter { node in
            let before = node.before?.estimateErrorMagnitude
            let after = node.after?.estimateErrorMagnitude
            switch (node.change, before, after) {
            case (.appeared, _, let after?): return after >= 10
            case (.same, let before?, let after?), (.changed, let before?, let after?):
                return (before < 10) != (after < 10) || max(before, after) / min(before, after) >= 10
            default: return false
            }
        }
    }

    /// The node pairs in display order.
    private static func pair(_ before: Plan, _ after: Plan) -> [NodeComparison] {
        let matcher = PlanNodeMatcher(before: before, after: after)
        let pairedBefore = Dictionary(uniqueKeysWithValues: matcher.pairs.map { ($0.value, $0.key) })
        let rows: [NodeComparison] = matcher.after.map { entry in
            let partner = pairedBefore[entry.position].map { matcher.before[$0] }
            let change: NodeComparison.Change =
                partner == nil
                ? .appeared
                : partner?.node.displayName(engine: before.engine) == entry.node.displayName(engine: after.engine)
                    ? .same : .changed
            return NodeComparison(change: change, before: partner?.node, after: entry.node, depth: entry.depth)
        }
        // Each disappeared node goes after the row of the nearest node before it (pre-order) that is still shown:
        // under its old parent when that was paired, else after the disappeared nodes before it.
        var rowOfBefore: [Int: Int] = [:]
        for (row, node) in rows.enumerated() {
            if let id = node.before?.id { rowOfBefore[id] = row }
        }
        var inserted: [(after: Int, node: NodeComparison)] = []
        var lastRow = -1
        for entry in matcher.before {
            if let row = rowOfBefore[entry.node.id] {
                lastRow = row
            } else {
                inserted.append(
                    (lastRow, NodeComparison(change: .disappeared, before: entry.node, after: nil, depth: entry.depth)))
            }
        }
        let insertedAfter = Dictionary(grouping: inserted, by: \.after)
        var ordered = insertedAfter[-1]?.map(\.node) ?? []
        for (row, node) in rows.enumerated() {
            ordered.append(node)
            ordered += insertedAfter[row]?.map(\.node) ?? []
        }
        return ordered
    }
}

/// One node of either plan, with its partner in the other when there is one.
public struct NodeComparison: Sendable {
    public enum Change: String, Codable, Sendable {
        /// Paired, and named alike.
        case same
        /// Paired, but read another way (`Seq Scan on orders` → `Index Scan using … on orders`) or done by
        /// another node type (`Nested Loop` → `Hash Join`).
        case changed
        case appeared
        case disappeared
    }

    public var change: Change
    /// The node in each plan, without its children.
    public var before: PlanNode?
    public var after: PlanNode?
    /// Levels below the root, in the plan the row's node is drawn from (after, else before).
    public var depth: Int

    /// A changed node that reads a relation: an access path the plan gave up for another.
    public var isAccessChange: Bool {
        change == .changed && (before?.operation.isRelationScan ?? false) && (after?.operation.isRelationScan ?? false)
    }

    /// The change of own work on the comparison's basis (after minus before; a missing side counts as 0).
    public func selfDelta(_ basis: PlanComparison.Basis) -> Double? {
        let before = self.before.flatMap { $0.selfAmount(basis) }
        let after = self.after.flatMap { $0.selfAmount(basis) }
        guard before != nil || after != nil else { return nil }
        return (after ?? 0) - (before ?? 0)
    }
}

extension PlanNode {
    /// The node's own work on a comparison's basis: exclusive time, or exclusive estimated cost.
    public func selfAmount(_ basis: PlanComparison.Basis) -> Double? {
        switch basis {
        case .time: exclusiveTimeMs.map { max($0, 0) }
        case .cost: exclusiveCost.map { max($0, 0) }
        case .none: nil
        }
    }

    /// How far the row estimate is off, either way (10 = ten times too many or too few); nil without actuals.
    public var estimateErrorMagnitude: Double? {
        misestimate.map { max($0, 1 / $0) }
    }
}
