/// Guessing a `log_line_prefix` from the lines themselves, for logs read without `--log-line-prefix` or
/// `--pg-config`: the list of common prefixes cannot hold every combination servers use (`%c` session ids,
/// `%a` application names, `[%l-1]` line numbers), and a prefix that merely fits glues fields together
/// (a session id read as part of the user name). So the fields of a session's line are recognised by shape,
/// and every candidate is judged by how many lines it reads plausibly, not only by how many it matches.
extension PostgresLogLinePrefix {
    /// The prefix the statement lines of `lines` show, or nil when none starts with something recognisable.
    static func inferred(from lines: [[UInt8]]) -> PostgresLogLinePrefix? {
        var counts: [String: Int] = [:]
        for line in lines {
            guard let text = line.withUnsafeBufferPointer({ inferredText($0) }) else { continue }
            counts[text, default: 0] += 1
        }
        // The most frequent shape; on a tie the one naming more fields (a session's line rather than a
        // background process's, which `%q` cuts short).
        let best = counts.max { ($0.value, $0.key.count) < ($1.value, $1.key.count) }
        return best.map { PostgresLogLinePrefix($0.key) }
    }

    /// Whether a match reads the session fields as they can be: a user or database name holding a space, a
    /// session id, or another field's separator (`/`, `@`, `=`) means the prefix glued fields together.
    func isPlausible(_ match: Match, in line: UnsafeBufferPointer<UInt8>) -> Bool {
        for range in [match.user, match.database].compactMap({ $0 }) {
            let bytes = UnsafeBufferPointer(rebasing: line[range])
            if bytes.contains(where: { [Self.space, Self.slash, Self.at, Self.equals, Self.comma].contains($0) }) {
                return false
            }
            if Self.sessionIDEnd(bytes, from: 0) != nil { return false }
        }
        return true
    }

    /// The prefix of one line written as a `log_line_prefix` (`%q` before its first session field), when the
    /// line is a statement's (`statement:`, `duration:`, `execute`), whose prefix shows every field.
    static func inferredText(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        let start = SyslogHeader.parse(line)?.contentStart ?? 0
        guard let levelStart = levelStart(line, from: start),
            let (_, content) = level(line, at: levelStart),
            startsWith(line, content, "statement:") || startsWith(line, content, "duration:")
                || startsWith(line, content, "execute ")
        else { return nil }
        let prefix = UnsafeBufferPointer(rebasing: line[start..<levelStart])
        var text = ""
        var position = 0
        var named = Set<Character>()
        var quietPlaced = false
        // `%q` before the first field a background process does not print, so that its lines match too.
        func quiet(before escape: Character) {
            if "udahri".contains(escape), !quietPlaced {
                text += "%q"
                quietPlaced = true
            }
        }
        func field(_ escape: Character) {
            quiet(before: escape)
            text += "%\(escape)"
            named.insert(escape)
        }
        while position < prefix.count {
            let atBoundary = position == 0 || [space, openBracket, colon, comma].contains(prefix[position - 1])
            if atBoundary, position == 0 || named.isDisjoint(with: "mtn"),
                let (_, end) = LogTimestamp.parse(prefix, from: position)
            {
                field(prefix[position..<end].contains(dot) ? "m" : "t")
                position = end
            } else if atBoundary, let end = sessionIDEnd(prefix, from: position) {
                field("c")
                position = end
            } else if atBoundary, let (escape, keyEnd, end) = keyedField(prefix, from: position) {
                quiet(before: escape)
                text += String(decoding: UnsafeBufferPointer(rebasing: prefix[position..<keyEnd]), as: UTF8.self)
                field(escape)
                position = end
            } else if atBoundary, let end = hostEnd(prefix, from: position) {
                field(prefix[position..<end].contains(UInt8(ascii: "(")) ? "r" : "h")
                position = end
            } else if atBoundary, let (application, end) = userAtDatabase(prefix, from: position) {
                field("u")
                text += "@"
                field("d")
                if application {
                    text += "/"
                    field("a")
                }
                position = end
            } else if isDigit(prefix[position]), position == 0 || !isAlphanumeric(prefix[position - 1]),
                let escape = ["p", "l"].first(where: { !named.contains($0) })
            {
                // A number: the process id first, then the session's line number (`[%p]: [%l-1]`).
                field(escape)
                while position < prefix.count, isDigit(prefix[position]) { position += 1 }
            } else if prefix[position] == percent {
                text += "%%"
                position += 1
            } else {
                text.unicodeScalars.append(Unicode.Scalar(prefix[position]))
                position += 1
            }
        }
        return named.isEmpty ? nil : text
    }

    // MARK: - Private

    private static let space = UInt8(ascii: " ")
    private static let slash = UInt8(ascii: "/")
    private static let at = UInt8(ascii: "@")
    private static let equals = UInt8(ascii: "=")
    private static let comma = UInt8(ascii: ",")
    private static let dot = UInt8(ascii: ".")
    private static let colon = UInt8(ascii: ":")
    private static let percent = UInt8(ascii: "%")
    private static let openBracket = UInt8(ascii: "[")

    /// Keys that prefixes commonly print before a field (`user=%u,db=%d,app=%a,client=%h`).
    private static let keys: [String: Character] = [
        "user": "u", "usr": "u", "db": "d", "database": "d", "app": "a", "appli": "a", "application": "a",
        "client": "h", "host": "h", "remote": "r", "pid": "p", "session": "c", "sid": "c", "xid": "x",
        "queryid": "Q",
    ]

    /// Where the first message level (`LOG:`, `ERROR:`…) after `start` begins, at a word start.
    private static func levelStart(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var position = start
        let limit = min(line.count, start + 1024)
        while position < limit {
            if position == start || line[position - 1] == space, line[position] >= 65, line[position] <= 90,
                level(line, at: position) != nil
            {
                return position
            }
            position += 1
        }
        return nil
    }

    /// `%c`: the backend's start time and process id in hex, `6b16e4e9.464b`.
    static func sessionIDEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var position = start
        while position < bytes.count, isHexDigit(bytes[position]) { position += 1 }
        guard position - start == 8, position < bytes.count, bytes[position] == dot else { return nil }
        position += 1
        let second = position
        while position < bytes.count, isHexDigit(bytes[position]) { position += 1 }
        guard position > second, position == bytes.count || !isAlphanumeric(bytes[position]),
            position == bytes.count || bytes[position] != dot
        else { return nil }
        return position
    }

    /// `key=value` with a known key: the field, where the value starts and where it ends.
    private static func keyedField(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Character, Int, Int)? {
        var position = start
        while position < bytes.count, bytes[position] >= 97, bytes[position] <= 122 { position += 1 }
        guard position < bytes.count, bytes[position] == equals,
            let escape = keys[String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)]
        else { return nil }
        let valueStart = position + 1
        var end = valueStart
        while end < bytes.count, ![space, comma, UInt8(ascii: "]"), UInt8(ascii: ";")].contains(bytes[end]) {
            end += 1
        }
        let value = bytes[valueStart..<end]
        return (escape == "h" && value.contains(UInt8(ascii: "(")) ? "r" : escape, valueStart, end)
    }

    /// `user@database` or `user@database/application` as one word: whether it names the application, and its end.
    private static func userAtDatabase(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Bool, Int)? {
        var end = start
        while end < bytes.count, bytes[end] != space, bytes[end] != UInt8(ascii: "]") { end += 1 }
        let word = bytes[start..<end]
        guard let atIndex = word.firstIndex(of: at), atIndex > start else { return nil }
        return (word[atIndex...].contains(slash), end)
    }

    /// An IPv4 client address, `10.0.0.5` (`%h`) or `10.0.0.5(51234)` (`%r`).
    private static func hostEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var position = start
        for part in 0..<4 {
            if part > 0 {
                guard position < bytes.count, bytes[position] == dot else { return nil }
                position += 1
            }
            let digits = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            guard (1...3).contains(position - digits) else { return nil }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "(") {
            var close = position + 1
            while close < bytes.count, isDigit(bytes[close]) { close += 1 }
            if close < bytes.count, bytes[close] == UInt8(ascii: ")") { position = close + 1 }
        }
        return position
    }

    private static func startsWith(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ text: StaticString) -> Bool {
        PostgresLogMessage.startsWith(line, text, at: start)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    private static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (byte >= 97 && byte <= 102) }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == UInt8(ascii: "_")
    }
}
