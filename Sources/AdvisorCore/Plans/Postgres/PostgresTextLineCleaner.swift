import Foundation

/// Splits plan text into lines and removes what clients and copy-paste add around each line: psql
/// table borders (`|`, `│`, `║`), psql's ` +` newline marks, quotes around every line (pgAdmin, CSV
/// exports), the `QUERY PLAN |` prefix of psql's expanded mode, and leading whitespace, which becomes
/// the line's indentation.
enum PostgresTextLineCleaner {
    /// A tab counts as four columns, not as a move to the next tab stop: plans whose indentation mixes
    /// tabs and spaces (an editor replaced some spaces) keep their nesting that way, as PEV2 does.
    static let tabWidth = 4

    /// Lines covering `bytes`, blank lines kept (as empty lines) because they separate plans.
    static func lines(of bytes: [UInt8]) -> [PostgresTextLine] {
        let ranges = physicalLines(of: bytes)
        let style = Style(detectedIn: bytes, lines: ranges)
        var result: [PostgresTextLine] = []
        result.reserveCapacity(ranges.count)
        for (index, range) in ranges.enumerated() {
            result.append(clean(bytes, range, lineNumber: index + 1, style: style))
        }
        return result
    }

    // MARK: - Decorations used throughout the input

    /// What decorates every line of this input.
    private struct Style {
        /// The quote wrapped around each line, if most lines have one.
        var quote: UInt8?
        /// True when most lines end with a table border even if they do not start with one (DBeaver).
        var trailingBorder: Bool
        /// True when psql marked line breaks inside a cell with "+" (the plan as one value): the mark
        /// then ends every line but the last, right after the text on the widest line.
        var newlineMarks: Bool

        init(detectedIn bytes: [UInt8], lines: [Range<Int>]) {
            var nonBlank = 0
            var doubleQuoted = 0
            var singleQuoted = 0
            var bordered = 0
            var marked = 0
            for range in lines {
                guard let first = range.first(where: { !isWhitespace(bytes[$0]) }),
                    let last = range.last(where: { !isWhitespace(bytes[$0]) })
                else { continue }
                nonBlank += 1
                let (head, tail) = (bytes[first], bytes[last])
                if head == UInt8(ascii: "\"") || tail == UInt8(ascii: "\"") { doubleQuoted += 1 }
                if head == UInt8(ascii: "'") || tail == UInt8(ascii: "'") { singleQuoted += 1 }
                let border = borderLength(in: bytes, endingAt: last + 1, lowerBound: first)
                if border > 0 { bordered += 1 }
                var end = last + 1 - border
                trimTrailing(bytes, &end, lowerBound: first)
                if end - first >= 2, bytes[end - 1] == UInt8(ascii: "+"), isWhitespace(bytes[end - 2]) { marked += 1 }
            }
            // A few lines may end with a quote of their own (`Settings: work_mem = '64MB'`), so quoting
            // is a property of the input, decided by a clear majority of its lines.
            let majority = max(1, (nonBlank * 3 + 4) / 5)
            if doubleQuoted >= majority, doubleQuoted >= singleQuoted {
                quote = UInt8(ascii: "\"")
            } else if singleQuoted >= majority {
                quote = UInt8(ascii: "'")
            } else {
                quote = nil
            }
            trailingBorder = bordered >= majority
            newlineMarks = marked > 0
        }
    }

    // MARK: - One line

    private static func clean(_ bytes: [UInt8], _ range: Range<Int>, lineNumber: Int, style: Style)
        -> PostgresTextLine
    {
        var start = range.lowerBound
        var end = range.upperBound
        trimTrailing(bytes, &end, lowerBound: start)
        // Trailing spaces are content only on a bare line (a wrapped line may end inside a value).
        var trailingSpaces = range.upperBound - end

        if let quote = style.quote {
            var first = start
            while first < end, isWhitespace(bytes[first]) { first += 1 }
            if first < end, bytes[first] == quote { start = first + 1 }
            if end > start, bytes[end - 1] == quote { end -= 1 }
            trimTrailing(bytes, &end, lowerBound: start)
            trailingSpaces = 0
        }

        var first = start
        while first < end, isWhitespace(bytes[first]) { first += 1 }
        let leading = borderLength(in: bytes, at: first, upperBound: end)
        if leading > 0 {
            start = first + leading
            // Border styles 1 and 2 pad the cell with one space after the border.
            if start < end, bytes[start] == 0x20 { start += 1 }
        }
        if leading > 0 || style.trailingBorder {
            let trailing = borderLength(in: bytes, endingAt: end, lowerBound: start)
            if trailing > 0 {
                end -= trailing
                trimTrailing(bytes, &end, lowerBound: start)
                trailingSpaces = 0
            }
        }
        if style.newlineMarks, end > start, bytes[end - 1] == UInt8(ascii: "+") {
            end -= 1
            trimTrailing(bytes, &end, lowerBound: start)
            trailingSpaces = 0
        }
        // psql's expanded mode (\x) prints each row as "QUERY PLAN | <line>".
        let expandedPrefix: StaticString = "QUERY PLAN | "
        if end - start >= expandedPrefix.utf8CodeUnitCount,
            PostgresTextLine.matches(expandedPrefix, in: bytes, at: start)
        {
            start += expandedPrefix.utf8CodeUnitCount
        }

        var indent = 0
        while start < end {
            let byte = bytes[start]
            if byte == 0x20 {
                indent += 1
                start += 1
            } else if byte == 0x09 {
                indent += tabWidth
                start += 1
            } else if byte == 0xC2, start + 1 < end, bytes[start + 1] == 0xA0 {
                // A no-break space, as mail clients and web pages turn indentation into.
                indent += 1
                start += 2
            } else {
                break
            }
        }
        let lineStart = range.lowerBound
        return PostgresTextLine(
            text: Array(bytes[start..<end]), indent: indent, trailingSpaces: trailingSpaces, line: lineNumber,
            column: start - lineStart + 1)
    }

    /// Line ranges without their terminators; "\n", "\r\n" and a lone "\r" all end a line. `memchr` finds
    /// the line ends: looking at each byte in Swift took half the time of the whole cleaning.
    private static func physicalLines(of bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBytes { buffer in
            var ranges: [Range<Int>] = []
            guard let base = buffer.baseAddress else { return ranges }
            func next(_ byte: UInt8, from start: Int, before end: Int) -> Int {
                guard start < end, let found = memchr(base + start, Int32(byte), end - start) else { return end }
                return base.distance(to: UnsafeRawPointer(found))
            }
            var start = 0
            while start < buffer.count {
                let newline = next(0x0A, from: start, before: buffer.count)
                var lineStart = start
                // Lone carriage returns end lines too.
                var carriageReturn = next(0x0D, from: lineStart, before: newline)
                while carriageReturn < newline {
                    ranges.append(lineStart..<carriageReturn)
                    lineStart = carriageReturn + 1
                    if lineStart == newline { break }
                    carriageReturn = next(0x0D, from: lineStart, before: newline)
                }
                if newline < buffer.count {
                    if lineStart < newline || newline == start || buffer[newline - 1] != 0x0D {
                        ranges.append(lineStart..<newline)
                    }
                } else if lineStart < buffer.count {
                    ranges.append(lineStart..<buffer.count)
                }
                start = newline + 1
            }
            return ranges
        }
    }

    private static func trimTrailing(_ bytes: [UInt8], _ end: inout Int, lowerBound: Int) {
        while end > lowerBound, isWhitespace(bytes[end - 1]) { end -= 1 }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0C || byte == 0x0B
    }

    /// Byte length of a vertical table border (`|`, `│`, `┃`, `║`) starting at `index`, or 0.
    private static func borderLength(in bytes: [UInt8], at index: Int, upperBound: Int) -> Int {
        guard index < upperBound else { return 0 }
        if bytes[index] == UInt8(ascii: "|") { return 1 }
        if index + 2 < upperBound, isBoxBorder(bytes[index], bytes[index + 1], bytes[index + 2]) { return 3 }
        return 0
    }

    /// Byte length of a vertical table border ending just before `end`, or 0.
    private static func borderLength(in bytes: [UInt8], endingAt end: Int, lowerBound: Int) -> Int {
        guard end > lowerBound else { return 0 }
        if bytes[end - 1] == UInt8(ascii: "|") { return 1 }
        if end - 3 >= lowerBound, isBoxBorder(bytes[end - 3], bytes[end - 2], bytes[end - 1]) { return 3 }
        return 0
    }

    /// U+2502 │, U+2503 ┃ and U+2551 ║ in UTF-8.
    private static func isBoxBorder(_ first: UInt8, _ second: UInt8, _ third: UInt8) -> Bool {
        first == 0xE2 && ((second == 0x94 && (third == 0x82 || third == 0x83)) || (second == 0x95 && third == 0x91))
    }
}
