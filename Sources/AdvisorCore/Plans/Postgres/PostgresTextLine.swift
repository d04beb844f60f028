/// One logical line of a text-format plan: the content with the client's decorations removed, its
/// indentation, and where its bytes came from, so that errors name the original line and column even
/// after wrapped lines were joined.
struct PostgresTextLine {
    /// Where a piece of `text` starts in the input.
    struct Origin {
        /// Offset in `text` where the piece starts.
        var offset: Int
        /// 1-based line in the input.
        var line: Int
        /// 1-based byte column in that line.
        var column: Int
    }

    /// The content, without leading indentation and trailing whitespace.
    private(set) var text: [UInt8]
    /// Leading whitespace in columns (see `PostgresTextLineCleaner` for how tabs count).
    let indent: Int
    /// Spaces that ended the line: part of the content when a terminal wrapped the line right after them.
    private(set) var trailingSpaces: Int
    /// Where the line starts in the input (offset 0).
    private let firstOrigin: Origin
    /// One origin per physical line joined onto this one; kept apart from the first so that the common,
    /// unjoined line needs no array.
    private var joinedOrigins: [Origin] = []

    init(text: [UInt8], indent: Int, trailingSpaces: Int = 0, line: Int, column: Int) {
        self.text = text
        self.indent = indent
        self.trailingSpaces = trailingSpaces
        self.firstOrigin = Origin(offset: 0, line: line, column: column)
    }

    /// The input line this logical line starts on.
    var line: Int { firstOrigin.line }

    var isEmpty: Bool { text.isEmpty }

    /// The input line and column of a byte of `text`.
    func position(at offset: Int) -> (line: Int, column: Int) {
        var origin = firstOrigin
        for candidate in joinedOrigins where candidate.offset <= offset { origin = candidate }
        return (origin.line, origin.column + max(0, offset - origin.offset))
    }

    /// Appends the rest of a line a terminal or mail client wrapped: the whitespace around the break
    /// was content, so it is kept.
    mutating func append(wrapped continuation: PostgresTextLine) {
        append(continuation, separator: Array(repeating: 0x20, count: trailingSpaces + continuation.indent))
    }

    /// Appends the next line of a multi-line value (a query text), on its own line, indented relative to
    /// the first.
    mutating func append(nextLine continuation: PostgresTextLine) {
        append(continuation, separator: [0x0A] + Array(repeating: 0x20, count: max(0, continuation.indent - indent)))
    }

    private mutating func append(_ continuation: PostgresTextLine, separator: [UInt8]) {
        text += separator
        for origin in [continuation.firstOrigin] + continuation.joinedOrigins {
            joinedOrigins.append(Origin(offset: text.count + origin.offset, line: origin.line, column: origin.column))
        }
        text += continuation.text
        trailingSpaces = continuation.trailingSpaces
    }

    // MARK: - Reading bytes

    /// True when `literal` occurs at `index`.
    func hasPrefix(_ literal: StaticString, at index: Int = 0) -> Bool {
        Self.matches(literal, in: text, at: index)
    }

    /// The first offset at or after `start` where `literal` occurs outside double-quoted identifiers.
    func firstIndex(of literal: StaticString, from start: Int = 0) -> Int? {
        Self.firstIndex(of: literal, in: text, from: start)
    }

    /// The text of `range` as a String.
    func string(_ range: Range<Int>) -> String {
        String(decoding: text[range], as: UTF8.self)
    }

    /// The text from `start` to the end, trimmed of spaces, as a String.
    func string(from start: Int) -> String {
        var lower = min(start, text.count)
        var upper = text.count
        while lower < upper, Self.isSpace(text[lower]) { lower += 1 }
        while upper > lower, Self.isSpace(text[upper - 1]) { upper -= 1 }
        return string(lower..<upper)
    }

    /// The whole content as a String.
    var string: String { string(0..<text.count) }

    static func matches(_ literal: StaticString, in bytes: [UInt8], at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index >= 0, index + count <= bytes.count else { return false }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
        return true
    }

    static func firstIndex(of literal: StaticString, in bytes: [UInt8], from start: Int) -> Int? {
        let count = literal.utf8CodeUnitCount
        guard count > 0 else { return start }
        let first = literal.utf8Start[0]
        var inQuotes = false
        var index = max(0, start)
        while index + count <= bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes, byte == first, matches(literal, in: bytes, at: index) {
                return index
            }
            index += 1
        }
        return nil
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
