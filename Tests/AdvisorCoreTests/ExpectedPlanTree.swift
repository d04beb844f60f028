import AdvisorCore
import Foundation

/// A plan tree reduced to what the corpus expectations state about every node: the node type, the
/// actual times, rows and loops, and the children, grouped the way Pg::Explain groups them.
///
/// Built from our `PlanNode`s, from Pg::Explain's `get_struct()` dumps (`.pgexplain.json`) and from
/// PostgreSQL JSON itself (pganalyze's `.out_passthrough.json`), so the three can be compared.
struct ExpectedPlanTree: Equatable, CustomStringConvertible {
    var nodeType: String
    var actualStartupTimeMs: Double?
    var actualTotalTimeMs: Double?
    var actualRows: Double?
    var loops: Double?
    var children: [ExpectedPlanTree]

    var nodeCount: Int { 1 + children.reduce(0) { $0 + $1.nodeCount } }

    var description: String { lines(indent: "").joined(separator: "\n") }

    /// Differences from `other` as readable lines, empty when the trees match.
    func differences(from other: ExpectedPlanTree, path: String = "root") -> [String] {
        var found: [String] = []
        let here = "\(path) (\(nodeType))"
        if nodeType != other.nodeType { found.append("\(path): node type \(nodeType) ≠ \(other.nodeType)") }
        for (name, mine, theirs) in [
            ("actual startup time", actualStartupTimeMs, other.actualStartupTimeMs),
            ("actual total time", actualTotalTimeMs, other.actualTotalTimeMs),
            ("actual rows", actualRows, other.actualRows), ("loops", loops, other.loops),
        ] where !Self.same(mine, theirs) {
            found.append("\(here): \(name) \(mine.map { "\($0)" } ?? "nil") ≠ \(theirs.map { "\($0)" } ?? "nil")")
        }
        if children.count != other.children.count {
            found.append("\(here): \(children.count) children ≠ \(other.children.count)")
        }
        for (index, (mine, theirs)) in zip(children, other.children).enumerated() {
            found += mine.differences(from: theirs, path: "\(path)/\(index)")
        }
        return found
    }

    static func == (lhs: ExpectedPlanTree, rhs: ExpectedPlanTree) -> Bool { lhs.differences(from: rhs).isEmpty }

    private static func same(_ lhs: Double?, _ rhs: Double?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): true
        case (let lhs?, let rhs?): abs(lhs - rhs) <= 1e-9 * max(1, abs(lhs), abs(rhs))
        default: false
        }
    }

    private func lines(indent: String) -> [String] {
        let numbers = [actualStartupTimeMs, actualTotalTimeMs, actualRows, loops].map { $0.map { "\($0)" } ?? "-" }
        return ["\(indent)\(nodeType) [\(numbers.joined(separator: " "))]"]
            + children.flatMap { $0.lines(indent: indent + "  ") }
    }
}

// MARK: - From our plans

extension ExpectedPlanTree {
    /// Our tree with children in input order (as PostgreSQL JSON has them).
    init(inputOrder node: PlanNode) {
        self.init(node, children: node.children.map(ExpectedPlanTree.init(inputOrder:)))
    }

    /// Our tree with children grouped as Pg::Explain groups them: CTEs, init plans, sub-nodes, sub-plans.
    init(pgExplainOrder node: PlanNode) {
        let groups: [(PlanNode) -> Bool] = [
            { $0.parentRelationship == "InitPlan" && ($0.subplanName ?? "").hasPrefix("CTE ") },
            { $0.parentRelationship == "InitPlan" && !($0.subplanName ?? "").hasPrefix("CTE ") },
            { $0.parentRelationship != "InitPlan" && $0.parentRelationship != "SubPlan" },
            { $0.parentRelationship == "SubPlan" },
        ]
        let ordered = groups.flatMap { belongs in node.children.filter(belongs) }
        self.init(node, children: ordered.map(ExpectedPlanTree.init(pgExplainOrder:)))
    }

    /// Node types as the text format (and Pg::Explain) name them: join types and "Backward" inside.
    private init(_ node: PlanNode, children: [ExpectedPlanTree]) {
        var name = node.nodeType
        if let joinType = node.joinType, joinType != "Inner" {
            if name.hasSuffix(" Join") {
                name = String(name.dropLast(" Join".count)) + " \(joinType) Join"
            } else if name.hasSuffix("Nested Loop") {
                name += " \(joinType) Join"
            }
        }
        if node.strategy == "Backward" { name += " Backward" }
        self.init(
            nodeType: name, actualStartupTimeMs: node.actualStartupTimeMs, actualTotalTimeMs: node.actualTotalTimeMs,
            actualRows: node.actualRows, loops: node.loops, children: children)
    }
}

// MARK: - From expectation files

extension ExpectedPlanTree {
    /// A Pg::Explain `get_struct()` dump: numbers as strings, children under `ctes` (ordered by
    /// `cte_order`), `initplans`, `sub_nodes` and `subplans`.
    init?(pgExplainStruct value: Any) {
        guard let node = value as? [String: Any], let type = node["type"] as? String else { return nil }
        var children: [ExpectedPlanTree] = []
        let ctes = node["ctes"] as? [String: Any] ?? [:]
        for name in node["cte_order"] as? [String] ?? [] {
            guard let cte = ctes[name], let tree = ExpectedPlanTree(pgExplainStruct: cte) else { return nil }
            children.append(tree)
        }
        for group in ["initplans", "sub_nodes", "subplans"] {
            for child in node[group] as? [Any] ?? [] {
                guard let tree = ExpectedPlanTree(pgExplainStruct: child) else { return nil }
                children.append(tree)
            }
        }
        self.init(
            nodeType: type, actualStartupTimeMs: Self.number(node["actual_time_first"]),
            actualTotalTimeMs: Self.number(node["actual_time_last"]), actualRows: Self.number(node["actual_rows"]),
            loops: Self.number(node["actual_loops"]), children: children)
    }

    /// A PostgreSQL JSON plan node ("Node Type", "Plans"…), named by the parser conventions: "Parallel "
    /// and "Partial "/"Finalize " prefixes, aggregates named by strategy, join types kept apart.
    init?(postgresJSONNode value: Any) {
        guard let node = value as? [String: Any], var type = node["Node Type"] as? String else { return nil }
        switch (type, node["Strategy"] as? String) {
        case ("Aggregate", "Sorted"): type = "GroupAggregate"
        case ("Aggregate", "Hashed"): type = "HashAggregate"
        case ("Aggregate", "Mixed"): type = "MixedAggregate"
        case ("SetOp", "Hashed"): type = "HashSetOp"
        default: break
        }
        if let mode = node["Partial Mode"] as? String, mode != "Simple" { type = "\(mode) \(type)" }
        if node["Parallel Aware"] as? Bool == true { type = "Parallel \(type)" }
        if let joinType = node["Join Type"] as? String, joinType != "Inner" {
            if type.hasSuffix(" Join") {
                type = String(type.dropLast(" Join".count)) + " \(joinType) Join"
            } else if type.hasSuffix("Nested Loop") {
                type += " \(joinType) Join"
            }
        }
        if node["Scan Direction"] as? String == "Backward" { type += " Backward" }
        var children: [ExpectedPlanTree] = []
        for child in node["Plans"] as? [Any] ?? [] {
            guard let tree = ExpectedPlanTree(postgresJSONNode: child) else { return nil }
            children.append(tree)
        }
        self.init(
            nodeType: type, actualStartupTimeMs: Self.number(node["Actual Startup Time"]),
            actualTotalTimeMs: Self.number(node["Actual Total Time"]), actualRows: Self.number(node["Actual Rows"]),
            loops: Self.number(node["Actual Loops"]), children: children)
    }

    /// The plan trees of a PostgreSQL JSON document (an array of statements or one statement).
    static func postgresJSONDocument(_ data: Data) throws -> [ExpectedPlanTree] {
        let document = try JSONSerialization.jsonObject(with: data)
        let statements = document as? [Any] ?? [document]
        return statements.compactMap { statement in
            (statement as? [String: Any])?["Plan"].flatMap(ExpectedPlanTree.init(postgresJSONNode:))
        }
    }

    private static func number(_ value: Any?) -> Double? {
        switch value {
        case let text as String: Double(text)
        case let number as NSNumber: number.doubleValue
        default: nil
        }
    }
}
