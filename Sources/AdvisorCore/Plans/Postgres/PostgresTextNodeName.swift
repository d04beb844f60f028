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
        var name = Substring(fullName)
        var isParallel = false
        var isAsync = false
        if name.hasPrefix("Parallel ") {
            isParallel = true
            name = name.dropFirst("Parallel ".count)
        }
        if name.hasPrefix("Async ") {
            isAsync = true
            name = name.dropFirst("Async ".count)
        }
        var node =
            join(name) ?? modifyTable(name) ?? aggregate(name) ?? setOperation(name) ?? indexScan(name)
            ?? scan(name) ?? foreignOrCustomScan(name) ?? otherNode(name)
        if isParallel {
            node.isParallelAware = true
            node.nodeType = "Parallel " + node.nodeType
        }
        if isAsync { node.properties.insert(PlanProperty("Async Capable", "true"), at: 0) }
        return node
    }

    // MARK: - Families

    private static let joinBases = ["Nested Loop", "Hash", "Merge"]

    /// "Nested Loop", "Hash Join", "Merge Right Anti Join"…
    private static func join(_ name: Substring) -> PlanNode? {
        if name == "Nested Loop" { return joinNode("Nested Loop", joinType: "Inner") }
        guard name.hasSuffix(" Join") else { return nil }
        for base in joinBases where name.hasPrefix(base + " ") {
            let middle = name.dropFirst(base.count + 1).dropLast(" Join".count)
            guard middle.allSatisfy({ $0.isLetter || $0 == " " }) else { return nil }
            let nodeType = base == "Nested Loop" ? base : base + " Join"
            return joinNode(nodeType, joinType: middle.isEmpty ? "Inner" : String(middle))
        }
        return nil
    }

    private static func joinNode(_ nodeType: String, joinType: String) -> PlanNode {
        var node = PlanNode(nodeType: nodeType)
        node.joinType = joinType
        return node
    }

    private static let modifyOperations = ["Insert", "Update", "Delete", "Merge"]

    /// "Insert on t", "Update on s.t x", "Merge on t": JSON calls them all ModifyTable.
    private static func modifyTable(_ name: Substring) -> PlanNode? {
        for operation in modifyOperations where name == operation || name.hasPrefix(operation + " on ") {
            var node = PlanNode(nodeType: "ModifyTable")
            node.properties.append(PlanProperty("Operation", operation))
            assignRelation(target(name.dropFirst(operation.count + " on ".count)), to: &node)
            return node
        }
        return nil
    }

    private static let aggregateStrategies: [Substring: String] = [
        "Aggregate": "Plain", "GroupAggregate": "Sorted", "HashAggregate": "Hashed", "MixedAggregate": "Mixed",
    ]

    /// "Aggregate", "GroupAggregate", "Partial HashAggregate", "Finalize GroupAggregate"…: the name stays,
    /// the strategy is the JSON format's.
    private static func aggregate(_ name: Substring) -> PlanNode? {
        var rest = name
        for prefix in ["Partial ", "Finalize "] where rest.hasPrefix(prefix) { rest = rest.dropFirst(prefix.count) }
        guard let strategy = aggregateStrategies[rest] else { return nil }
        var node = PlanNode(nodeType: String(name))
        node.strategy = strategy
        return node
    }

    /// "SetOp Except", "HashSetOp Intersect All": the command becomes a property, as in JSON.
    private static func setOperation(_ name: Substring) -> PlanNode? {
        for (prefix, strategy) in [("HashSetOp", "Hashed"), ("SetOp", "Sorted")]
        where name == prefix || name.hasPrefix(prefix + " ") {
            var node = PlanNode(nodeType: prefix)
            node.strategy = strategy
            let command = name.dropFirst(prefix.count).drop { $0 == " " }
            if !command.isEmpty { node.properties.append(PlanProperty("Command", String(command))) }
            return node
        }
        return nil
    }

    /// "Index Scan [Backward] using i on t", "Index Only Scan …", "Bitmap Index Scan on i".
    private static func indexScan(_ name: Substring) -> PlanNode? {
        if name == "Bitmap Index Scan" || name.hasPrefix("Bitmap Index Scan on ") {
            var node = PlanNode(nodeType: "Bitmap Index Scan")
            var rest = name.dropFirst("Bitmap Index Scan on ".count)
            node.index = identifier(&rest)
            return node
        }
        for base in ["Index Only Scan", "Index Scan"] where name == base || name.hasPrefix(base + " ") {
            var node = PlanNode(nodeType: base)
            var rest = name.dropFirst(base.count)
            node.strategy = "Forward"
            if rest.hasPrefix(" Backward") {
                node.strategy = "Backward"
                rest = rest.dropFirst(" Backward".count)
            }
            if rest.hasPrefix(" using ") {
                rest = rest.dropFirst(" using ".count)
                node.index = identifier(&rest)
            }
            if rest.hasPrefix(" on ") { assignRelation(target(rest.dropFirst(" on ".count)), to: &node) }
            return node
        }
        return nil
    }

    /// What the name after " on " is, per scan type.
    private enum TargetKind { case relation, function, cte, tuplestore, alias }

    private static let scans: [(String, TargetKind)] = [
        ("Seq Scan", .relation), ("Sample Scan", .relation), ("Bitmap Heap Scan", .relation),
        ("Tid Scan", .relation), ("Tid Range Scan", .relation), ("Subquery Scan", .alias),
        ("Function Scan", .function), ("Table Function Scan", .function), ("Values Scan", .alias),
        ("CTE Scan", .cte), ("Named Tuplestore Scan", .tuplestore), ("WorkTable Scan", .cte),
    ]

    /// "Seq Scan on s.t x", "CTE Scan on c", "Function Scan on f x", "Subquery Scan on x"…
    private static func scan(_ name: Substring) -> PlanNode? {
        for (base, kind) in scans where name == base || name.hasPrefix(base + " ") {
            var node = PlanNode(nodeType: base)
            guard name != base else { return node }
            var rest = name.dropFirst(base.count + 1)
            if rest.hasPrefix("on ") {
                rest = rest.dropFirst("on ".count)
            } else if kind != .alias {
                // Only PostgreSQL 8.x printed a scan target without "on" ("Subquery Scan x").
                return nil
            }
            assign(target(rest), kind: kind, to: &node)
            return node
        }
        return nil
    }

    /// "Foreign Scan on t", "Foreign Update on t", "Custom Scan (ChunkAppend) on t".
    private static func foreignOrCustomScan(_ name: Substring) -> PlanNode? {
        for operation in ["Scan", "Insert", "Update", "Delete"] {
            let base = "Foreign " + operation
            guard name == base || name.hasPrefix(base + " on ") else { continue }
            var node = PlanNode(nodeType: "Foreign Scan")
            node.properties.append(PlanProperty("Operation", operation == "Scan" ? "Select" : operation))
            assignRelation(target(name.dropFirst(base.count + " on ".count)), to: &node)
            return node
        }
        guard name.hasPrefix("Custom Scan") else { return nil }
        var node = PlanNode(nodeType: "Custom Scan")
        var rest = name.dropFirst("Custom Scan".count).drop { $0 == " " }
        if rest.hasPrefix("("), let close = rest.firstIndex(of: ")") {
            let provider = rest[rest.index(after: rest.startIndex)..<close]
            node.properties.append(PlanProperty("Custom Plan Provider", String(provider)))
            rest = rest[rest.index(after: close)...]
        }
        if rest.hasPrefix(" on ") { assignRelation(target(rest.dropFirst(" on ".count)), to: &node) }
        return node
    }

    /// Any other node: the name as printed, with a scan target when it reads like one (an
    /// extension's or a newer release's "Something Scan on t").
    private static func otherNode(_ name: Substring) -> PlanNode {
        if let on = name.firstRange(of: " on "), name[..<on.lowerBound].hasSuffix(" Scan") {
            var node = PlanNode(nodeType: String(name[..<on.lowerBound]))
            assignRelation(target(name[on.upperBound...]), to: &node)
            return node
        }
        return PlanNode(nodeType: String(name))
    }

    // MARK: - Targets

    /// "[schema.]name [alias]" with PostgreSQL's identifier quoting.
    private struct Target {
        var names: [String] = []
        var alias: String?

        var object: String? { names.last }
        var schema: String? { names.count > 1 ? names[names.count - 2] : nil }
    }

    private static func target(_ text: Substring) -> Target {
        var rest = text
        var result = Target()
        while let name = identifier(&rest) {
            result.names.append(name)
            guard rest.first == "." else { break }
            rest = rest.dropFirst()
        }
        rest = rest.drop { $0 == " " }
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
    private static func identifier(_ text: inout Substring) -> String? {
        guard let first = text.first else { return nil }
        if first == "\"" {
            var name = ""
            var index = text.index(after: text.startIndex)
            while index < text.endIndex {
                let character = text[index]
                index = text.index(after: index)
                if character == "\"" {
                    guard index < text.endIndex, text[index] == "\"" else { break }
                    index = text.index(after: index)
                }
                name.append(character)
            }
            text = text[index...]
            return name
        }
        let end = text.firstIndex { $0 == " " || $0 == "." } ?? text.endIndex
        guard end > text.startIndex else { return nil }
        let name = String(text[..<end])
        text = text[end...]
        return name
    }
}
