import AdvisorCore

/// Hand-built plans for rule tests: nodes with the fields a test cares about, wrapped into a numbered,
/// timed plan and a snapshot the way `PlanReader` would deliver them.
enum RulePlanBuilder {
    /// A node with actuals: `timeMs` is the per-loop total time, `rows` the per-loop rows.
    static func node(
        _ nodeType: String, timeMs: Double? = nil, rows: Double = 1, loops: Double = 1, cost: Double? = nil,
        children: [PlanNode] = [], _ configure: (inout PlanNode) -> Void = { _ in }
    ) -> PlanNode {
        var node = PlanNode(nodeType: nodeType, children: children)
        node.actualTotalTimeMs = timeMs
        node.actualStartupTimeMs = timeMs.map { $0 / 2 }
        node.actualRows = rows
        node.loops = loops
        node.estimatedRows = rows
        node.totalCost = cost
        configure(&node)
        return node
    }

    /// The root in a plan, numbered and timed.
    static func plan(
        _ root: PlanNode, engine: Engine = .postgres, executionTimeMs: Double? = nil, planningTimeMs: Double? = nil,
        hasTiming: Bool = true, hasActuals: Bool = true, jit: JITSummary? = nil, settings: [String: String] = [:]
    ) -> Plan {
        let format: PlanFormat = engine == .postgres ? .postgresText : .mysqlTree
        var plan = Plan(
            engine: engine, format: format, root: root, hasActuals: hasActuals, hasTiming: hasTiming,
            planningTimeMs: planningTimeMs, executionTimeMs: executionTimeMs, jit: jit, settings: settings)
        plan.number()
        PlanTiming.apply(to: &plan)
        return plan
    }

    /// The findings `rule` reports on the plans, ranked as the engine ranks them.
    static func findings(_ rule: some Rule, _ plans: Plan...) -> [Finding] {
        RuleEngine(rules: [rule]).run(Snapshot(plans: plans, source: "test")).findings
    }

    /// Buffers with temp blocks (and optionally shared hits).
    static func buffers(tempRead: Double = 0, tempWritten: Double = 0, sharedHit: Double = 0) -> Buffers {
        var buffers = Buffers()
        buffers.tempRead = tempRead
        buffers.tempWritten = tempWritten
        buffers.sharedHit = sharedHit
        return buffers
    }
}

extension Finding {
    /// The value of the evidence with this name, for assertions.
    func evidence(_ name: String) -> Double? {
        evidence.first { $0.name == name }?.value
    }
}
