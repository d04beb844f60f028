/// The header syslog (and Heroku's logplex) puts before each PostgreSQL log line:
/// `Feb 11 13:15:39 host postgres[10808]: [3-2] ` or
/// `2019-03-14T00:22:56+00:00 app[postgres.4882]: [GREEN] [15-1] `. PostgreSQL numbers its lines
/// `[line-part]`: a part above 1 continues the line before.
struct SyslogHeader {
    /// Where the PostgreSQL text starts (after the one space following `[line-part]`).
    var contentStart: Int
    /// The part number: 1 starts a message.
    var part: Int
    /// The process id in the program tag.
    var pid: Range<Int>?
    /// The time, when the header has a full date (ISO 8601).
    var time: Double?

    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> SyslogHeader? {
        guard mayStartWithHeader(line) else { return nil }
        // The program tag ("postgres[10808]", "app[postgres.4882]") ends with "]: " or "] " early in the line.
        let limit = min(line.count - 2, 200)
        var index = 10
        while index < limit {
            defer { index += 1 }
            guard line[index] == UInt8(ascii: "]") else { continue }
            var position = index + 1
            if line[position] == UInt8(ascii: ":") { position += 1 }
            guard line[position] == UInt8(ascii: " ") else { continue }
            var open = index - 1
            while open > 0, line[open] != UInt8(ascii: "["), line[open] != UInt8(ascii: " ") { open -= 1 }
            guard line[open] == UInt8(ascii: "["), open > 0, line[open - 1] != UInt8(ascii: " ") else { continue }
            if let header = afterTag(line, tagEnd: index, from: position + 1) { return header }
        }
        return nil
    }

    /// A syslog line starts with a month name (`Feb 11 …`) or an ISO 8601 time with its `T`; a
    /// PostgreSQL stderr line (`2026-03-01 10:00:00 …`) does neither. Checked first: it is cheap.
    private static func mayStartWithHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count > 16 else { return false }
        if line[0] >= 65, line[0] <= 90, line[1] >= 97, line[1] <= 122, line[3] == 32 { return true }
        return line[4] == UInt8(ascii: "-") && line[10] == UInt8(ascii: "T")
    }

    /// Reads the optional "[COLOR] " and the "[line-part] " after the program tag.
    private static func afterTag(_ line: UnsafeBufferPointer<UInt8>, tagEnd: Int, from start: Int) -> SyslogHeader? {
        var position = start
        if position + 1 < line.count, line[position] == UInt8(ascii: "["), line[position + 1] >= 65,
            line[position + 1] <= 90
        {
            while position < line.count, line[position] != UInt8(ascii: "]") { position += 1 }
            position += 2
        }
        guard position < line.count, line[position] == UInt8(ascii: "[") else { return nil }
        position += 1
        let lineNumberStart = position
        while position < line.count, line[position] >= 48, line[position] <= 57 { position += 1 }
        guard position > lineNumberStart, position < line.count, line[position] == UInt8(ascii: "-") else { return nil }
        position += 1
        var part = 0
        let partStart = position
        while position < line.count, line[position] >= 48, line[position] <= 57 {
            // The part number only has to be told from the next: saturate rather than overflow.
            part = part < 100_000_000 ? part * 10 + Int(line[position] - 48) : part
            position += 1
        }
        guard position > partStart, position < line.count, line[position] == UInt8(ascii: "]") else { return nil }
        position += 1
        if position < line.count, line[position] == UInt8(ascii: " ") { position += 1 }
        var pidStart = tagEnd
        while pidStart > 0, line[pidStart - 1] >= 48, line[pidStart - 1] <= 57 { pidStart -= 1 }
        return SyslogHeader(
            contentStart: position, part: part, pid: pidStart < tagEnd ? pidStart..<tagEnd : nil,
            time: LogTimestamp.parse(line, from: 0)?.seconds)
    }
}
