extension StatementStats {
    /// The text on one line, runs of white space (new lines included) collapsed to one space, cut with
    /// "…" to at most `maxLength` characters: how findings and the statement profile name a statement.
    public func oneLineText(maxLength: Int = 80) -> String {
        Self.oneLine(text, maxLength: maxLength)
    }

    /// The sample (an execution with its literals) on one line, as `oneLineText` puts the text; nil without one.
    public func oneLineSample(maxLength: Int = 80) -> String? {
        sampleText.map { Self.oneLine($0, maxLength: maxLength) }
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
