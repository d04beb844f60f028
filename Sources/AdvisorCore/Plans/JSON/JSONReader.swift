/// A fast JSON reader over UTF-8 bytes with positions in its errors.
///
/// Tolerates what real plan sources contain and strict JSON does not: C comments
/// (MySQL 5.7 `end_markers_in_json`). Errors carry the byte offset so callers can report line and column.
///
/// Two ways to use it: `parse`/`parseValue` build a `JSONValue` tree; `read(_:from:_:)` hands out a
/// reader that walks the input member by member (`beginObject`, `nextMember(in:)`, `readNumber`…), so a
/// parser for a large, known shape can fill its own types without building the tree or a `String`
/// per member name.
public struct JSONReader {
    /// A syntax error at a byte offset.
    public struct SyntaxError: Error, Equatable, Sendable {
        /// Where the input stops making sense, in bytes from its start.
        public var offset: Int
        /// What should have been there ("',' or '}'", "a JSON value"…), to follow "expected".
        public var expected: String
    }

    /// The kind of the next value, as its first byte tells.
    public enum ValueKind: Sendable {
        case null, bool, number, string, array, object
    }

    /// A member name read by `nextMember(in:)`: one of the table's keys, or any other name.
    public enum Member<Key> {
        /// A name the table knows.
        case known(Key)
        /// Any other name, as a string.
        case other(String)
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position: Int
    /// True between an opening '{' or '[' and the first `nextMember`/`nextElement` after it, so that
    /// those know whether a ',' must come first.
    private var justOpened = false
    /// Member names already made into strings, by a hash of their bytes; see `readMemberName()`.
    private var nameCache: [(start: Int, count: Int, name: String)?] = []

    private init(bytes: UnsafeBufferPointer<UInt8>, position: Int) {
        self.bytes = bytes
        self.position = position
    }

    /// The offset of the next byte to read.
    public var offset: Int { position }

    /// Parses one value starting at `start` (after leading whitespace); returns it and the offset just past it.
    public static func parseValue(_ input: [UInt8], from start: Int = 0) throws(SyntaxError) -> (JSONValue, end: Int) {
        try input.withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> (JSONValue, end: Int) in
            var reader = JSONReader(bytes: buffer, position: start)
            let value = try reader.readValue(depth: 0)
            reader.skipWhitespaceAndComments()
            return (value, reader.position)
        }
    }

    /// Parses a whole document: one value and nothing after it but whitespace.
    public static func parse(_ input: [UInt8]) throws(SyntaxError) -> JSONValue {
        let (value, end) = try parseValue(input)
        guard end == input.count else { throw SyntaxError(offset: end, expected: "end of input after the JSON value") }
        return value
    }

    /// Runs `body` with a reader at `start` of `input`. The reader is only valid inside `body`.
    public static func read<Result>(
        _ input: [UInt8], from start: Int = 0, _ body: (inout JSONReader) throws(SyntaxError) -> Result
    ) throws(SyntaxError) -> Result {
        try input.withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> Result in
            var reader = JSONReader(bytes: buffer, position: start)
            return try body(&reader)
        }
    }

    // MARK: - Reading member by member

    /// Skips whitespace and comments and tells what kind of value comes next.
    public mutating func peekKind() throws(SyntaxError) -> ValueKind {
        skipWhitespaceAndComments()
        guard position < bytes.count else { throw SyntaxError(offset: position, expected: "a JSON value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw SyntaxError(offset: position, expected: "a JSON value")
        }
    }

    /// Consumes the '{' of an object; then call `nextMember(in:)` until it returns nil.
    public mutating func beginObject() throws(SyntaxError) {
        skipWhitespaceAndComments()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else {
            throw SyntaxError(offset: position, expected: "'{'")
        }
        position += 1
        justOpened = true
    }

    /// Reads the next member name and its ':' and leaves the reader at the value, which the caller
    /// must read or skip. Returns nil after consuming the object's closing '}'.
    public mutating func nextMember<Key>(in table: JSONKeyTable<Key>) throws(SyntaxError) -> Member<Key>? {
        guard try advanceToNextItem(closing: UInt8(ascii: "}")) else { return nil }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw SyntaxError(offset: position, expected: "a member name in double quotes")
        }
        let nameStart = position + 1
        var end = nameStart
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        let member: Member<Key>
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<end])
            position = end + 1
            if let key = table.key(for: name) {
                member = .known(key)
            } else {
                member = .other(String(decoding: name, as: UTF8.self))
            }
        } else {
            let name = try readStringLiteral()
            member = table.key(for: name).map { .known($0) } ?? .other(name)
        }
        skipWhitespaceAndComments()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
            throw SyntaxError(offset: position, expected: "':' after the member name")
        }
        position += 1
        return member
    }

    /// Consumes the '[' of an array; then call `nextElement()` until it returns false.
    public mutating func beginArray() throws(SyntaxError) {
        skipWhitespaceAndComments()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else {
            throw SyntaxError(offset: position, expected: "'['")
        }
        position += 1
        justOpened = true
    }

    /// True when another element follows (the reader is then at it); false after consuming the closing ']'.
    public mutating func nextElement() throws(SyntaxError) -> Bool {
        try advanceToNextItem(closing: UInt8(ascii: "]"))
    }

    /// Reads a string value.
    public mutating func readString() throws(SyntaxError) -> String {
        skipWhitespaceAndComments()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw SyntaxError(offset: position, expected: "a string")
        }
        return try readStringLiteral()
    }

    /// Reads a number value.
    public mutating func readNumber() throws(SyntaxError) -> Double {
        skipWhitespaceAndComments()
        guard position < bytes.count,
            bytes[position] == UInt8(ascii: "-")
                || (bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9"))
        else {
            throw SyntaxError(offset: position, expected: "a number")
        }
        return try readNumberLiteral()
    }

    /// Reads `true` or `false`.
    public mutating func readBool() throws(SyntaxError) -> Bool {
        skipWhitespaceAndComments()
        if position < bytes.count, bytes[position] == UInt8(ascii: "t") {
            try expectLiteral("true")
            return true
        }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "f") else {
            throw SyntaxError(offset: position, expected: "true or false")
        }
        try expectLiteral("false")
        return false
    }

    /// Reads any value as a tree.
    public mutating func readValue() throws(SyntaxError) -> JSONValue {
        try readValue(depth: 0)
    }

    /// Skips any value without building it.
    public mutating func skipValue() throws(SyntaxError) {
        switch try peekKind() {
        case .object:
            try beginObject()
            while try advanceToNextItem(closing: UInt8(ascii: "}")) {
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw SyntaxError(offset: position, expected: "a member name in double quotes")
                }
                try skipStringLiteral()
                skipWhitespaceAndComments()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                    throw SyntaxError(offset: position, expected: "':' after the member name")
                }
                position += 1
                try skipValue()
            }
        case .array:
            try beginArray()
            while try nextElement() { try skipValue() }
        case .string: try skipStringLiteral()
        case .number: _ = try readNumberLiteral()
        case .bool: _ = try readBool()
        case .null: try expectLiteral("null")
        }
    }

    /// Skips whitespace, then consumes `closing` (returning false) or, unless the container was just
    /// opened, the ',' before the next item (returning true, positioned at the item).
    private mutating func advanceToNextItem(closing: UInt8) throws(SyntaxError) -> Bool {
        skipWhitespaceAndComments()
        guard position < bytes.count else {
            throw SyntaxError(offset: position, expected: "',' or '\(Character(Unicode.Scalar(closing)))'")
        }
        if bytes[position] == closing {
            position += 1
            justOpened = false
            return false
        }
        if justOpened {
            justOpened = false
            return true
        }
        guard bytes[position] == UInt8(ascii: ",") else {
            throw SyntaxError(offset: position, expected: "',' or '\(Character(Unicode.Scalar(closing)))'")
        }
        position += 1
        skipWhitespaceAndComments()
        return true
    }

    // MARK: - Grammar

    /// Deeper input is refused: each level is a recursive call, and a debug build ran out of an
    /// 8 MB stack before 10,000 levels. No plan format nests anywhere near this deep.
    private static let maxDepth = 1_000

    private mutating func readValue(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth < Self.maxDepth else { throw SyntaxError(offset: position, expected: "less deeply nested JSON") }
        skipWhitespaceAndComments()
        guard position < bytes.count else { throw SyntaxError(offset: position, expected: "a JSON value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try readObject(depth: depth)
        case UInt8(ascii: "["): return try readArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try readStringLiteral())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumberLiteral())
        default: throw SyntaxError(offset: position, expected: "a JSON value")
        }
    }

    private mutating func readObject(depth: Int) throws(SyntaxError) -> JSONValue {
        position += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespaceAndComments()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespaceAndComments()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw SyntaxError(offset: position, expected: "a member name in double quotes")
            }
            let key = try readMemberName()
            skipWhitespaceAndComments()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw SyntaxError(offset: position, expected: "':' after the member name \"\(key)\"")
            }
            position += 1
            members.append((key, try readValue(depth: depth + 1)))
            skipWhitespaceAndComments()
            guard position < bytes.count else { throw SyntaxError(offset: position, expected: "',' or '}'") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            } else {
                throw SyntaxError(offset: position, expected: "',' or '}'")
            }
        }
    }

    private mutating func readArray(depth: Int) throws(SyntaxError) -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipWhitespaceAndComments()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try readValue(depth: depth + 1))
            skipWhitespaceAndComments()
            guard position < bytes.count else { throw SyntaxError(offset: position, expected: "',' or ']'") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            } else {
                throw SyntaxError(offset: position, expected: "',' or ']'")
            }
        }
    }

    private mutating func readStringLiteral() throws(SyntaxError) -> String {
        let start = position
        position += 1
        let contentStart = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(
                    decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            position += 1
        }
        guard position < bytes.count else {
            throw SyntaxError(offset: start, expected: "a closing '\"' for this string")
        }
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[contentStart..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                position += 1
                guard position < bytes.count else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800..<0xDC00).contains(scalar), position + 1 < bytes.count,
                        bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                    {
                        position += 2
                        let low = try readHex4()
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low &- 0xDC00)
                    }
                    utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
                default: utf8.append(escaped)  // \" \\ \/ and lenient for anything else
                }
                continue
            }
            utf8.append(byte)
            position += 1
        }
        throw SyntaxError(offset: start, expected: "a closing '\"' for this string")
    }

    /// A member name, reusing the `String` made for an earlier member spelt the same: a document repeats
    /// a few names over and over, and every new `String` longer than 15 bytes is a heap allocation.
    private mutating func readMemberName() throws(SyntaxError) -> String {
        let start = position + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\""), end - start > 15 else {
            return try readStringLiteral()
        }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for index in start..<end { hash = (hash ^ UInt64(bytes[index])) &* 1_099_511_628_211 }
        let slot = Int(truncatingIfNeeded: hash >> 58)
        if nameCache.isEmpty { nameCache = Array(repeating: nil, count: 64) }
        if let cached = nameCache[slot], cached.count == end - start,
            sameBytes(at: cached.start, and: start, count: cached.count)
        {
            position = end + 1
            return cached.name
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        nameCache[slot] = (start, end - start, name)
        position = end + 1
        return name
    }

    private func sameBytes(at first: Int, and second: Int, count: Int) -> Bool {
        for index in 0..<count where bytes[first + index] != bytes[second + index] { return false }
        return true
    }

    private mutating func skipStringLiteral() throws(SyntaxError) {
        let start = position
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return
            }
            position += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        throw SyntaxError(offset: start, expected: "a closing '\"' for this string")
    }

    private mutating func readHex4() throws(SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw SyntaxError(offset: position, expected: "four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw SyntaxError(offset: position, expected: "a hex digit")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }

    private mutating func readNumberLiteral() throws(SyntaxError) -> Double {
        let start = position
        var mantissa: UInt64 = 0
        var digits = 0
        var simple = true
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            mantissa = mantissa &* 10 &+ UInt64(bytes[position] - UInt8(ascii: "0"))
            digits += 1
            position += 1
        }
        var fractionDigits = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                mantissa = mantissa &* 10 &+ UInt64(bytes[position] - UInt8(ascii: "0"))
                digits += 1
                fractionDigits += 1
                position += 1
            }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            simple = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
            }
        }
        guard digits > 0 else { throw SyntaxError(offset: start, expected: "a number") }
        // Up to 15 significant digits and 22 fraction digits the division is exact to the nearest double.
        if simple, digits <= 15, fractionDigits <= 22 {
            let value = Double(mantissa) / Self.powersOfTen[fractionDigits]
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text) else { throw SyntaxError(offset: start, expected: "a number") }
        return value
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(SyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw SyntaxError(offset: position, expected: "\(literal)") }
        for index in 0..<count where bytes[position + index] != literal.utf8Start[index] {
            throw SyntaxError(offset: position, expected: "\(literal)")
        }
        position += count
    }

    @inline(__always)
    private mutating func skipWhitespaceAndComments() {
        // Most calls find a token straight away; only go round the loop when there is something to skip.
        if position < bytes.count, bytes[position] > 0x20, bytes[position] != UInt8(ascii: "/") { return }
        skipBlanksAndComments()
    }

    private mutating func skipBlanksAndComments() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20:
                position += 1
                skipSpaceRuns()
            case 0x0A, 0x0D, 0x09:
                position += 1
            case UInt8(ascii: "/") where position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "*"):
                position += 2
                while position + 1 < bytes.count,
                    !(bytes[position] == UInt8(ascii: "*") && bytes[position + 1] == UInt8(ascii: "/"))
                {
                    position += 1
                }
                position = min(position + 2, bytes.count)
            default:
                return
            }
        }
    }

    /// Skips spaces eight at a time: pretty-printed plans indent every line by up to dozens of them.
    @inline(__always)
    private mutating func skipSpaceRuns() {
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        while position + 8 <= bytes.count,
            raw.loadUnaligned(fromByteOffset: position, as: UInt64.self) == Self.eightSpaces
        {
            position += 8
        }
    }

    private static let eightSpaces: UInt64 = 0x2020_2020_2020_2020
}
