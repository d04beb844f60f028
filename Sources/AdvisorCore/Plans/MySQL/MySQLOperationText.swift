import Foundation

/// Reads the operation text MySQL prints for a node in `EXPLAIN FORMAT=TREE`, `EXPLAIN ANALYZE`
/// and JSON format version 2 (`"operation"`): "Index lookup on t2 using a (a = t1.a)",
/// "Filter: (t1.x < t2.y)", "Inner hash join (t1.a = t2.a)", "Sort: t1.f1 DESC".
///
/// `nodeType` is the operation without its operands ("Index lookup", "Filter", "Inner hash join");
/// the operands go to their fields (relation, index, conditions, sort key) or to `properties`.
enum MySQLOperationText {
    /// A node for an operation text, without numbers and children.
    static func node(_ text: String) -> PlanNode {
        // One test each rather than a chain of `??`, which copies the node at every step.
        if let node = tableAccess(text) { return node }
        if let node = indexAccess(text) { return node }
        if let node = join(text) { return node }
        if let node = rowOperation(text) { return node }
        return PlanNode(nodeType: text, operation: .other)
    }

    /// What a heading line introduces: the build input of a hash join, a subquery, or something else.
    enum Heading {
        case hash
        case subquery(String)
        case other(String)
    }

    /// Heading lines MySQL prints above a child instead of a node ("-> Hash", "-> Select #2 (…)").
    static func heading(_ text: String) -> Heading? {
        if text == "Hash" { return .hash }
        if text.hasPrefix("Select #") { return .subquery(text) }
        if text == "Batch input rows" || text.hasPrefix("Clustered primary key") { return .other(text) }
        return nil
    }

    /// "InitPlan" for a subquery evaluated once ("run only once"), "SubPlan" for one evaluated per row.
    static func subqueryRelationship(_ heading: String) -> String {
        heading.bytesContain("run only once") ? "InitPlan" : "SubPlan"
    }

    // MARK: - Table access

    private static func tableAccess(_ text: String) -> PlanNode? {
        var node: PlanNode
        if let table = text.removingPrefix("Table scan on ") ?? text.removingPrefix("Sample scan on ") {
            node = PlanNode(nodeType: text.hasPrefix("Table") ? "Table scan" : "Sample scan", operation: .seqScan)
            node.accessType = "ALL"
            if let range = table.byteRange(of: " in secondary engine ") {
                node.relation = String(table[..<range.lowerBound])
                node.properties.append(PlanProperty("Secondary engine", String(table[range.upperBound...])))
            } else {
                node.relation = String(table)
            }
            if let relation = node.relation, MySQLTableAccess.isInternalTableName(relation) {
                node.operation = .subqueryScan
            }
        } else if let table = text.removingPrefix("Constant row from ") {
            node = PlanNode(nodeType: "Constant row", operation: .indexScan)
            node.accessType = "const"
            node.relation = String(table)
        } else if let table = text.removingPrefix("Count rows in ") {
            node = PlanNode(nodeType: "Count rows", operation: .aggregate)
            node.relation = String(table)
        } else if let table = text.removingPrefix("Fill information schema table ") {
            node = PlanNode(nodeType: "Fill information schema table", operation: .other)
            node.relation = String(table)
        } else if let table = text.removingPrefix("Scan new records on ") {
            node = PlanNode(nodeType: "Scan new records", operation: .other)
            node.relation = String(table)
        } else {
            return nil
        }
        return node
    }

    /// "[Single-row |Multi-range |Full-text ][covering ]index <scan|lookup|range scan|skip scan|search>
    /// on T using K [(lookup)] [over ranges] [(reverse)] [, with index condition: c]", and the dynamic
    /// "Index range scan on T (re-planned for each iteration)".
    private static func indexAccess(_ text: String) -> PlanNode? {
        guard let on = text.byteRange(of: " on ") else { return nil }
        let kind = String(text[..<on.lowerBound])
        let lower = kind.lowercased()
        let prefixes = ["index ", "covering index ", "single-row ", "multi-range ", "full-text "]
        guard prefixes.contains(where: lower.hasPrefix), lower.bytesContain("index ") else { return nil }

        var node = PlanNode(nodeType: kind, operation: .indexScan)
        var rest = text[on.upperBound...]
        if let pushed = rest.byteRange(of: ", with index condition: ") {
            node.indexCondition = String(rest[pushed.upperBound...])
            rest = rest[..<pushed.lowerBound]
        }
        if rest.bytesContain(" (re-planned for each iteration)") {
            rest = Substring(rest.replacingOccurrences(of: " (re-planned for each iteration)", with: ""))
            node.notes.append("Range checked for each record")
        }
        if let using = rest.byteRange(of: " using ") {
            node.relation = String(rest[..<using.lowerBound])
            let index = prefixUpToWhitespace(rest[using.upperBound...])
            node.index = String(index)
            rest = rest[index.endIndex...]
        } else {
            let table = prefixUpToWhitespace(rest)
            node.relation = String(table)
            rest = rest[table.endIndex...]
        }
        if rest.hasSuffix(" (reverse)") {
            node.strategy = "Backward"
            rest = rest.dropLast(" (reverse)".count)
        }
        if let ranges = rest.removingPrefix(" over ") {
            node.properties.append(PlanProperty("Ranges", String(ranges)))
        } else if rest.hasPrefix(" ("), rest.hasSuffix(")") {
            node.properties.append(PlanProperty("Lookup condition", String(rest.dropFirst(2).dropLast())))
        } else if !rest.trimmingCharacters(in: .whitespaces).isEmpty {
            node.properties.append(PlanProperty("Details", rest.trimmingCharacters(in: .whitespaces)))
        }

        let covering = lower.bytesContain("covering index")
        if lower.bytesContain("lookup") {
            node.accessType = lower.hasPrefix("single-row") ? "eq_ref" : "ref"
        } else if lower.bytesContain("range scan") || lower.bytesContain("skip scan") {
            node.accessType = "range"
        } else if lower.bytesContain("search") {
            node.accessType = "fulltext"
        } else {
            node.accessType = "index"
        }
        if covering {
            node.operation = .indexOnlyScan
        } else if node.accessType == "index" {
            node.operation = .fullIndexScan
        }
        return node
    }

    // MARK: - Joins

    private static let joinTypes: [(words: String, joinType: String)] = [
        ("inner join", "Inner"), ("left join", "Left"), ("antijoin", "Anti"), ("semijoin", "Semi"),
        ("full outer join", "Full"),
    ]

    private static func join(_ text: String) -> PlanNode? {
        for prefix in ["Nested loop ", "Batched key access "] {
            guard let rest = text.removingPrefix(prefix) else { continue }
            var node = PlanNode(nodeType: text, operation: .nestedLoop)
            node.joinType = joinTypes.first { rest.hasPrefix($0.words) }?.joinType
            return node
        }
        let hashJoins: [(prefix: String, joinType: String)] = [
            ("Inner hash join", "Inner"), ("Left hash join", "Left"), ("Hash antijoin", "Anti"),
            ("Hash semijoin", "Semi"), ("Full hash join", "Full"),
        ]
        for (prefix, joinType) in hashJoins {
            guard var rest = text.removingPrefix(prefix) else { continue }
            var node = PlanNode(nodeType: prefix, operation: .hashJoin)
            node.joinType = joinType
            if let extra = rest.byteRange(of: ", extra conditions: ") {
                node.joinFilter = String(rest[extra.upperBound...])
                rest = rest[..<extra.lowerBound]
            }
            rest = rest.drop { $0 == " " }
            var strategies: [String] = []
            for strategy in ["(FirstMatch)", "(LooseScan)"] where rest.hasPrefix(strategy) {
                strategies.append(String(strategy.dropFirst().dropLast()))
                rest = rest.dropFirst(strategy.count).drop { $0 == " " }
            }
            if !strategies.isEmpty {
                node.properties.append(PlanProperty("Semijoin strategy", strategies.joined(separator: ", ")))
            }
            if !rest.isEmpty, rest != "(no condition)" { node.hashCondition = String(rest) }
            return node
        }
        return nil
    }

    // MARK: - Everything that works on rows

    private static func rowOperation(_ text: String) -> PlanNode? {
        let (name, operands) = splitOperands(text)
        var node: PlanNode
        switch name {
        case "Filter":
            node = PlanNode(nodeType: name, operation: .filter)
            node.filter = operands
        case "Sort", "Sort row IDs", "Sort with duplicate removal", "Sort row IDs with duplicate removal":
            node = PlanNode(nodeType: name, operation: .sort)
            node.usingFilesort = true
            if var keys = operands {
                if let chunk = keys.byteRange(of: ", limit input to ") {
                    node.properties.append(PlanProperty("Limit per chunk", String(keys[chunk.upperBound...])))
                    keys = String(keys[..<chunk.lowerBound])
                }
                node.sortKey = splitTopLevel(keys)
            }
        case "Aggregate", "Group aggregate", "Group aggregate with rollup", "Group aggregate with cube",
            "Group (no aggregates)":
            node = PlanNode(nodeType: name, operation: .aggregate)
            node.strategy = name == "Aggregate" ? "Plain" : "Sorted"
            if let operands { node.properties.append(PlanProperty("Functions", operands)) }
        case "Aggregate using temporary table":
            node = PlanNode(nodeType: name, operation: .aggregate)
            node.strategy = "Hashed"
            node.usingTemporary = true
        case "Limit", "Limit/Offset", "Offset", "Limit table size":
            node = PlanNode(nodeType: name, operation: .limit)
            if let operands { node.properties.append(PlanProperty(name, operands)) }
        case "Temporary table", "Temporary table with deduplication":
            node = PlanNode(nodeType: name, operation: .materialize)
            node.usingTemporary = true
        case "Stream results":
            node = PlanNode(nodeType: name, operation: .other)
        case "Append":
            node = PlanNode(nodeType: name, operation: .append)
        case "Rows fetched before execution":
            node = PlanNode(nodeType: name, operation: .result)
        case "Hash":
            node = PlanNode(nodeType: name, operation: .hash)
        case "Sort-deduplicate by row ID", "Deduplicate rows sorted by row ID":
            node = PlanNode(nodeType: name, operation: .bitmapOr)
            node.accessType = "index_merge"
        case "Intersect rows sorted by row ID":
            node = PlanNode(nodeType: name, operation: .bitmapAnd)
            node.accessType = "index_merge"
        case "Materialize table function":
            node = PlanNode(nodeType: name, operation: .functionScan)
        default:
            return namedByPrefix(text, name: name, operands: operands)
        }
        return node
    }

    /// Operations whose name carries an operand without a colon: "Zero rows (cause)", "Insert into t",
    /// "Materialize CTE c", "Window aggregate with buffering: …", "Remove duplicates from input …".
    private static func namedByPrefix(_ text: String, name: String, operands: String?) -> PlanNode? {
        var node: PlanNode
        if text.hasPrefix("Zero rows") || text.hasPrefix("Zero input rows") {
            node = PlanNode(nodeType: text.hasPrefix("Zero rows") ? "Zero rows" : "Zero input rows", operation: .result)
            if let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close {
                node.properties.append(PlanProperty("Cause", String(text[text.index(after: open)..<close])))
            }
        } else if name.hasPrefix("Window ") {
            node = PlanNode(nodeType: name, operation: .windowAgg)
            if let operands { node.properties.append(PlanProperty("Functions", operands)) }
        } else if let (verb, tables) = modification(text) {
            // Named like PostgreSQL's ModifyTable nodes: "Insert on t1".
            node = PlanNode(nodeType: verb, operation: .modifyTable)
            node.relation = String(tables.prefix { $0 != " " && $0 != "," })
            if tables.bytesContain(",") || tables.bytesContain(" (") {
                node.properties.append(PlanProperty("Tables", String(tables)))
            }
        } else if let input = text.removingPrefix("Remove duplicates from input ") {
            node = PlanNode(nodeType: "Remove duplicates from input", operation: .unique)
            node.properties.append(PlanProperty("Input", String(input)))
        } else if let tables = text.removingPrefix("Remove duplicate "), tables.hasSuffix(" (weedout)") {
            node = PlanNode(nodeType: "Remove duplicates using temporary table (weedout)", operation: .unique)
            node.usingTemporary = true
            let suffix = " rows using temporary table (weedout)"
            if tables.hasSuffix(suffix) {
                node.properties.append(PlanProperty("Tables", String(tables.dropLast(suffix.count))))
            }
        } else if text.hasPrefix("Materialize") || text.bytesContain(" materialize") {
            node = PlanNode(nodeType: text, operation: .materialize)
            node.usingTemporary = true
            for prefix in ["Materialize recursive CTE ", "Materialize CTE "] {
                guard let cte = text.removingPrefix(prefix) else { continue }
                node.nodeType = String(prefix.dropLast())
                let name = cte.hasSuffix(" if needed") ? cte.dropLast(" if needed".count) : cte
                node.properties.append(PlanProperty("CTE", String(name)))
                break
            }
        } else if text.hasPrefix("Alternative plans for IN subquery") || text.hasPrefix("Invalidate materialized") {
            node = PlanNode(nodeType: name, operation: .other)
            if let operands { node.properties.append(PlanProperty("Details", operands)) }
        } else {
            return nil
        }
        return node
    }

    private static func modification(_ text: String) -> (verb: String, tables: Substring)? {
        let verbs = [
            ("Insert into ", "Insert"), ("Replace into ", "Replace"), ("Update ", "Update"), ("Delete from ", "Delete"),
        ]
        for (prefix, verb) in verbs {
            if let tables = text.removingPrefix(prefix) { return (verb, tables) }
        }
        return nil
    }

    // MARK: - Text helpers

    /// `text.prefix { !$0.isWhitespace }`, found in the bytes: names are ASCII in practice, and text with
    /// any other byte where it matters takes the Character route, so Unicode spaces still end the name.
    private static func prefixUpToWhitespace(_ text: Substring) -> Substring {
        let bytes = text.utf8
        var end = bytes.startIndex
        while end < bytes.endIndex {
            let byte = bytes[end]
            if byte >= 0x80 { return text.prefix { !$0.isWhitespace } }
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                // A combining mark after the space would make it part of another Character.
                let next = bytes.index(after: end)
                if next < bytes.endIndex, bytes[next] >= 0x80 { return text.prefix { !$0.isWhitespace } }
                break
            }
            end = bytes.index(after: end)
        }
        return text[..<end]
    }

    /// "Filter: (a > 1)" → ("Filter", "(a > 1)"); text without ": " is all name.
    private static func splitOperands(_ text: String) -> (name: String, operands: String?) {
        guard let colon = text.byteRange(of: ": ") else { return (text, nil) }
        return (String(text[..<colon.lowerBound]), String(text[colon.upperBound...]))
    }

    /// Splits "a, f(b, c), d DESC" at the commas outside parentheses and quotes.
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        var previous: Character?
        for character in text {
            if let open = quote {
                if character == open, previous != "\\" { quote = nil }
            } else if character == "'" || character == "\"" || character == "`" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth = max(0, depth - 1)
            } else if character == ",", depth == 0 {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                previous = character
                continue
            }
            current.append(character)
            previous = character
        }
        let last = current.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty { parts.append(last) }
        return parts
    }
}

extension StringProtocol {
    /// The text after `prefix`, or nil when it does not start with it.
    fileprivate func removingPrefix(_ prefix: String) -> SubSequence? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
