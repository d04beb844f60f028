/// Reads the decimal numbers PostgreSQL prints in text plans ("12", "-0.5", "1234.567") straight from
/// UTF-8 bytes, without making a String for each.
///
/// Up to 15 significant digits the mantissa and the power of ten are exact doubles, so their quotient
/// is the correctly rounded value: the same Double that `Double(String)` gives. Longer numbers go
/// through `Double(String)`.
enum PlainDecimal {
    /// The number starting at `start`: an optional '-', digits, and a fraction when a digit follows
    /// the '.' ("0.5..1.0": the '.' before another '.' is not a decimal point). Nil when no digit is there.
    static func read<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, from start: Int) -> (
        value: Double, end: Int
    )? where Bytes.Index == Int {
        var position = start
        let negative = position < bytes.endIndex && bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        while position < bytes.endIndex, isDigit(bytes[position]) {
            mantissa = mantissa &* 10 &+ UInt64(bytes[position] &- UInt8(ascii: "0"))
            digits += 1
            position += 1
        }
        if position + 1 < bytes.endIndex, bytes[position] == UInt8(ascii: "."), isDigit(bytes[position + 1]) {
            position += 1
            while position < bytes.endIndex, isDigit(bytes[position]) {
                mantissa = mantissa &* 10 &+ UInt64(bytes[position] &- UInt8(ascii: "0"))
                digits += 1
                fractionDigits += 1
                position += 1
            }
        }
        guard digits > 0 else { return nil }
        guard digits <= 15 else {
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            return Double(text).map { ($0, position) }
        }
        let magnitude = Double(mantissa) / powersOfTen[fractionDigits]
        return (negative ? -magnitude : magnitude, position)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static let powersOfTen: [Double] = (0...15).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
