/// A fast JSON reader over UTF-8 bytes with positions in its errors.
///
/// Tolerates what real plan sources contain and strict JSON does not: C comments
/// (MySQL 5.7 `end_markers_in_json`). Errors carry the byte offset so callers can report line and column.
public struct JSONReader {
    /// A syntax error at a byte offset.
    public struct SyntaxError: Error, Equatable, Sendable {
        public var offset: Int
        public var expected: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position: Int

    private init(bytes: UnsafeBufferPointer<UInt8>, position: Int) {
        self.bytes = bytes
        self.position = position
    }

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

    // MARK: - Grammar

    private static let maxDepth = 10_000

    private mutating func readValue(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth < Self.maxDepth else { throw SyntaxError(offset: position, expected: "less deeply nested JSON") }
        skipWhitespaceAndComments()
        guard position < bytes.count else { throw SyntaxError(offset: position, expected: "a JSON value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try readObject(depth: depth)
        case UInt8(ascii: "["): return try readArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
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
            let key = try readString()
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

    private mutating func readString() throws(SyntaxError) -> String {
        let start = position
        position += 1
        let contentStart = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            position += 1
        }
        guard position < bytes.count else { throw SyntaxError(offset: start, expected: "a closing '\"' for this string") }
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

    private mutating func readNumber() throws(SyntaxError) -> Double {
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

    private mutating func skipWhitespaceAndComments() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09:
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
}
