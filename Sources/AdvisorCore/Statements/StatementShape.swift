/// What a normalized statement text (`pg_stat_statements`, a digest) reads: its command, the tables
/// of its main FROM / JOIN / UPDATE / DELETE / INSERT clause, and the columns its WHERE clause
/// constrains on each of them.
///
/// Lenient by design: statement texts are cut, carry vendor syntax, or are not SQL the reader knows;
/// whatever cannot be read leaves a table out or its filter empty, never an error. Sub-queries and
/// CTE bodies are not analysed: only the main query's own tables count, and a CTE it reads is not one.
public struct StatementShape: Equatable, Sendable {
    public enum Command: String, Sendable {
        case select, insert, update, delete, merge, other
    }

    /// One table of the main query, with what the WHERE clause asks of it.
    public struct TableUse: Equatable, Sendable {
        public var schema: String?
        public var table: String
        public var alias: String?
        /// Columns of this table the WHERE clause compares with values (parameters, literals, or columns
        /// of other tables), classified for an index.
        public var filter: FilterColumns
    }

    public var command: Command
    public var tables: [TableUse]
    /// The WHERE clause compares something with a parameter (`$1`, `?`) or a literal.
    public var hasValueFilter: Bool
    /// The main query has LIMIT / FETCH FIRST, GROUP BY, or an aggregate call in its select list.
    public var hasLimit: Bool
    public var hasGroupBy: Bool
    public var hasAggregate: Bool

    /// The table `name` (unqualified, case-insensitive) when the main query reads it.
    public func use(of name: String) -> TableUse? {
        tables.first { $0.table.lowercased() == name.lowercased() }
    }

    /// A statement that reads one row (or a few) of one table by equality on values: the shape an
    /// ORM's per-row lookup has.
    public var isKeyLookup: Bool {
        guard command == .select, tables.count == 1, hasValueFilter, !hasGroupBy, !hasAggregate else { return false }
        return !tables[0].filter.equalityColumns.isEmpty && tables[0].filter.rangeColumns.isEmpty
    }

    public init(_ text: String, engine: Engine) {
        let source = ConditionSource(text, engine: engine)
        let tokens = source.tokens
        let (depths, mainStart, commonTables) = Self.mainQuery(tokens)
        var command = Command.other
        var tables: [(schema: String?, table: String, alias: String?)] = []
        var whereRange: Range<Int>?
        var hasLimit = false
        var hasGroupBy = false
        var hasAggregate = false
        var clause = ""
        var index = mainStart
        if index < tokens.count, case .identifier(let word, false) = tokens[index] {
            command = Command(rawValue: word.lowercased()) ?? .other
        }
        while index < tokens.count {
            defer { index += 1 }
            guard depths[index] == 0, case .identifier(let word, false) = tokens[index] else {
                if clause == "select", depths[index] == 0, tokens[index] == .leftParen, index > 0,
                    case .identifier(let name, false) = tokens[index - 1],
                    Self.aggregates.contains(name.lowercased())
                {
                    hasAggregate = true
                }
                continue
            }
            let keyword = word.lowercased()
            if Self.clauseKeywords.contains(keyword) {
                // The WHERE clause runs to the end until the next clause keyword closes it.
                if clause == "where", let open = whereRange, open.upperBound == tokens.count {
                    whereRange = open.lowerBound..<index
                }
                clause = keyword
                switch keyword {
                case "where": whereRange = (index + 1)..<tokens.count
                case "limit", "fetch": hasLimit = true
                case "group": hasGroupBy = true
                default: break
                }
            }
            if Self.tableIntroducers.contains(keyword) {
                if let named = Self.tableName(tokens, depths, after: index) {
                    tables.append(named.reference)
                    index = named.end - 1
                }
            } else if keyword == "into" && command == .insert || keyword == "update" && command == .update {
                if let named = Self.tableName(tokens, depths, after: index, columnListMayFollow: true) {
                    tables.append(named.reference)
                    index = named.end - 1
                }
            }
        }
        // A comma-separated FROM list: each item after a comma at depth 0 in the FROM clause.
        tables += Self.commaListedTables(tokens, depths, from: mainStart).filter { listed in
            !tables.contains { $0.table == listed.table && $0.alias == listed.alias }
        }
        // `WITH daily AS (…) SELECT … FROM daily`: daily is the query's own result, not a table to index.
        tables.removeAll { $0.schema == nil && commonTables.contains($0.table.lowercased()) }
        let whereText = whereRange.map { source.text(of: $0) }
        let single = tables.count == 1
        self.command = command
        self.tables = tables.map { table in
            TableUse(
                schema: table.schema, table: table.table, alias: table.alias,
                filter: FilterColumns(
                    conditions: [whereText], relation: table.table, alias: table.alias, engine: engine,
                    unqualifiedColumnsBelong: single))
        }
        self.hasValueFilter =
            whereRange.map { range in
                tokens[range].contains { token in
                    if case .string = token { return true }
                    return token == .parameter || token == .number
                }
            } ?? false
        self.hasLimit = hasLimit
        self.hasGroupBy = hasGroupBy
        self.hasAggregate = hasAggregate
    }

    // MARK: - Reading

    private static let clauseKeywords: Set<String> = [
        "select", "from", "where", "group", "having", "order", "limit", "offset", "fetch", "for", "returning",
        "union", "intersect", "except", "window", "set", "values", "on", "using",
    ]
    private static let tableIntroducers: Set<String> = ["from", "join", "straight_join"]
    private static let aggregates: Set<String> = [
        "count", "sum", "avg", "min", "max", "array_agg", "string_agg", "json_agg", "jsonb_agg", "bool_and",
        "bool_or", "group_concat",
    ]
    private static let notAliases: Set<String> = [
        "where", "join", "inner", "left", "right", "full", "cross", "natural", "on", "using", "group", "order",
        "limit", "offset", "fetch", "for", "set", "values", "returning", "union", "intersect", "except", "window",
        "having", "lateral", "select", "default", "straight_join", "force", "ignore", "use", "partition",
        "tablesample", "only",
    ]

    /// Parenthesis depth of every token, where the main query starts (after a WITH list), and the names the
    /// WITH list defines (lower-cased).
    private static func mainQuery(_ tokens: [ConditionToken]) -> (depths: [Int], start: Int, commonTables: Set<String>)
    {
        var depths: [Int] = []
        depths.reserveCapacity(tokens.count)
        var depth = 0
        for token in tokens {
            if token == .rightParen { depth = max(depth - 1, 0) }
            depths.append(depth)
            if token == .leftParen { depth += 1 }
        }
        var start = 0
        // Skip a leading parenthesis (`(SELECT …) UNION …`) only as far as its first keyword.
        while start < tokens.count, tokens[start] == .leftParen { start += 1 }
        guard start < tokens.count, tokens[start].isKeyword("with") else { return (depths, start, []) }
        // WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (…), … main-command
        let baseDepth = depths[start]
        var names: Set<String> = []
        var index = start + 1
        if index < tokens.count, tokens[index].isKeyword("recursive") { index += 1 }
        var expectingName = true
        while index < tokens.count {
            if depths[index] == baseDepth, case .identifier(let word, let quoted) = tokens[index] {
                if ["select", "insert", "update", "delete", "merge", "values", "table"].contains(word.lowercased()),
                    !quoted, index > 0, tokens[index - 1] != .leftParen
                {
                    return (depths.map { $0 - baseDepth }, index, names)
                }
                if expectingName {
                    names.insert(word.lowercased())
                    expectingName = false
                }
            } else if depths[index] == baseDepth, tokens[index] == .comma {
                expectingName = true
            }
            index += 1
        }
        return (depths, start, names)
    }

    private typealias Named = (reference: (schema: String?, table: String, alias: String?), end: Int)

    /// `[ONLY] [schema.]table [[AS] alias]` right after `index`; nil for a sub-query or a function
    /// (unless a parenthesis may follow the name, as INSERT's column list does).
    private static func tableName(
        _ tokens: [ConditionToken], _ depths: [Int], after index: Int, columnListMayFollow: Bool = false
    ) -> Named? {
        var position = index + 1
        if position < tokens.count, tokens[position].isKeyword("only") { position += 1 }
        guard position < tokens.count, case .identifier(var table, let quoted) = tokens[position],
            quoted || !notAliases.contains(table.lowercased())
        else { return nil }
        var schema: String?
        position += 1
        while position + 1 < tokens.count, tokens[position] == .dot,
            case .identifier(let next, _) = tokens[position + 1]
        {
            schema = table
            table = next
            position += 2
        }
        // A function in FROM (`generate_series(…)`) is not a table.
        if position < tokens.count, tokens[position] == .leftParen {
            guard columnListMayFollow else { return nil }
            return ((schema, table, nil), position)
        }
        var alias: String?
        if position < tokens.count, tokens[position].isKeyword("as") { position += 1 }
        if position < tokens.count, case .identifier(let name, let quoted) = tokens[position],
            quoted || !notAliases.contains(name.lowercased())
        {
            alias = name
            position += 1
        }
        return ((schema, table, alias), position)
    }

    /// Tables after top-level commas of the main FROM clause (`FROM a, b x`).
    private static func commaListedTables(
        _ tokens: [ConditionToken], _ depths: [Int], from start: Int
    ) -> [(schema: String?, table: String, alias: String?)] {
        var found: [(schema: String?, table: String, alias: String?)] = []
        var inFrom = false
        for index in start..<tokens.count where depths[index] == 0 {
            if case .identifier(let word, false) = tokens[index] {
                let keyword = word.lowercased()
                if keyword == "from" {
                    inFrom = true
                } else if clauseKeywords.contains(keyword) {
                    inFrom = false
                }
            } else if inFrom, tokens[index] == .comma, let named = tableName(tokens, depths, after: index) {
                found.append(named.reference)
            }
        }
        return found
    }
}
