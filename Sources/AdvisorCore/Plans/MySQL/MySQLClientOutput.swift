import Foundation

/// What the mysql and mariadb command-line clients printed, with their frames removed.
///
/// People paste EXPLAIN output as the client showed it. This reader finds, anywhere in the input
/// and any number of times:
/// - prompts with their statement (`mysql> EXPLAIN …;`, `MariaDB [db]> …`, continuation lines
///   `    -> …`), or a bare `EXPLAIN …;` line: the statement becomes the query text of the next result;
/// - bordered tables (`+---+`, a header row, `| … |` rows): a one-column result (`EXPLAIN`,
///   `ANALYZE`) is text, a wider one (tabular EXPLAIN) a table;
/// - the vertical `\G` form (`*** 1. row ***`, then `EXPLAIN: …` or one `name: value` line per column);
/// - batch output (`mysql -e`, `-B`): a header line, then tab-separated values with `\n`, `\t` and
///   `\\` escaped;
/// - footers (`1 row in set, 1 warning (0.00 sec)`) and warning notes, which are dropped.
///
/// Everything else is bare text, kept line by line with its position in the input.
struct MySQLClientOutput {
    /// One line of a result's text and where it starts in the input (1-based line and byte column).
    struct Line {
        var text: String
        var number: Int
        var column: Int
    }

    /// A multi-column result: column names and one array of cells per row (nil for `NULL`).
    struct Table {
        var columns: [String]
        var rows: [[String?]]
        var rowLines: [Int]
    }

    /// A result is text (a one-column result such as FORMAT=TREE or JSON) or a table.
    enum Content {
        case text([Line])
        case table(Table)
    }

    /// One result: its content, the statement that produced it when the input shows it, and the
    /// input line where it starts.
    struct Result {
        var content: Content
        var statement: String?
        var line: Int
    }

    /// The results in the input, in order.
    static func results(in input: PlanInput) -> [Result] {
        var reader = MySQLClientOutput(lines: splitLines(input.bytes))
        reader.readAll()
        return reader.results
    }

    // MARK: - Reading

    private let lines: [Substring]
    private var index = 0
    private var results: [Result] = []
    private var bare: [Line] = []
    private var pendingStatement: String?

    private init(lines: [Substring]) {
        self.lines = lines
    }

    private mutating func readAll() {
        while index < lines.count {
            let line = lines[index]
            if let statementStart = Self.promptedStatement(line) {
                flushBare()
                readStatement(first: statementStart, prompted: true)
            } else if Self.isBareStatement(line) {
                flushBare()
                readStatement(first: line, prompted: false)
            } else if Self.isBorder(line) {
                flushBare()
                readBorderedTable()
            } else if Self.isRowMarker(line) {
                flushBare()
                readVerticalRows()
            } else if Self.isBatchHeader(line) {
                flushBare()
                readBatchResult()
            } else if Self.isFooter(line) {
                flushBare()
                index += 1
            } else {
                bare.append(Line(text: String(line), number: index + 1, column: 1))
                index += 1
            }
        }
        flushBare()
    }

    private mutating func emit(_ content: Content, line: Int) {
        results.append(Result(content: content, statement: pendingStatement, line: line))
        pendingStatement = nil
    }

    private mutating func flushBare() {
        let text = Self.trimmingBlankLines(bare)
        bare = []
        guard let first = text.first else { return }
        emit(.text(text), line: first.number)
    }

    // MARK: Statements

    private mutating func readStatement(first: Substring, prompted: Bool) {
        var statement = String(first)
        index += 1
        while !Self.isTerminated(statement), index < lines.count {
            let line = lines[index]
            if prompted {
                guard let continued = Self.continuation(line) else { break }
                statement += "\n" + continued
            } else {
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                // Output right after an unterminated bare statement is not part of it.
                if trimmed.isEmpty || "-|+{*".contains(trimmed.first ?? " ") || Self.isBorder(line) { break }
                statement += "\n" + line
            }
            index += 1
        }
        pendingStatement = Self.explainedStatement(statement)
    }

    /// The statement an EXPLAIN or ANALYZE explains, without the EXPLAIN keywords and the terminator;
    /// nil for any other statement (its output is not a plan).
    private static func explainedStatement(_ text: String) -> String? {
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        for terminator in [";", "\\G", "\\g"] where rest.hasSuffix(terminator) {
            rest = rest.dropLast(terminator.count)
        }
        var sawExplain = false
        while true {
            rest = rest.drop { $0.isWhitespace }
            let word = rest.prefix { $0.isLetter || $0 == "_" }
            let upper = word.uppercased()
            if ["EXPLAIN", "DESCRIBE", "DESC", "ANALYZE"].contains(upper) {
                sawExplain = true
            } else if sawExplain, ["EXTENDED", "PARTITIONS"].contains(upper) {
                // Old options that change nothing we read.
            } else if sawExplain, upper == "FORMAT" {
                rest = rest.dropFirst(word.count).drop { $0.isWhitespace }
                guard rest.first == "=" else { return nil }
                rest = rest.dropFirst().drop { $0.isWhitespace }
                rest = rest.drop { $0.isLetter || $0 == "_" || $0 == "'" || $0 == "\"" }
                continue
            } else {
                break
            }
            rest = rest.dropFirst(word.count)
        }
        let statement = rest.trimmingCharacters(in: .whitespacesAndNewlines)
        return sawExplain && !statement.isEmpty ? statement : nil
    }

    // MARK: Bordered tables

    private mutating func readBorderedTable() {
        let border = lines[index]
        guard index + 2 < lines.count, lines[index + 1].hasPrefix("|"), Self.isBorder(lines[index + 2]) else {
            index += 1
            return
        }
        let header = lines[index + 1]
        let headerLine = index + 2
        index += 3
        var body: [Int] = []
        while index < lines.count, !Self.isBorder(lines[index]) {
            body.append(index)
            index += 1
        }
        if index < lines.count { index += 1 }  // the closing border
        let columns = Self.cells(of: header, border: border).map { $0 ?? "NULL" }
        if columns.count == 1 {
            emit(.text(framedText(body)), line: headerLine)
        } else {
            var table = Table(columns: columns, rows: [], rowLines: [])
            for lineIndex in body where lines[lineIndex].hasPrefix("|") {
                table.rows.append(Self.cells(of: lines[lineIndex], border: border))
                table.rowLines.append(lineIndex + 1)
            }
            emit(.table(table), line: headerLine)
        }
    }

    /// The text of a one-column table's cell. The client frames a multi-line value as
    /// `| first line` … `last line |`; some tools frame every line.
    private func framedText(_ body: [Int]) -> [Line] {
        let everyLineFramed = body.allSatisfy { lineIndex in
            let line = Self.trimmingTrailingSpaces(lines[lineIndex])
            return line.hasPrefix("|") && line.hasSuffix("|") && line.count > 1
        }
        var text: [Line] = []
        for (position, lineIndex) in body.enumerated() {
            var line = lines[lineIndex]
            var column = 1
            let isFirst = position == 0 || everyLineFramed
            let isLast = position == body.count - 1 || everyLineFramed
            if isFirst, line.hasPrefix("|") {
                line = line.dropFirst()
                column += 1
                if line.hasPrefix(" ") {
                    line = line.dropFirst()
                    column += 1
                }
            }
            if isLast {
                line = Self.trimmingTrailingSpaces(line)
                if line.hasSuffix("|") { line = Self.trimmingTrailingSpaces(line.dropLast()) }
            }
            text.append(Line(text: String(line), number: lineIndex + 1, column: column))
        }
        return Self.trimmingBlankLines(text)
    }

    /// The cells of a `| a | b |` row, by the border's column positions when the row lines up with
    /// it, else split at `|`.
    private static func cells(of row: Substring, border: Substring) -> [String?] {
        let rowCharacters = Array(trimmingTrailingSpaces(row))
        let borderCharacters = Array(trimmingTrailingSpaces(border))
        var values: [Substring] = []
        if rowCharacters.count == borderCharacters.count {
            let joints = borderCharacters.indices.filter { borderCharacters[$0] == "+" }
            for (start, end) in zip(joints, joints.dropFirst()) {
                values.append(Substring(String(rowCharacters[(start + 1)..<end])))
            }
        } else {
            var inner = trimmingTrailingSpaces(row).dropFirst()
            if inner.hasSuffix("|") { inner = inner.dropLast() }
            values = inner.split(separator: "|", omittingEmptySubsequences: false)
        }
        return values.map { cell in
            let value = cell.trimmingCharacters(in: .whitespaces)
            return value == "NULL" ? nil : value
        }
    }

    // MARK: Vertical (\G) rows

    private mutating func readVerticalRows() {
        var table: Table?
        while index < lines.count, Self.isRowMarker(lines[index]) {
            index += 1
            var rowLines: [Int] = []
            while index < lines.count, !Self.isRowMarker(lines[index]), !Self.isFooter(lines[index]),
                Self.promptedStatement(lines[index]) == nil
            {
                rowLines.append(index)
                index += 1
            }
            guard let first = rowLines.first, let (name, _) = Self.field(lines[first]) else { continue }
            if name == "id" {
                var columns: [String] = []
                var values: [String?] = []
                for lineIndex in rowLines {
                    guard let (column, value) = Self.field(lines[lineIndex]) else { continue }
                    columns.append(column)
                    values.append(value == "NULL" ? nil : value)
                }
                var current = table ?? Table(columns: columns, rows: [], rowLines: [])
                current.rows.append(columns == current.columns ? values : Self.reorder(values, columns, current))
                current.rowLines.append(first + 1)
                table = current
            } else {
                if let finished = table {
                    emit(.table(finished), line: finished.rowLines[0])
                    table = nil
                }
                emit(.text(verticalText(rowLines)), line: first + 1)
            }
        }
        if let finished = table { emit(.table(finished), line: finished.rowLines[0]) }
    }

    /// A row's values in the order of the table's columns (rows of one result share their columns).
    private static func reorder(_ values: [String?], _ columns: [String], _ table: Table) -> [String?] {
        return table.columns.map { column in columns.firstIndex(of: column).flatMap { values[$0] } }
    }

    /// A one-field row's value: the rest of its first line (after `EXPLAIN: `) and the lines after it.
    private func verticalText(_ rowLines: [Int]) -> [Line] {
        var text: [Line] = []
        for (position, lineIndex) in rowLines.enumerated() {
            let line = lines[lineIndex]
            if position == 0, let colon = line.firstIndex(of: ":") {
                var value = line[line.index(after: colon)...]
                if value.hasPrefix(" ") { value = value.dropFirst() }
                let column = line.utf8.distance(from: line.startIndex, to: value.startIndex) + 1
                text.append(Line(text: String(value), number: lineIndex + 1, column: column))
            } else {
                text.append(Line(text: String(line), number: lineIndex + 1, column: 1))
            }
        }
        return Self.trimmingBlankLines(text)
    }

    /// `   name: value` as the vertical form prints a column (names right-aligned).
    private static func field(_ line: Substring) -> (String, String)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        // Column names, or a user variable (`@v1: {`) when a stored plan is selected.
        guard !name.isEmpty, !name.contains(where: \.isWhitespace) else { return nil }
        var value = line[line.index(after: colon)...]
        if value.hasPrefix(" ") { value = value.dropFirst() }
        return (name, String(trimmingTrailingSpaces(value)))
    }

    // MARK: Batch output

    private mutating func readBatchResult() {
        let header = lines[index]
        let headerLine = index + 1
        index += 1
        let columns = header.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        var body: [Int] = []
        while index < lines.count, !lines[index].isEmpty, !Self.isFooter(lines[index]),
            Self.promptedStatement(lines[index]) == nil
        {
            body.append(index)
            index += 1
        }
        if columns.count == 1 {
            var text: [Line] = []
            for lineIndex in body {
                for part in Self.unescapingBatch(lines[lineIndex]).split(
                    separator: "\n", omittingEmptySubsequences: false)
                {
                    text.append(Line(text: String(part), number: lineIndex + 1, column: 1))
                }
            }
            emit(.text(Self.trimmingBlankLines(text)), line: headerLine)
        } else {
            var table = Table(columns: columns, rows: [], rowLines: [])
            for lineIndex in body {
                let cells = lines[lineIndex].split(separator: "\t", omittingEmptySubsequences: false)
                table.rows.append(cells.map { $0 == "NULL" ? nil : Self.unescapingBatch($0) })
                table.rowLines.append(lineIndex + 1)
            }
            emit(.table(table), line: headerLine)
        }
    }

    /// Batch mode writes a newline in a value as `\n`, a tab as `\t` and a backslash as `\\`.
    private static func unescapingBatch(_ text: Substring) -> String {
        guard text.contains("\\") else { return String(text) }
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "0": result.append("\0")
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    // MARK: - Line kinds

    /// The statement after a client prompt: `mysql> `, `MariaDB [test]> `, `mysql-9.6.0 [(none)]> `.
    private static func promptedStatement(_ line: Substring) -> Substring? {
        guard !startsWithASCIINonLetter(line), let first = line.first, first.isLetter else { return nil }
        // A prompt is a name ("mysql", "mysql:ytt", "mysql-9.6.0"), an optional "[database]", then ">".
        var rest = line.drop { $0.isLetter || $0.isNumber || "-_.:@".contains($0) }
        if rest.hasPrefix(" [") || rest.hasPrefix("[") {
            rest = rest.drop { $0 == " " }
            guard let close = rest.firstIndex(of: "]") else { return nil }
            rest = rest[rest.index(after: close)...]
        }
        guard rest.hasPrefix(">") else { return nil }
        let statement = rest.dropFirst()
        // "a>1" in a wrapped condition is no prompt: a prompt ends the line or is followed by a space or a word.
        guard statement.isEmpty || statement.first == " " || statement.first?.isLetter == true else { return nil }
        return statement.drop { $0 == " " }
    }

    /// A line that starts an EXPLAIN statement without a prompt (as in a script or a ticket).
    private static func isBareStatement(_ line: Substring) -> Bool {
        guard !startsWithASCIINonLetter(line) else { return false }
        let word = line.prefix { $0.isLetter }.uppercased()
        guard ["EXPLAIN", "DESCRIBE", "DESC", "ANALYZE"].contains(word) else { return false }
        let after = line.dropFirst(word.count)
        return after.first == " " || after.first == "\t"
    }

    /// The statement text of a continuation line (`    -> `, `    '> `).
    private static func continuation(_ line: Substring) -> Substring? {
        let rest = line.drop { $0 == " " }
        for prompt in ["->", "'>", "\">", "`>", "/*>"] where rest.hasPrefix(prompt) {
            let after = rest.dropFirst(prompt.count)
            guard after.isEmpty || after.first == " " else { return nil }
            return after.drop { $0 == " " }
        }
        return nil
    }

    private static func isTerminated(_ statement: String) -> Bool {
        let trimmed = statement.trimmingCharacters(in: .whitespaces)
        return trimmed.hasSuffix(";") || trimmed.hasSuffix("\\G") || trimmed.hasSuffix("\\g")
    }

    // The line-kind checks run for every line: each first rejects, from the first byte, lines that cannot
    // be of its kind.

    /// True when the line's first Character is a single ASCII scalar other than a letter (an ASCII byte
    /// followed by another is a Character of its own): such a line starts no prompt and no statement,
    /// and the bytes tell without asking Unicode whether the first Character is a letter.
    private static func startsWithASCIINonLetter(_ line: Substring) -> Bool {
        var bytes = line.utf8.makeIterator()
        guard let first = bytes.next(), first < 0x80 else { return false }
        guard bytes.next().map({ $0 < 0x80 }) ?? true else { return false }
        return !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first | 0x20)
    }

    private static func isBorder(_ line: Substring) -> Bool {
        guard line.utf8.first == UInt8(ascii: "+") else { return false }
        let trimmed = trimmingTrailingSpaces(line)
        return trimmed.count >= 3 && trimmed.first == "+" && trimmed.last == "+"
            && trimmed.allSatisfy { $0 == "+" || $0 == "-" }
    }

    private static func isRowMarker(_ line: Substring) -> Bool {
        guard line.utf8.first == UInt8(ascii: "*") else { return false }
        let trimmed = trimmingTrailingSpaces(line)
        return trimmed.hasPrefix("***") && trimmed.hasSuffix("***") && trimmed.contains(". row ")
    }

    /// `EXPLAIN` alone (batch mode header of a one-column result) or a tab-separated tabular header.
    private static func isBatchHeader(_ line: Substring) -> Bool {
        guard let first = line.utf8.first, "EAi".utf8.contains(first) else { return false }
        let trimmed = trimmingTrailingSpaces(line)
        if trimmed == "EXPLAIN" || trimmed == "ANALYZE" { return true }
        return trimmed.hasPrefix("id\t") && trimmed.contains("\tselect_type\t")
    }

    private static func isFooter(_ line: Substring) -> Bool {
        if let first = line.utf8.first(where: { $0 != 0x20 && $0 != 0x09 }), first < 0x80,
            !"EQWN0123456789".utf8.contains(first)
        {
            return false
        }
        let trimmed = line.trimmingWhitespace()
        if trimmed.hasPrefix("Empty set") || trimmed.hasPrefix("Query OK") || trimmed == "Warnings:" { return true }
        for prefix in ["Note (Code ", "Warning (Code ", "Error (Code "] where trimmed.hasPrefix(prefix) { return true }
        let digits = trimmed.prefix { $0.isNumber }
        guard !digits.isEmpty else { return false }
        let rest = trimmed.dropFirst(digits.count)
        return rest.hasPrefix(" row in set") || rest.hasPrefix(" rows in set")
    }

    // MARK: - Text helpers

    /// Lines ending at "\n" or "\r\n", found in the UTF-8 bytes (a line feed is always a Character
    /// boundary), which is much faster than splitting the Characters.
    private static func splitLines(_ bytes: [UInt8]) -> [Substring] {
        let text = String(decoding: bytes, as: UTF8.self)
        let utf8 = text.utf8
        // Searched in the contiguous bytes of the decoded text (the input's own bytes may differ where
        // they were not valid UTF-8); the offsets become indices in constant time.
        let lineFeeds =
            utf8.withContiguousStorageIfAvailable { decoded in decoded.indices.filter { decoded[$0] == 0x0A } }
            ?? utf8.indices.filter { utf8[$0] == 0x0A }.map { utf8.distance(from: utf8.startIndex, to: $0) }
        var lines: [Substring] = []
        lines.reserveCapacity(lineFeeds.count + 1)
        var start = utf8.startIndex
        for offset in lineFeeds {
            let index = utf8.index(utf8.startIndex, offsetBy: offset)
            var end = index
            if end > start, utf8[utf8.index(before: end)] == 0x0D { end = utf8.index(before: end) }
            lines.append(text[start..<end])
            start = utf8.index(after: index)
        }
        lines.append(text[start...])
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    private static func trimmingTrailingSpaces(_ text: Substring) -> Substring {
        var end = text.endIndex
        while end > text.startIndex {
            let previous = text.index(before: end)
            guard text[previous] == " " || text[previous] == "\t" else { break }
            end = previous
        }
        return text[..<end]
    }

    private static func trimmingBlankLines(_ lines: [Line]) -> [Line] {
        let isBlank: (Line) -> Bool = { $0.text.allSatisfy { $0 == " " || $0 == "\t" } }
        guard let first = lines.firstIndex(where: { !isBlank($0) }),
            let last = lines.lastIndex(where: { !isBlank($0) })
        else { return [] }
        return Array(lines[first...last])
    }
}
