/// A condition as EXPLAIN prints it (`Filter`, `Join Filter`, `attached_condition`, a tree `Filter:`),
/// parsed just far enough to tell which columns it constrains and how.
///
/// The grammar covers what PostgreSQL's ruleutils and MySQL/MariaDB's item printers emit: fully
/// parenthesised comparisons, `AND`/`OR`/`NOT` in either case, casts (`(status)::text`,
/// `cast(x as date)`), `= ANY (...)`, `IN (...)`, `BETWEEN`, `IS [NOT] NULL`, function calls, MySQL
/// internal markers (`<cache>(...)`) and comments (`/* select#2 */`). Whatever it cannot read (a
/// subquery, `(SubPlan 1)`, a construct it does not know) becomes `.unknown`, confined to the innermost
/// parentheses around it, so the rest of the condition still counts.
indirect enum ConditionExpression: Equatable, Sendable {
    /// A column reference; `qualifiers` are the table (and schema/database) names before it.
    case column(qualifiers: [String], name: String)
    /// A constant or parameter; `text` holds a string literal's contents, nil for anything else.
    case literal(text: String?)
    case call(name: String, arguments: [ConditionExpression])
    /// A type conversion or collation that leaves the value's identity alone.
    case cast(ConditionExpression)
    case and([ConditionExpression])
    case or([ConditionExpression])
    case not(ConditionExpression)
    /// A binary comparison; `op` lower-cased (`=`, `<`, `~~`, `like`, `<=>`, `is distinct from`…).
    case comparison(op: String, ConditionExpression, ConditionExpression)
    /// `lhs op ANY|ALL|SOME (array)`; `quantifier` lower-cased.
    case quantified(op: String, quantifier: String, ConditionExpression, ConditionExpression)
    case inList(ConditionExpression, [ConditionExpression], negated: Bool)
    case between(ConditionExpression, ConditionExpression, ConditionExpression, negated: Bool)
    /// `IS [NOT] NULL|TRUE|FALSE|UNKNOWN`; `test` lower-cased without `is`, e.g. "not null".
    case isTest(ConditionExpression, test: String)
    /// Any other expression (arithmetic, CASE, arrays, rows), with the parts that may hold columns.
    case composite([ConditionExpression])
    /// A compound operand of a comparison (a call or an operator expression, casts included) with its
    /// text exactly as printed: PostgreSQL prints valid SQL, which an expression index can repeat.
    case printed(ConditionExpression, text: String)
    /// Text the parser could not read.
    case unknown

    /// Parses a condition; never fails: unreadable parts become `.unknown`. When the text as a whole
    /// cannot be read, each top-level AND operand is read on its own (so one odd operand, or MariaDB's
    /// unparenthesised printing, does not hide the others).
    static func parse(_ text: String, engine: Engine) -> ConditionExpression {
        let source = ConditionSource(text, engine: engine)
        return read(source, source.tokens.indices)
    }

    private static func read(_ source: ConditionSource, _ span: Range<Int>, depth: Int = 0) -> ConditionExpression {
        var parser = ConditionParser(source, span: span)
        let whole = parser.parseAll()
        guard whole == .unknown, depth < ConditionParser.maximumNesting else { return whole }
        let tokens = source.tokens[span]
        if ConditionParser.isWrappedInParentheses(tokens) {
            return read(source, span.dropFirst().dropLast(), depth: depth + 1)
        }
        let pieces = ConditionParser.splitTopLevelConjuncts(tokens)
        guard pieces.count > 1 else { return .unknown }
        return .and(pieces.map { read(source, $0, depth: depth + 1) })
    }

    /// The top-level conjuncts: the operands of nested ANDs, flattened.
    var conjuncts: [ConditionExpression] {
        if case .and(let operands) = self { return operands.flatMap(\.conjuncts) }
        return [self]
    }

    /// The expression under any casts and collations (and without its printed text).
    var uncast: ConditionExpression {
        if case .cast(let inner) = self { return inner.uncast }
        if case .printed(let inner, _) = self { return inner.uncast }
        return self
    }

    /// Every column this expression mentions, and whether some part of it could not be read.
    var columnReferences: (columns: [(qualifiers: [String], name: String)], hasUnknown: Bool) {
        var columns: [(qualifiers: [String], name: String)] = []
        var hasUnknown = false
        collect(into: &columns, unknown: &hasUnknown)
        return (columns, hasUnknown)
    }

    private func collect(into columns: inout [(qualifiers: [String], name: String)], unknown: inout Bool) {
        switch self {
        case .column(let qualifiers, let name): columns.append((qualifiers, name))
        case .literal: break
        case .unknown: unknown = true
        case .cast(let inner), .not(let inner), .isTest(let inner, _), .printed(let inner, _):
            inner.collect(into: &columns, unknown: &unknown)
        case .call(_, let parts), .and(let parts), .or(let parts), .composite(let parts):
            for part in parts { part.collect(into: &columns, unknown: &unknown) }
        case .comparison(_, let lhs, let rhs), .quantified(_, _, let lhs, let rhs):
            lhs.collect(into: &columns, unknown: &unknown)
            rhs.collect(into: &columns, unknown: &unknown)
        case .inList(let lhs, let items, _):
            for part in [lhs] + items { part.collect(into: &columns, unknown: &unknown) }
        case .between(let value, let low, let high, _):
            for part in [value, low, high] { part.collect(into: &columns, unknown: &unknown) }
        }
    }
}

// MARK: - Tokens

/// One lexical element of a printed condition.
enum ConditionToken: Equatable, Sendable {
    /// A name; `quoted` for `"x"` / `` `x` `` (never a keyword then).
    case identifier(String, quoted: Bool)
    case string(String)
    case number
    /// `$1`, `?`.
    case parameter
    /// MySQL's internal markers: `<cache>`, `<in_optimizer>`, `<temporary>`.
    case marker(String)
    case symbol(String)
    case leftParen, rightParen, leftBracket, rightBracket, comma, dot

    /// True for an unquoted identifier equal (case-insensitively) to `keyword`.
    func isKeyword(_ keyword: String) -> Bool {
        if case .identifier(let name, false) = self { return name.lowercased() == keyword }
        return false
    }
}

/// A condition's characters and tokens, with where each token came from, so parsed operands can give
/// back their text.
struct ConditionSource {
    let characters: [Character]
    let tokens: [ConditionToken]
    let ranges: [Range<Int>]

    init(_ text: String, engine: Engine) {
        characters = Array(text)
        (tokens, ranges) = ConditionTokenizer.locatedTokens(of: characters, engine: engine)
    }

    /// The text of the tokens at `positions` as printed, spacing included.
    func text(of positions: Range<Int>) -> String {
        guard let first = positions.first, let last = positions.last else { return "" }
        return String(characters[ranges[first].lowerBound..<ranges[last].upperBound])
    }
}

/// Splits a printed condition into tokens. Lenient: an unterminated literal or stray character ends
/// up as a token the parser will not understand, never as an error.
enum ConditionTokenizer {
    private static let operatorCharacters = Set("+-*/<>=~!@#%^&|?:")
    // PostgreSQL's lexer rule: a multi-character operator ends in + or - only if it also holds one of these.
    private static let operatorKeepsTrailingSign = Set("~!@#%^&|`?")

    static func tokens(of text: String, engine: Engine) -> [ConditionToken] {
        locatedTokens(of: Array(text), engine: engine).tokens
    }

    /// The tokens of `characters` with, for each, the range of characters it was read from.
    static func locatedTokens(
        of characters: [Character], engine: Engine
    ) -> (tokens: [ConditionToken], ranges: [Range<Int>]) {
        var tokens: [ConditionToken] = []
        var ranges: [Range<Int>] = []
        var index = 0
        func peek(_ offset: Int = 0) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        while index < characters.count {
            let character = characters[index]
            let start = index
            defer {
                if ranges.count < tokens.count { ranges.append(start..<min(index, characters.count)) }
            }
            if character.isWhitespace {
                index += 1
            } else if character == "/", peek(1) == "*" {
                index += 2
                while index < characters.count, !(characters[index] == "*" && peek(1) == "/") { index += 1 }
                index += 2
            } else if character == "-", peek(1) == "-", engine == .postgres || (peek(2)?.isWhitespace ?? true) {
                // A line comment (statement texts carry them; MySQL wants a space after the dashes).
                while index < characters.count, !characters[index].isNewline { index += 1 }
            } else if character == "'" {
                tokens.append(
                    .string(readQuoted(characters, &index, quote: "'", backslashEscapes: engine.isMySQLFamily)))
            } else if character == "\"" {
                let text = readQuoted(characters, &index, quote: "\"", backslashEscapes: engine.isMySQLFamily)
                // MySQL prints strings in single quotes; a double-quoted text there is a string, in PostgreSQL a name.
                tokens.append(engine.isMySQLFamily ? .string(text) : .identifier(text, quoted: true))
            } else if character == "`" {
                tokens.append(
                    .identifier(readQuoted(characters, &index, quote: "`", backslashEscapes: false), quoted: true))
            } else if character.isNumber || (character == "." && (peek(1)?.isNumber ?? false) && !followsName(tokens)) {
                while let next = peek(), next.isNumber || next == "." { index += 1 }
                if let next = peek(), next == "e" || next == "E",
                    let after = peek(1), after.isNumber || after == "-" || after == "+"
                {
                    index += 2
                    while let next = peek(), next.isNumber { index += 1 }
                }
                tokens.append(.number)
            } else if character == "$", peek(1)?.isNumber ?? false {
                index += 1
                while let next = peek(), next.isNumber { index += 1 }
                tokens.append(.parameter)
            } else if character.isLetter || character == "_" {
                let start = index
                while let next = peek(), next.isLetter || next.isNumber || next == "_" || next == "$" { index += 1 }
                let word = String(characters[start..<index])
                if engine == .postgres, word.lowercased() == "operator",
                    let (symbol, end) = qualifiedOperator(characters, after: index)
                {
                    // `OPERATOR(pg_catalog.=)`, as ruleutils and the foreign-key triggers write an operator.
                    tokens.append(.symbol(symbol))
                    index = end
                } else if peek() == "'", word.hasPrefix("_") || ["e", "n", "x", "b"].contains(word.lowercased()) {
                    // A charset introducer (MySQL `_utf8mb4'x'`) or a prefixed literal (PostgreSQL `E'x'`).
                    tokens.append(.string(readQuoted(characters, &index, quote: "'", backslashEscapes: true)))
                } else {
                    tokens.append(.identifier(word, quoted: false))
                }
            } else if character == "<", let marker = readMarker(characters, from: index) {
                tokens.append(.marker(marker))
                index += marker.count + 2
            } else if let punctuation = punctuationToken(character) {
                tokens.append(punctuation)
                index += 1
            } else if character == "?", !(peek(1).map(operatorCharacters.contains) ?? false) {
                tokens.append(.parameter)
                index += 1
            } else if operatorCharacters.contains(character) {
                let start = index
                while let next = peek(), operatorCharacters.contains(next), !(next == "/" && peek(1) == "*") {
                    index += 1
                }
                var symbol = Array(characters[start..<index])
                while symbol.count > 1, symbol.last == "+" || symbol.last == "-",
                    !symbol.contains(where: operatorKeepsTrailingSign.contains)
                {
                    symbol.removeLast()
                    index -= 1
                }
                tokens.append(.symbol(String(symbol)))
            } else {
                tokens.append(.symbol(String(character)))
                index += 1
            }
        }
        return (tokens, ranges)
    }

    /// `text` without the qualifiers that name one of `tables` (lower-case) before a column:
    /// `(events_1.payload ->> 'path'::text)` → `(payload ->> 'path'::text)` for `events_1`. String
    /// literals and other names are left as they are.
    static func removingQualifiers(_ tables: Set<String>, from text: String, engine: Engine) -> String {
        let characters = Array(text)
        let (tokens, ranges) = locatedTokens(of: characters, engine: engine)
        var removed: [Range<Int>] = []
        for index in tokens.indices.dropLast(2) {
            guard case .identifier(let name, _) = tokens[index], tables.contains(name.lowercased()),
                tokens[index + 1] == .dot, case .identifier = tokens[index + 2],
                index == 0 || tokens[index - 1] != .dot
            else { continue }
            removed.append(ranges[index].lowerBound..<ranges[index + 1].upperBound)
        }
        var result = ""
        var next = 0
        for range in removed {
            result += String(characters[next..<range.lowerBound])
            next = range.upperBound
        }
        return result + String(characters[next...])
    }

    /// The operator of `OPERATOR(schema.op)` whose name ends at `start`, and the index after its `)`.
    private static func qualifiedOperator(_ characters: [Character], after start: Int) -> (String, Int)? {
        var index = start
        while index < characters.count, characters[index].isWhitespace { index += 1 }
        guard index < characters.count, characters[index] == "(",
            let close = characters[index...].firstIndex(of: ")")
        else { return nil }
        let name = String(characters[(index + 1)..<close]).split(separator: ".").last ?? ""
        let symbol = String(name.filter { !$0.isWhitespace })
        guard !symbol.isEmpty, symbol.allSatisfy(operatorCharacters.contains) else { return nil }
        return (symbol, close + 1)
    }

    private static func punctuationToken(_ character: Character) -> ConditionToken? {
        switch character {
        case "(": .leftParen
        case ")": .rightParen
        case "[": .leftBracket
        case "]": .rightBracket
        case ",": .comma
        case ".": .dot
        default: nil
        }
    }

    private static func followsName(_ tokens: [ConditionToken]) -> Bool {
        switch tokens.last {
        case .identifier, .rightParen, .rightBracket: true
        default: false
        }
    }

    /// Reads a quoted text starting at `index` (on the opening quote); a doubled quote is one quote.
    private static func readQuoted(
        _ characters: [Character], _ index: inout Int, quote: Character, backslashEscapes: Bool
    ) -> String {
        while index < characters.count, characters[index] != quote { index += 1 }
        index += 1
        var text = ""
        while index < characters.count {
            let character = characters[index]
            if backslashEscapes, character == "\\", index + 1 < characters.count {
                text.append(characters[index + 1])
                index += 2
            } else if character == quote {
                if index + 1 < characters.count, characters[index + 1] == quote {
                    text.append(quote)
                    index += 2
                } else {
                    index += 1
                    return text
                }
            } else {
                text.append(character)
                index += 1
            }
        }
        return text
    }

    /// `<name>` with a lower-case name and no spaces, as MySQL prints its internal items.
    private static func readMarker(_ characters: [Character], from start: Int) -> String? {
        var index = start + 1
        var name = ""
        while index < characters.count, characters[index].isLowercase || characters[index] == "_" {
            name.append(characters[index])
            index += 1
        }
        guard !name.isEmpty, index < characters.count, characters[index] == ">" else { return nil }
        return name
    }
}

// MARK: - Parser

/// A Pratt parser over `ConditionToken`s. Binding powers, loosest first: OR, AND, NOT, comparisons
/// (`=`, `LIKE`, `IN`, `BETWEEN`, `IS`), other operators, unary signs; postfix casts and subscripts
/// bind tightest.
struct ConditionParser {
    private struct Unreadable: Error {}

    private enum Power {
        static let or = 1
        static let and = 2
        static let not = 3
        static let comparison = 4
        static let other = 5
        static let unary = 6
    }

    private static let comparisonOperators: Set<String> = [
        "=", "<>", "!=", "<", "<=", ">", ">=", "<=>", "~~", "!~~", "~~*", "!~~*", "~", "!~", "~*", "!~*",
    ]
    private static let comparisonKeywords: Set<String> = [
        "like", "ilike", "in", "between", "similar", "regexp", "rlike",
    ]
    private static let constantKeywords: Set<String> = [
        "null", "true", "false", "unknown", "current_date", "current_time", "current_timestamp", "localtime",
        "localtimestamp", "current_user", "session_user", "current_role", "current_schema", "current_catalog",
    ]
    // Words that may follow the first word of a PostgreSQL type name ("timestamp without time zone").
    private static let typeContinuations: Set<String> = ["with", "without", "time", "zone", "precision", "varying"]

    private let source: ConditionSource
    private let tokens: [ConditionToken]
    private let end: Int
    private var position: Int
    private var nesting = 0

    /// How deep a condition may nest; planners print a few levels, generated SQL a few dozen.
    static let maximumNesting = 200

    /// A parser of the tokens `span` of `source`.
    init(_ source: ConditionSource, span: Range<Int>) {
        self.source = source
        self.tokens = source.tokens
        self.position = span.lowerBound
        self.end = span.upperBound
    }

    /// The whole span as one expression; `.unknown` when it cannot be read to the end.
    mutating func parseAll() -> ConditionExpression {
        guard let expression = try? expression(above: 0), position == end else { return .unknown }
        return expression
    }

    /// True when the first token's parenthesis closes at the last token.
    static func isWrappedInParentheses(_ tokens: ArraySlice<ConditionToken>) -> Bool {
        guard tokens.count >= 2, tokens.first == .leftParen, tokens.last == .rightParen else { return false }
        var depth = 0
        for (offset, token) in tokens.enumerated() {
            if token == .leftParen { depth += 1 }
            if token == .rightParen { depth -= 1 }
            if depth == 0 { return offset == tokens.count - 1 }
        }
        return false
    }

    /// Splits tokens at the ANDs outside any parentheses, leaving the AND of a BETWEEN alone; gives the
    /// positions of each piece's tokens.
    static func splitTopLevelConjuncts(_ tokens: ArraySlice<ConditionToken>) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var pieceStart = tokens.startIndex
        var depth = 0
        var pendingBetween = 0
        for (position, token) in zip(tokens.indices, tokens) {
            switch token {
            case .leftParen, .leftBracket: depth += 1
            case .rightParen, .rightBracket: depth -= 1
            default: break
            }
            if depth == 0, token.isKeyword("between") { pendingBetween += 1 }
            if depth == 0, token.isKeyword("and") {
                if pendingBetween > 0 {
                    pendingBetween -= 1
                } else {
                    pieces.append(pieceStart..<position)
                    pieceStart = position + 1
                }
            }
        }
        return pieces + [pieceStart..<tokens.endIndex]
    }

    private var current: ConditionToken? { position < end ? tokens[position] : nil }

    private func token(at offset: Int) -> ConditionToken? {
        position + offset < end ? tokens[position + offset] : nil
    }

    /// `operand`, read from the token at `start` up to the current one, with its text when it is compound.
    private func printed(_ operand: ConditionExpression, from start: Int) -> ConditionExpression {
        switch operand.uncast {
        case .call, .composite: .printed(operand, text: source.text(of: start..<position))
        default: operand
        }
    }

    private mutating func advance() { position += 1 }

    private mutating func expect(_ token: ConditionToken) throws {
        guard current == token else { throw Unreadable() }
        advance()
    }

    private mutating func expectKeyword(_ keyword: String) throws {
        guard current?.isKeyword(keyword) ?? false else { throw Unreadable() }
        advance()
    }

    // MARK: Binary and postfix operators

    private mutating func expression(above minimum: Int) throws -> ConditionExpression {
        let start = position
        var left = try prefix()
        while let token = current {
            if token.isKeyword("or") {
                guard Power.or > minimum else { break }
                advance()
                left = .or(left.orOperands + [try expression(above: Power.or)].flatMap(\.orOperands))
            } else if token.isKeyword("and") {
                guard Power.and > minimum else { break }
                advance()
                left = .and(left.conjuncts + (try expression(above: Power.and)).conjuncts)
            } else if isComparisonStart(token) {
                guard Power.comparison > minimum else { break }
                left = try comparison(printed(left, from: start))
            } else if case .symbol("::") = token {
                advance()
                try skipTypeName()
                left = .cast(left)
            } else if token.isKeyword("collate") {
                advance()
                try skipName()
                left = .cast(left)
            } else if token == .leftBracket {
                advance()
                let subscripted = left
                let index = try expression(above: 0)
                if case .symbol(":") = current {
                    advance()
                    _ = try expression(above: 0)
                }
                try expect(.rightBracket)
                left = .composite([subscripted, index])
            } else if token == .dot {
                // Field selection from a parenthesised row: `(InitPlan 1).col1`, `(rec).field`.
                advance()
                try skipName()
                left = .composite([left])
            } else if case .symbol = token {
                guard Power.other > minimum else { break }
                advance()
                left = .composite([left, try expression(above: Power.other)])
            } else {
                break
            }
        }
        return left
    }

    private func isComparisonStart(_ token: ConditionToken) -> Bool {
        if case .symbol(let symbol) = token { return Self.comparisonOperators.contains(symbol) }
        if token.isKeyword("is") { return true }
        if token.isKeyword("not") {
            return Self.comparisonKeywords.contains { self.token(at: 1)?.isKeyword($0) ?? false }
        }
        return Self.comparisonKeywords.contains { token.isKeyword($0) }
    }

    private mutating func comparison(_ left: ConditionExpression) throws -> ConditionExpression {
        if current?.isKeyword("is") ?? false { return try isTest(left) }
        var negated = false
        if current?.isKeyword("not") ?? false {
            negated = true
            advance()
        }
        guard let operatorToken = current else { throw Unreadable() }
        advance()
        switch operatorToken {
        case .symbol(let op):
            if let quantifier = current, ["any", "all", "some"].contains(where: quantifier.isKeyword),
                token(at: 1) == .leftParen, case .identifier(let word, _) = quantifier
            {
                advance()
                let array = try parenthesised()
                return .quantified(op: op, quantifier: word.lowercased(), left, array)
            }
            return .comparison(op: op, left, try operand())
        case _ where operatorToken.isKeyword("in"):
            let items = try parenthesisedList()
            return .inList(left, items, negated: negated)
        case _ where operatorToken.isKeyword("between"):
            if current?.isKeyword("symmetric") ?? false { advance() }
            let low = try expression(above: Power.comparison)
            try expectKeyword("and")
            let high = try expression(above: Power.comparison)
            return .between(left, low, high, negated: negated)
        case _ where operatorToken.isKeyword("similar"):
            try expectKeyword("to")
            return .comparison(
                op: negated ? "not similar to" : "similar to", left, try expression(above: Power.comparison))
        case .identifier(let word, _):
            let op = (negated ? "not " : "") + word.lowercased()
            let pattern = try expression(above: Power.comparison)
            if current?.isKeyword("escape") ?? false {
                advance()
                _ = try expression(above: Power.comparison)
            }
            return .comparison(op: op, left, pattern)
        default:
            throw Unreadable()
        }
    }

    /// The right-hand side of a comparison.
    private mutating func operand() throws -> ConditionExpression {
        let start = position
        let operand = try expression(above: Power.comparison)
        return printed(operand, from: start)
    }

    private mutating func isTest(_ left: ConditionExpression) throws -> ConditionExpression {
        advance()
        var negated = false
        if current?.isKeyword("not") ?? false {
            negated = true
            advance()
        }
        if current?.isKeyword("distinct") ?? false {
            advance()
            try expectKeyword("from")
            let op = negated ? "is not distinct from" : "is distinct from"
            return .comparison(op: op, left, try expression(above: Power.comparison))
        }
        guard case .identifier(let word, false) = current,
            ["null", "true", "false", "unknown"].contains(word.lowercased())
        else { throw Unreadable() }
        advance()
        return .isTest(left, test: (negated ? "not " : "") + word.lowercased())
    }

    // MARK: Operands

    private mutating func prefix() throws -> ConditionExpression {
        // Every nesting (parentheses, calls, NOT) passes here: deeper than any real condition is unreadable,
        // not a stack overflow.
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting, let token = current else { throw Unreadable() }
        switch token {
        case .leftParen:
            return try parenthesised()
        case .string(let text):
            advance()
            return .literal(text: text)
        case .number, .parameter:
            advance()
            return .literal(text: nil)
        case .marker(let name):
            advance()
            guard current == .leftParen else { return .unknown }
            return .call(name: "<\(name)>", arguments: try parenthesisedList())
        case .symbol(let symbol) where ["-", "+", "~", "!", "@"].contains(symbol):
            advance()
            return .composite([try expression(above: Power.unary)])
        case .symbol("*"):
            advance()
            return .literal(text: nil)
        case .identifier(let word, let quoted):
            return quoted ? try name() : try keywordOrName(word.lowercased())
        default:
            throw Unreadable()
        }
    }

    private mutating func keywordOrName(_ word: String) throws -> ConditionExpression {
        switch word {
        case "not":
            advance()
            return .not(try expression(above: Power.not))
        case _ where Self.constantKeywords.contains(word):
            advance()
            return .literal(text: nil)
        case "date" where isString(token(at: 1)), "time" where isString(token(at: 1)),
            "timestamp" where isString(token(at: 1)), "interval" where isString(token(at: 1)):
            advance()
            return try prefix()
        case "interval":
            // MySQL: `interval 7 day`.
            advance()
            let amount = try expression(above: Power.unary)
            try skipName()
            return .composite([amount])
        case "cast" where token(at: 1) == .leftParen, "convert" where token(at: 1) == .leftParen:
            advance()
            advance()
            let value = try expression(above: 0)
            try skipToClosingParenthesis()
            return .cast(value)
        case "case":
            return try caseExpression()
        case "array" where token(at: 1) == .leftBracket:
            advance()
            advance()
            var items: [ConditionExpression] = []
            while current != .rightBracket {
                items.append(try expression(above: 0))
                if current == .comma { advance() } else { break }
            }
            try expect(.rightBracket)
            return .composite(items)
        case "row" where token(at: 1) == .leftParen:
            advance()
            return .composite(try parenthesisedList())
        case "select", "exists", "subplan", "initplan", "hashed", "alternatives":
            // Sub-queries and PostgreSQL sub-plan references: nothing an index on this relation can use.
            throw Unreadable()
        default:
            return try name()
        }
    }

    private func isString(_ token: ConditionToken?) -> Bool {
        if case .string = token { return true }
        return false
    }

    /// A column reference or a function call: `a`, `t.a`, `db.t.a`, `lower(a)`, `pg_catalog.f(x)`.
    private mutating func name() throws -> ConditionExpression {
        var parts: [String] = []
        while case .identifier(let part, _) = current {
            parts.append(part)
            advance()
            guard current == .dot, case .identifier = token(at: 1) else { break }
            advance()
        }
        guard let last = parts.popLast() else { throw Unreadable() }
        if current == .leftParen { return .call(name: last.lowercased(), arguments: try parenthesisedList()) }
        if isString(current) {
            // A type-prefixed literal: `DATE'2024-01-01'`, `int4 '1'`.
            advance()
            return .literal(text: nil)
        }
        return .column(qualifiers: parts, name: last)
    }

    private mutating func caseExpression() throws -> ConditionExpression {
        advance()
        var parts: [ConditionExpression] = []
        while let token = current, !token.isKeyword("end") {
            if ["when", "then", "else"].contains(where: token.isKeyword) {
                advance()
            } else {
                parts.append(try expression(above: 0))
            }
        }
        try expectKeyword("end")
        return .composite(parts)
    }

    /// `( expression )` or a row `(a, b)`. Unreadable contents make the whole group `.unknown`.
    private mutating func parenthesised() throws -> ConditionExpression {
        let items = try parenthesisedList()
        return items.count == 1 ? items[0] : .composite(items)
    }

    private mutating func parenthesisedList() throws -> [ConditionExpression] {
        try expect(.leftParen)
        let start = position
        do {
            var items: [ConditionExpression] = []
            while current != .rightParen {
                items.append(try expression(above: 0))
                guard current == .comma else { break }
                advance()
            }
            try expect(.rightParen)
            return items
        } catch {
            position = start
            try skipToClosingParenthesis()
            return [.unknown]
        }
    }

    /// Moves past the `)` that closes the group the parser is in.
    private mutating func skipToClosingParenthesis() throws {
        var depth = 0
        while let token = current {
            advance()
            if token == .leftParen { depth += 1 }
            if token == .rightParen {
                if depth == 0 { return }
                depth -= 1
            }
        }
        throw Unreadable()
    }

    private mutating func skipName() throws {
        guard case .identifier = current else { throw Unreadable() }
        advance()
        while current == .dot, case .identifier = token(at: 1) {
            advance()
            advance()
        }
    }

    /// A PostgreSQL type name after `::`: `text`, `"char"`, `pg_catalog.int4`, `timestamp without time
    /// zone`, `character varying(10)`, `integer[]`.
    private mutating func skipTypeName() throws {
        try skipName()
        while case .identifier(let word, false) = current, Self.typeContinuations.contains(word.lowercased()) {
            advance()
        }
        if current == .leftParen { try skipGroup() }
        while current == .leftBracket, token(at: 1) == .rightBracket {
            advance()
            advance()
        }
    }

    private mutating func skipGroup() throws {
        advance()
        try skipToClosingParenthesis()
    }
}

extension ConditionExpression {
    fileprivate var orOperands: [ConditionExpression] {
        if case .or(let operands) = self { return operands }
        return [self]
    }
}
