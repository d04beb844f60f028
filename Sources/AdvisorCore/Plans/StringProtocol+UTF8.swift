import Foundation

// Text helpers for the plan readers that look at UTF-8 bytes. The readers trim and search every line and
// operation; going through NSString (`trimmingCharacters(in:)`, `range(of:)`) or Characters for that cost
// more than the rest of reading a plan. Plans are written by servers in bytes, and every literal searched
// for is ASCII.
extension StringProtocol where UTF8View: BidirectionalCollection {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation when only ASCII spaces and tabs are
    /// around ASCII text.
    func trimmingWhitespace() -> String {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start = bytes.index(after: start) }
        while end > start {
            let previous = bytes.index(before: end)
            guard bytes[previous] == 0x20 || bytes[previous] == 0x09 else { break }
            end = previous
        }
        guard start < end else { return "" }
        // Other Unicode spaces (U+00A0, U+3000…) are whitespace too: text that ends in any non-ASCII
        // character goes the general way.
        guard bytes[start] < 0x80, bytes[bytes.index(before: end)] < 0x80 else {
            return trimmingCharacters(in: .whitespaces)
        }
        return String(self[start..<end])
    }

    /// Where `literal` first occurs (at or after `from`), matching UTF-8 bytes.
    func utf8Range(of literal: String, from: Index? = nil) -> Range<Index>? {
        let pattern = Array(literal.utf8)
        guard let first = pattern.first else { return nil }
        let bytes = utf8
        var start = from ?? bytes.startIndex
        while start != bytes.endIndex {
            if bytes[start] == first, bytes[start...].starts(with: pattern) {
                return start..<bytes.index(start, offsetBy: pattern.count)
            }
            start = bytes.index(after: start)
        }
        return nil
    }

    /// Every non-overlapping occurrence of `literal`, from the start, matching UTF-8 bytes.
    func utf8Ranges(of literal: String) -> [Range<Index>] {
        var ranges: [Range<Index>] = []
        var start = startIndex
        while let range = utf8Range(of: literal, from: start) {
            ranges.append(range)
            start = range.upperBound
        }
        return ranges
    }

    /// True when `literal` occurs, matching UTF-8 bytes.
    func utf8Contains(_ literal: String) -> Bool { utf8Range(of: literal) != nil }

    /// The pieces between occurrences of `separator`, empty pieces kept (as `components(separatedBy:)`).
    func utf8Components(separatedBy separator: String) -> [SubSequence] {
        var pieces: [SubSequence] = []
        var start = startIndex
        while let range = utf8Range(of: separator, from: start) {
            pieces.append(self[start..<range.lowerBound])
            start = range.upperBound
        }
        pieces.append(self[start...])
        return pieces
    }
}
