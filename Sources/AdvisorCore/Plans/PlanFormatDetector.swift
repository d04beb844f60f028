/// Recognises which EXPLAIN format an input holds, from markers each format always prints.
public enum PlanFormatDetector {
    /// How much of the input is examined; every marker appears near the start of a plan.
    static let window = 256 * 1024

    public static func detect(_ input: PlanInput) throws -> PlanFormat {
        let head = input.bytes.prefix(window)
        guard head.contains(where: { !isWhitespace($0) }) else {
            throw InputError(file: input.name, reason: "the input is empty: expected EXPLAIN output")
        }
        if let zero = head.firstIndex(of: 0) {
            throw input.error(
                at: zero, format: nil, "this looks like a binary file (NUL byte): expected EXPLAIN output as text")
        }
        // The window may end inside a multi-byte character: validate all but its last three bytes.
        guard isValidUTF8(head.dropLast(min(3, head.count - 1))) else {
            throw InputError(file: input.name, reason: "this is not UTF-8 text: expected EXPLAIN output")
        }
        let text = String(decoding: head, as: UTF8.self)
        if text.contains("\"query_block\"") || text.contains("\"json_schema_version\"") {
            let mariaDBMarkers = [
                "\"r_loops\"", "\"r_rows\"", "\"query_optimization\"", "\"block-nl-join\"",
                "\"r_total_time_ms\"",
            ]
            let mySQLMarkers = [
                "\"cost_info\"", "\"rows_examined_per_scan\"", "\"json_schema_version\"",
                "\"rows_produced_per_join\"",
            ]
            if mySQLMarkers.contains(where: text.contains) { return .mysqlJSON }
            if mariaDBMarkers.contains(where: text.contains) { return .mariadbJSON }
            return text.contains("\"rows\":") ? .mariadbJSON : .mysqlJSON
        }
        if text.contains("\"Plan\"") || text.contains("\"\"Plan\"\"") { return .postgresJSON }
        let tabularMarkers = ["| id ", ". row *****", "id\tselect_type"]
        if text.contains("select_type") && tabularMarkers.contains(where: text.contains) {
            return .mysqlTable
        }
        // MySQL's tree arrows take one space ("-> Sort"); a PostgreSQL fragment starts "->  Sort".
        if let first = firstPlanLine(text), first.hasPrefix("-> "), !first.hasPrefix("->  ") { return .mysqlTree }
        if text.contains("(cost=") || text.contains("(actual ") || text.contains("never executed")
            || text.contains("->  ")
        {
            return .postgresText
        }
        // COSTS OFF without ANALYZE: a bare node line such as "Seq Scan on t" or "Result".
        if let first = firstPlanLine(text), postgresNodeStarts.contains(where: { first.hasPrefix($0) }) {
            return .postgresText
        }
        throw InputError(
            file: input.name,
            reason: "not a recognised plan: expected PostgreSQL EXPLAIN (text or JSON) or MySQL/MariaDB EXPLAIN "
                + "(JSON, TREE/ANALYZE or tabular)")
    }

    private static let postgresNodeStarts = [
        "Seq Scan on ", "Parallel Seq Scan on ", "Index Scan using ", "Index Only Scan using ", "Bitmap Heap Scan on ",
        "Result", "Limit", "Sort", "Aggregate", "HashAggregate", "GroupAggregate", "Hash Join", "Nested Loop",
        "Merge Join", "Append", "Gather", "Insert on ", "Update on ", "Delete on ", "Unique", "WindowAgg",
        "CTE Scan on ",
        "Function Scan on ", "Values Scan on ", "Subquery Scan on ", "Materialize", "LockRows",
    ]

    /// The first line that carries plan content, with client frames ("| ", "EXPLAIN: ") removed.
    private static func firstPlanLine(_ text: String) -> Substring? {
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.drop { $0 == " " || $0 == "|" || $0 == "\t" }
            if line.hasPrefix("EXPLAIN:") { line = line.dropFirst("EXPLAIN:".count).drop { $0 == " " } }
            let isPrompt = line.hasPrefix("mysql>") || (line.hasPrefix("MariaDB [") && line.contains("]>"))
            if line.isEmpty || isPrompt || line.hasPrefix("+--") || line.hasPrefix("EXPLAIN") || line.hasPrefix("***") {
                continue
            }
            return line
        }
        return nil
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func isValidUTF8<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
