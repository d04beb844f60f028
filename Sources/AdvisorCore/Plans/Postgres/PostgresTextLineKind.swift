/// What a cleaned line of plan text is, judged from the line alone.
enum PostgresTextLineKind: Equatable {
    /// `-----`, `═════`, `+----+`.
    case separator
    /// psql's expanded mode (`\x`) between rows: `-[ RECORD 1 ]---`; rows of one plan, not plans.
    case recordHeader
    /// psql's column header.
    case queryPlanHeader
    /// psql's `(12 rows)` footer, in any language.
    case rowCount
    /// psql's `\timing` output: `Time: 1.234 ms`.
    case psqlTiming
    /// `# …` or `-- …` notes around the plan.
    case comment
    /// `EXPLAIN …` or a line after a psql prompt.
    case statement
    /// auto_explain's `duration: 12.3 ms  plan:`.
    case autoExplainHeader
    /// auto_explain's `Query Text: …`, continued on the following lines.
    case queryText
    /// `->  Node …`.
    case arrowNode
    /// `InitPlan 1 (returns $0)`, `SubPlan 2`, `CTE name`.
    case subplanHeader
    /// `Trigger name on rel: time=1.2 calls=3`.
    case trigger
    /// `Name: value`.
    case property
    /// A node without an arrow (a plan's root); `annotated` when it has `(cost=…)` or `(actual …)`.
    case rootNode(annotated: Bool)
    /// Anything else: the tail of a wrapped line, SQL or prose around the plan.
    case unclassified

    init(_ line: PostgresTextLine) {
        self = Self.classify(line)
    }

    /// True for the kinds that end the line before them: a wrapped line never continues into these.
    var isFrame: Bool {
        switch self {
        case .separator, .recordHeader, .queryPlanHeader, .rowCount, .psqlTiming, .comment, .statement,
            .autoExplainHeader:
            true
        default: false
        }
    }

    var isNode: Bool {
        switch self {
        case .arrowNode, .rootNode: true
        default: false
        }
    }

    private static func classify(_ line: PostgresTextLine) -> PostgresTextLineKind {
        let text = line.text
        if line.hasPrefix("-[ RECORD ") { return .recordHeader }
        if isSeparator(text) { return .separator }
        if line.hasPrefix("->") { return .arrowNode }
        if text.count == 10, line.hasPrefix("QUERY PLAN") { return .queryPlanHeader }
        if isRowCount(text) { return .rowCount }
        if line.hasPrefix("#") || line.hasPrefix("--") { return classifyText(line) }
        if isSubplanHeader(line) { return .subplanHeader }
        if line.hasPrefix("Trigger "), line.firstIndex(of: ": time=") != nil || line.firstIndex(of: ": calls=") != nil {
            return .trigger
        }
        if line.hasPrefix("Query Text:") { return .queryText }
        // auto_explain's "duration: 12.3 ms  plan:", maybe after a log line prefix ending in "LOG:".
        if text.count > 5, PostgresTextLine.matches("plan:", in: text, at: text.count - 5),
            line.firstIndex(of: "duration: ") != nil
        {
            return .autoExplainHeader
        }
        if line.hasPrefix("Time: "), text.count > 6, PostgresTextLine.isDigit(text[6]) { return .psqlTiming }
        if PostgresTextNodeProperties.split(text) != nil { return .property }
        if PostgresTextNodeLine.annotationStart(in: text) != nil { return .rootNode(annotated: true) }
        return classifyText(line)
    }

    /// The rarer kinds, which need the line as a String: statements, auto_explain headers, comments,
    /// and node lines without estimates (COSTS OFF).
    private static func classifyText(_ line: PostgresTextLine) -> PostgresTextLineKind {
        let string = line.string
        if PostgresTextStatement.isStatementLine(string) { return .statement }
        if string.hasPrefix("#") || string.hasPrefix("--") { return .comment }
        let text = line.text
        // Fewer than 200 bytes is fewer than 200 Characters; only longer lines need counting.
        if text.count < 200 || string.count < 200, PostgresTextNodeName.mayName(text[...]),
            PostgresTextNodeName.node(named: text[...]).operation != .other
        {
            return .rootNode(annotated: false)
        }
        // A root node line cut inside its first parenthesis ("Sort  (cos"): the wrapped rest follows.
        if let open = firstSpaceAndParenthesis(in: text), open > 0 {
            let cut = text[(open + 2)...]
            var nameEnd = open
            while nameEnd > 0, text[nameEnd - 1] == 0x20 { nameEnd -= 1 }
            if ["cost=", "actual ", "never executed)"].contains(where: { $0.utf8.starts(with: cut) }),
                PostgresTextNodeName.mayName(text[..<nameEnd]),
                PostgresTextNodeName.node(named: text[..<nameEnd]).operation != .other
            {
                return .rootNode(annotated: true)
            }
        }
        return .unclassified
    }

    /// Where " (" first occurs.
    private static func firstSpaceAndParenthesis(in text: [UInt8]) -> Int? {
        guard text.count >= 2 else { return nil }
        return (0..<(text.count - 1)).first { text[$0] == 0x20 && text[$0 + 1] == UInt8(ascii: "(") }
    }

    /// Only border and rule characters: `-`, `+`, `=`, box drawing (U+2500–U+257F), spaces.
    private static func isSeparator(_ text: [UInt8]) -> Bool {
        guard text.count >= 3 else { return false }
        var index = 0
        while index < text.count {
            switch text[index] {
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "="), 0x20:
                index += 1
            case 0xE2 where index + 2 < text.count && (text[index + 1] == 0x94 || text[index + 1] == 0x95):
                index += 3
            default:
                return false
            }
        }
        return !PostgresTextLine.matches("->", in: text, at: 0)
    }

    /// `(1 row)`, `(12 rows)`, `(3 lignes)`, `(3 Zeilen)`.
    private static func isRowCount(_ text: [UInt8]) -> Bool {
        guard text.count >= 5, text.first == UInt8(ascii: "("), text.last == UInt8(ascii: ")") else { return false }
        var index = 1
        while index < text.count, PostgresTextLine.isDigit(text[index]) { index += 1 }
        guard index > 1, index < text.count, text[index] == 0x20 else { return false }
        index += 1
        let wordStart = index
        while index < text.count - 1 {
            let byte = text[index]
            guard byte != 0x20, byte != UInt8(ascii: "("), byte != UInt8(ascii: ")") else { return false }
            index += 1
        }
        return index > wordStart
    }

    /// `InitPlan`, `InitPlan 1 (returns $0)`, `InitPlan 1`, `SubPlan 2`, `CTE name`: a header word and a
    /// name, with no node estimates and no colon.
    private static func isSubplanHeader(_ line: PostgresTextLine) -> Bool {
        let wordLength: Int
        if line.hasPrefix("InitPlan") {
            wordLength = 8
        } else if line.hasPrefix("SubPlan") {
            wordLength = 7
        } else if line.hasPrefix("CTE "), !line.hasPrefix("CTE Scan") {
            wordLength = 3
        } else {
            return false
        }
        let text = line.text
        guard text.count == wordLength || text[wordLength] == 0x20 else { return false }
        return PostgresTextNodeLine.annotationStart(in: text) == nil && line.firstIndex(of: ": ") == nil
    }
}
