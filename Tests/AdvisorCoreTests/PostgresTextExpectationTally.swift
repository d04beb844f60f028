import AdvisorCore
import Foundation

/// Compares parsed plans with what dalibo/pev2 and Pg::Explain assert for the same input, and counts
/// agreements. Names differ between the tools: pev2 uses PostgreSQL's JSON property names (with a few
/// habits of its own), Pg::Explain its own structure with the text format's node names.
struct PostgresTextExpectationTally {
    enum Source { case pev2, pgExplain }

    /// Whether a key is one of the brief's core checks (tree shape, node types, relations, costs,
    /// rows, actuals, sub-plan placement) or one of the other fields both sides have.
    enum Scope { case core, detail }

    private(set) var files = 0
    private(set) var checks: [Scope: Int] = [:]
    private(set) var matches: [Scope: Int] = [:]
    /// Differences explained by the other tool's own conventions, with the reason.
    private(set) var toolSpecific: [String] = []
    /// Differences nobody has explained: parser bugs until shown otherwise.
    private(set) var unexplainedMismatches: [String] = []
    /// Expected keys this comparison does not map to the model.
    private(set) var unchecked: [String: Int] = [:]

    mutating func compare(_ plan: Plan, with expectation: JSONValue, source: Source, file: String) {
        files += 1
        switch source {
        case .pev2: comparePEV2(plan, expectation, file: file)
        case .pgExplain: comparePgExplain(plan.root, expectation, at: "\(file) root")
        }
    }

    func report() -> String {
        var lines = ["postgres-text expectations: \(files) files"]
        for scope in [Scope.core, .detail] {
            let total = checks[scope] ?? 0
            let agreed = matches[scope] ?? 0
            let rate = total == 0 ? 100 : Double(agreed) * 100 / Double(total)
            lines.append("  \(scope): \(agreed)/\(total) values agree (\(String(format: "%.2f", rate)) %)")
        }
        lines.append("  tool-specific differences (\(toolSpecific.count)):")
        lines += toolSpecific.map { "    " + $0 }
        lines.append("  unexplained mismatches (\(unexplainedMismatches.count)):")
        lines += unexplainedMismatches.map { "    " + $0 }
        let skipped = unchecked.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
        lines.append("  expected keys not compared: " + skipped.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    // MARK: - Recording

    private mutating func record(
        _ scope: Scope, _ agrees: Bool, _ location: String, _ key: String, expected: String, actual: String,
        toolReason: String? = nil
    ) {
        checks[scope, default: 0] += 1
        if agrees {
            matches[scope, default: 0] += 1
        } else if let toolReason {
            toolSpecific.append("\(location) \(key): expected \(expected), parsed \(actual) — \(toolReason)")
        } else {
            unexplainedMismatches.append("\(location) \(key): expected \(expected), parsed \(actual)")
        }
    }

    private mutating func number(
        _ scope: Scope, _ expected: JSONValue, _ actual: Double?, _ location: String, _ key: String
    ) {
        guard let want = expected.doubleValue else {
            unchecked[key, default: 0] += 1
            return
        }
        let agrees = actual.map { abs($0 - want) <= max(1e-9, abs(want) * 1e-9) } ?? false
        record(scope, agrees, location, key, expected: expected.displayText, actual: actual.map { "\($0)" } ?? "nil")
    }

    private mutating func text(
        _ scope: Scope, _ expected: JSONValue, _ actual: String?, _ location: String, _ key: String
    ) {
        let want = expected.displayText
        record(scope, want == actual, location, key, expected: want, actual: actual ?? "nil")
    }

    // MARK: - pev2

    private mutating func comparePEV2(_ plan: Plan, _ expectation: JSONValue, file: String) {
        guard let members = expectation.objectMembers else { return }
        var ioKeys: [(key: String, value: JSONValue)] = []
        for (key, value) in members {
            switch key {
            case "Plan": comparePEV2(plan.root, value, at: "\(file) Plan")
            case "Planning Time": number(.detail, value, plan.planningTimeMs, file, key)
            case "Execution Time", "Total Runtime": number(.detail, value, plan.executionTimeMs, file, key)
            case "Settings":
                for (name, setting) in value.objectMembers ?? [] {
                    text(.detail, setting, plan.settings[name], file, "Settings.\(name)")
                }
            case "JIT": compareJIT(plan.jit, value, file)
            case "Query Identifier":
                // pev2 reads the 64-bit identifier as a JavaScript number.
                let identifier = plan.properties.first { $0.name == key }?.value
                number(.detail, value, identifier.flatMap { Double($0) }, file, key)
            case "Planning":
                var planningIO: [(key: String, value: JSONValue)] = []
                for (name, counter) in value.objectMembers ?? [] {
                    if name.contains("I/O") {
                        planningIO.append((name, counter))
                    } else {
                        number(.detail, counter, buffer(name, plan.planningBuffers), file, "Planning.\(name)")
                    }
                }
                compareIO(planningIO, plan.planningBuffers, "\(file) Planning")
            case let io where io.contains("I/O"): ioKeys.append((key, value))
            default: unchecked[key, default: 0] += 1
            }
        }
        // The I/O expectations without a "Plan" are about the root node.
        compareIO(ioKeys, plan.root.buffers, "\(file) root")
    }

    private mutating func compareJIT(_ jit: JITSummary?, _ expected: JSONValue, _ file: String) {
        for (key, value) in expected.objectMembers ?? [] {
            switch key {
            case "Functions": number(.detail, value, jit?.functions.map(Double.init), file, "JIT.Functions")
            case "Timing":
                let timings: [String: Double?] = [
                    "Generation": jit?.generationTimeMs, "Inlining": jit?.inliningTimeMs,
                    "Optimization": jit?.optimizationTimeMs, "Emission": jit?.emissionTimeMs,
                    "Total": jit?.totalTimeMs,
                ]
                for (name, time) in value.objectMembers ?? [] {
                    number(.detail, time, timings[name] ?? nil, file, "JIT.Timing.\(name)")
                }
            default: unchecked["JIT.\(key)", default: 0] += 1
            }
        }
    }

    private mutating func compareIO(_ keys: [(key: String, value: JSONValue)], _ buffers: Buffers?, _ location: String)
    {
        var read: Double?
        var write: Double?
        for (key, value) in keys {
            switch key {
            // The model adds shared and local I/O time up, as PostgreSQL did before 17.
            case "I/O Read Time", "Shared I/O Read Time", "Local I/O Read Time":
                read = (read ?? 0) + (value.doubleValue ?? 0)
            case "I/O Write Time", "Shared I/O Write Time", "Local I/O Write Time":
                write = (write ?? 0) + (value.doubleValue ?? 0)
            case "Temp I/O Read Time": number(.detail, value, buffers?.tempReadTimeMs ?? 0, location, key)
            case "Temp I/O Write Time": number(.detail, value, buffers?.tempWriteTimeMs ?? 0, location, key)
            default: unchecked[key.hasPrefix("*") ? "*pev2-computed I/O" : key, default: 0] += 1
            }
        }
        if let read { number(.detail, .number(read), buffers?.readTimeMs ?? 0, location, "I/O Read Time") }
        if let write { number(.detail, .number(write), buffers?.writeTimeMs ?? 0, location, "I/O Write Time") }
    }

    private mutating func comparePEV2(_ node: PlanNode, _ expected: JSONValue, at location: String) {
        guard let members = expected.objectMembers else { return }
        var ioKeys: [(key: String, value: JSONValue)] = []
        for (key, value) in members {
            switch key {
            case "Node Type": compareNodeType(value, node, location, source: .pev2)
            case "Plans":
                let children = value.arrayValue ?? []
                let count = "\(children.count) children"
                record(
                    .core, children.count == node.children.count, location, "Plans", expected: count,
                    actual: "\(node.children.count) children")
                for (index, child) in zip(children.indices, node.children) {
                    comparePEV2(child, children[index], at: "\(location).Plans[\(index)]")
                }
            case "Parent Relationship": text(.core, value, node.parentRelationship, location, key)
            case "Subplan Name": text(.core, value, node.subplanName, location, key)
            case "Relation Name":
                // pev2 keeps the name as printed: schema-qualified (VERBOSE) and quoted.
                let printed = [node.schema, node.relation].compactMap { $0.map(Self.quoted) }.joined(separator: ".")
                let reason = value.displayText == printed ? "pev2 keeps the schema and the quotes in the name" : nil
                textOrToolSpecific(.core, value, node.relation, location, key, reason: reason)
            case "Startup Cost": number(.core, value, node.startupCost, location, key)
            case "Total Cost": number(.core, value, node.totalCost, location, key)
            case "Plan Rows": number(.core, value, node.estimatedRows, location, key)
            case "Actual Startup Time": number(.core, value, node.actualStartupTimeMs, location, key)
            case "Actual Total Time": number(.core, value, node.actualTotalTimeMs, location, key)
            case "Actual Rows": number(.core, value, node.actualRows, location, key)
            case "Actual Loops": number(.core, value, node.loops, location, key)
            case "Plan Width": number(.detail, value, node.estimatedWidth, location, key)
            case "Alias":
                text(.detail, value, node.alias ?? node.relation ?? node.functionName ?? node.cteName, location, key)
            case "Index Name":
                let reason =
                    value.displayText == node.index.map(Self.quoted) ? "pev2 keeps the quotes in the name" : nil
                textOrToolSpecific(.detail, value, node.index, location, key, reason: reason)
            case "Function Name": text(.detail, value, node.functionName, location, key)
            case "CTE Name": text(.detail, value, node.cteName, location, key)
            case "Schema": text(.detail, value, node.schema, location, key)
            case "Join Type": text(.detail, value, node.joinType, location, key)
            case "Scan Direction": text(.detail, value, node.strategy, location, key)
            case "Parallel Aware": text(.detail, value, node.isParallelAware ? "true" : "false", location, key)
            case "Async Capable":
                let async = node.properties.contains { $0.name == key && $0.value == "true" }
                text(.detail, value, async ? "true" : "false", location, key)
            case "Filter": text(.detail, value, node.filter, location, key)
            case "Index Cond": text(.detail, value, node.indexCondition, location, key)
            case "Recheck Cond": text(.detail, value, node.recheckCondition, location, key)
            case "Join Filter": text(.detail, value, node.joinFilter, location, key)
            case "Hash Cond": text(.detail, value, node.hashCondition, location, key)
            case "Merge Cond": text(.detail, value, node.mergeCondition, location, key)
            case "Rows Removed by Filter": number(.detail, value, node.rowsRemovedByFilter, location, key)
            case "Rows Removed by Join Filter": number(.detail, value, node.rowsRemovedByJoinFilter, location, key)
            case "Rows Removed by Index Recheck":
                number(.detail, value, node.rowsRemovedByIndexRecheck, location, key)
            case "Heap Fetches": number(.detail, value, node.heapFetches, location, key)
            case "Sort Key": compareList(value, node.sortKey, location, key)
            case "Output": compareList(value, node.output, location, key)
            case "Sort Method": text(.detail, value, node.sortMethod, location, key)
            case "Sort Space Used": number(.detail, value, node.sortSpaceUsedKB, location, key)
            case "Sort Space Type": text(.detail, value, node.sortSpaceType, location, key)
            case "Hash Buckets": number(.detail, value, node.hashBuckets, location, key)
            case "Original Hash Buckets": number(.detail, value, node.originalHashBuckets, location, key)
            case "Hash Batches", "HashAgg Batches": number(.detail, value, node.hashBatches, location, key)
            case "Original Hash Batches": number(.detail, value, node.originalHashBatches, location, key)
            case "Peak Memory Usage": number(.detail, value, node.peakMemoryUsageKB, location, key)
            case "Disk Usage": number(.detail, value, node.diskUsageKB, location, key)
            case "Workers Planned": number(.detail, value, node.workersPlanned.map(Double.init), location, key)
            case "Workers Launched": number(.detail, value, node.workersLaunched.map(Double.init), location, key)
            case "Exact Heap Blocks": number(.detail, value, node.exactHeapBlocks, location, key)
            case "Lossy Heap Blocks": number(.detail, value, node.lossyHeapBlocks, location, key)
            case let counter where counter.hasSuffix(" Blocks"):
                number(.detail, value, buffer(counter, node.buffers), location, key)
            case let io where io.contains("I/O"): ioKeys.append((key, value))
            case "Cache Key", "Cache Mode", "Cache Hits", "Cache Misses", "Cache Evictions", "Cache Overflows",
                "Planned Partitions", "Disabled", "TID Cond":
                text(.detail, value, node.properties.first { $0.name == key }?.value, location, key)
            case "Presorted Key", "Group Key":
                let printed = node.properties.first { $0.name == key }?.value
                compareList(value, printed.map { [$0] }, location, key)
            case "Full-sort Groups", "Pre-sorted Groups":
                // pev2 expands the line into the JSON format's structure; the model keeps it as printed.
                let printed = node.properties.first { $0.name == key }?.value
                let count = value["Group Count"]?.displayText ?? "?"
                let reason = "pev2 expands the group line into JSON's structure; kept as printed"
                textOrToolSpecific(
                    .detail, value, printed, location, key,
                    reason: printed?.hasPrefix(count + "  ") == true ? reason : nil)
            default: unchecked[key, default: 0] += 1
            }
        }
        compareIO(ioKeys, node.buffers, location)
    }

    private mutating func textOrToolSpecific(
        _ scope: Scope, _ expected: JSONValue, _ actual: String?, _ location: String, _ key: String, reason: String?
    ) {
        let want = expected.displayText
        record(scope, want == actual, location, key, expected: want, actual: actual ?? "nil", toolReason: reason)
    }

    /// An identifier as PostgreSQL prints it: quoted unless lower-case letters, digits and underscores.
    static func quoted(_ name: String) -> String {
        let plain = name.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "_" }
        return plain ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private mutating func compareList(_ expected: JSONValue, _ actual: [String]?, _ location: String, _ key: String) {
        let want = expected.arrayValue?.map(\.displayText).joined(separator: ", ") ?? expected.displayText
        text(.detail, .string(want), actual?.joined(separator: ", "), location, key)
    }

    private func buffer(_ key: String, _ buffers: Buffers?) -> Double? {
        let counters = buffers ?? Buffers()
        switch key {
        case "Shared Hit Blocks": return counters.sharedHit
        case "Shared Read Blocks": return counters.sharedRead
        case "Shared Dirtied Blocks": return counters.sharedDirtied
        case "Shared Written Blocks": return counters.sharedWritten
        case "Local Hit Blocks": return counters.localHit
        case "Local Read Blocks": return counters.localRead
        case "Local Dirtied Blocks": return counters.localDirtied
        case "Local Written Blocks": return counters.localWritten
        case "Temp Read Blocks": return counters.tempRead
        case "Temp Written Blocks": return counters.tempWritten
        // PostgreSQL never counts these; pev2 lists them as 0.
        case "Temp Hit Blocks", "Temp Dirtied Blocks": return 0
        default: return nil
        }
    }

    // MARK: - Node names

    /// The name the text format prints for a node (what Pg::Explain keeps as its type). Node types
    /// keep the text format's words ("Partial HashAggregate", "Parallel Seq Scan"); join types, scan
    /// directions and ModifyTable operations are put back.
    static func textName(_ node: PlanNode, parallel: Bool) -> String {
        var name = node.nodeType
        if name.hasPrefix("Parallel ") { name = String(name.dropFirst("Parallel ".count)) }
        switch name {
        case "ModifyTable": name = node.properties.first { $0.name == "Operation" }?.value ?? name
        case "Hash Join", "Merge Join", "Nested Loop":
            if let joinType = node.joinType, joinType != "Inner" {
                let base = name == "Nested Loop" ? "Nested Loop" : String(name.dropLast(" Join".count))
                name = base + " " + joinType + " Join"
            }
        case "Index Scan", "Index Only Scan": if node.strategy == "Backward" { name += " Backward" }
        default: break
        }
        return parallel && node.isParallelAware ? "Parallel " + name : name
    }

    private mutating func compareNodeType(_ expected: JSONValue, _ node: PlanNode, _ location: String, source: Source) {
        let want = expected.displayText
        let names: Set<String> = [
            node.nodeType, Self.textName(node, parallel: false), Self.textName(node, parallel: true),
        ]
        if names.contains(want) {
            record(.core, true, location, "Node Type", expected: want, actual: node.nodeType)
            return
        }
        var reason: String?
        if source == .pev2, let joinType = node.joinType, joinType != "Inner",
            want == node.nodeType.replacingOccurrences(of: " Join", with: "") + " Join"
                || want == node.nodeType.replacingOccurrences(of: " Join", with: "") + " \(joinType) Join"
        {
            reason = "pev2 names joins its own way (\"Nested Loop Join\", \"Hash Semi Join\")"
        } else if let alias = node.alias, want == Self.textName(node, parallel: true) + " " + alias {
            reason = "PostgreSQL 8.x printed \"Subquery Scan alias\"; the tool keeps the alias in the type"
        }
        record(
            .core, false, location, "Node Type", expected: want, actual: Self.textName(node, parallel: true),
            toolReason: reason)
    }

    // MARK: - Pg::Explain

    private mutating func comparePgExplain(_ node: PlanNode, _ expected: JSONValue, at location: String) {
        guard let members = expected.objectMembers else { return }
        for (key, value) in members {
            switch key {
            case "type": compareNodeType(value, node, location, source: .pgExplain)
            case "estimated_startup_cost": number(.core, value, node.startupCost, location, key)
            case "estimated_total_cost": number(.core, value, node.totalCost, location, key)
            case "estimated_rows": number(.core, value, node.estimatedRows, location, key)
            case "estimated_row_width": number(.detail, value, node.estimatedWidth, location, key)
            case "actual_time_first": number(.core, value, node.actualStartupTimeMs, location, key)
            case "actual_time_last": number(.core, value, node.actualTotalTimeMs, location, key)
            case "actual_rows": number(.core, value, node.actualRows, location, key)
            case "actual_loops": number(.core, value, node.loops, location, key)
            case "scan_on":
                for (field, name) in value.objectMembers ?? [] {
                    let actual: String?
                    switch field {
                    case "table_name": actual = node.relation
                    case "table_alias": actual = node.alias ?? node.relation
                    case "index_name": actual = node.index
                    case "cte_name": actual = node.cteName
                    case "cte_alias": actual = node.alias ?? node.cteName
                    case "function_name": actual = node.functionName
                    case "function_alias": actual = node.alias ?? node.functionName
                    default:
                        unchecked["scan_on.\(field)", default: 0] += 1
                        continue
                    }
                    text(
                        field.hasSuffix("_name") && field != "index_name" ? .core : .detail, name, actual, location,
                        "scan_on.\(field)")
                }
            case "sub_nodes", "initplans", "subplans":
                let group = node.children.filter { child in
                    switch key {
                    case "initplans":
                        child.parentRelationship == "InitPlan" && !(child.subplanName ?? "").hasPrefix("CTE ")
                    case "subplans": child.parentRelationship == "SubPlan"
                    default: child.parentRelationship != "InitPlan" && child.parentRelationship != "SubPlan"
                    }
                }
                compareGroup(value.arrayValue ?? [], group, at: "\(location).\(key)")
            case "ctes":
                for (name, cte) in value.objectMembers ?? [] {
                    let found = node.children.first { $0.subplanName == "CTE \(name)" }
                    record(
                        .core, found != nil, location, "ctes.\(name)", expected: "present",
                        actual: found == nil ? "missing" : "present")
                    if let found { comparePgExplain(found, cte, at: "\(location).ctes.\(name)") }
                }
            case "cte_order":
                let order = node.children.compactMap { $0.isCTE ? $0.cteDefinitionName : nil }
                let want = (value.arrayValue ?? []).map(\.displayText)
                record(.core, order == want, location, key, expected: "\(want)", actual: "\(order)")
            default: unchecked["pgexplain.\(key)", default: 0] += 1
            }
        }
    }

    private mutating func compareGroup(_ expected: [JSONValue], _ actual: [PlanNode], at location: String) {
        record(
            .core, expected.count == actual.count, location, "count", expected: "\(expected.count)",
            actual: "\(actual.count)")
        for (index, (want, node)) in zip(expected, actual).enumerated() {
            comparePgExplain(node, want, at: "\(location)[\(index)]")
        }
    }
}
