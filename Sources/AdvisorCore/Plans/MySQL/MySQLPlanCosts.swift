/// Gives nodes that MySQL prints no cost for the cost of their inputs.
///
/// The JSON format version 1 has costs on tables and query blocks only, and the nodes the readers add
/// for it (Sort, Aggregate, Hash, Materialize, joins in MariaDB 11) have none; the tree format prints
/// none for `Hash`. `PlanTiming` charges a node with the cost of everything below it that has none,
/// which would pin a whole subtree's cost on the nearest costed node. Filling the gaps bottom-up with
/// what the inputs cost (per loop, as PostgreSQL counts: the inner side of a nested loop once per outer
/// row) keeps each share where MySQL put it. A Sort adds the `sort_cost` MySQL printed for it.
enum MySQLPlanCosts {
    /// The tree with every cost-less node above costed inputs given their total.
    static func filled(_ input: PlanNode) -> PlanNode {
        var node = input
        fill(&node)
        return node
    }

    /// Fills the gaps in place. A node is over a kilobyte, and copying every node to rebuild the tree cost
    /// more than the rest.
    static func fill(_ node: inout PlanNode) {
        for index in node.children.indices { fill(&node.children[index]) }
        guard node.totalCost == nil else { return }
        let inputs = node.children.indices.filter { !node.children[$0].isSubPlan }
        let costs = inputs.compactMap { node.children[$0].totalCost }
        guard let firstInput = inputs.first, costs.count == inputs.count, let outerCost = costs.first else { return }
        if node.operation == .nestedLoop {
            let loops = max(node.children[firstInput].estimatedRows ?? 1, 1)
            node.totalCost = outerCost + costs.dropFirst().reduce(0) { $0 + $1 * loops }
        } else {
            node.totalCost = costs.reduce(0, +)
        }
        if node.operation == .sort, let sortCost = node.properties.first(where: { $0.name == "sort_cost" }),
            let value = Double(sortCost.value), let total = node.totalCost
        {
            node.totalCost = total + value
        }
    }
}
