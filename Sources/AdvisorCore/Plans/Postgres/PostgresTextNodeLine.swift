/// Reads a node line: `->  Hash Left Join  (cost=1.09..32.08 rows=32 width=224) (actual time=0.52..0.53
/// rows=0 loops=1)`, `(actual rows=5 loops=1)` (TIMING OFF), `(never executed)`, or no parentheses at
/// all (COSTS OFF without ANALYZE).
enum PostgresTextNodeLine {
    /// Which parenthesised groups the line had.
    struct Annotations {
        var hasCost = false
        var hasActuals = false
        var hasTiming = false
        var neverExecuted = false
    }

    /// Offset of the first annotation ("(cost=", "(actual", "(never executed)") outside quoted names.
    static func annotationStart(in text: [UInt8]) -> Int? {
        var inQuotes = false
        for index in text.indices {
            let byte = text[index]
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if byte == UInt8(ascii: "("), !inQuotes, startsAnnotation(text, at: index) {
                return index
            }
        }
        return nil
    }

    /// True when an annotation starts at `index`.
    static func startsAnnotation(_ text: [UInt8], at index: Int) -> Bool {
        PostgresTextLine.matches("(cost=", in: text, at: index)
            || PostgresTextLine.matches("(actual ", in: text, at: index)
            || PostgresTextLine.matches("(never executed)", in: text, at: index)
    }

    /// The node the line describes, with the annotations it carried.
    static func parse(_ line: PostgresTextLine, file: String) throws -> (PlanNode, Annotations) {
        let text = line.text
        var nameStart = 0
        if line.hasPrefix("->") {
            nameStart = 2
            while nameStart < text.count, PostgresTextLine.isSpace(text[nameStart]) { nameStart += 1 }
        }
        let annotationsStart = annotationStart(in: text) ?? text.count
        var nameEnd = annotationsStart
        while nameEnd > nameStart, PostgresTextLine.isSpace(text[nameEnd - 1]) { nameEnd -= 1 }
        guard nameEnd > nameStart else {
            let (lineNumber, column) = line.position(at: nameStart)
            throw InputError(
                file: file, format: .postgresText, line: lineNumber, column: column,
                reason: "expected a node type such as 'Seq Scan on t' before the node's estimates")
        }
        var node = PostgresTextNodeName.node(named: line.text[nameStart..<nameEnd])
        var scanner = Scanner(line: line, file: file, position: annotationsStart)
        let annotations = try scanner.readAnnotations(into: &node)
        return (node, annotations)
    }

    // MARK: - Annotations

    /// Reads the parenthesised groups after the node name.
    private struct Scanner {
        let line: PostgresTextLine
        let file: String
        var position: Int

        private var text: [UInt8] { line.text }

        mutating func readAnnotations(into node: inout PlanNode) throws -> Annotations {
            var annotations = Annotations()
            while true {
                skipSpaces()
                guard position < text.count else { return annotations }
                guard text[position] == UInt8(ascii: "(") else {
                    throw error("unexpected text after the node's estimates: expected '(' or the end of the line")
                }
                if consume("(cost=") {
                    node.startupCost = try number(after: "cost=")
                    try expect("..", after: "the startup cost")
                    node.totalCost = try number(after: "..")
                    try keyword("rows=")
                    node.estimatedRows = try number(after: "rows=")
                    try keyword("width=")
                    node.estimatedWidth = try number(after: "width=")
                    try closing()
                    annotations.hasCost = true
                } else if consume("(actual") {
                    skipSpaces()
                    if consume("time=") {
                        node.actualStartupTimeMs = try number(after: "time=")
                        try expect("..", after: "the actual startup time")
                        node.actualTotalTimeMs = try number(after: "..")
                        annotations.hasTiming = true
                    }
                    try keyword("rows=")
                    node.actualRows = try number(after: "rows=")
                    try keyword("loops=")
                    node.loops = try number(after: "loops=")
                    try closing()
                    annotations.hasActuals = true
                } else if consume("(never executed)") {
                    node.neverExecuted = true
                    annotations.neverExecuted = true
                } else {
                    // A group this parser does not know (a fork's extra estimates): keep it for display.
                    let start = position
                    var depth = 0
                    while position < text.count {
                        if text[position] == UInt8(ascii: "(") { depth += 1 }
                        if text[position] == UInt8(ascii: ")") { depth -= 1 }
                        position += 1
                        if depth == 0 { break }
                    }
                    node.properties.append(PlanProperty("Annotation", line.string(start..<position)))
                }
            }
        }

        private mutating func skipSpaces() {
            while position < text.count, PostgresTextLine.isSpace(text[position]) { position += 1 }
        }

        private mutating func consume(_ literal: StaticString) -> Bool {
            guard PostgresTextLine.matches(literal, in: text, at: position) else { return false }
            position += literal.utf8CodeUnitCount
            return true
        }

        private mutating func expect(_ literal: StaticString, after what: String) throws {
            guard consume(literal) else { throw error("expected '\(literal)' after \(what)") }
        }

        private mutating func keyword(_ literal: StaticString) throws {
            skipSpaces()
            guard consume(literal) else { throw error("expected '\(literal)' in the node's parentheses") }
        }

        private mutating func closing() throws {
            skipSpaces()
            guard consume(")") else { throw error("expected ')' to close the node's parentheses") }
        }

        /// A decimal number as PostgreSQL prints it: digits, optionally a fraction.
        private mutating func number(after label: String) throws -> Double {
            guard let (value, end) = PlainDecimal.read(text, from: position) else {
                throw error("expected a number after '\(label)'")
            }
            position = end
            return value
        }

        private func error(_ reason: String) -> InputError {
            let (lineNumber, column) = line.position(at: position)
            return InputError(file: file, format: .postgresText, line: lineNumber, column: column, reason: reason)
        }
    }
}
