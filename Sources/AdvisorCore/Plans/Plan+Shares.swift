extension Plan {
    /// The time shares are relative to: execution time when printed, else the root's inclusive time.
    public var totalTimeMs: Double? {
        guard hasTiming else { return nil }
        return executionTimeMs ?? root.inclusiveTimeMs
    }

    /// The fraction of the statement a node's own work accounts for: by time when the plan has
    /// timing, otherwise by estimated cost. Nil when the plan has neither.
    public func exclusiveShare(of node: PlanNode) -> Double? {
        if let total = totalTimeMs, total > 0, let time = node.exclusiveTimeMs { return min(1, time / total) }
        if let total = costShareBase, total > 0, let cost = node.exclusiveCost { return min(1, cost / total) }
        return nil
    }

    /// The fraction of the statement a node and everything below it accounts for.
    public func inclusiveShare(of node: PlanNode) -> Double? {
        if let total = totalTimeMs, total > 0, let time = node.inclusiveTimeMs { return min(1, time / total) }
        if let total = costShareBase, total > 0, let cost = node.inclusiveCost { return min(1, cost / total) }
        return nil
    }

    /// What cost shares are relative to: the nodes' exclusive costs added up, else the root's inclusive cost.
    private var costShareBase: Double? { exclusiveCostSum ?? root.inclusiveCost }

    /// Gives every node its 1-based pre-order `id`.
    public mutating func number() {
        var next = 0
        root.update { node in
            next += 1
            node.id = next
        }
    }

    /// The node with a given id.
    public func node(withID id: Int) -> PlanNode? {
        var found: PlanNode?
        root.visit { node in if node.id == id { found = node } }
        return found
    }
}

extension Plan {
    /// The deepest plan `PlanReader` accepts. Every pass over a plan (rules, timing, reporters, the JSON writer)
    /// walks its tree recursively; 128 levels leave them room on any thread's stack, in debug builds too, and are
    /// far beyond real plans (a 60-table join is about 60 deep).
    public static let maxDepth = 128
}

extension PlanNode {
    /// Actual ÷ estimated rows per loop, both floored at 1, when the plan has actuals.
    public var misestimate: Double? {
        guard let actual = actualRows, let estimate = estimatedRows, !neverExecuted else { return nil }
        return max(actual, 1) / max(estimate, 1)
    }

    /// Levels from this node to its deepest descendant (1 for a leaf), counted without recursion.
    public var depth: Int {
        var deepest = 0
        var pending: [(node: PlanNode, level: Int)] = [(self, 1)]
        while let (node, level) = pending.popLast() {
            deepest = max(deepest, level)
            pending.append(contentsOf: node.children.map { ($0, level + 1) })
        }
        return deepest
    }
}
