extension StatementStats {
    /// The text on one line, runs of white space (new lines included) collapsed to one space, cut with
    /// "…" to at most `maxLength` characters: how findings and the statement profile name a statement.
    public func oneLineText(maxLength: Int = 80) -> String {
        Self.oneLine(text, maxLength: maxLength)
    }

    /// The sample (an execution with its literals) as it can be run again: its lines kept (a `--` comment ends at
    /// its line), each without trailing blanks, blank lines and common indentation dropped; cut with "…" past
    /// `maxLength` characters. Nil without a sample.
    public func runnableSample(maxLength: Int = 2_000) -> String? {
        sampleText.map { Self.runnable($0, maxLength: maxLength) }
    }

    /// `runnableSample` on UTF-8 bytes: one pass for the common indentation, then lines written only up to the cut,
    /// so that a 10 MB sample costs milliseconds, not seconds.
    static func runnable(_ text: String, maxLength: Int) -> String {
        var text = text
        return text.withUTF8 { bytes in
            let tabWidth = 4
            var indent = Int.max
            forEachLine(of: bytes) { start, end in
                if let shape = lineShape(bytes, start, end, tabWidth: tabWidth) { indent = min(indent, shape.columns) }
                return true
            }
            var output: [UInt8] = []
            // Past maxLength + 1 characters the sample is cut: only its last, possibly incomplete, character could
            // still change. Counting characters costs a decoding, so it is done at doubling sizes.
            var checkpoint = maxLength + 2
            func isLongEnough() -> Bool {
                guard output.count >= checkpoint else { return false }
                if String(decoding: output, as: UTF8.self).count > maxLength + 1 { return true }
                checkpoint = output.count * 2
                return false
            }
            forEachLine(of: bytes) { start, end in
                guard let shape = lineShape(bytes, start, end, tabWidth: tabWidth) else { return true }
                if !output.isEmpty { output.append(UInt8(ascii: "\n")) }
                output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: shape.columns - indent))
                for position in shape.content {
                    if bytes[position] == UInt8(ascii: "\t") {
                        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: tabWidth))
                    } else {
                        output.append(bytes[position])
                    }
                    if isLongEnough() { return false }
                }
                return !isLongEnough()
            }
            let sample = String(decoding: output, as: UTF8.self)
            return sample.count > maxLength ? String(sample.prefix(maxLength - 1)) + "…" : sample
        }
    }

    /// Calls `body` with the byte range of each line, without its line break, while it returns true.
    private static func forEachLine(of bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Bool) {
        var start = 0
        for (position, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            guard body(start, position) else { return }
            start = position + 1
        }
        _ = body(start, bytes.count)
    }

    /// A line's indentation in columns (a tab counts `tabWidth`) and the bytes after it up to its trailing blanks;
    /// nil for a blank line.
    private static func lineShape(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, tabWidth: Int
    ) -> (columns: Int, content: Range<Int>)? {
        var last = end
        while last > start,
            bytes[last - 1] == UInt8(ascii: " ") || bytes[last - 1] == UInt8(ascii: "\t")
                || bytes[last - 1] == UInt8(ascii: "\r")
        {
            last -= 1
        }
        guard last > start else { return nil }
        var first = start
        var columns = 0
        while bytes[first] == UInt8(ascii: " ") || bytes[first] == UInt8(ascii: "\t") {
            columns += bytes[first] == UInt8(ascii: " ") ? 1 : tabWidth
            first += 1
        }
        return (columns, first..<last)
    }

    /// Any statement text on one line, as `oneLineText` puts it.
    static func oneLine(_ text: String, maxLength: Int = 80) -> String {
        var line = ""
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = !line.isEmpty
                continue
            }
            if pendingSpace { line.append(" ") }
            pendingSpace = false
            line.append(character)
            if line.count > maxLength { break }
        }
        guard line.count > maxLength else { return line }
        return String(line.prefix(max(maxLength - 1, 0))) + "…"
    }
}
