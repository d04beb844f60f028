import Foundation

/// Recognises which EXPLAIN format an input holds, from markers each format always prints.
public enum PlanFormatDetector {
    /// How much of the input is examined; every marker appears near the start of a plan.
    static let window = 256 * 1024

    // Works on the bytes: every marker is ASCII, and turning the window into a String and searching it
    // Character by Character took longer than parsing a small plan.
    public static func detect(_ input: PlanInput) throws -> PlanFormat {
        let head = input.bytes.prefix(window)
        guard head.contains(where: { !isWhitespace($0) }) else {
            throw InputError(file: input.name, reason: "the input is empty: expected EXPLAIN output")
        }
        if let zero = firstNUL(in: head) {
            throw input.error(
                at: zero, format: nil, "this looks like a binary file (NUL byte): expected EXPLAIN output as text")
        }
        // The window may end inside a multi-byte character: validate all but its last three bytes.
        guard isValidUTF8(head.dropLast(min(3, head.count - 1))) else {
            throw InputError(file: input.name, reason: "this is not UTF-8 text: expected EXPLAIN output")
        }
        func has(_ marker: StaticString) -> Bool { contains(head, marker) }
        if has("\"query_block\"") || has("\"json_schema_version\"") {
            let mariaDBMarkers: [StaticString] = [
                "\"r_loops\"", "\"r_rows\"", "\"query_optimization\"", "\"block-nl-join\"", "\"r_total_time_ms\"",
            ]
            let mySQLMarkers: [StaticString] = [
                "\"cost_info\"", "\"rows_examined_per_scan\"", "\"json_schema_version\"", "\"rows_produced_per_join\"",
            ]
            if mySQLMarkers.contains(where: has) { return .mysqlJSON }
            if mariaDBMarkers.contains(where: has) { return .mariadbJSON }
            return has("\"rows\":") ? .mariadbJSON : .mysqlJSON
        }
        if has("\"Plan\"") || has("\"\"Plan\"\"") { return .postgresJSON }
        let tabularMarkers: [StaticString] = ["| id ", ". row *****", "id\tselect_type"]
        if has("select_type") && tabularMarkers.contains(where: has) {
            return .mysqlTable
        }
        let first = firstPlanLine(head)
        // MySQL's tree arrows take one space ("-> Sort"); a PostgreSQL fragment starts "->  Sort".
        if let first, first.starts(with: "-> ".utf8), !first.starts(with: "->  ".utf8) { return .mysqlTree }
        if has("(cost=") || has("(actual ") || has("never executed") || has("->  ") {
            return .postgresText
        }
        // COSTS OFF without ANALYZE: node lines without estimates ("Index Scan using t1_pkey on t1"), maybe
        // inside psql's frame; the text parser's own classification knows every name the server prints.
        if PostgresTextLineCleaner.lines(of: Array(head)).contains(where: { PostgresTextLineKind($0).isNode }) {
            return .postgresText
        }
        throw InputError(
            file: input.name,
            reason: "not a recognised plan: expected PostgreSQL EXPLAIN (text or JSON) or MySQL/MariaDB EXPLAIN "
                + "(JSON, TREE/ANALYZE or tabular)")
    }

    /// The first line that carries plan content, with client frames ("| ", "EXPLAIN: ") removed.
    private static func firstPlanLine(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var rest = bytes
        while !rest.isEmpty {
            let end = rest.indices.first { newlineLength(rest, at: $0) > 0 } ?? rest.endIndex
            let rawLine = rest[..<end]
            rest = rest[(end + (end < rest.endIndex ? newlineLength(rest, at: end) : 0))...]
            var line = rawLine.drop { $0 == space || $0 == UInt8(ascii: "|") || $0 == tab }
            if line.starts(with: "EXPLAIN:".utf8) { line = line.dropFirst("EXPLAIN:".utf8.count).drop { $0 == space } }
            let isPrompt =
                line.starts(with: "mysql>".utf8) || (line.starts(with: "MariaDB [".utf8) && contains(line, "]>"))
            if line.isEmpty || isPrompt || line.starts(with: "+--".utf8) || line.starts(with: "EXPLAIN".utf8)
                || line.starts(with: "***".utf8)
            {
                continue
            }
            return line
        }
        return nil
    }

    /// Bytes of the line break at `index` (what `Character.isNewline` accepts: LF, VT, FF, CR, NEL,
    /// U+2028, U+2029), 0 when there is none.
    private static func newlineLength(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int {
        switch bytes[index] {
        case 0x0A, 0x0B, 0x0C, 0x0D: return 1
        case 0xC2 where index + 1 < bytes.endIndex && bytes[index + 1] == 0x85: return 2
        case 0xE2
        where index + 2 < bytes.endIndex && bytes[index + 1] == 0x80
            && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
            return 3
        default: return 0
        }
    }

    /// Where the first NUL byte is.
    private static func firstNUL(in bytes: ArraySlice<UInt8>) -> Int? {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress, let found = memchr(base, 0, buffer.count) else { return nil }
            return bytes.startIndex + base.distance(to: UnsafeRawPointer(found))
        }
    }

    /// True when `marker` occurs in `bytes`. Runs several times over the whole window for some inputs, so
    /// it lets `memchr` find the candidates.
    private static func contains(_ bytes: ArraySlice<UInt8>, _ marker: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: marker.utf8Start, count: marker.utf8CodeUnitCount)
        guard let first = pattern.first, bytes.count >= pattern.count else { return false }
        return bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return false }
            let lastStart = buffer.count - pattern.count
            var offset = 0
            while offset <= lastStart {
                guard let found = memchr(base + offset, Int32(first), lastStart - offset + 1) else { return false }
                offset = base.distance(to: UnsafeRawPointer(found))
                if memcmp(base + offset, marker.utf8Start, pattern.count) == 0 { return true }
                offset += 1
            }
            return false
        }
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// True when `bytes` are well-formed UTF-8 (Unicode table 3-7, what `UTF8` decoding accepts). Runs over
    /// the whole window: ASCII is skipped eight bytes at a time, and only the rest is checked by sequence.
    private static func isValidUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var index = 0
            while index < buffer.count {
                if index + 8 <= buffer.count,
                    buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    index += 8
                } else if buffer[index] < 0x80 {
                    index += 1
                } else {
                    guard let length = sequenceLength(buffer, at: index) else { return false }
                    index += length
                }
            }
            return true
        }
    }

    /// The length of the well-formed multi-byte sequence at `index`, nil when there is none.
    private static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let length: Int
        let second: ClosedRange<UInt8>
        switch bytes[index] {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return nil
        }
        guard bytes.endIndex - index >= length, second.contains(bytes[index + 1]) else { return nil }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { return nil }
        return length
    }
}
