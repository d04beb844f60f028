/// Finds the statement in the psql session text pasted before a plan: the last `EXPLAIN …` (after a
/// prompt such as `db=# ` when there is one) and the lines up to its semicolon.
enum PostgresTextStatement {
    /// True for a line that starts a statement: an `EXPLAIN`, or anything after a psql prompt.
    static func isStatementLine(_ text: String) -> Bool {
        if let afterPrompt = withoutPrompt(text) { return afterPrompt.isEmpty || startsWithExplain(afterPrompt) }
        return startsWithExplain(Substring(text))
    }

    /// The statement the last EXPLAIN among `lines` ran, without `EXPLAIN` and its options; nil when
    /// there is none.
    static func explainedQuery(in lines: [PostgresTextLine]) -> String? {
        var start: Int?
        for index in lines.indices.reversed() where startsWithExplain(statementText(of: lines[index])) {
            start = index
            break
        }
        guard let start else { return nil }
        var statement: [Substring] = []
        for index in start..<lines.count {
            var text = statementText(of: lines[index])
            if index > start {
                text = Substring(String(repeating: " ", count: lines[index].indent)) + text
            }
            statement.append(text)
            if text.hasSuffix(";") { break }
        }
        let query = withoutExplain(statement.joined(separator: "\n"))
        return query.isEmpty ? nil : query
    }

    // MARK: - Helpers

    /// A line's text after a psql prompt, if it has one.
    private static func statementText(of line: PostgresTextLine) -> Substring {
        let text = line.string
        return withoutPrompt(text) ?? Substring(text)
    }

    /// The text after a psql prompt (`db=# `, `db=> `, `db-# `, `[pid]user@db=# `, `# `), nil without one.
    private static func withoutPrompt(_ text: String) -> Substring? {
        let token = text.prefix { $0 != " " }
        let ending = String(token.suffix(2))
        // "->" alone is a plan arrow; with a database name before it, a continuation prompt.
        let isPrompt =
            token == "#" || ["=#", "=>", "-#", "(#", "'#", "\"#", "*#"].contains(ending)
            || (token.count > 2 && ["->", "(>", "'>", "\">", "*>"].contains(ending))
        guard isPrompt, token.count < text.count || token.count > 1 else { return nil }
        // The prompt ends with one space; more is the statement's own indentation.
        let rest = text.dropFirst(token.count)
        return rest.first == " " ? rest.dropFirst() : rest
    }

    private static func startsWithExplain(_ text: Substring) -> Bool {
        guard text.count >= 7, text.prefix(7).lowercased() == "explain" else { return false }
        let next = text.dropFirst(7).first
        return next == nil || next == " " || next == "(" || next == "\t"
    }

    /// The statement without `EXPLAIN`, its parenthesised options and the ANALYZE/VERBOSE words.
    private static func withoutExplain(_ text: String) -> String {
        var rest = Substring(text).dropFirst(7).drop(while: \.isWhitespace)
        if rest.first == "(" {
            var depth = 0
            var index = rest.startIndex
            while index < rest.endIndex {
                if rest[index] == "(" { depth += 1 }
                if rest[index] == ")" { depth -= 1 }
                index = rest.index(after: index)
                if depth == 0 { break }
            }
            rest = rest[index...].drop(while: \.isWhitespace)
        }
        while let word = rest.split(whereSeparator: \.isWhitespace).first,
            ["analyze", "analyse", "verbose"].contains(word.lowercased())
        {
            rest = rest.dropFirst(word.count).drop(while: \.isWhitespace)
        }
        while rest.last?.isWhitespace == true { rest = rest.dropLast() }
        return String(rest)
    }
}
