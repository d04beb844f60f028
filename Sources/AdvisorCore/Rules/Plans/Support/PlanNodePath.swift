/// A plan node with every node above it and how often the plan expects to run it: what rules need to
/// tell the inner side of a join from the outer, and a repeated scan from a single one.
public struct PlanNodePath: Sendable {
    /// The plan node context (plan, node, parent) rules report on.
    public var context: PlanNodeContext
    /// The nodes above, root first, parent last.
    public var ancestors: [PlanNode]
    /// For each ancestor, the position among its children of the next node down the path.
    public var childPositions: [Int]
    /// How many times the node runs: its actual loops when measured, otherwise the estimate (the outer
    /// side's estimated rows for the inner side of a nested loop, the parent's rows for a sub-plan).
    public var expectedLoops: Double

    /// The node itself.
    public var node: PlanNode { context.node }
    /// The node right above, nil for the root.
    public var parent: PlanNode? { ancestors.last }

    /// Operations that pass their child's rows through without choosing how the table is read.
    static let passThroughOperations: Set<PlanOperation> = [
        .materialize, .memoize, .hash, .filter, .sort, .incrementalSort, .gather, .gatherMerge, .result,
    ]

    /// The nested loop whose inner side this node is on, reached through pass-through nodes only,
    /// with the child of the loop the path goes through.
    public var innerSideOfNestedLoop: (loop: PlanNode, innerChild: PlanNode)? {
        var below = node
        for (ancestor, position) in zip(ancestors, childPositions).reversed() {
            if ancestor.operation == .nestedLoop {
                guard !below.isSubPlan, let outer = ancestor.children.firstIndex(where: { !$0.isSubPlan }),
                    outer != position
                else { return nil }
                return (ancestor, below)
            }
            guard Self.passThroughOperations.contains(ancestor.operation) else { return nil }
            below = ancestor
        }
        return nil
    }
}

extension PlanNodePath {
    /// Every node of every plan with its ancestors and expected loops, plans in order, nodes in pre-order.
    static func all(in snapshot: Snapshot) -> [PlanNodePath] {
        var result: [PlanNodePath] = []
        for (offset, captured) in snapshot.plans.enumerated() {
            var ancestors: [PlanNode] = []
            var positions: [Int] = []
            func walk(_ node: PlanNode, loops: Double) {
                let runs = node.loops ?? loops
                let context = PlanNodeContext(
                    captured: captured, planNumber: offset + 1, node: node, parent: ancestors.last)
                result.append(
                    PlanNodePath(context: context, ancestors: ancestors, childPositions: positions, expectedLoops: runs)
                )
                ancestors.append(node)
                var outerRows = 1.0
                var passedOuter = false
                for (position, child) in node.children.enumerated() {
                    var childLoops = runs
                    if child.parentRelationship == "InitPlan" {
                        childLoops = 1
                    } else if child.parentRelationship == "SubPlan" {
                        childLoops = runs * max(node.estimatedRows ?? 1, 1)
                    } else if node.operation == .nestedLoop {
                        // A nested loop runs each input once per row the inputs before it produced
                        // (MySQL prints n-ary joins; PostgreSQL's are binary).
                        if passedOuter { childLoops = runs * max(outerRows, 1) }
                        outerRows *= child.estimatedRows ?? 1
                        passedOuter = true
                    }
                    positions.append(position)
                    walk(child, loops: childLoops)
                    positions.removeLast()
                }
                ancestors.removeLast()
            }
            walk(captured.plan.root, loops: 1)
        }
        return result
    }
}

/// Identifies a node across the plans of a snapshot: plan number and node id.
struct PlanNodeKey: Hashable {
    var plan: Int
    var node: Int

    init(_ plan: Int, _ node: Int) {
        self.plan = plan
        self.node = node
    }

    init(_ path: PlanNodePath) {
        self.init(path.context.planNumber, path.node.id)
    }

    /// The key of `child`, a child of the node at `path`.
    init(_ path: PlanNodePath, _ child: PlanNode) {
        self.init(path.context.planNumber, child.id)
    }
}
