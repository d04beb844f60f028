/// Input bytes with the wrapping people paste around JSON plans taken off, plus the way back from
/// an offset in the unwrapped bytes to the offset of the same byte in the original input, so that
/// errors name the line and column the user sees.
struct UnwrappedText {
    private(set) var bytes: [UInt8]
    /// Sorted by `text`: from `text` on, bytes come from the input at `original` onwards, one for one.
    private var anchors: [(text: Int, original: Int)]

    /// The input as it is.
    init(identity bytes: [UInt8]) {
        self.bytes = bytes
        self.anchors = [(0, 0)]
    }

    private init() {
        self.bytes = []
        self.anchors = []
    }

    /// The offset in the original input of the byte at `offset` (or just past the last byte).
    func originalOffset(of offset: Int) -> Int {
        var low = 0
        var high = anchors.count - 1
        guard high >= 0 else { return offset }
        while low < high {
            let middle = (low + high + 1) / 2
            if anchors[middle].text <= offset { low = middle } else { high = middle - 1 }
        }
        let anchor = anchors[low]
        return anchor.original + max(0, offset - anchor.text)
    }

    private mutating func append(_ source: ArraySlice<UInt8>, original: Int) {
        let continuesLastAnchor = anchors.last.map { original - $0.original == bytes.count - $0.text } ?? false
        if !continuesLastAnchor { anchors.append((bytes.count, original)) }
        bytes.append(contentsOf: source)
    }

    // MARK: - psql frames

    /// The input without psql's result frames, or nil when it has none.
    ///
    /// Works line by line and needs no state, so several framed results one after another and
    /// frames around only part of the input (SQL and command tags before them) come out right:
    /// - drops `QUERY PLAN` headers, separator and border lines (`----`, `+---+`, `├───┤`, `└───┘`),
    ///   `(N rows)` footers and expanded-mode `-[ RECORD 1 ]` headers;
    /// - takes borders (`|`, `│`, `║`) off both ends of a line, the expanded-mode `QUERY PLAN |` label,
    ///   and the `+` or `↵` psql puts at the end of a line that continues.
    /// None of these can end or start a line of JSON, so lines that are not in a frame are left intact.
    static func removingPsqlFrames(from input: [UInt8]) -> UnwrappedText? {
        var result = UnwrappedText()
        result.bytes.reserveCapacity(input.count)
        var changed = false
        var lineStart = 0
        while lineStart < input.count {
            var lineEnd = lineStart
            while lineEnd < input.count, input[lineEnd] != newline { lineEnd += 1 }
            let next = lineEnd + 1
            var start = lineStart
            var end = lineEnd
            trimTrailingBlanks(input, start, &end)
            if isFrameOnlyLine(input, start, end) {
                changed = true
            } else {
                if stripFrame(input, &start, &end) { changed = true }
                result.append(input[start..<end], original: start)
                result.append([newline], original: end)
            }
            lineStart = next
        }
        return changed ? result : nil
    }

    /// Takes borders, the expanded-mode label and the continuation mark off `start..<end`.
    private static func stripFrame(_ input: [UInt8], _ start: inout Int, _ end: inout Int) -> Bool {
        var changed = false
        var first = start
        while first < end, isBlank(input[first]) { first += 1 }
        if let width = borderWidth(input, at: first, end) {
            start = first + width
            changed = true
        } else if hasPrefix(input, first, end, queryPlanHeader) {
            var label = first + queryPlanHeader.count
            while label < end, isBlank(input[label]) { label += 1 }
            if let width = borderWidth(input, at: label, end) {
                start = label + width
                changed = true
            }
        }
        if end > start, let width = borderWidthBefore(input, end, start) {
            end -= width
            changed = true
            trimTrailingBlanks(input, start, &end)
        }
        if end > start, input[end - 1] == UInt8(ascii: "+") {
            end -= 1
            changed = true
        } else if hasSuffix(input, start, end, returnSymbol) {
            end -= returnSymbol.count
            changed = true
        }
        trimTrailingBlanks(input, start, &end)
        return changed
    }

    /// A header, separator, border or footer line: nothing in it is plan text.
    private static func isFrameOnlyLine(_ input: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var first = start
        while first < end, isBlank(input[first]) { first += 1 }
        guard first < end else { return false }
        var content = first
        var last = end
        if let width = borderWidth(input, at: content, last) { content += width }
        if last > content, let width = borderWidthBefore(input, last, content) { last -= width }
        while content < last, isBlank(input[content]) { content += 1 }
        trimTrailingBlanks(input, content, &last)
        if equals(input, content, last, queryPlanHeader) { return true }
        if hasPrefix(input, first, end, recordHeader) { return true }
        return isRowCountFooter(input, first, end) || isRuleLine(input, first, end)
    }

    /// `(1 row)`, `(25 rows)`.
    private static func isRowCountFooter(_ input: [UInt8], _ start: Int, _ end: Int) -> Bool {
        guard end - start >= 6, input[start] == UInt8(ascii: "("), input[end - 1] == UInt8(ascii: ")") else {
            return false
        }
        var index = start + 1
        let digitsStart = index
        while index < end, input[index] >= UInt8(ascii: "0"), input[index] <= UInt8(ascii: "9") { index += 1 }
        guard index > digitsStart else { return false }
        let word = Array(input[index..<end - 1])
        return word == Array(" row".utf8) || word == Array(" rows".utf8)
    }

    /// A line made of dashes, `+` and box-drawing characters only (psql's separators and borders).
    private static func isRuleLine(_ input: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var dashes = 0
        var index = start
        while index < end {
            let byte = input[index]
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "=") {
                dashes += 1
                index += 1
            } else if byte == UInt8(ascii: "+") || isBlank(byte) {
                index += 1
            } else if byte == 0xE2, index + 2 < end, input[index + 1] == 0x94 || input[index + 1] == 0x95 {
                // U+2500...U+257F, the box-drawing block.
                dashes += 1
                index += 3
            } else {
                return false
            }
        }
        return dashes >= 3
    }

    private static func borderWidth(_ input: [UInt8], at index: Int, _ end: Int) -> Int? {
        guard index < end else { return nil }
        if input[index] == UInt8(ascii: "|") { return 1 }
        for border in boxBorders where hasPrefix(input, index, end, border) { return border.count }
        return nil
    }

    private static func borderWidthBefore(_ input: [UInt8], _ end: Int, _ start: Int) -> Int? {
        guard end > start else { return nil }
        if input[end - 1] == UInt8(ascii: "|") { return 1 }
        for border in boxBorders where hasSuffix(input, start, end, border) { return border.count }
        return nil
    }

    // MARK: - CSV cells

    /// The CSV cell whose content starts at `start` in `text` (just after its opening quote, or anywhere
    /// inside it), with doubled quotes made single, up to the quote that closes the cell.
    /// Returns the unquoted text and the offset in `text` just past the closing quote.
    static func unquotingCSVCell(in text: UnwrappedText, from start: Int) -> (UnwrappedText, end: Int) {
        var result = UnwrappedText()
        let bytes = text.bytes
        var chunkStart = start
        var index = start
        func flush(upTo end: Int) {
            if end > chunkStart {
                result.append(bytes[chunkStart..<end], original: text.originalOffset(of: chunkStart))
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") else {
                    flush(upTo: index)
                    return (result, index + 1)
                }
                // A doubled quote: keep the first, drop the second.
                flush(upTo: index + 1)
                index += 2
                chunkStart = index
                continue
            }
            if byte == newline {
                // Each line starts a new anchor, because `text` may have removed frames between lines.
                flush(upTo: index + 1)
                chunkStart = index + 1
            }
            index += 1
        }
        flush(upTo: index)
        return (result, index)
    }

    // MARK: - Bytes

    private static let newline = UInt8(ascii: "\n")
    private static let queryPlanHeader = Array("QUERY PLAN".utf8)
    private static let recordHeader = Array("-[ RECORD ".utf8)
    /// `↵`, psql's continuation mark with `\pset linestyle unicode`.
    private static let returnSymbol = Array("\u{21B5}".utf8)
    private static let boxBorders = [Array("\u{2502}".utf8), Array("\u{2551}".utf8)]

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private static func trimTrailingBlanks(_ input: [UInt8], _ start: Int, _ end: inout Int) {
        while end > start, isBlank(input[end - 1]) { end -= 1 }
    }

    private static func hasPrefix(_ input: [UInt8], _ start: Int, _ end: Int, _ prefix: [UInt8]) -> Bool {
        end - start >= prefix.count && input[start..<start + prefix.count].elementsEqual(prefix)
    }

    private static func hasSuffix(_ input: [UInt8], _ start: Int, _ end: Int, _ suffix: [UInt8]) -> Bool {
        end - start >= suffix.count && input[end - suffix.count..<end].elementsEqual(suffix)
    }

    private static func equals(_ input: [UInt8], _ start: Int, _ end: Int, _ word: [UInt8]) -> Bool {
        end - start == word.count && input[start..<end].elementsEqual(word)
    }
}
