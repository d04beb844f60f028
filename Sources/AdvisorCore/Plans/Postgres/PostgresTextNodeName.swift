/// Turns the name part of a text-format node line into the fields the PostgreSQL JSON parser fills for
/// the same node, so that rules see the same values whichever format was pasted. Both keep the text
/// format's words around the JSON "Node Type" ("Parallel Seq Scan", "Partial HashAggregate",
/// "HashSetOp", with `strategy` set) and take out what JSON has as members: "Hash Left Join" → "Hash
/// Join" with join type "Left"; "Index Scan Backward using i on s.t x" → "Index Scan", direction
/// "Backward", index "i", schema "s", relation "t", alias "x"; "Insert on t" → "ModifyTable" with an
/// Operation property. (explain.c writes the text names from the switch that writes the JSON ones.)
enum PostgresTextNodeName {
    /// The node a name describes; names this parser does not know are kept as the node type.
    static func node(named fullName: String) -> PlanNode {
        node(named: Array(fullName.utf8)[...])
    }

    /// The node a name describes, from the bytes of a node line.
    ///
    /// Works on UTF-8 bytes and fills one node in place: node names are read once per node, and with
    /// Characters and a node built (a kilobyte and more) by each family tried they took a third of the
    /// time of a large plan.
    static func node(named fullName: ArraySlice<UInt8>) -> PlanNode {
        var name = fullName
        var isParallel = false
        var isAsync = false
        if name.hasPrefix("Parallel ") {
            isParallel = true
            name = name.dropFirst("Parallel ".utf8.count)
        }
        if name.hasPrefix("Async ") {
            isAsync = true
            name = name.dropFirst("Async ".utf8.count)
        }
        var node = PlanNode(nodeType: "", operation: .other)
        let recognised =
            join(name, &node) || modifyTable(name, &node) || aggregate(name, &node) || setOperation(name, &node)
            || indexScan(name, &node) || scan(name, &node) || foreignOrCustomScan(name, &node)
        if !recognised { otherNode(name, &node) }
        if isParallel {
            node.isParallelAware = true
            node.nodeType = "Parallel " + node.nodeType
        }
        if isAsync { node.properties.insert(PlanProperty("Async Capable", "true"), at: 0) }
        return node
    }

    /// False when `node(named:)` is sure to give `.other`: every node type and family word starts with an
    /// ASCII capital followed by a small letter ("Seq Scan", "Hash Join", "Parallel …"), or is "CTE Scan".
    /// Lets the SQL and prose around a plan skip building a node for each line.
    static func mayName(_ name: ArraySlice<UInt8>) -> Bool {
        guard name.count >= 2 else { return false }
        let first = name[name.startIndex]
        let second = name[name.startIndex + 1]
        guard first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z") else { return false }
        return (second >= UInt8(ascii: "a") && second <= UInt8(ascii: "z")) || name.starts(with: "CTE ".utf8)
    }

    private typealias Text = ArraySlice<UInt8>

    /// Gives the node its type and the operation that type means. Each family below changes the node
    /// only once it knows the name is one of its own.
    private static func setType(_ nodeType: String, of node: inout PlanNode, operation: PlanOperation? = nil) {
        node.nodeType = nodeType
        node.operation = operation ?? PlanOperation(postgresNodeType: nodeType)
    }

    // MARK: - Families

    private static let joinBases = ["Nested Loop", "Hash", "Merge"]

    /// "Nested Loop", "Hash Join", "Merge Right Anti Join"…
    private static func join(_ name: Text, _ node: inout PlanNode) -> Bool {
        if name.equals("Nested Loop") {
            setType("Nested Loop", of: &node)
            node.joinType = "Inner"
            return true
        }
        guard name.hasSuffix(" Join") else { return false }
        for base in joinBases where name.startsWithWord(base) {
            let middleStart = name.startIndex + base.utf8.count + 1
            let middle = String(decoding: name[middleStart..<max(middleStart, name.endIndex - 5)], as: UTF8.self)
            guard middle.allSatisfy({ $0.isLetter || $0 == " " }) else { return false }
            setType(base == "Nested Loop" ? base : base + " Join", of: &node)
            node.joinType = middle.isEmpty ? "Inner" : middle
            return true
        }
        return false
    }

    private static let modifyOperations = ["Insert", "Update", "Delete", "Merge"]

    /// "Insert on t", "Update on s.t x", "Merge on t": JSON calls them all ModifyTable.
    private static func modifyTable(_ name: Text, _ node: inout PlanNode) -> Bool {
        for operation in modifyOperations where name.equals(operation) || name.startsWith(operation, then: " on ") {
            setType("ModifyTable", of: &node)
            node.properties.append(PlanProperty("Operation", operation))
            assignRelation(target(name.dropFirst(operation.utf8.count + " on ".utf8.count)), to: &node)
            return true
        }
        return false
    }

    private static let aggregateStrategies = [
        ("Aggregate", "Plain"), ("GroupAggregate", "Sorted"), ("HashAggregate", "Hashed"), ("MixedAggregate", "Mixed"),
    ]

    /// "Aggregate", "GroupAggregate", "Partial HashAggregate", "Finalize GroupAggregate"…: the name stays,
    /// the strategy is the JSON format's.
    private static func aggregate(_ name: Text, _ node: inout PlanNode) -> Bool {
        var rest = name
        if rest.hasPrefix("Partial ") { rest = rest.dropFirst("Partial ".utf8.count) }
        if rest.hasPrefix("Finalize ") { rest = rest.dropFirst("Finalize ".utf8.count) }
        guard let strategy = aggregateStrategies.first(where: { rest.equals($0.0) })?.1 else { return false }
        setType(name.string, of: &node)
        node.strategy = strategy
        return true
    }

    private static let setOperations = [("HashSetOp", "Hashed"), ("SetOp", "Sorted")]

    /// "SetOp Except", "HashSetOp Intersect All": the command becomes a property, as in JSON.
    private static func setOperation(_ name: Text, _ node: inout PlanNode) -> Bool {
        for (prefix, strategy) in setOperations where name.startsWithWord(prefix) {
            setType(prefix, of: &node)
            node.strategy = strategy
            let command = name.dropFirst(prefix.utf8.count).drop { $0 == space }
            if !command.isEmpty { node.properties.append(PlanProperty("Command", command.string)) }
            return true
        }
        return false
    }

    /// Each with its operation looked up once, not for every node.
    private static let indexScans = ["Index Only Scan", "Index Scan"].map { ($0, PlanOperation(postgresNodeType: $0)) }

    /// "Index Scan [Backward] using i on t", "Index Only Scan …", "Bitmap Index Scan on i".
    private static func indexScan(_ name: Text, _ node: inout PlanNode) -> Bool {
        if name.equals("Bitmap Index Scan") || name.hasPrefix("Bitmap Index Scan on ") {
            setType("Bitmap Index Scan", of: &node)
            var rest = name.dropFirst("Bitmap Index Scan on ".utf8.count)
            node.index = identifier(&rest)
            return true
        }
        for (base, operation) in indexScans where name.startsWithWord(base) {
            setType(base, of: &node, operation: operation)
            var rest = name.dropFirst(base.utf8.count)
            node.strategy = "Forward"
            if rest.hasPrefix(" Backward") {
                node.strategy = "Backward"
                rest = rest.dropFirst(" Backward".utf8.count)
            }
            if rest.hasPrefix(" using ") {
                rest = rest.dropFirst(" using ".utf8.count)
                node.index = identifier(&rest)
            }
            if rest.hasPrefix(" on ") { assignRelation(target(rest.dropFirst(" on ".utf8.count)), to: &node) }
            return true
        }
        return false
    }

    /// What the name after " on " is, per scan type.
    private enum TargetKind { case relation, function, cte, tuplestore, alias }

    /// Each with its operation looked up once, not for every node.
    private static let scans: [(String, TargetKind, PlanOperation)] = [
        ("Seq Scan", .relation), ("Sample Scan", .relation), ("Bitmap Heap Scan", .relation),
        ("Tid Scan", .relation), ("Tid Range Scan", .relation), ("Subquery Scan", .alias),
        ("Function Scan", .function), ("Table Function Scan", .function), ("Values Scan", .alias),
        ("CTE Scan", .cte), ("Named Tuplestore Scan", .tuplestore), ("WorkTable Scan", .cte),
    ].map { ($0, $1, PlanOperation(postgresNodeType: $0)) }

    /// "Seq Scan on s.t x", "CTE Scan on c", "Function Scan on f x", "Subquery Scan on x"…
    private static func scan(_ name: Text, _ node: inout PlanNode) -> Bool {
        for (base, kind, operation) in scans where name.startsWithWord(base) {
            guard !name.equals(base) else {
                setType(base, of: &node, operation: operation)
                return true
            }
            var rest = name.dropFirst(base.utf8.count + 1)
            if rest.hasPrefix("on ") {
                rest = rest.dropFirst("on ".utf8.count)
            } else if kind != .alias {
                // Only PostgreSQL 8.x printed a scan target without "on" ("Subquery Scan x").
                return false
            }
            setType(base, of: &node, operation: operation)
            assign(target(rest), kind: kind, to: &node)
            return true
        }
        return false
    }

    private static let foreignOperations = ["Scan", "Insert", "Update", "Delete"]

    /// "Foreign Scan on t", "Foreign Update on t", "Custom Scan (ChunkAppend) on t".
    private static func foreignOrCustomScan(_ name: Text, _ node: inout PlanNode) -> Bool {
        if name.hasPrefix("Foreign ") {
            let afterForeign = name.dropFirst("Foreign ".utf8.count)
            for operation in foreignOperations
            where afterForeign.equals(operation) || afterForeign.startsWith(operation, then: " on ") {
                setType("Foreign Scan", of: &node)
                node.properties.append(PlanProperty("Operation", operation == "Scan" ? "Select" : operation))
                assignRelation(target(afterForeign.dropFirst(operation.utf8.count + " on ".utf8.count)), to: &node)
                return true
            }
        }
        guard name.hasPrefix("Custom Scan") else { return false }
        setType("Custom Scan", of: &node)
        var rest = name.dropFirst("Custom Scan".utf8.count).drop { $0 == space }
        if rest.first == UInt8(ascii: "("), let close = rest.firstIndex(of: UInt8(ascii: ")")) {
            let provider = rest[(rest.startIndex + 1)..<close]
            node.properties.append(PlanProperty("Custom Plan Provider", provider.string))
            rest = rest[(close + 1)...]
        }
        if rest.hasPrefix(" on ") { assignRelation(target(rest.dropFirst(" on ".utf8.count)), to: &node) }
        return true
    }

    /// Any other node: the name as printed, with a scan target when it reads like one (an
    /// extension's or a newer release's "Something Scan on t").
    private static func otherNode(_ name: Text, _ node: inout PlanNode) {
        if let on = name.firstIndex(of: " on "), name[..<on].hasSuffix(" Scan") {
            setType(name[..<on].string, of: &node)
            assignRelation(target(name[(on + " on ".utf8.count)...]), to: &node)
            return
        }
        setType(name.string, of: &node)
    }

    // MARK: - Targets

    /// "[schema.]name [alias]" with PostgreSQL's identifier quoting.
    private struct Target {
        var names: [String] = []
        var alias: String?

        var object: String? { names.last }
        var schema: String? { names.count > 1 ? names[names.count - 2] : nil }
    }

    private static func target(_ text: Text) -> Target {
        var rest = text
        var result = Target()
        while let name = identifier(&rest) {
            result.names.append(name)
            guard rest.first == UInt8(ascii: ".") else { break }
            rest = rest.dropFirst()
        }
        rest = rest.drop { $0 == space }
        result.alias = identifier(&rest)
        return result
    }

    private static func assign(_ target: Target, kind: TargetKind, to node: inout PlanNode) {
        switch kind {
        case .relation:
            assignRelation(target, to: &node)
        case .function:
            node.functionName = target.object
            node.schema = target.schema
            node.alias = distinctAlias(target)
        case .cte:
            node.cteName = target.object
            node.alias = distinctAlias(target)
        case .tuplestore:
            if let object = target.object { node.properties.append(PlanProperty("Tuplestore Name", object)) }
            node.alias = distinctAlias(target)
        case .alias:
            node.alias = target.alias ?? target.object
        }
    }

    private static func assignRelation(_ target: Target, to node: inout PlanNode) {
        node.relation = target.object
        node.schema = target.schema
        node.alias = distinctAlias(target)
    }

    /// The text format prints an alias only when it differs from the object's name; so does the model.
    private static func distinctAlias(_ target: Target) -> String? {
        guard let alias = target.alias, alias != target.object else { return nil }
        return alias
    }

    /// Reads one identifier from the front of `text`: `"Quoted ""name"""` or a bare word ending at a
    /// space or a dot. Nil when there is none.
    private static func identifier(_ text: inout Text) -> String? {
        guard let first = text.first else { return nil }
        if first == UInt8(ascii: "\"") {
            var name: [UInt8] = []
            var index = text.startIndex + 1
            while index < text.endIndex {
                let byte = text[index]
                index += 1
                if byte == UInt8(ascii: "\"") {
                    guard index < text.endIndex, text[index] == UInt8(ascii: "\"") else { break }
                    index += 1
                }
                name.append(byte)
            }
            text = text[index...]
            return String(decoding: name, as: UTF8.self)
        }
        let end = text.firstIndex { $0 == space || $0 == UInt8(ascii: ".") } ?? text.endIndex
        guard end > text.startIndex else { return nil }
        let name = text[..<end].string
        text = text[end...]
        return name
    }

    private static let space = UInt8(ascii: " ")
}

// Byte comparisons with the names' words. Every node name goes through a few dozen of them, so they
// compare the literal's stored UTF-8 directly rather than iterating its UTF-8 view.
extension ArraySlice<UInt8> {
    fileprivate var string: String { String(decoding: self, as: UTF8.self) }

    /// True when `literal` occurs `offset` bytes from the start.
    fileprivate func matches(_ literal: String, at offset: Int) -> Bool {
        let direct = literal.utf8.withContiguousStorageIfAvailable { pattern in
            guard offset >= 0, count - offset >= pattern.count else { return false }
            let start = startIndex + offset
            for index in pattern.indices where self[start + index] != pattern[index] { return false }
            return true
        }
        return direct ?? (offset >= 0 && dropFirst(offset).starts(with: literal.utf8))
    }

    fileprivate func equals(_ literal: String) -> Bool { count == literal.utf8.count && matches(literal, at: 0) }

    fileprivate func hasPrefix(_ literal: String) -> Bool { matches(literal, at: 0) }

    fileprivate func hasSuffix(_ literal: String) -> Bool { matches(literal, at: count - literal.utf8.count) }

    /// True when the bytes are `word`, or start with `word` and a space.
    fileprivate func startsWithWord(_ word: String) -> Bool {
        let length = word.utf8.count
        return matches(word, at: 0) && (count == length || self[startIndex + length] == UInt8(ascii: " "))
    }

    /// True when the bytes start with `first` followed by `second`.
    fileprivate func startsWith(_ first: String, then second: String) -> Bool {
        matches(first, at: 0) && matches(second, at: first.utf8.count)
    }

    /// Where `literal` first occurs.
    fileprivate func firstIndex(of literal: String) -> Int? {
        guard let first = literal.utf8.first, count >= literal.utf8.count else { return nil }
        return (0...(count - literal.utf8.count)).first { self[startIndex + $0] == first && matches(literal, at: $0) }
            .map { startIndex + $0 }
    }
}
