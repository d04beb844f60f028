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
        var text: String
        /// UTF-8 offsets in `text` where each input line starts, with that line's position.
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
        let entries = self.entries(lines[firstNodeLine...])
        var plans: [Plan] = []
        for root in try tree(entries, input: input) {
            for node in convert(root).map(MySQLPlanCosts.filled) {
                var hasActuals = false
                var hasTiming = false
                node.visit { node in
                    if node.loops != nil || node.actualRows != nil || node.neverExecuted { hasActuals = true }
                    if node.actualTotalTimeMs != nil { hasTiming = true }
                }
                plans.append(
                    Plan(
                        engine: .mysql, format: format, root: node, queryText: queryText, hasActuals: hasActuals,
                        hasTiming: hasTiming, sourceLine: root.entry.segments[0].line))
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
            let text = Substring(line.text)
            let indentation = text.prefix { $0 == " " || $0 == "\t" }
            let indent = indentation.reduce(0) { $0 + ($1 == "\t" ? 4 : 1) }
            let rest = text.dropFirst(indentation.count)
            if rest.hasPrefix("->") {
                let operation = rest.dropFirst(2).drop { $0 == " " }
                let column = line.column + text.utf8.distance(from: text.startIndex, to: operation.startIndex)
                entries.append(
                    Entry(indent: indent, text: String(operation), segments: [(0, line.number, column)]))
            } else if !rest.isEmpty, let last = entries.indices.last, splitMetrics(entries[last].text).1.isEmpty {
                // A node line is complete once its numbers are printed; text after that is not the plan's.
                entries[last].segments.append((entries[last].text.utf8.count + 1, line.number, line.column))
                entries[last].text += "\n" + line.text
            }
        }
        return entries
    }

    // MARK: - Tree

    /// A node or heading while the tree is assembled from indentation.
    private final class Item {
        let entry: Entry
        let heading: MySQLOperationText.Heading?
        let node: PlanNode
        var children: [Item] = []
        /// The nearest item indented less than this one.
        weak var levelParent: Item?
        /// The node a same-level select-list subquery hangs under: the item itself, or for such a
        /// subquery, the node it hangs under.
        weak var anchor: Item?

        init(entry: Entry, heading: MySQLOperationText.Heading?, node: PlanNode) {
            self.entry = entry
            self.heading = heading
            self.node = node
        }

        var isSelectListSubquery: Bool {
            if case .subquery(let text) = heading { return text.utf8Contains("subquery in projection") }
            return false
        }
    }

    private static func tree(_ entries: [Entry], input: PlanInput) throws -> [Item] {
        var roots: [Item] = []
        var stack: [Item] = []
        for entry in entries {
            let item = try makeItem(entry, input: input)
            while let top = stack.last, top.entry.indent > entry.indent { stack.removeLast() }
            if let top = stack.last, top.entry.indent == entry.indent {
                stack.removeLast()
                let anchor = top.anchor ?? top
                if item.isSelectListSubquery, anchor.levelParent?.node.operation != .windowAgg {
                    // Select-list subqueries of a query block print at the level of its first node;
                    // a window's projection subqueries are its inputs, one level in.
                    anchor.children.append(item)
                    item.levelParent = anchor.levelParent
                    item.anchor = anchor
                } else if let parent = top.levelParent {
                    parent.children.append(item)
                    item.levelParent = parent
                    item.anchor = item
                } else if item.heading != nil {
                    anchor.children.append(item)
                    item.anchor = anchor
                } else {
                    roots.append(item)
                    item.anchor = item
                }
            } else if let parent = stack.last {
                parent.children.append(item)
                item.levelParent = parent
                item.anchor = item
            } else {
                roots.append(item)
                item.anchor = item
            }
            stack.append(item)
        }
        return roots
    }

    private static func makeItem(_ entry: Entry, input: PlanInput) throws -> Item {
        let (operation, groups) = splitMetrics(entry.text)
        if groups.isEmpty, let heading = MySQLOperationText.heading(operation) {
            return Item(entry: entry, heading: heading, node: PlanNode(nodeType: operation, operation: .other))
        }
        var node = MySQLOperationText.node(operation)
        for group in groups {
            try read(group.content, into: &node) { offset, expected in
                let (line, column) = entry.position(of: group.offset + offset)
                return InputError(
                    file: input.name, format: format, line: line, column: column, reason: "expected \(expected)")
            }
        }
        return Item(entry: entry, heading: nil, node: node)
    }

    /// The nodes an item stands for: itself, or for a heading, the children it introduces.
    private static func convert(_ item: Item) -> [PlanNode] {
        let children = item.children.flatMap(convert)
        switch item.heading {
        case .hash?:
            var hash = PlanNode(nodeType: "Hash", operation: .hash, children: children)
            hash.estimatedRows = children.count == 1 ? children[0].estimatedRows : nil
            return [hash]
        case .subquery(let text)?:
            return children.map { child in
                var child = child
                child.parentRelationship = MySQLOperationText.subqueryRelationship(text)
                child.subplanName = text
                return child
            }
        case .other(let text)?:
            return children.map { child in
                var child = child
                child.properties.insert(PlanProperty("Heading", text), at: 0)
                return child
            }
        case nil:
            var node = item.node
            node.children = children
            if node.operation == .seqScan, children.contains(where: { !$0.isSubPlan }) {
                node.operation = .subqueryScan
            }
            return [node]
        }
    }

    // MARK: - Numbers

    /// The operation text and the parenthesized number groups at its end, with their UTF-8 offsets.
    /// Walks the UTF-8 bytes backwards: every line goes through here, and stepping back Character by
    /// Character was most of the time of reading a plan.
    private static func splitMetrics(_ text: String) -> (String, [(content: Substring, offset: Int)]) {
        let bytes = text.utf8
        var groups: [(content: Substring, offset: Int)] = []
        var end = bytes.endIndex
        while true {
            var trimmedEnd = end
            while trimmedEnd > bytes.startIndex, bytes[bytes.index(before: trimmedEnd)] == UInt8(ascii: " ") {
                trimmedEnd = bytes.index(before: trimmedEnd)
            }
            let trimmed = text[..<trimmedEnd]
            guard trimmed.utf8.last == UInt8(ascii: ")"), let open = matchingOpen(trimmed) else { break }
            let content = trimmed[bytes.index(after: open)..<bytes.index(before: trimmedEnd)]
            guard isMetricGroup(content) else { break }
            groups.insert((content, bytes.distance(from: bytes.startIndex, to: content.startIndex)), at: 0)
            end = open
        }
        let operation = text[..<end].trimmingWhitespace()
        return (operation, groups)
    }

    private static func matchingOpen(_ text: Substring) -> String.Index? {
        let bytes = text.utf8
        var depth = 0
        var index = bytes.endIndex
        while index > bytes.startIndex {
            index = bytes.index(before: index)
            if bytes[index] == UInt8(ascii: ")") { depth += 1 }
            if bytes[index] == UInt8(ascii: "(") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    private static func isMetricGroup(_ content: Substring) -> Bool {
        content.hasPrefix("cost=") || content.hasPrefix("rows=") || content.hasPrefix("actual ")
            || content == "never executed" || content == "..."
    }

    /// Fills a node from one group: `cost=a..b rows=n`, `actual time=a..b rows=n loops=n`,
    /// `actual rows=n loops=n`, `never executed` or `...`.
    private static func read(
        _ content: Substring, into node: inout PlanNode, error: (Int, String) -> InputError
    ) throws {
        if content == "..." { return }
        if content == "never executed" {
            node.neverExecuted = true
            node.loops = 0
            node.actualRows = 0
            return
        }
        let isActual = content.hasPrefix("actual ")
        var offset = isActual ? "actual ".utf8.count : 0
        for token in content.dropFirst(offset).split(separator: " ", omittingEmptySubsequences: false) {
            defer { offset += token.utf8.count + 1 }
            guard let equals = token.firstIndex(of: "=") else {
                if token.isEmpty { continue }
                throw error(offset, "name=value in the numbers, found '\(token)'")
            }
            let name = token[..<equals]
            let value = token[token.index(after: equals)...]
            let valueOffset = offset + name.utf8.count + 1
            let numbers = value.utf8Components(separatedBy: "..").map { Double($0) }
            guard !numbers.isEmpty, numbers.count <= 2, let last = numbers.last ?? nil,
                let first = numbers.first ?? nil
            else {
                throw error(valueOffset, "a number or a range a..b after '\(name)=', found '\(value)'")
            }
            switch (isActual, name) {
            case (false, "cost"):
                if numbers.count == 2 { node.startupCost = first }
                node.totalCost = last
            case (false, "rows"): node.estimatedRows = last
            case (true, "time"):
                node.actualStartupTimeMs = first
                node.actualTotalTimeMs = last
            case (true, "rows"): node.actualRows = last
            case (true, "loops"): node.loops = last
            default: node.properties.append(PlanProperty(String(name), String(value)))
            }
        }
    }
}
