/// Fills `Plan`s from `EXPLAIN (FORMAT JSON)` documents, member by member, without building a JSON tree.
///
/// Node types follow the JSON format's "Node Type" with the words the text format puts around it
/// (so both formats give one name): "Parallel " when "Parallel Aware" is true, "Partial "/"Finalize "
/// from "Partial Mode", and aggregates/set operations named by their strategy ("HashAggregate",
/// "GroupAggregate", "MixedAggregate", "HashSetOp"). Join types, scan directions and ModifyTable
/// operations stay out of the name (`joinType`, `strategy`, a property), as in the JSON format.
///
/// Per-worker details ("Workers" arrays) become one property per worker, named "Worker N", whose
/// value lists that worker's members ("Actual Rows: 10, Actual Loops: 1, …").
struct PostgresJSONPlanBuilder {
    typealias SyntaxError = JSONReader.SyntaxError

    /// Plans read so far, each with the offset of the object it came from.
    private(set) var plans: [(plan: Plan, offset: Int)] = []
    private var sawActuals = false
    private var sawTiming = false

    /// Deeper trees are refused rather than risking the stack; real plans are far shallower.
    static let maxNodeDepth = 1_000

    /// Reads one document: an array of statement objects or a single statement object.
    mutating func readDocument(_ reader: inout JSONReader) throws(SyntaxError) {
        let start = reader.offset
        switch try reader.peekKind() {
        case .array:
            let documentStart = reader.offset
            let plansBefore = plans.count
            try reader.beginArray()
            while try reader.nextElement() {
                guard try reader.peekKind() == .object else {
                    throw SyntaxError(offset: reader.offset, expected: "a plan object ({\"Plan\": …}) in the array")
                }
                try readStatement(&reader)
            }
            if plans.count == plansBefore {
                throw SyntaxError(offset: documentStart, expected: "at least one plan object ({\"Plan\": …}) in the array")
            }
        case .object:
            try readStatement(&reader)
        default:
            throw SyntaxError(offset: start, expected: "'[' or '{' starting an EXPLAIN (FORMAT JSON) document")
        }
    }

    // MARK: - Statement

    private mutating func readStatement(_ reader: inout JSONReader) throws(SyntaxError) {
        _ = try reader.peekKind()
        let start = reader.offset
        sawActuals = false
        sawTiming = false
        var root: PlanNode?
        var queryText: String?
        var planningTime: Double?
        var executionTime: Double?
        var planningBuffers: Buffers?
        var triggers: [TriggerTime] = []
        var jit: JITSummary?
        var settings: [String: String] = [:]
        var properties: [PlanProperty] = []
        try reader.beginObject()
        while let member = try reader.nextMember(in: PostgresJSONDocumentKey.table) {
            guard case .known(let key) = member else {
                if case .other(let name) = member { properties.append(PlanProperty(name, try Self.text(of: &reader))) }
                continue
            }
            switch key {
            case .plan:
                guard try reader.peekKind() == .object else {
                    throw SyntaxError(offset: reader.offset, expected: "a plan node object for \"Plan\"")
                }
                root = try readNode(&reader, depth: 0)
            case .queryText: queryText = try Self.string(&reader, key.rawValue, &properties)
            case .planningTime: planningTime = try Self.number(&reader, key.rawValue, &properties)
            case .executionTime, .totalRuntime: executionTime = try Self.number(&reader, key.rawValue, &properties)
            case .planning: planningBuffers = try Self.readPlanning(&reader, &properties)
            case .triggers: triggers = try Self.readTriggers(&reader, &properties)
            case .jit: jit = try Self.readJIT(&reader, &properties)
            case .settings: settings = try Self.readSettings(&reader, &properties)
            case .queryParameters, .queryIdentifier:
                properties.append(PlanProperty(key.rawValue, try Self.text(of: &reader)))
            }
        }
        guard let root else {
            throw SyntaxError(
                offset: start,
                expected: "a \"Plan\" member: this JSON object is not PostgreSQL EXPLAIN (FORMAT JSON) output")
        }
        let plan = Plan(
            engine: .postgres, format: .postgresJSON, root: root, queryText: queryText, hasActuals: sawActuals,
            hasTiming: sawTiming, planningTimeMs: planningTime, executionTimeMs: executionTime,
            planningBuffers: planningBuffers, triggers: triggers, jit: jit, settings: settings,
            properties: properties)
        plans.append((plan, start))
    }

    // MARK: - Node

    private mutating func readNode(_ reader: inout JSONReader, depth: Int) throws(SyntaxError) -> PlanNode {
        let start = reader.offset
        guard depth < Self.maxNodeDepth else {
            throw SyntaxError(offset: start, expected: "a plan less than \(Self.maxNodeDepth) nodes deep")
        }
        var node = PlanNode(nodeType: "", operation: .other)
        var nodeType: String?
        var aggregateStrategy: String?
        var partialMode: String?
        var buffers = Buffers()
        var hasBuffers = false
        try reader.beginObject()
        while let member = try reader.nextMember(in: PostgresJSONNodeKey.table) {
            guard case .known(let key) = member else {
                if case .other(let name) = member {
                    node.properties.append(PlanProperty(name, try Self.text(of: &reader)))
                }
                continue
            }
            let name = key.rawValue
            switch key {
            case .nodeType: nodeType = try Self.string(&reader, name, &node.properties)
            case .parentRelationship: node.parentRelationship = try Self.string(&reader, name, &node.properties)
            case .subplanName: node.subplanName = try Self.string(&reader, name, &node.properties)
            case .joinType: node.joinType = try Self.string(&reader, name, &node.properties)
            case .strategy:
                aggregateStrategy = try Self.string(&reader, name, &node.properties)
                node.strategy = aggregateStrategy
            case .scanDirection: node.strategy = try Self.string(&reader, name, &node.properties)
            case .partialMode: partialMode = try Self.string(&reader, name, &node.properties)
            case .parallelAware: node.isParallelAware = try Self.bool(&reader, name, &node.properties) ?? false
            case .relationName: node.relation = try Self.string(&reader, name, &node.properties)
            case .schema: node.schema = try Self.string(&reader, name, &node.properties)
            case .alias: node.alias = try Self.string(&reader, name, &node.properties)
            case .indexName: node.index = try Self.string(&reader, name, &node.properties)
            case .cteName: node.cteName = try Self.string(&reader, name, &node.properties)
            case .functionName: node.functionName = try Self.string(&reader, name, &node.properties)

            case .startupCost: node.startupCost = try Self.number(&reader, name, &node.properties)
            case .totalCost: node.totalCost = try Self.number(&reader, name, &node.properties)
            case .planRows: node.estimatedRows = try Self.number(&reader, name, &node.properties)
            case .planWidth: node.estimatedWidth = try Self.number(&reader, name, &node.properties)
            case .actualStartupTime:
                node.actualStartupTimeMs = try Self.number(&reader, name, &node.properties)
                sawTiming = sawTiming || node.actualStartupTimeMs != nil
            case .actualTotalTime:
                node.actualTotalTimeMs = try Self.number(&reader, name, &node.properties)
                sawTiming = sawTiming || node.actualTotalTimeMs != nil
            case .actualRows:
                node.actualRows = try Self.number(&reader, name, &node.properties)
                sawActuals = sawActuals || node.actualRows != nil
            case .actualLoops:
                node.loops = try Self.number(&reader, name, &node.properties)
                sawActuals = sawActuals || node.loops != nil

            case .filter: node.filter = try Self.string(&reader, name, &node.properties)
            case .indexCond: node.indexCondition = try Self.string(&reader, name, &node.properties)
            case .recheckCond: node.recheckCondition = try Self.string(&reader, name, &node.properties)
            case .joinFilter: node.joinFilter = try Self.string(&reader, name, &node.properties)
            case .hashCond: node.hashCondition = try Self.string(&reader, name, &node.properties)
            case .mergeCond: node.mergeCondition = try Self.string(&reader, name, &node.properties)
            case .rowsRemovedByFilter: node.rowsRemovedByFilter = try Self.number(&reader, name, &node.properties)
            case .rowsRemovedByIndexRecheck:
                node.rowsRemovedByIndexRecheck = try Self.number(&reader, name, &node.properties)
            case .rowsRemovedByJoinFilter:
                node.rowsRemovedByJoinFilter = try Self.number(&reader, name, &node.properties)
            case .heapFetches: node.heapFetches = try Self.number(&reader, name, &node.properties)

            case .sortKey: node.sortKey = try Self.strings(&reader, name, &node.properties)
            case .sortMethod: node.sortMethod = try Self.string(&reader, name, &node.properties)
            case .sortSpaceUsed: node.sortSpaceUsedKB = try Self.number(&reader, name, &node.properties)
            case .sortSpaceType: node.sortSpaceType = try Self.string(&reader, name, &node.properties)
            case .hashBuckets: node.hashBuckets = try Self.number(&reader, name, &node.properties)
            case .originalHashBuckets: node.originalHashBuckets = try Self.number(&reader, name, &node.properties)
            case .hashBatches, .hashAggBatches: node.hashBatches = try Self.number(&reader, name, &node.properties)
            case .originalHashBatches: node.originalHashBatches = try Self.number(&reader, name, &node.properties)
            case .peakMemoryUsage: node.peakMemoryUsageKB = try Self.number(&reader, name, &node.properties)
            case .diskUsage: node.diskUsageKB = try Self.number(&reader, name, &node.properties)
            case .exactHeapBlocks: node.exactHeapBlocks = try Self.number(&reader, name, &node.properties)
            case .lossyHeapBlocks: node.lossyHeapBlocks = try Self.number(&reader, name, &node.properties)
            case .workersPlanned: node.workersPlanned = try Self.integer(&reader, name, &node.properties)
            case .workersLaunched: node.workersLaunched = try Self.integer(&reader, name, &node.properties)
            case .output: node.output = try Self.strings(&reader, name, &node.properties)
            case .workers: try Self.readWorkers(&reader, &node.properties)
            case .plans:
                guard try reader.peekKind() == .array else {
                    throw SyntaxError(offset: reader.offset, expected: "an array of plan nodes for \"Plans\"")
                }
                try reader.beginArray()
                while try reader.nextElement() {
                    guard try reader.peekKind() == .object else {
                        throw SyntaxError(offset: reader.offset, expected: "a plan node object in \"Plans\"")
                    }
                    node.children.append(try readNode(&reader, depth: depth + 1))
                }

            default:
                if let value = try Self.number(&reader, name, &node.properties) {
                    hasBuffers = key.apply(value, to: &buffers) || hasBuffers
                }
            }
        }
        guard let nodeType else {
            throw SyntaxError(offset: start, expected: "a \"Node Type\" member in this plan node")
        }
        node.nodeType = Self.displayName(
            nodeType, strategy: aggregateStrategy, partialMode: partialMode, parallelAware: node.isParallelAware)
        node.operation = PlanOperation(postgresNodeType: node.nodeType)
        if node.loops == 0 { node.neverExecuted = true }
        if hasBuffers { node.buffers = buffers }
        if node.alias == node.relation { node.alias = nil }
        return node
    }

    /// The node type as the text format names it, less join types, scan directions and operations.
    static func displayName(_ nodeType: String, strategy: String?, partialMode: String?, parallelAware: Bool) -> String {
        var name = nodeType
        switch (nodeType, strategy) {
        case ("Aggregate", "Sorted"): name = "GroupAggregate"
        case ("Aggregate", "Hashed"): name = "HashAggregate"
        case ("Aggregate", "Mixed"): name = "MixedAggregate"
        case ("SetOp", "Hashed"): name = "HashSetOp"
        default: break
        }
        if let partialMode, partialMode == "Partial" || partialMode == "Finalize" { name = partialMode + " " + name }
        if parallelAware { name = "Parallel " + name }
        return name
    }

    // MARK: - Statement-level sections

    /// `"Planning": {buffer counters…, "Memory Used": …}`; what is not a buffer counter becomes a property.
    private static func readPlanning(
        _ reader: inout JSONReader, _ properties: inout [PlanProperty]
    ) throws(SyntaxError) -> Buffers? {
        guard try reader.peekKind() == .object else {
            properties.append(PlanProperty("Planning", try text(of: &reader)))
            return nil
        }
        var buffers = Buffers()
        var hasBuffers = false
        try reader.beginObject()
        while let member = try reader.nextMember(in: PostgresJSONNodeKey.table) {
            switch member {
            case .known(let key) where key.isBufferCounter:
                if let value = try number(&reader, key.rawValue, &properties) {
                    hasBuffers = key.apply(value, to: &buffers) || hasBuffers
                }
            case .known(let key): properties.append(PlanProperty("Planning " + key.rawValue, try text(of: &reader)))
            case .other(let name): properties.append(PlanProperty("Planning " + name, try text(of: &reader)))
            }
        }
        return hasBuffers ? buffers : nil
    }

    private static func readTriggers(
        _ reader: inout JSONReader, _ properties: inout [PlanProperty]
    ) throws(SyntaxError) -> [TriggerTime] {
        guard try reader.peekKind() == .array else {
            properties.append(PlanProperty("Triggers", try text(of: &reader)))
            return []
        }
        var triggers: [TriggerTime] = []
        try reader.beginArray()
        while try reader.nextElement() {
            guard try reader.peekKind() == .object else {
                throw SyntaxError(offset: reader.offset, expected: "a trigger object in \"Triggers\"")
            }
            var trigger = TriggerTime(name: "")
            var ignored: [PlanProperty] = []
            try reader.beginObject()
            while let member = try reader.nextMember(in: PostgresJSONTriggerKey.table) {
                switch member {
                case .known(.triggerName): trigger.name = try string(&reader, "Trigger Name", &ignored) ?? ""
                case .known(.relation): trigger.relation = try string(&reader, "Relation", &ignored)
                case .known(.time): trigger.timeMs = try number(&reader, "Time", &ignored)
                case .known(.calls): trigger.calls = try number(&reader, "Calls", &ignored)
                // "Constraint Name" and anything newer: TriggerTime has no place for them.
                case .other: try reader.skipValue()
                }
            }
            triggers.append(trigger)
        }
        return triggers
    }

    private static func readJIT(
        _ reader: inout JSONReader, _ properties: inout [PlanProperty]
    ) throws(SyntaxError) -> JITSummary? {
        guard try reader.peekKind() == .object else {
            properties.append(PlanProperty("JIT", try text(of: &reader)))
            return nil
        }
        var jit = JITSummary()
        try reader.beginObject()
        while let member = try reader.nextMember(in: PostgresJSONJITKey.table) {
            switch member {
            case .known(.functions): jit.functions = try integer(&reader, "JIT Functions", &properties)
            case .known(.timing):
                guard try reader.peekKind() == .object else {
                    properties.append(PlanProperty("JIT Timing", try text(of: &reader)))
                    continue
                }
                try reader.beginObject()
                while let timing = try reader.nextMember(in: PostgresJSONJITKey.table) {
                    switch timing {
                    case .known(.generation): jit.generationTimeMs = try jitTime(&reader, "Generation", &properties)
                    case .known(.inlining): jit.inliningTimeMs = try jitTime(&reader, "Inlining", &properties)
                    case .known(.optimization):
                        jit.optimizationTimeMs = try jitTime(&reader, "Optimization", &properties)
                    case .known(.emission): jit.emissionTimeMs = try jitTime(&reader, "Emission", &properties)
                    case .known(.total): jit.totalTimeMs = try jitTime(&reader, "Total", &properties)
                    case .known(let key):
                        properties.append(PlanProperty("JIT Timing " + key.rawValue, try text(of: &reader)))
                    case .other(let name):
                        properties.append(PlanProperty("JIT Timing " + name, try text(of: &reader)))
                    }
                }
            case .known(let key): properties.append(PlanProperty("JIT " + key.rawValue, try text(of: &reader)))
            case .other(let name): properties.append(PlanProperty("JIT " + name, try text(of: &reader)))
            }
        }
        return jit
    }

    /// A JIT time: a number, or since PostgreSQL 17 for "Generation" an object with "Deform" and "Total".
    private static func jitTime(
        _ reader: inout JSONReader, _ name: String, _ properties: inout [PlanProperty]
    ) throws(SyntaxError) -> Double? {
        guard try reader.peekKind() == .object else { return try number(&reader, "JIT " + name, &properties) }
        let value = try reader.readValue()
        for (key, part) in value.objectMembers ?? [] where key != "Total" {
            properties.append(PlanProperty("JIT \(name) \(key)", propertyText(part)))
        }
        return value["Total"]?.doubleValue
    }

    private static func readSettings(
        _ reader: inout JSONReader, _ properties: inout [PlanProperty]
    ) throws(SyntaxError) -> [String: String] {
        let value = try reader.readValue()
        guard let members = value.objectMembers else {
            properties.append(PlanProperty("Settings", propertyText(value)))
            return [:]
        }
        var settings: [String: String] = [:]
        for (name, setting) in members { settings[name] = setting.displayText }
        return settings
    }

    /// One property per worker, "Worker N", listing the worker's members in input order.
    private static func readWorkers(_ reader: inout JSONReader, _ properties: inout [PlanProperty]) throws(SyntaxError) {
        let value = try reader.readValue()
        guard let workers = value.arrayValue else {
            properties.append(PlanProperty("Workers", propertyText(value)))
            return
        }
        for (index, worker) in workers.enumerated() {
            guard let members = worker.objectMembers else {
                properties.append(PlanProperty("Worker \(index)", propertyText(worker)))
                continue
            }
            let number = worker["Worker Number"]?.displayText ?? String(index)
            let details = members.filter { $0.key != "Worker Number" }
                .map { "\($0.key): \(propertyText($0.value))" }
                .joined(separator: ", ")
            properties.append(PlanProperty("Worker \(number)", details))
        }
    }

    // MARK: - Values

    // A member whose value has an unexpected type is kept as a property rather than rejected:
    // the plan is still usable, and the user still sees what the input said.

    private static func number(
        _ reader: inout JSONReader, _ name: String, _ properties: inout [PlanProperty]
    ) throws(SyntaxError) -> Double? {
        switch try reader.peekKind() {
        case .number:
            return try reader.readNumber()
        case .string:
            let text = try reader.readString()
            if let value = Double(text.trimmingBlanks()) { return value }
            properties.append(PlanProperty(name, text))
            return nil
        case .null:
            try reader.skipValue()
            return nil
        default:
            properties.append(PlanProperty(name, try text(of: &reader)))
            return nil
        }
    }

    private static func integer(
        _ reader: inout JSONReader, _ name: String, _ properties: inout [PlanProperty]
    ) throws(SyntaxError) -> Int? {
        guard let value = try number(&reader, name, &properties) else { return nil }
        guard let integer = Int(exactly: value) else {
            properties.append(PlanProperty(name, JSONValue.number(value).displayText))
            return nil
        }
        return integer
    }

    private static func string(
        _ reader: inout JSONReader, _ name: String, _ properties: inout [PlanProperty]
    ) throws(SyntaxError) -> String? {
        switch try reader.peekKind() {
        case .string:
            return try reader.readString()
        case .null:
            try reader.skipValue()
            return nil
        case .number, .bool:
            return try text(of: &reader)
        case .array, .object:
            properties.append(PlanProperty(name, try text(of: &reader)))
            return nil
        }
    }

    private static func bool(
        _ reader: inout JSONReader, _ name: String, _ properties: inout [PlanProperty]
    ) throws(SyntaxError) -> Bool? {
        if try reader.peekKind() == .bool { return try reader.readBool() }
        let value = try reader.readValue()
        if let bool = value.boolValue { return bool }
        properties.append(PlanProperty(name, propertyText(value)))
        return nil
    }

    /// An array of strings ("Output", "Sort Key"); other elements as their display text.
    private static func strings(
        _ reader: inout JSONReader, _ name: String, _ properties: inout [PlanProperty]
    ) throws(SyntaxError) -> [String]? {
        guard try reader.peekKind() == .array else {
            properties.append(PlanProperty(name, try text(of: &reader)))
            return nil
        }
        var items: [String] = []
        try reader.beginArray()
        while try reader.nextElement() {
            if try reader.peekKind() == .string {
                items.append(try reader.readString())
            } else {
                items.append(propertyText(try reader.readValue()))
            }
        }
        return items
    }

    /// Any value as property text.
    private static func text(of reader: inout JSONReader) throws(SyntaxError) -> String {
        if try reader.peekKind() == .string { return try reader.readString() }
        return propertyText(try reader.readValue())
    }

    /// Display text, with arrays of scalars as the text format prints them: "a, b, c".
    private static func propertyText(_ value: JSONValue) -> String {
        guard let items = value.arrayValue else { return value.displayText }
        return items.map(\.displayText).joined(separator: ", ")
    }
}

extension String {
    fileprivate func trimmingBlanks() -> Substring {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
