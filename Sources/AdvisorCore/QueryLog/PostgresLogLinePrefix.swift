/// A PostgreSQL `log_line_prefix`, compiled to match the start of stderr log lines and pull out the
/// fields it names (`%m %t %n %p %c %l %u %d %a %h %r %x %v %e %s %i %b %q %Q %P`).
///
/// A line matches when the prefix is followed by a message level and a colon (`LOG:  `,
/// `ERROR:  `…): anchoring on the level lets fields of any width (an application name with spaces
/// and brackets) be told apart, trying each place the next literal text occurs.
public struct PostgresLogLinePrefix: Sendable, Equatable {
    /// The prefix as configured.
    public let text: String
    let tokens: [Token]

    enum Token: Sendable, Equatable {
        case literal([UInt8])
        case field(Field)
        /// `%q`: processes without a session print nothing from here on.
        case quietStop
    }

    enum Field: Sendable, Equatable {
        case timestamp, timestampMs, processStart, epoch, pid, leaderPid, lineNumber, session, transaction
        case virtualTransaction, sqlState, queryID, user, database, application, host, remoteHostPort
        case commandTag, backendType
    }

    /// Compiles a prefix; unknown escapes are kept as literal text, as PostgreSQL prints them.
    public init(_ text: String) {
        self.text = text
        var tokens: [Token] = []
        var literal: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        func flush() {
            if !literal.isEmpty { tokens.append(.literal(literal)) }
            literal = []
        }
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%"), !bytes.isEmpty else {
                literal.append(byte)
                continue
            }
            // A padding width (`%-10u`) changes the field's width, not what it holds.
            while let next = bytes.first, next == UInt8(ascii: "-") || (next >= 48 && next <= 57) {
                bytes.removeFirst()
            }
            guard let escape = bytes.popFirst() else { break }
            if escape == UInt8(ascii: "%") {
                literal.append(escape)
                continue
            }
            guard let token = Self.token(for: escape) else {
                literal.append(contentsOf: [UInt8(ascii: "%"), escape])
                continue
            }
            flush()
            tokens.append(token)
        }
        flush()
        self.tokens = tokens
    }

    /// The last `log_line_prefix = '…'` setting in a `postgresql.conf` text (what the server uses),
    /// or nil when none is set.
    public static func fromConfiguration(_ text: String) -> PostgresLogLinePrefix? {
        var found: String?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            guard line.hasPrefix("log_line_prefix") else { continue }
            var rest = line.dropFirst("log_line_prefix".count).drop { $0 == " " || $0 == "\t" }
            guard rest.first == "=" else { continue }
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
            guard rest.first == "'" else {
                found = String(rest.prefix { $0 != " " && $0 != "#" && $0 != "\t" })
                continue
            }
            var value = ""
            var characters = rest.dropFirst()[...]
            while let character = characters.popFirst() {
                if character == "'" {
                    guard characters.first == "'" else { break }
                    characters.removeFirst()
                } else if character == "\\", let escaped = characters.popFirst() {
                    value.append(escaped)
                    continue
                }
                value.append(character)
            }
            found = value
        }
        return found.map(PostgresLogLinePrefix.init)
    }

    /// Prefixes tried, in order, when none is given: PostgreSQL's default, the ones pgBadger's
    /// documentation recommends, Amazon RDS's, Heroku's and other common ones.
    public static let commonPrefixes: [String] = [
        "%m [%p] ", "%m [%p] %q%u@%d ", "%t [%p] ", "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
        "%t [%p]: [%l-1] user=%u,db=%d ", "%t [%p]: [%l-1] ", "%t [%p]: user=%u,db=%d,app=%a,client=%h ",
        "%t [%p]: db=%d,user=%u,app=%a,client=%h ", "%t [%p]: [%l-1] db=%d,user=%u ",
        "%m [%p]: [%l-1] db=%d,user=%u ", "%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
        "%t [%p]: [%l-1] user=%u,db=%d,host=%h,app=%a ", "%t [%p]: [%l-1] [%x] usr=%u,db=%d,appli=%a ",
        "%t:%r:%u@%d:[%p]:", "%t:%h:%u@%d:[%p]:", "%m [%p] user=%u,db=%d ", "%m [%p] user=%u,db=%d,app=%a ",
        "%m [%p] %q[user=%u,db=%d,app=%a] ", "%t [%p-%l] %q%u@%d ", "%m [%p] [queryid=%Q] %q%u@%d ",
        "%m [%p]: [%l-1] %q%u@%d ", "%m %u@%d %p %r ", "%m [%p] %q%u@%d %h ", "%m:%r:%u@%d:[%p]:",
        "db=%d,user=%u,app=%a,client=%h ", "user=%u,db=%d,app=%a,client=%h ", " sql_error_code = %e ",
        "[%p]: [%l-1] db=%d,user=%u ", "%t [%p]: ",
    ]

    /// The fields of one log line as this prefix reads them.
    public struct ParsedLine: Sendable, Equatable {
        /// Seconds since 1970 from `%m`, `%t` or `%n`.
        public var time: Double?
        /// The message level as printed: `LOG`, `ERROR`, `DETAIL`…
        public var level: String
        public var pid: Int?
        public var session: String?
        public var user: String?
        public var database: String?
        public var application: String?
        public var host: String?
        /// The message text after the level (and after an SQLSTATE printed by verbose logging).
        public var content: String
    }

    /// Reads one line (without its line break); nil when it does not start with this prefix and a level.
    public func parse(_ line: String) -> ParsedLine? {
        var line = line
        return line.withUTF8 { bytes -> ParsedLine? in
            guard let match = match(bytes) else { return nil }
            func text(_ range: Range<Int>?) -> String? {
                range.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
            }
            var levelEnd = match.levelStart
            while levelEnd < bytes.count, bytes[levelEnd] != UInt8(ascii: ":") { levelEnd += 1 }
            return ParsedLine(
                time: match.time, level: text(match.levelStart..<levelEnd) ?? "",
                pid: text(match.pid).flatMap { Int($0) },
                session: text(match.session), user: text(match.user), database: text(match.database),
                application: text(match.application), host: text(match.host),
                content: text(match.contentStart..<bytes.count) ?? "")
        }
    }

    /// What a matched line holds: the prefix's fields (as offsets into the line), its level and where
    /// the message text starts.
    struct Match {
        var time: Double?
        var level: PostgresLogLevel = .other
        var levelStart = 0
        var contentStart = 0
        var pid: Range<Int>?
        var session: Range<Int>?
        var user: Range<Int>?
        var database: Range<Int>?
        var application: Range<Int>?
        var host: Range<Int>?
    }

    /// Matches the start of a line (after any syslog header, from `start`); nil when the line does not
    /// start with this prefix and a message level.
    func match(_ line: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Match? {
        var captures = Match()
        guard match(line, tokenIndex: 0, position: start, &captures) else { return nil }
        return captures
    }

    /// Reads a message level and the colon and spaces after it at `position` (and an SQLSTATE after
    /// them, as `log_error_verbosity = verbose` prints it); returns the level and where the text starts.
    static func level(_ line: UnsafeBufferPointer<UInt8>, at position: Int) -> (PostgresLogLevel, Int)? {
        guard position < line.count else { return nil }
        var end = position
        while end < line.count, end - position < 10, line[end] >= 65, line[end] <= 90 { end += 1 }
        guard end < line.count, end > position + 2, line[end] == UInt8(ascii: ":") else { return nil }
        var level: PostgresLogLevel
        switch end - position {
        case 3 where line[position] == UInt8(ascii: "L"):
            guard line[position + 1] == UInt8(ascii: "O"), line[position + 2] == UInt8(ascii: "G") else { return nil }
            level = .log
        default:
            let word = String(decoding: UnsafeBufferPointer(rebasing: line[position..<end]), as: UTF8.self)
            guard let known = PostgresLogLevel.byName[word] else {
                guard word.hasPrefix("DEBUG") else { return nil }
                level = .other
                break
            }
            level = known
        }
        var text = end + 1
        while text < line.count, line[text] == UInt8(ascii: " ") { text += 1 }
        if text + 7 <= line.count, line[text + 5] == UInt8(ascii: ":"), line[text + 6] == UInt8(ascii: " ") {
            var digits = 0
            var allCode = true
            for index in text..<text + 5 {
                let byte = line[index]
                if byte >= 48 && byte <= 57 {
                    digits += 1
                } else if !(byte >= 65 && byte <= 90) {
                    allCode = false
                }
            }
            if allCode && digits > 0 {
                text += 7
                while text < line.count, line[text] == UInt8(ascii: " ") { text += 1 }
            }
        }
        return (level, text)
    }

    // MARK: - Private

    private static func token(for escape: UInt8) -> Token? {
        let field: Field
        switch escape {
        case UInt8(ascii: "m"): field = .timestampMs
        case UInt8(ascii: "t"): field = .timestamp
        case UInt8(ascii: "s"): field = .processStart
        case UInt8(ascii: "n"): field = .epoch
        case UInt8(ascii: "p"): field = .pid
        case UInt8(ascii: "P"): field = .leaderPid
        case UInt8(ascii: "l"): field = .lineNumber
        case UInt8(ascii: "c"): field = .session
        case UInt8(ascii: "x"): field = .transaction
        case UInt8(ascii: "v"): field = .virtualTransaction
        case UInt8(ascii: "e"): field = .sqlState
        case UInt8(ascii: "Q"): field = .queryID
        case UInt8(ascii: "u"): field = .user
        case UInt8(ascii: "d"): field = .database
        case UInt8(ascii: "a"): field = .application
        case UInt8(ascii: "h"): field = .host
        case UInt8(ascii: "r"): field = .remoteHostPort
        case UInt8(ascii: "i"): field = .commandTag
        case UInt8(ascii: "b"): field = .backendType
        case UInt8(ascii: "q"): return .quietStop
        default: return nil
        }
        return .field(field)
    }

    private func match(
        _ line: UnsafeBufferPointer<UInt8>, tokenIndex: Int, position: Int, _ captures: inout Match
    ) -> Bool {
        guard tokenIndex < tokens.count else { return finish(line, position, &captures) }
        switch tokens[tokenIndex] {
        case .quietStop:
            return match(line, tokenIndex: tokenIndex + 1, position: position, &captures)
                || finish(line, position, &captures)
        case .literal(let literal):
            guard position + literal.count <= line.count else { return false }
            for index in 0..<literal.count where line[position + index] != literal[index] { return false }
            return match(line, tokenIndex: tokenIndex + 1, position: position + literal.count, &captures)
        case .field(let field):
            if let end = fixedEnd(of: field, line, position, &captures) {
                guard end >= position else { return false }
                capture(field, position..<end, line, &captures)
                return match(line, tokenIndex: tokenIndex + 1, position: end, &captures)
            }
            return matchVariable(field, line, tokenIndex: tokenIndex, position: position, &captures)
        }
    }

    /// A field of free text: tries each place the literal after it occurs, nearest first.
    private func matchVariable(
        _ field: Field, _ line: UnsafeBufferPointer<UInt8>, tokenIndex: Int, position: Int, _ captures: inout Match
    ) -> Bool {
        let next = tokenIndex + 1 < tokens.count ? tokens[tokenIndex + 1] : nil
        guard case .literal(let literal) = next, let first = literal.first else {
            var end = position
            while end < line.count, line[end] != UInt8(ascii: " ") { end += 1 }
            capture(field, position..<end, line, &captures)
            return match(line, tokenIndex: tokenIndex + 1, position: end, &captures)
        }
        var candidate = position
        let limit = min(line.count, position + 1024)
        while candidate < limit {
            if line[candidate] == first {
                capture(field, position..<candidate, line, &captures)
                if match(line, tokenIndex: tokenIndex + 1, position: candidate, &captures) { return true }
            }
            candidate += 1
        }
        return false
    }

    private func finish(_ line: UnsafeBufferPointer<UInt8>, _ position: Int, _ captures: inout Match) -> Bool {
        guard let (level, content) = Self.level(line, at: position) else { return false }
        captures.level = level
        captures.levelStart = position
        captures.contentStart = content
        return true
    }

    /// Where a field of known shape ends; -1 when it does not fit; nil for free-text fields.
    private func fixedEnd(
        of field: Field, _ line: UnsafeBufferPointer<UInt8>, _ position: Int, _ captures: inout Match
    ) -> Int? {
        switch field {
        case .timestamp, .timestampMs, .processStart:
            guard let (seconds, end) = LogTimestamp.parse(line, from: position) else { return -1 }
            if field != .processStart && (captures.time == nil || field == .timestampMs) { captures.time = seconds }
            return end
        case .epoch:
            let end = Self.skip(line, from: position) { ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") }
            if end > position,
                let seconds = Double(
                    String(decoding: UnsafeBufferPointer(rebasing: line[position..<end]), as: UTF8.self))
            {
                captures.time = seconds
                return end
            }
            return -1
        case .pid, .lineNumber, .transaction:
            let end = Self.skip(line, from: position) { $0 >= 48 && $0 <= 57 }
            return end > position ? end : -1
        case .leaderPid:
            return Self.skip(line, from: position) { $0 >= 48 && $0 <= 57 }
        case .queryID:
            return Self.skip(line, from: position) { ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") }
        case .virtualTransaction:
            return Self.skip(line, from: position) { ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "/") }
        case .session:
            let end = Self.skip(line, from: position) { Self.isHex($0) || $0 == UInt8(ascii: ".") }
            return end > position ? end : -1
        case .sqlState:
            let end = Self.skip(line, from: position) { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) }
            return end - position == 5 ? end : -1
        case .user, .database, .application, .host, .remoteHostPort, .commandTag, .backendType:
            return nil
        }
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) || (byte >= 65 && byte <= 70)
    }

    private static func skip(_ line: UnsafeBufferPointer<UInt8>, from start: Int, while accept: (UInt8) -> Bool) -> Int
    {
        var end = start
        while end < line.count, accept(line[end]) { end += 1 }
        return end
    }

    private func capture(
        _ field: Field, _ range: Range<Int>, _ line: UnsafeBufferPointer<UInt8>, _ captures: inout Match
    ) {
        switch field {
        case .pid: captures.pid = range
        case .session: captures.session = range
        case .user: captures.user = range
        case .database: captures.database = range
        case .application: captures.application = range
        case .host: captures.host = range
        case .remoteHostPort:
            // `host(port)`: the port is no part of the host.
            var end = range.upperBound
            if end > range.lowerBound, line[end - 1] == UInt8(ascii: ")") {
                var open = end - 1
                while open > range.lowerBound, line[open] != UInt8(ascii: "(") { open -= 1 }
                if line[open] == UInt8(ascii: "(") { end = open }
            }
            captures.host = range.lowerBound..<end
        default: break
        }
    }
}

/// The level of a PostgreSQL log message, as far as reading statements cares.
enum PostgresLogLevel: Sendable {
    case log, detail, statement, error, other

    static let byName: [String: PostgresLogLevel] = [
        "LOG": .log, "DETAIL": .detail, "STATEMENT": .statement, "ERROR": .error, "FATAL": .error, "PANIC": .error,
        "WARNING": .other, "NOTICE": .other, "INFO": .other, "DEBUG": .other,
        // Lines that describe the message before them, as DETAIL does.
        "HINT": .detail, "CONTEXT": .detail, "QUERY": .detail, "LOCATION": .detail,
    ]
}
