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
        guard let sampleText else { return nil }
        let lines = sampleText.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "\t", with: "    ") }
            .map { String($0.reversed().drop { $0 == " " || $0 == "\r" }.reversed()) }
            .filter { !$0.isEmpty }
        let indent = lines.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        let text = lines.map { String($0.dropFirst(indent)) }.joined(separator: "\n")
        return text.count > maxLength ? String(text.prefix(maxLength - 1)) + "…" : text
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
