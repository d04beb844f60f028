import Foundation

/// Derives inclusive and exclusive time and cost for every node of a plan.
///
/// The rules, checked against what explain.depesz.com (Pg::Explain) and PEV2 compute:
/// - A node's time over the whole query is its per-loop time × loops. Below a Gather / Gather Merge
///   the loops include every worker and the leader, so the product is divided by the number of
///   processes (workers launched + 1) to get wall time.
/// - Exclusive time is inclusive time minus the children's, InitPlans and SubPlans included
///   (a SubPlan runs inside its parent's expression evaluation, time × loops).
/// - A CTE's subtree runs when a CTE Scan pulls rows from it, so its time is inside the CTE Scans'
///   time, not beside it: the node the CTE hangs under does not subtract it; the CTE Scans reading it
///   do, in proportion to their time.
/// - Likewise an InitPlan runs when its parameter is first needed: when a node below the one it hangs
///   under uses the parameter (`Index Cond: (id = $0)`, PostgreSQL 16+ `(InitPlan 1).col1`), the
///   InitPlan's time is inside that node's, and is subtracted there instead.
/// - Nodes without their own time (MariaDB join groupings) take their children's sum and no exclusive time.
/// - Costs: inclusive cost is total cost × expected loops (inner sides of nested loops run once per
///   outer row); exclusive cost subtracts the children's. Shares use them, relative to the sum of exclusive
///   costs, when there is no timing: a Limit's cost is a fraction of its children's, which run only partly.
public enum PlanTiming {
    /// Fills `inclusiveTimeMs`/`exclusiveTimeMs` (when the plan has timing) and the cost pair on every node.
    public static func apply(to plan: inout Plan) {
        derive(&plan.root, timed: plan.hasTiming, processes: 1, expectedLoops: 1)
        var costSum: Double?
        plan.root.visit { node in
            if let cost = node.exclusiveCost { costSum = (costSum ?? 0) + cost }
        }
        plan.exclusiveCostSum = costSum
        if plan.hasTiming {
            chargeCTEsToTheirScans(&plan.root)
            chargeInitPlansToTheirUsers(&plan.root)
        }
    }

    // In place: a node is over a kilobyte, and copying every node of a 10,000-node plan to rebuild the
    // tree cost as much as parsing it.
    private static func derive(_ node: inout PlanNode, timed: Bool, processes: Double, expectedLoops: Double) {
        let isGather = node.operation == .gather || node.operation == .gatherMerge
        let childProcesses = isGather ? Double((node.workersLaunched ?? node.workersPlanned ?? 0) + 1) : processes
        let outerRows = node.children.firstIndex { !$0.isSubPlan }.flatMap { node.children[$0].estimatedRows } ?? 1
        var passedOuter = false
        for index in node.children.indices {
            let relationship = node.children[index].parentRelationship
            let isSubPlan = relationship == "InitPlan" || relationship == "SubPlan"
            let loops: Double
            if relationship == "InitPlan" {
                loops = 1
            } else if relationship == "SubPlan" {
                loops = expectedLoops * max(node.estimatedRows ?? 1, 1)
            } else if node.operation == .nestedLoop, passedOuter {
                loops = expectedLoops * max(outerRows, 1)
            } else {
                loops = expectedLoops
            }
            if !isSubPlan { passedOuter = true }
            derive(&node.children[index], timed: timed, processes: childProcesses, expectedLoops: loops)
        }

        if let cost = node.totalCost {
            let inclusive = cost * expectedLoops
            node.inclusiveCost = inclusive
            let childCost = node.children.reduce(0) { $0 + ($1.inclusiveCost ?? 0) }
            node.exclusiveCost = max(0, inclusive - childCost)
        }

        guard timed else { return }
        // CTE subtrees are charged to the CTE Scans that read them, InitPlans to the node below that
        // uses their value; neither to the node they hang under.
        var childTime = 0.0
        var childrenTimed = false
        for index in node.children.indices where !node.children[index].isCTE {
            if node.children[index].parentRelationship == "InitPlan",
                let parameters = node.children[index].initPlanParameters,
                node.children.indices.contains(where: {
                    !node.children[$0].isSubPlan && node.children[$0].usesParameter(parameters)
                })
            {
                continue
            }
            guard let time = node.children[index].inclusiveTimeMs else { continue }
            childTime += time
            childrenTimed = true
        }
        if node.neverExecuted {
            node.inclusiveTimeMs = 0
            node.exclusiveTimeMs = 0
        } else if let perLoop = node.actualTotalTimeMs {
            let inclusive = perLoop * (node.loops ?? 1) / processes
            node.inclusiveTimeMs = inclusive
            node.exclusiveTimeMs = max(0, inclusive - childTime)
        } else if childrenTimed {
            node.inclusiveTimeMs = childTime
            node.exclusiveTimeMs = 0
        }
    }

    /// Subtracts each InitPlan's time from the deepest node below its parent that uses its value (the
    /// parent itself did not subtract it, see `derive`).
    private static func chargeInitPlansToTheirUsers(_ root: inout PlanNode) {
        var charges: [Int: Double] = [:]
        // `update` and indexes rather than `visit` and `for … in`: they reach each node in place, where
        // the others hand out copies of every node.
        root.update { parent in
            for index in parent.children.indices
            where parent.children[index].parentRelationship == "InitPlan" && !parent.children[index].isCTE {
                guard let params = parent.children[index].initPlanParameters,
                    let time = parent.children[index].inclusiveTimeMs
                else { continue }
                for child in parent.children.indices where !parent.children[child].isSubPlan {
                    if let user = parent.children[child].deepestUser(of: params) {
                        charges[user, default: 0] += time
                        break
                    }
                }
            }
        }
        guard !charges.isEmpty else { return }
        root.update { node in
            if let charge = charges[node.id], let exclusive = node.exclusiveTimeMs {
                node.exclusiveTimeMs = max(0, exclusive - charge)
            }
        }
    }

    private static func chargeCTEsToTheirScans(_ root: inout PlanNode) {
        var cteTime: [String: Double] = [:]
        var scanTime: [String: Double] = [:]
        // `update` rather than `visit`: it reaches each node in place, where `visit` hands out copies.
        root.update { node in
            if node.isCTE, let name = node.cteDefinitionName, let time = node.inclusiveTimeMs {
                cteTime[name, default: 0] += time
            }
            if node.operation == .cteScan, let name = node.cteName, let time = node.inclusiveTimeMs {
                scanTime[name, default: 0] += time
            }
        }
        guard !cteTime.isEmpty else { return }
        root.update { node in
            guard node.operation == .cteScan, let name = node.cteName, let cte = cteTime[name],
                let scans = scanTime[name], scans > 0, let inclusive = node.inclusiveTimeMs,
                let exclusive = node.exclusiveTimeMs
            else { return }
            let charged = min(inclusive, cte * inclusive / scans)
            node.exclusiveTimeMs = max(0, exclusive - charged)
        }
    }
}

extension PlanNode {
    /// True for InitPlan and SubPlan children, which are not part of the row flow.
    public var isSubPlan: Bool { parentRelationship == "InitPlan" || parentRelationship == "SubPlan" }

    /// True for the subtree that computes a CTE (PostgreSQL shows it as an InitPlan named "CTE name").
    public var isCTE: Bool { parentRelationship == "InitPlan" && (subplanName?.hasPrefix("CTE ") ?? false) }

    /// The CTE this subtree computes ("CTE recent" → "recent").
    public var cteDefinitionName: String? {
        guard isCTE, let name = subplanName else { return nil }
        return String(name.dropFirst("CTE ".count))
    }

    /// How expressions refer to this InitPlan's value: "$0" (PostgreSQL ≤ 15, from "InitPlan 1 (returns $0)")
    /// or "(InitPlan 1)" (16+, as in "(InitPlan 1).col1"). Nil when this is not an InitPlan.
    var initPlanParameters: [String]? {
        guard parentRelationship == "InitPlan", let name = subplanName else { return nil }
        if let returns = name.range(of: "(returns ") {
            let list = name[returns.upperBound...].prefix { $0 != ")" }
            return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return ["(\(name))"]
    }

    /// True when this node's own expressions or any node below use one of the parameters.
    func usesParameter(_ parameters: [String]) -> Bool {
        deepestUser(of: parameters) != nil
    }

    /// The id of the deepest node in this subtree (the first found, children before parents) whose
    /// own expressions use one of the parameters.
    func deepestUser(of parameters: [String]) -> Int? {
        for child in children where !child.isSubPlan {
            if let user = child.deepestUser(of: parameters) { return user }
        }
        let expressions =
            [filter, indexCondition, recheckCondition, joinFilter, hashCondition, mergeCondition]
            .compactMap { $0 } + properties.map(\.value)
        return expressions.contains { expression in parameters.contains { expression.containsParameter($0) } }
            ? id : nil
    }

    /// Calls `body` on this node and every node below, in pre-order.
    public func visit(_ body: (PlanNode) -> Void) {
        body(self)
        for child in children { child.visit(body) }
    }

    /// Calls `body` on this node and every node below, in pre-order, with the parent of each node.
    public func visit(parent: PlanNode? = nil, _ body: (_ node: PlanNode, _ parent: PlanNode?) -> Void) {
        body(self, parent)
        for child in children { child.visit(parent: self, body) }
    }

    /// Lets `body` change this node and every node below, in pre-order.
    public mutating func update(_ body: (inout PlanNode) -> Void) {
        body(&self)
        for index in children.indices { children[index].update(body) }
    }

    /// How many nodes this subtree holds.
    public var nodeCount: Int { children.reduce(1) { $0 + $1.nodeCount } }
}

extension String {
    /// True when `parameter` occurs as a whole token: "$1" matches "= $1)" but not "$10".
    fileprivate func containsParameter(_ parameter: String) -> Bool {
        var searchStart = startIndex
        while let range = range(of: parameter, range: searchStart..<endIndex) {
            if range.upperBound == endIndex || !self[range.upperBound].isNumber { return true }
            searchStart = range.upperBound
        }
        return false
    }
}
