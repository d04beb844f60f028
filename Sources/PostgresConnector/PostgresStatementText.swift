import AdvisorQueries

/// What the explainer needs to know about a statement text as `pg_stat_statements` keeps it, read with
/// PostgreSQL's lexical rules: words, `$n` placeholders and `;` count only outside string literals
/// (`'…'`, `E'…'` with backslash escapes, `$tag$…$tag$`), quoted identifiers and comments (`--`, nested
/// `/* */`).
///
/// It is not a parser: it decides whether a text may be EXPLAINed or executed by `EXPLAIN ANALYZE`, and
/// errs towards refusing.
public struct PostgresStatementText: Sendable, Equatable {
    /// The text as given.
    public let text: String
    /// The first keyword, upper-cased, after comments and opening parentheses: "SELECT", "WITH", "VACUUM".
    public let firstKeyword: String?
    /// The highest `$n` placeholder (`$10` counts as 10), 0 when the text has none.
    public let highestPlaceholder: Int
    /// More than one statement: something other than comments follows a `;`.
    public let hasSeveralStatements: Bool
    /// The text ends inside a string, quoted identifier or comment: a sign of a cut text.
    public let isUnterminated: Bool
    /// One of dbadvisor's own statements: it carries the mark (`SELECT /* dbadvisor:pg_tables */ …`), or its
    /// leading comment names one of dbadvisor's queries (`-- pg_server_version: …`) as earlier versions sent
    /// them: one of this build's, or any name of that form.
    public let isDBAdvisorQuery: Bool
    /// Every word outside literals and comments, upper-cased.
    private let words: Set<String>
    /// The byte offset just after the first keyword.
    private let firstKeywordEnd: Int?

    /// How the mark dbadvisor puts into each statement it sends begins (`/* dbadvisor:pg_tables */`).
    /// The statements collector leaves texts with it out of scans.
    public static let markPrefix = "/* dbadvisor:"

    /// The statements `EXPLAIN` accepts.
    public static let explainableKeywords: Set<String> = [
        "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "VALUES", "TABLE",
    ]

    /// The statements that only read, when nothing inside them writes.
    public static let readingKeywords: Set<String> = ["SELECT", "WITH", "VALUES", "TABLE"]

    /// Words that make a reading statement write, lock rows or have side effects: a data-modifying
    /// `WITH`, `SELECT … INTO` (creates a table), `FOR UPDATE`/`FOR [KEY] SHARE`, and functions known to
    /// change state. A read-only transaction would reject most of them, but refusing them here means
    /// `--analyze` never even tries.
    public static let writingWords: Set<String> = [
        "INSERT", "UPDATE", "DELETE", "MERGE", "INTO", "SHARE", "NEXTVAL", "SETVAL", "SET_CONFIG",
        "PG_ADVISORY_LOCK", "PG_ADVISORY_XACT_LOCK", "PG_ADVISORY_LOCK_SHARED", "PG_ADVISORY_XACT_LOCK_SHARED",
        "PG_TRY_ADVISORY_LOCK", "PG_TRY_ADVISORY_XACT_LOCK", "PG_TERMINATE_BACKEND", "PG_CANCEL_BACKEND",
        "PG_RELOAD_CONF", "PG_SWITCH_WAL", "PG_NOTIFY", "DBLINK", "DBLINK_EXEC", "LO_IMPORT", "LO_EXPORT",
        "LO_UNLINK", "LO_CREATE", "LO_CREAT", "LO_FROM_BYTEA", "LO_PUT",
        // Statistics resets: `SELECT pg_stat_statements_reset()` is a query that would wipe what a scan reads.
        "PG_STAT_STATEMENTS_RESET", "PG_STAT_RESET", "PG_STAT_RESET_SHARED", "PG_STAT_RESET_SINGLE_TABLE_COUNTERS",
    ]

    public init(_ text: String) {
        self.text = text
        var lexer = Lexer(bytes: Array(text.utf8))
        lexer.run()
        firstKeyword = lexer.firstWord
        highestPlaceholder = lexer.highestPlaceholder
        hasSeveralStatements = lexer.hasSeveralStatements
        isUnterminated = lexer.isUnterminated
        words = lexer.words
        firstKeywordEnd = lexer.firstWordEnd
        isDBAdvisorQuery = Self.isDBAdvisorQuery(text)
    }

    /// True for one of dbadvisor's own statements: it carries the mark, or its first line is a `Queries/`
    /// header (`-- pg_name: …`).
    public static func isDBAdvisorQuery(_ text: String) -> Bool {
        text.contains(markPrefix) || (leadingQueryName(in: text).map(isDBAdvisorQueryName) ?? false)
    }

    /// The statement with dbadvisor's mark right after its first keyword: `SELECT /* dbadvisor:pg_tables */ …`.
    ///
    /// `pg_stat_statements` keeps the text as sent, but PostgreSQL 18 drops a statement's leading comment
    /// (the `Queries/` header) from it; a comment inside the statement stays on every version. A text without
    /// a keyword is returned as it is.
    public static func marked(_ sql: String, as name: String) -> String {
        let statement = PostgresStatementText(sql)
        guard let end = statement.firstKeywordEnd else { return sql }
        let bytes = Array(sql.utf8)
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let tail = String(decoding: bytes[end...], as: UTF8.self)
        return "\(head) \(markPrefix)\(name) */\(tail)"
    }

    /// `EXPLAIN` can plan it: a query or a data-modifying statement, not a utility command.
    public var isExplainable: Bool {
        firstKeyword.map(Self.explainableKeywords.contains) ?? false
    }

    /// Safe to execute for `EXPLAIN ANALYZE`: it starts as a query and no word in it writes or locks.
    public var isReadOnlyQuery: Bool {
        guard let firstKeyword, Self.readingKeywords.contains(firstKeyword) else { return false }
        return words.isDisjoint(with: Self.writingWords)
    }

    /// True when the text has `$n` placeholders: the server can plan it but not run it as it is.
    public var hasPlaceholders: Bool { highestPlaceholder > 0 }

    // MARK: - Private helpers

    /// A `QueryText` name, or one shaped like them: `pg_` and then lower-case letters, digits and `_`.
    private static func isDBAdvisorQueryName(_ name: String) -> Bool {
        if QueryText(rawValue: name) != nil { return true }
        return name.hasPrefix("pg_") && name.count > 3
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// `pg_name` from a first line `-- pg_name: …`, the header every file under `Queries/` starts with.
    private static func leadingQueryName(in text: String) -> String? {
        let trimmed = text.drop { $0.isWhitespace }
        guard trimmed.hasPrefix("--") else { return nil }
        let name = trimmed.dropFirst(2).drop { $0 == " " }.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        let rest = trimmed.dropFirst(2).drop { $0 == " " }.dropFirst(name.count)
        return rest.first == ":" ? String(name) : nil
    }
}

/// One pass over the bytes of a statement text (PostgreSQL's scan.l rules, reduced to what counts here).
private struct Lexer {
    let bytes: [UInt8]
    var position = 0
    var firstWord: String?
    var firstWordEnd: Int?
    var highestPlaceholder = 0
    var hasSeveralStatements = false
    var isUnterminated = false
    var words: Set<String> = []
    private var sawSemicolon = false

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func run() {
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isSpace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "-"), next == UInt8(ascii: "-") {
                skipLineComment()
            } else if byte == UInt8(ascii: "/"), next == UInt8(ascii: "*") {
                skipBlockComment()
            } else if byte == UInt8(ascii: ";") {
                sawSemicolon = true
                position += 1
            } else {
                if sawSemicolon { hasSeveralStatements = true }
                token(startingWith: byte)
            }
        }
    }

    private var next: UInt8? { position + 1 < bytes.count ? bytes[position + 1] : nil }

    private mutating func token(startingWith byte: UInt8) {
        if byte == UInt8(ascii: "'") {
            skipQuoted(UInt8(ascii: "'"), backslashEscapes: false)
        } else if byte == UInt8(ascii: "\"") {
            skipQuoted(UInt8(ascii: "\""), backslashEscapes: false)
        } else if byte == UInt8(ascii: "$") {
            dollar()
        } else if Self.isIdentifierStart(byte) {
            word()
        } else {
            position += 1
        }
    }

    private mutating func word() {
        let start = position
        while position < bytes.count, Self.isIdentifierPart(bytes[position]) { position += 1 }
        let word = String(decoding: bytes[start..<position], as: UTF8.self).uppercased()
        // E'…' is the one string form where a backslash escapes the quote.
        if position < bytes.count, bytes[position] == UInt8(ascii: "'") {
            skipQuoted(UInt8(ascii: "'"), backslashEscapes: word == "E")
            return
        }
        if firstWord == nil {
            firstWord = word
            firstWordEnd = position
        }
        words.insert(word)
    }

    /// `$3` (a placeholder), `$tag$…$tag$` or `$$…$$` (a string), or a lone `$`.
    private mutating func dollar() {
        var end = position + 1
        if end < bytes.count, Self.isDigit(bytes[end]) {
            var number = 0
            while end < bytes.count, Self.isDigit(bytes[end]) {
                number = min(number * 10 + Int(bytes[end] - UInt8(ascii: "0")), 1_000_000)
                end += 1
            }
            highestPlaceholder = max(highestPlaceholder, number)
            position = end
            return
        }
        while end < bytes.count, Self.isIdentifierPart(bytes[end]), bytes[end] != UInt8(ascii: "$") {
            end += 1
        }
        let tagIsValid = end == position + 1 || Self.isIdentifierStart(bytes[position + 1])
        guard tagIsValid, end < bytes.count, bytes[end] == UInt8(ascii: "$") else {
            position += 1
            return
        }
        let delimiter = Array(bytes[position...end])
        position = end + 1
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "$"), bytes[position...].starts(with: delimiter) {
                position += delimiter.count
                return
            }
            position += 1
        }
        isUnterminated = true
    }

    private mutating func skipQuoted(_ quote: UInt8, backslashEscapes: Bool) {
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if backslashEscapes, byte == UInt8(ascii: "\\") {
                position += 2
            } else if byte == quote {
                // A doubled quote is the quote character itself, not the end.
                if next == quote {
                    position += 2
                } else {
                    position += 1
                    return
                }
            } else {
                position += 1
            }
        }
        isUnterminated = true
    }

    private mutating func skipLineComment() {
        while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
    }

    private mutating func skipBlockComment() {
        var depth = 0
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "/"), next == UInt8(ascii: "*") {
                depth += 1
                position += 2
            } else if bytes[position] == UInt8(ascii: "*"), next == UInt8(ascii: "/") {
                depth -= 1
                position += 2
                if depth == 0 { return }
            } else {
                position += 1
            }
        }
        isUnterminated = true
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Letters, `_` and every non-ASCII byte start identifiers, as in PostgreSQL.
    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "$")
    }
}
