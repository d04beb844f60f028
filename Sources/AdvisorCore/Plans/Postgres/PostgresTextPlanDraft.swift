/// A plan being read: its nodes in reading order, the indentation levels that tell each new line's
/// parent, and the open sections (`Planning:`, `JIT:`, `Worker 0:`) whose deeper lines belong to them.
struct PostgresTextPlanDraft {
    /// The statement-level fields; the root is filled in by `finish()`.
    var plan: Plan
    /// Indentation of the root node; lines at or left of it are statement-level.
    let rootIndent: Int

    /// What the root's line carried; every node of the same plan carries the same (EXPLAIN options are
    /// per statement), which tells a wrapped node line from a complete one.
    private let expectsCost: Bool
    private let expectsActuals: Bool
    private var hasActuals = false
    private var hasTiming = false

    private var nodes: [PlanNode]
    private var children: [[Int]]
    private var levels: [Level]
    private var sections: [Section] = []

    /// An indentation level: a node, or a sub-plan header that hands its relationship to the node below it.
    private struct Level {
        var column: Int
        /// The node at this level, or the node that owns the sub-plan header.
        var node: Int
        var subplan: (relationship: String, name: String)?
    }

    /// A line that owns the more deeply indented lines after it.
    private struct Section {
        enum Target {
            case plan(PostgresTextPlanProperties.Section)
            case node(Int)
            /// A parallel worker's lines, gathered into the node's "Worker N" property.
            case worker(node: Int, name: String)
        }

        var column: Int
        var target: Target
        /// Names the lines of the section: "Worker 0" + " Buffers".
        var prefix: String
    }

    init(plan: Plan, root: PlanNode, annotations: PostgresTextNodeLine.Annotations, rootIndent: Int) {
        self.plan = plan
        self.rootIndent = rootIndent
        expectsCost = annotations.hasCost
        expectsActuals = annotations.hasActuals || annotations.neverExecuted
        nodes = [root]
        children = [[]]
        levels = [Level(column: rootIndent, node: 0)]
        note(annotations)
    }

    /// True when a node line lacks estimates the plan's other nodes have: its end was wrapped away.
    func lacksAnnotations(hasCost: Bool, hasActuals: Bool) -> Bool {
        (expectsCost && !hasCost) || (expectsActuals && !hasActuals)
    }

    // MARK: - Adding lines

    /// Adds a node under the nearest line indented less than `column`.
    mutating func add(
        _ node: consuming PlanNode, _ annotations: PostgresTextNodeLine.Annotations, at column: Int,
        reject: (String) -> InputError
    ) throws {
        sections.removeAll()
        while let top = levels.last, top.column >= column { levels.removeLast() }
        guard let parent = levels.last else {
            throw reject(
                "this node is indented no deeper than the plan's root node (line \(plan.sourceLine) onwards), so it "
                    + "has no parent: expected it further right, under the node it feeds")
        }
        guard levels.count < PostgresTextPlanBuilder.maximumDepth else {
            throw reject("the plan nests deeper than \(PostgresTextPlanBuilder.maximumDepth) levels")
        }
        if let subplan = parent.subplan {
            node.parentRelationship = subplan.relationship
            node.subplanName = subplan.name
        }
        note(annotations)
        let index = nodes.count
        nodes.append(node)
        children.append([])
        children[parent.node].append(index)
        levels.append(Level(column: column, node: index))
    }

    /// Opens an InitPlan/SubPlan/CTE section: the next node below it hangs under its owner with this name.
    mutating func addSubplanHeader(
        relationship: String, name: String, at column: Int, reject: (String) -> InputError
    ) throws {
        sections.removeAll()
        while let top = levels.last, top.column >= column { levels.removeLast() }
        guard let owner = levels.last else {
            throw reject(
                "'\(name)' is indented no deeper than the plan's root node, so no node owns it: expected it "
                    + "under the node whose sub-plan it is")
        }
        levels.append(Level(column: column, node: owner.node, subplan: (relationship, name)))
    }

    /// Adds a `Name: value` line to the section, the node or the statement it belongs to.
    mutating func addProperty(_ name: String, _ value: String, at column: Int) {
        while let section = sections.last, section.column >= column { sections.removeLast() }
        if let section = sections.last {
            addToSection(section, name, value, at: column)
            return
        }
        if PostgresTextPlanProperties.isStatementLevel(name) || column <= rootIndent {
            if let opened = PostgresTextPlanProperties.apply(name, value, to: &plan) {
                sections.append(Section(column: column, target: .plan(opened), prefix: name))
            }
            return
        }
        // A line left of the current node's belongs to an ancestor (the root always stays).
        while levels.count > 1, let top = levels.last, top.column >= column { levels.removeLast() }
        let index = levels.last?.node ?? 0
        if name.hasPrefix("Worker ") {
            // Per-worker details (VERBOSE, parallel sorts and hashes) become one property per worker.
            addWorkerDetail(PostgresTextNodeProperties.workerDetail(value), worker: name, node: index)
            sections.append(Section(column: column, target: .worker(node: index, name: name), prefix: ""))
            return
        }
        guard !value.isEmpty else {
            sections.append(Section(column: column, target: .node(index), prefix: name))
            return
        }
        PostgresTextNodeProperties.apply(name, value, to: &nodes[index])
    }

    /// A statement-level line read before the root (auto_explain's Query Parameters).
    mutating func addStatementProperty(_ name: String, _ value: String) {
        _ = PostgresTextPlanProperties.apply(name, value, to: &plan)
    }

    /// Adds to the worker's property, or starts it.
    private mutating func addWorkerDetail(_ detail: String, worker: String, node: Int) {
        guard !detail.isEmpty else { return }
        if let existing = nodes[node].properties.lastIndex(where: { $0.name == worker }) {
            nodes[node].properties[existing].value += ", " + detail
        } else {
            nodes[node].properties.append(PlanProperty(worker, detail))
        }
    }

    private mutating func addToSection(_ section: Section, _ name: String, _ value: String, at column: Int) {
        let prefix = section.prefix.isEmpty ? name : section.prefix + " " + name
        switch section.target {
        case .plan(let kind):
            PostgresTextPlanProperties.apply(name, value, in: kind, prefix: section.prefix, to: &plan)
            if value.isEmpty { sections.append(Section(column: column, target: .plan(.other), prefix: prefix)) }
        case .node(let index):
            guard !value.isEmpty else {
                sections.append(Section(column: column, target: .node(index), prefix: prefix))
                return
            }
            nodes[index].properties.append(PlanProperty(prefix, value))
        case .worker(let index, let worker):
            guard !value.isEmpty else {
                sections.append(Section(column: column, target: section.target, prefix: prefix))
                return
            }
            addWorkerDetail(prefix + ": " + value, worker: worker, node: index)
        }
    }

    private mutating func note(_ annotations: PostgresTextNodeLine.Annotations) {
        hasActuals = hasActuals || annotations.hasActuals || annotations.neverExecuted
        hasTiming = hasTiming || annotations.hasTiming
    }

    // MARK: - Finishing

    /// The plan with its tree assembled, relationships named as the JSON format names them, and
    /// never-executed nodes given the zero actuals the JSON format prints for them.
    consuming func finish() -> Plan {
        for index in nodes.indices {
            nameRelationships(ofChildrenOf: index)
            if nodes[index].neverExecuted {
                nodes[index].actualRows = 0
                nodes[index].loops = 0
                if hasTiming {
                    nodes[index].actualStartupTimeMs = 0
                    nodes[index].actualTotalTimeMs = 0
                }
            }
        }
        // Children always come after their parent in reading order, so building from the end finds
        // every child complete. Nodes move into their parent rather than being copied.
        for index in nodes.indices.reversed() where !children[index].isEmpty {
            let assembled = children[index].map { takeNode(at: $0) }
            nodes[index].children = assembled
        }
        plan.root = takeNode(at: 0)
        plan.hasActuals = hasActuals
        plan.hasTiming = hasTiming
        return plan
    }

    private static let movedOut = PlanNode(nodeType: "", operation: .other)

    private mutating func takeNode(at index: Int) -> PlanNode {
        var node = Self.movedOut
        swap(&node, &nodes[index])
        return node
    }

    /// Outer/Inner for the two inputs of most nodes, Member for Append-like nodes, Subquery under a
    /// Subquery Scan, children under a Custom Scan; sub-plans already carry theirs.
    private mutating func nameRelationships(ofChildrenOf parent: Int) {
        let inputs = children[parent].filter { nodes[$0].parentRelationship == nil }
        guard !inputs.isEmpty else { return }
        let operation = nodes[parent].operation
        for (position, child) in inputs.enumerated() {
            switch operation {
            case .append, .mergeAppend, .bitmapAnd, .bitmapOr: nodes[child].parentRelationship = "Member"
            case .subqueryScan: nodes[child].parentRelationship = "Subquery"
            // explain.c labels a custom scan's plans alike: "children", or "child" when there is one.
            case .customScan: nodes[child].parentRelationship = inputs.count == 1 ? "child" : "children"
            case .modifyTable where inputs.count > 1: nodes[child].parentRelationship = "Member"
            default: nodes[child].parentRelationship = position == 0 ? "Outer" : position == 1 ? "Inner" : "Member"
            }
        }
    }
}
