/// Deterministic mutations of an input, for the fuzz suites: the same seed gives the same mutants, so a
/// crash names a seed and an iteration that reproduce it.
///
/// Each mutant applies one to three edits, chosen from what broke readers before: flipped, inserted and
/// deleted bytes, cut inputs, repeated chunks (deep nesting, long lines), numbers past every integer
/// type, non-finite values, stray quotes, brackets and line breaks, and a chunk spliced in from another
/// input of the same kind.
public struct InputMutator {
    /// SplitMix64: small, fast, and the same on every platform.
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// Tokens that have crashed or hung a parser somewhere: numbers past Int64 and Double, non-finite
    /// values, a BOM, NUL, quotes, brackets, plan arrows and psql frames.
    public static let tokens: [[UInt8]] = [
        "99999999999999999999", "18446744073709551616", "-9223372036854775809", "1e309", "-1", "NaN", "Infinity",
        "\u{FEFF}", "\u{0}", "\"", "'", "\\", "{", "}", "[", "]", "(", ")", "->  ", "-> ", "\n", "\r\n", "\t",
        "  ", "(cost=", " rows=", "(actual time=", "loops=", ":", ",", "/*", "*/", "# Time: ", "# Query_time: ",
        "LOG:  duration: ", "QUERY PLAN\n----------\n", "(1 row)\n", "é", "\u{2028}",
    ].map { Array($0.utf8) }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A number in `0..<bound` (bound > 0).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// A mutant of `input`; `donor` is another input of the same kind to splice from.
    public mutating func mutate(_ input: [UInt8], donor: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(3) { edit(&bytes, donor: donor) }
        return bytes
    }

    private mutating func edit(_ bytes: inout [UInt8], donor: [UInt8]) {
        let position = bytes.isEmpty ? 0 : below(bytes.count + 1)
        switch below(9) {
        case 0 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] ^= UInt8(truncatingIfNeeded: 1 << below(8))
        case 1:
            bytes.insert(UInt8(truncatingIfNeeded: next()), at: position)
        case 2 where !bytes.isEmpty:
            let start = min(position, bytes.count - 1)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + below(64)))
        case 3:
            bytes.removeSubrange(position...)
        case 4 where !bytes.isEmpty:
            // A repeated chunk: deep nesting, long lines, many nodes.
            let start = min(position, bytes.count - 1)
            let chunk = Array(bytes[start..<min(bytes.count, start + 1 + below(40))])
            let copies = [2, 10, 200, 2_000][below(4)]
            bytes.insert(contentsOf: repeatElement(chunk, count: copies).joined(), at: start)
        case 5, 6:
            bytes.insert(contentsOf: Self.tokens[below(Self.tokens.count)], at: position)
        case 7 where !donor.isEmpty:
            let start = below(donor.count)
            bytes.insert(contentsOf: donor[start..<min(donor.count, start + 1 + below(512))], at: position)
        default:
            // Digits grown past every integer type where a number stands.
            if let digit = bytes[min(position, bytes.count)...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                bytes.insert(contentsOf: repeatElement(UInt8(ascii: "9"), count: 25), at: digit)
            }
        }
    }
}
