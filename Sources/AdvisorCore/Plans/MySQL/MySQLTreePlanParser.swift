import Foundation

/// Reads MySQL `EXPLAIN FORMAT=TREE` and `EXPLAIN ANALYZE` text, bare, inside the mysql client's
/// table frame (`| EXPLAIN |`, `| -> …`) or in its `\G` form (`EXPLAIN: -> …`).
///
/// Every line `-> Operation  (cost=a..b rows=n) (actual time=a..b rows=n loops=n)` is a node, its
/// indentation the nesting. Mapping to the neutral model:
/// - `nodeType` is the operation without operands ("Index lookup", "Filter", "Nested loop inner join",
///   "Sort"); `operation`, `relation`, `index`, conditions and sort keys as `MySQLOperationText` reads them.
///   Table accesses also get the `accessType` traditional EXPLAIN would print (ALL, index, range, ref,
///   eq_ref, const, fulltext) so rules can use one vocabulary for every format.
/// - `(cost=a..b rows=n)`: `startupCost` a (first row), `totalCost` b, `estimatedRows` n, all per loop;
///   `(rows=n)` and `(cost=b rows=n)` fill what they show; `(...)` (masked test output) fills nothing.
/// - `(actual time=a..b rows=n loops=n)`: `actualStartupTimeMs` a, `actualTotalTimeMs` b and
///   `actualRows` n are per-loop averages as MySQL prints them, `loops` n. `(actual rows=n loops=n)`
///   has no times (`Plan.hasTiming` false); `(never executed)` sets `neverExecuted` and zero loops.
/// - Heading lines are not nodes: `-> Hash` becomes a `.hash` node over the build input (as in
///   PostgreSQL); `-> Select #2 (subquery in condition; dependent)` makes the line below it a child with
///   `parentRelationship` "SubPlan" ("InitPlan" when it says "run only once") and `subplanName` the
///   heading. MySQL prints the select-list subqueries of a query block at the level of the block's
///   first node; they become children of that node.
/// - `Table scan` on a materialized result (`<temporary>`, a derived table with a `Materialize` child)
///   is `.subqueryScan`: there is no base table to index.
/// - Text that is not a node line continues the line above while that line's numbers are still to come
///   (a condition with a newline in a literal); after them it is not part of the plan and is skipped.
public enum MySQLTreePlanParser: PlanParser {
    /// The format this parser reads.
    public static let format = PlanFormat.mysqlTree

    /// Every plan in the input: one per EXPLAIN result, and one per top-level node in bare text.
    public static func parse(_ input: PlanInput) throws -> [Plan] {
        var plans: [Plan] = []
        var sawTable = false
        for result in MySQLClientOutput.results(in: input) {
            switch result.content {
            case .table:
                sawTable = true
            case .text(let lines):
                plans += try self.plans(in: lines, statement: result.statement, input: input)
            }
        }
        guard !plans.isEmpty else {
            throw InputError(
                file: input.name, format: format,
                reason: sawTable
                    ? "this is a tabular EXPLAIN, not EXPLAIN FORMAT=TREE: expected lines starting with '->'"
                    : "no plan found: expected EXPLAIN FORMAT=TREE or EXPLAIN ANALYZE lines starting with '->'")
        }
        return plans
    }

    // MARK: - Lines

    /// One node or heading line (with any continuation lines), and where its text came from.
    private struct Entry {
        var indent: Int
        /// The UTF-8 bytes of the text from the operation on, lines joined with line feeds.
        var text: [UInt8]
        /// Offsets in `text` where each input line starts, with that line's position.
        var segments: [(offset: Int, line: Int, column: Int)]

        func position(of offset: Int) -> (line: Int, column: Int) {
            let segment = segments.last { $0.offset <= offset } ?? segments[0]
            return (segment.line, segment.column + offset - segment.offset)
        }
    }

    private static func plans(in lines: [MySQLClientOutput.Line], statement: String?, input: PlanInput) throws
        -> [Plan]
    {
        guard let firstNodeLine = lines.firstIndex(where: { isNodeLine($0.text) }) else { return [] }
        var queryText = statement
        if firstNodeLine > 0 {
            // Text above the plan is allowed when it is the statement ("SELECT …;"), nothing else.
            let leading = lines[..<firstNodeLine].map(\.text).joined(separator: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard leading.hasSuffix(";") else {
                let line = lines[0]
                throw InputError(
                    file: input.name, format: format, line: line.number, column: line.column,
                    reason: "expected a plan line starting with '->'")
            }
            queryText = queryText ?? String(leading.dropLast())
        }
        var tree = try self.tree(entries(lines[firstNodeLine...]), input: input)
        var plans: [Plan] = []
        for root in tree.roots {
            var nodes: [PlanNode] = []
            var actuals: [Actuals] = []
            convert(root, in: &tree.items, into: &nodes, actuals: &actuals)
            for index in nodes.indices {
                MySQLPlanCosts.fill(&nodes[index])
                plans.append(
                    Plan(
                        engine: .mysql, format: format, root: nodes[index], queryText: queryText,
                        hasActuals: actuals[index].hasActuals, hasTiming: actuals[index].hasTiming,
                        sourceLine: tree.items[root].line))
            }
        }
        return plans
    }

    private static func isNodeLine(_ text: String) -> Bool {
        text.drop { $0 == " " || $0 == "\t" }.hasPrefix("->")
    }

    private static func entries(_ lines: ArraySlice<MySQLClientOutput.Line>) -> [Entry] {
        var entries: [Entry] = []
        for line in lines {
            // Indentation and the arrow are ASCII: found in the bytes, without stepping through Characters.
            let bytes = line.text.utf8
            let indentation = bytes.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            let indent = indentation.reduce(0) { $0 + ($1 == UInt8(ascii: "\t") ? 4 : 1) }
            let rest = bytes[indentation.endIndex...]
            if rest.starts(with: "->".utf8) {
                let operation = rest.dropFirst(2).drop { $0 == UInt8(ascii: " ") }
                let column = line.column + bytes.distance(from: bytes.startIndex, to: operation.startIndex)
                // Copied from the string's contiguous storage in one go: element by element it showed in profiles.
                let text = operation.withContiguousStorageIfAvailable(Array.init) ?? Array(operation)
                entries.append(Entry(indent: indent, text: text, segments: [(0, line.number, column)]))
            } else if !rest.isEmpty, let last = entries.indices.last, splitMetrics(entries[last].text).1.isEmpty {
                // A node line is complete once its numbers are printed; text after that is not the plan's.
                entries[last].segments.append((entries[last].text.count + 1, line.number, line.column))
                entries[last].text.append(UInt8(ascii: "\n"))
                entries[last].text += line.text.utf8
            }
        }
        return entries
    }

    // MARK: - Tree

    /// A node or heading while the tree is assembled from indentation. Items live in one array and refer
    /// to each other by index: no object and no weak reference per line, and each node is moved out of its
    /// item into the tree once, never copied.
    private struct Item {
        let indent: Int
        /// The input line the item starts on.
        let line: Int
        let heading: MySQLOperationText.Heading?
        let operation: PlanOperation?
        let actuals: Actuals
        /// The node, until the tree is converted (nil for a heading).
        var node: PlanNode?
        var children: [Int] = []
        /// The nearest item indented less than this one.
        var levelParent: Int?
        /// The node a same-level select-list subquery hangs under: the item itself, or for such a
        /// subquery, the node it hangs under.
        var anchor = 0

        var isSelectListSubquery: Bool {
            if case .subquery(let text) = heading { return text.bytesContain("subquery in projection") }
            return false
        }
    }

    /// Whether a node or any node below it has actual rows or loops, and actual times: gathered while the
    /// tree is converted, as reading them back from the finished tree copies every node.
    private struct Actuals {
        var hasActuals = false
        var hasTiming = false

        init() {}

        init(_ node: PlanNode) {
            hasActuals = node.loops != nil || node.actualRows != nil || node.neverExecuted
            hasTiming = node.actualTotalTimeMs != nil
        }

        mutating func add(_ other: Actuals) {
            hasActuals = hasActuals || other.hasActuals
            hasTiming = hasTiming || other.hasTiming
        }
    }

    /// The items in input order and the indices of the top-level ones.
    private struct Tree {
        var items: [Item] = []
        var roots: [Int] = []
    }

    private static func tree(_ entries: [Entry], input: PlanInput) throws -> Tree {
        var tree = Tree()
        tree.items.reserveCapacity(entries.count)
        var stack: [Int] = []
        for entry in entries {
            // Appended first and linked in place: an item is over a kilobyte, and each copy of it shows.
            let index = tree.items.count
            tree.items.append(try makeItem(entry, input: input))
            while let top = stack.last, tree.items[top].indent > entry.indent { stack.removeLast() }
            if let top = stack.last, tree.items[top].indent == entry.indent {
                stack.removeLast()
                let anchor = tree.items[top].anchor
                let anchorParent = tree.items[anchor].levelParent
                if tree.items[index].isSelectListSubquery, anchorParent.map({ tree.items[$0].operation }) != .windowAgg
                {
                    // Select-list subqueries of a query block print at the level of its first node;
                    // a window's projection subqueries are its inputs, one level in.
                    tree.items[anchor].children.append(index)
                    tree.items[index].levelParent = anchorParent
                    tree.items[index].anchor = anchor
                } else if let parent = tree.items[top].levelParent {
                    tree.items[parent].children.append(index)
                    tree.items[index].levelParent = parent
                    tree.items[index].anchor = index
                } else if tree.items[index].heading != nil {
                    tree.items[anchor].children.append(index)
                    tree.items[index].anchor = anchor
                } else {
                    tree.roots.append(index)
                    tree.items[index].anchor = index
                }
            } else if let parent = stack.last {
                tree.items[parent].children.append(index)
                tree.items[index].levelParent = parent
                tree.items[index].anchor = index
            } else {
                tree.roots.append(index)
                tree.items[index].anchor = index
            }
            stack.append(index)
            // Headings add levels of their own; the real depth is checked once the plan is read.
            if stack.count > Plan.maxDepth + 64 {
                throw InputError(
                    file: input.name, format: format, line: tree.items[index].line,
                    reason: "the plan is nested deeper than \(Plan.maxDepth) levels, the most dbadvisor reads")
            }
        }
        return tree
    }

    private static func makeItem(_ entry: Entry, input: PlanInput) throws -> Item {
        let line = entry.segments[0].line
        let (operation, groups) = splitMetrics(entry.text)
        if groups.isEmpty, let heading = MySQLOperationText.heading(operation) {
            return Item(
                indent: entry.indent, line: line, heading: heading, operation: .other, actuals: Actuals(), node: nil)
        }
        var node = MySQLOperationText.node(operation)
        for group in groups {
            try read(group, into: &node) { offset, expected in
                let (line, column) = entry.position(of: offset)
                return InputError(
                    file: input.name, format: format, line: line, column: column, reason: "expected \(expected)")
            }
        }
        let nodeOperation = node.operation
        let actuals = Actuals(node)
        // Consumed, not copied: a node is over a kilobyte and holds dozens of references.
        return Item(
            indent: entry.indent, line: line, heading: nil, operation: nodeOperation, actuals: actuals,
            node: consume node)
    }

    /// Appends the nodes an item stands for (itself, or for a heading, the children it introduces) and
    /// what each of them has of actuals. Moves each node out of its item.
    private static func convert(
        _ index: Int, in items: inout [Item], into nodes: inout [PlanNode], actuals: inout [Actuals]
    ) {
        switch items[index].heading {
        case .hash?:
            var children: [PlanNode] = []
            var childActuals: [Actuals] = []
            for child in items[index].children {
                convert(child, in: &items, into: &children, actuals: &childActuals)
            }
            let estimatedRows = children.count == 1 ? children[0].estimatedRows : nil
            var hash = PlanNode(nodeType: "Hash", operation: .hash, children: children)
            hash.estimatedRows = estimatedRows
            nodes.append(hash)
            actuals.append(childActuals.reduce(into: Actuals()) { $0.add($1) })
        case .subquery(let text)?:
            let first = nodes.count
            for child in items[index].children { convert(child, in: &items, into: &nodes, actuals: &actuals) }
            let relationship = MySQLOperationText.subqueryRelationship(text)
            for position in first..<nodes.count {
                nodes[position].parentRelationship = relationship
                nodes[position].subplanName = text
            }
        case .other(let text)?:
            let first = nodes.count
            for child in items[index].children { convert(child, in: &items, into: &nodes, actuals: &actuals) }
            for position in first..<nodes.count {
                nodes[position].properties.insert(PlanProperty("Heading", text), at: 0)
            }
        case nil:
            var children: [PlanNode] = []
            var childActuals: [Actuals] = []
            children.reserveCapacity(items[index].children.count)
            for child in items[index].children {
                convert(child, in: &items, into: &children, actuals: &childActuals)
            }
            // Swapped out of the item: `take()` copies the node and destroys the original.
            var taken: PlanNode?
            swap(&taken, &items[index].node)
            guard var node = consume taken else { return }
            if node.operation == .seqScan, children.contains(where: { !$0.isSubPlan }) {
                node.operation = .subqueryScan
            }
            node.children = children
            nodes.append(node)
            actuals.append(childActuals.reduce(into: items[index].actuals) { $0.add($1) })
        }
    }

    // MARK: - Numbers

    /// The operation text and the parenthesized number groups at its end, as slices of the text's UTF-8
    /// bytes (their indices are offsets in the text). Works on bytes: every line goes through here, and
    /// Character by Character this was most of the time of reading a plan.
    private static func splitMetrics(_ bytes: [UInt8]) -> (String, [ArraySlice<UInt8>]) {
        var groups: [ArraySlice<UInt8>] = []
        var end = bytes.count
        while true {
            var trimmedEnd = end
            while trimmedEnd > 0, bytes[trimmedEnd - 1] == UInt8(ascii: " ") { trimmedEnd -= 1 }
            guard trimmedEnd > 0, bytes[trimmedEnd - 1] == UInt8(ascii: ")"),
                let open = matchingOpen(bytes[..<trimmedEnd])
            else { break }
            let content = bytes[(open + 1)..<(trimmedEnd - 1)]
            guard isMetricGroup(content) else { break }
            groups.append(content)
            end = open
        }
        return (trimmedOperation(bytes[..<end]), groups.reversed())
    }

    /// `trimmingWhitespace()` of the operation's bytes, decoded once: spaces and tabs are trimmed in the
    /// bytes, and text that ends in a non-ASCII character (maybe a Unicode space) is trimmed as a String.
    private static func trimmedOperation(_ bytes: ArraySlice<UInt8>) -> String {
        let isSpaceOrTab = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let start = bytes.firstIndex { !isSpaceOrTab($0) } ?? bytes.endIndex
        let end = (bytes[start...].lastIndex { !isSpaceOrTab($0) }).map { $0 + 1 } ?? start
        guard start < end else { return "" }
        guard bytes[start] < 0x80, bytes[end - 1] < 0x80 else {
            return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private static func matchingOpen(_ text: ArraySlice<UInt8>) -> Int? {
        var depth = 0
        for index in text.indices.reversed() {
            if text[index] == UInt8(ascii: ")") { depth += 1 }
            if text[index] == UInt8(ascii: "(") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    private static func isMetricGroup(_ content: ArraySlice<UInt8>) -> Bool {
        content.hasPrefix("cost=") || content.hasPrefix("rows=")
            || content.hasPrefix("actual ") || content.equals("never executed")
            || content.equals("...")
    }

    /// Fills a node from one group: `cost=a..b rows=n`, `actual time=a..b rows=n loops=n`,
    /// `actual rows=n loops=n`, `never executed` or `...`. Errors get the text offset of the problem.
    private static func read(
        _ content: ArraySlice<UInt8>, into node: inout PlanNode, error: (Int, String) -> InputError
    ) throws {
        if content.equals("...") { return }
        if content.equals("never executed") {
            node.neverExecuted = true
            node.loops = 0
            node.actualRows = 0
            return
        }
        let isActual = content.hasPrefix("actual ")
        var tokenStart = content.startIndex + (isActual ? "actual ".utf8.count : 0)
        while tokenStart <= content.endIndex {
            let tokenEnd = content[tokenStart...].firstIndex(of: UInt8(ascii: " ")) ?? content.endIndex
            let token = content[tokenStart..<tokenEnd]
            defer { tokenStart = tokenEnd + 1 }
            guard let equals = token.firstIndex(of: UInt8(ascii: "=")) else {
                if token.isEmpty { continue }
                throw error(tokenStart, "name=value in the numbers, found '\(string(token))'")
            }
            let name = token[..<equals]
            let value = token[(equals + 1)...]
            guard let (first, last, isRange) = numbers(in: value) else {
                throw error(equals + 1, "a number or a range a..b after '\(string(name))=', found '\(string(value))'")
            }
            if !isActual, name.equals("cost") {
                if isRange { node.startupCost = first }
                node.totalCost = last
            } else if !isActual, name.equals("rows") {
                node.estimatedRows = last
            } else if isActual, name.equals("time") {
                node.actualStartupTimeMs = first
                node.actualTotalTimeMs = last
            } else if isActual, name.equals("rows") {
                node.actualRows = last
            } else if isActual, name.equals("loops") {
                node.loops = last
            } else {
                node.properties.append(PlanProperty(string(name), string(value)))
            }
        }
    }

    /// The numbers of "a" or "a..b" (the same twice for "a"), as `Double(String)` reads them; plain
    /// decimals are read from the bytes directly. Nil unless there are one or two and each is a number.
    private static func numbers(in value: ArraySlice<UInt8>) -> (first: Double, last: Double, isRange: Bool)? {
        var first: Double?
        var last: Double?
        var count = 0
        var start = value.startIndex
        while true {
            var end = start
            while end < value.endIndex,
                !(value[end] == UInt8(ascii: ".") && end + 1 < value.endIndex
                    && value[end + 1] == UInt8(ascii: "."))
            { end += 1 }
            let piece = value[start..<end]
            let number: Double?
            if let (plain, readEnd) = PlainDecimal.read(piece, from: start), readEnd == end {
                number = plain
            } else {
                number = Double(string(piece))
            }
            count += 1
            if count == 1 { first = number }
            last = number
            guard end < value.endIndex else { break }
            start = end + 2
        }
        guard count <= 2, let first, let last else { return nil }
        return (first, last, count == 2)
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}

extension ArraySlice<UInt8> {
    // Compared with a static literal's bytes in place: against `String.UTF8View` the generic comparison
    // goes byte by byte through the view's indices.

    /// True when these bytes are those of `literal`.
    fileprivate func equals(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { self.elementsEqual($0) }
    }

    /// True when these bytes start with those of `literal`.
    fileprivate func hasPrefix(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { self.starts(with: $0) }
    }
}
