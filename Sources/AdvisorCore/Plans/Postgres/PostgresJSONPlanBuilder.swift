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

    /// Deeper trees are refused: reading them is iterative, but timing, encoding and comparing plans
    /// walk the tree recursively. Real plans are far shallower.
    static let maxNodeDepth = 1_000

    /// Reads one document: an array of statement objects or a single statement object.
    mutating func readDocument(_ reader: inout JSONReader) throws(SyntaxError) {
        let kind = try reader.peekKind()
        let start = reader.offset
        switch kind {
        case .array:
            let plansBefore = plans.count
            try reader.beginArray()
            while try reader.nextElement() {
                guard try reader.peekKind() == .object else {
                    throw SyntaxError(offset: reader.offset, expected: "a plan object ({\"Plan\": …}) in the array")
                }
                try readStatement(&reader)
            }
            if plans.count == plansBefore {
                throw SyntaxError(
                    offset: start, expected: "at least one plan object ({\"Plan\": …}) in the array")
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
            let key: PostgresJSONDocumentKey
            switch member {
            case .known(let known): key = known
            case .other(let name):
                properties.append(PlanProperty(name, try Self.text(of: &reader)))
                continue
            }
            switch key {
            case .plan:
                guard try reader.peekKind() == .object else {
                    throw SyntaxError(offset: reader.offset, expected: "a plan node object for \"Plan\"")
                }
                root = try readTree(&reader)
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

    /// A node whose object is being read: what is settled only at its closing brace.
    private struct PendingNode {
        var node = PlanNode(nodeType: "", operation: .other)
        /// Offset of the node's '{', for errors about the node as a whole.
        var start: Int
        var nodeType: String?
        var aggregateStrategy: String?
        var partialMode: String?
        var buffers = Buffers()
        var hasBuffers = false
        /// True while the reader is inside this node's "Plans" array.
        var readingChildren = false
    }

    /// Reads a node and everything below it. Iterative, with the nodes being read on a heap-allocated
    /// stack, so that deep plans cannot exhaust the thread's stack.
    private mutating func readTree(_ reader: inout JSONReader) throws(SyntaxError) -> PlanNode {
        var pending = [try Self.beginNode(&reader)]
        while true {
            let top = pending.count - 1
            if pending[top].readingChildren {
                if try reader.nextElement() {
                    guard try reader.peekKind() == .object else {
                        throw SyntaxError(offset: reader.offset, expected: "a plan node object in \"Plans\"")
                    }
                    guard pending.count < Self.maxNodeDepth else {
                        throw SyntaxError(
                            offset: reader.offset, expected: "a plan less than \(Self.maxNodeDepth) nodes deep")
                    }
                    pending.append(try Self.beginNode(&reader))
                } else {
                    pending[top].readingChildren = false
                }
            } else if let member = try reader.nextMember(in: PostgresJSONNodeKey.table) {
                try readMember(member, of: &pending[top], &reader)
            } else {
                let node = try Self.finish(pending.removeLast())
                guard let parent = pending.indices.last else { return node }
                pending[parent].node.children.append(node)
            }
        }
    }

    private static func beginNode(_ reader: inout JSONReader) throws(SyntaxError) -> PendingNode {
        _ = try reader.peekKind()
        let pending = PendingNode(start: reader.offset)
        try reader.beginObject()
        return pending
    }

    private mutating func readMember(
        _ member: JSONReader.Member<PostgresJSONNodeKey>, of pending: inout PendingNode, _ reader: inout JSONReader
    ) throws(SyntaxError) {
        let key: PostgresJSONNodeKey
        switch member {
        case .known(let known): key = known
        case .other(let name):
            pending.node.properties.append(PlanProperty(name, try Self.text(of: &reader)))
            return
        }
        let name = key.rawValue
        switch key {
        case .nodeType: pending.nodeType = try Self.string(&reader, name, &pending.node.properties)
        case .parentRelationship:
            pending.node.parentRelationship = try Self.string(&reader, name, &pending.node.properties)
        case .subplanName: pending.node.subplanName = try Self.string(&reader, name, &pending.node.properties)
        case .joinType: pending.node.joinType = try Self.string(&reader, name, &pending.node.properties)
        case .strategy:
            pending.aggregateStrategy = try Self.string(&reader, name, &pending.node.properties)
            pending.node.strategy = pending.aggregateStrategy
        case .scanDirection: pending.node.strategy = try Self.string(&reader, name, &pending.node.properties)
        case .partialMode: pending.partialMode = try Self.string(&reader, name, &pending.node.properties)
        case .parallelAware:
            pending.node.isParallelAware = try Self.bool(&reader, name, &pending.node.properties) ?? false
        case .relationName: pending.node.relation = try Self.string(&reader, name, &pending.node.properties)
        case .schema: pending.node.schema = try Self.string(&reader, name, &pending.node.properties)
        case .alias: pending.node.alias = try Self.string(&reader, name, &pending.node.properties)
        case .indexName: pending.node.index = try Self.string(&reader, name, &pending.node.properties)
        case .cteName: pending.node.cteName = try Self.string(&reader, name, &pending.node.properties)
        case .functionName: pending.node.functionName = try Self.string(&reader, name, &pending.node.properties)

        case .startupCost: pending.node.startupCost = try Self.number(&reader, name, &pending.node.properties)
        case .totalCost: pending.node.totalCost = try Self.number(&reader, name, &pending.node.properties)
        case .planRows: pending.node.estimatedRows = try Self.number(&reader, name, &pending.node.properties)
        case .planWidth: pending.node.estimatedWidth = try Self.number(&reader, name, &pending.node.properties)
        case .actualStartupTime:
            pending.node.actualStartupTimeMs = try Self.number(&reader, name, &pending.node.properties)
            sawTiming = sawTiming || pending.node.actualStartupTimeMs != nil
        case .actualTotalTime:
            pending.node.actualTotalTimeMs = try Self.number(&reader, name, &pending.node.properties)
            sawTiming = sawTiming || pending.node.actualTotalTimeMs != nil
        case .actualRows:
            pending.node.actualRows = try Self.number(&reader, name, &pending.node.properties)
            sawActuals = sawActuals || pending.node.actualRows != nil
        case .actualLoops:
            pending.node.loops = try Self.number(&reader, name, &pending.node.properties)
            sawActuals = sawActuals || pending.node.loops != nil

        case .filter: pending.node.filter = try Self.string(&reader, name, &pending.node.properties)
        case .indexCond: pending.node.indexCondition = try Self.string(&reader, name, &pending.node.properties)
        case .recheckCond: pending.node.recheckCondition = try Self.string(&reader, name, &pending.node.properties)
        case .joinFilter: pending.node.joinFilter = try Self.string(&reader, name, &pending.node.properties)
        case .hashCond: pending.node.hashCondition = try Self.string(&reader, name, &pending.node.properties)
        case .mergeCond: pending.node.mergeCondition = try Self.string(&reader, name, &pending.node.properties)
        case .rowsRemovedByFilter:
            pending.node.rowsRemovedByFilter = try Self.number(&reader, name, &pending.node.properties)
        case .rowsRemovedByIndexRecheck:
            pending.node.rowsRemovedByIndexRecheck = try Self.number(&reader, name, &pending.node.properties)
        case .rowsRemovedByJoinFilter:
            pending.node.rowsRemovedByJoinFilter = try Self.number(&reader, name, &pending.node.properties)
        case .heapFetches: pending.node.heapFetches = try Self.number(&reader, name, &pending.node.properties)

        case .sortKey: pending.node.sortKey = try Self.strings(&reader, name, &pending.node.properties)
        case .sortMethod: pending.node.sortMethod = try Self.string(&reader, name, &pending.node.properties)
        case .sortSpaceUsed: pending.node.sortSpaceUsedKB = try Self.number(&reader, name, &pending.node.properties)
        case .sortSpaceType: pending.node.sortSpaceType = try Self.string(&reader, name, &pending.node.properties)
        case .hashBuckets: pending.node.hashBuckets = try Self.number(&reader, name, &pending.node.properties)
        case .originalHashBuckets:
            pending.node.originalHashBuckets = try Self.number(&reader, name, &pending.node.properties)
        case .hashBatches, .hashAggBatches:
            pending.node.hashBatches = try Self.number(&reader, name, &pending.node.properties)
        case .originalHashBatches:
            pending.node.originalHashBatches = try Self.number(&reader, name, &pending.node.properties)
        case .peakMemoryUsage: pending.node.peakMemoryUsageKB = try Self.number(&reader, name, &pending.node.properties)
        case .diskUsage: pending.node.diskUsageKB = try Self.number(&reader, name, &pending.node.properties)
        case .exactHeapBlocks: pending.node.exactHeapBlocks = try Self.number(&reader, name, &pending.node.properties)
        case .lossyHeapBlocks: pending.node.lossyHeapBlocks = try Self.number(&reader, name, &pending.node.properties)
        case .workersPlanned: pending.node.workersPlanned = try Self.integer(&reader, name, &pending.node.properties)
        case .workersLaunched: pending.node.workersLaunched = try Self.integer(&reader, name, &pending.node.properties)
        case .output: pending.node.output = try Self.strings(&reader, name, &pending.node.properties)
        case .workers: try Self.readWorkers(&reader, &pending.node.properties)
        case .plans:
            guard try reader.peekKind() == .array else {
                throw SyntaxError(offset: reader.offset, expected: "an array of plan nodes for \"Plans\"")
            }
            try reader.beginArray()
            pending.readingChildren = true

        default:
            if let value = try Self.number(&reader, name, &pending.node.properties) {
                pending.hasBuffers = key.apply(value, to: &pending.buffers) || pending.hasBuffers
            }
        }
    }

    /// The node once its closing brace is read: the name and the fields that depend on several members.
    private static func finish(_ pending: PendingNode) throws(SyntaxError) -> PlanNode {
        guard let nodeType = pending.nodeType else {
            throw SyntaxError(offset: pending.start, expected: "a \"Node Type\" member in this plan node")
        }
        var node = pending.node
        node.nodeType = displayName(
            nodeType, strategy: pending.aggregateStrategy, partialMode: pending.partialMode,
            parallelAware: node.isParallelAware)
        node.operation = PlanOperation(postgresNodeType: node.nodeType)
        if node.loops == 0 { node.neverExecuted = true }
        if pending.hasBuffers { node.buffers = pending.buffers }
        // The text format prints an alias only where it differs from the object's name; match it.
        if let alias = node.alias, [node.relation, node.cteName, node.functionName].contains(alias) {
            node.alias = nil
        }
        return node
    }

    /// The node type as the text format names it, less join types, scan directions and operations.
    static func displayName(_ nodeType: String, strategy: String?, partialMode: String?, parallelAware: Bool) -> String
    {
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
    private static func readWorkers(_ reader: inout JSONReader, _ properties: inout [PlanProperty]) throws(SyntaxError)
    {
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
