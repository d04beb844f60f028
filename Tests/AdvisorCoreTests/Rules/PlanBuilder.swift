import AdvisorCore

/// Builds plan nodes and snapshots in code for rule tests, numbered and timed like `PlanReader` does.
enum PlanBuilder {
    /// A node with the fields rule tests vary most; anything else is set on the returned value.
    static func node(
        _ nodeType: String, operation: PlanOperation? = nil, relation: String? = nil, alias: String? = nil,
        estimated: Double? = nil, actual: Double? = nil, loops: Double? = nil, timeMs: Double? = nil,
        cost: Double? = nil, filter: String? = nil, removed: Double? = nil, children: [PlanNode] = []
    ) -> PlanNode {
        var node = PlanNode(nodeType: nodeType, operation: operation, children: children)
        node.relation = relation
        node.alias = alias
        node.estimatedRows = estimated
        node.actualRows = actual
        node.loops = loops ?? (actual == nil ? nil : 1)
        node.actualTotalTimeMs = timeMs
        node.totalCost = cost
        node.filter = filter
        node.rowsRemovedByFilter = removed
        return node
    }

    /// A MySQL/MariaDB table access as the JSON and tabular parsers produce it (estimates only).
    static func mysqlTable(
        _ table: String, accessType: String = "ALL", possibleKeys: [String]? = nil, key: String? = nil,
        usedKeyParts: [String]? = nil, examined: Double, filtered: Double = 100, condition: String? = nil,
        notes: [String] = [], cost: Double? = nil
    ) -> PlanNode {
        let operation: PlanOperation =
            accessType == "ALL" ? .seqScan : accessType == "index" ? .fullIndexScan : .indexScan
        let nodeType = accessType == "ALL" ? "Table scan" : accessType == "index" ? "Index scan" : "Index lookup"
        var node = PlanNode(nodeType: nodeType, operation: operation)
        node.relation = table
        node.accessType = accessType
        node.possibleKeys = possibleKeys
        node.index = key
        node.usedKeyParts = usedKeyParts
        node.rowsExaminedPerScan = examined
        node.filteredPercent = filtered
        node.estimatedRows = examined * filtered / 100
        node.filter = condition
        node.notes = notes
        node.totalCost = cost
        return node
    }

    /// A one-plan snapshot; timing is derived as `PlanReader` would.
    static func snapshot(
        _ root: PlanNode, engine: Engine = .postgres, format: PlanFormat? = nil, hasActuals: Bool? = nil,
        hasTiming: Bool? = nil, executionTimeMs: Double? = nil
    ) -> Snapshot {
        let actuals = hasActuals ?? (root.actualRows != nil)
        var plan = Plan(
            engine: engine, format: format ?? (engine == .postgres ? .postgresText : .mysqlJSON), root: root,
            hasActuals: actuals, hasTiming: hasTiming ?? (actuals && root.actualTotalTimeMs != nil),
            executionTimeMs: executionTimeMs)
        plan.number()
        PlanTiming.apply(to: &plan)
        return Snapshot(plans: [plan], source: "test")
    }

    /// The findings of one rule on a snapshot, ranked.
    static func findings(_ rule: some Rule, _ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [rule]).run(snapshot).findings
    }
}
