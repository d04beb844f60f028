// The MySQL operation classifier searches every node's text for a few literals, most of them absent. The shared
// `utf8Range(of:)` walks the UTF-8 view index by index and makes an array of the literal each call; these search
// the contiguous bytes of the (native) string for a static literal, with the same results.
extension StringProtocol where UTF8View: BidirectionalCollection {
    /// Where `literal` first occurs, matching UTF-8 bytes: the same range as `utf8Range(of:)`.
    func byteRange(of literal: StaticString) -> Range<Index>? {
        let found = utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            literal.withUTF8Buffer { pattern -> Int? in
                guard let first = pattern.first, pattern.count <= bytes.count else { return nil }
                var start = 0
                let lastStart = bytes.count - pattern.count
                while start <= lastStart {
                    guard let candidate = bytes[start...lastStart].firstIndex(of: first) else { return nil }
                    if bytes[candidate..<(candidate + pattern.count)].elementsEqual(pattern) { return candidate }
                    start = candidate + 1
                }
                return nil
            }
        }
        guard let found else { return utf8Range(of: literal.description) }
        guard let offset = found else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: offset)
        return lower..<utf8.index(lower, offsetBy: literal.utf8CodeUnitCount)
    }

    /// True when `literal` occurs, matching UTF-8 bytes.
    func bytesContain(_ literal: StaticString) -> Bool { byteRange(of: literal) != nil }
}
