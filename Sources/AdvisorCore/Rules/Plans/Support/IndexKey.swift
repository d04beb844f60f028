/// One key part of an index a plan rule proposes: a plain column, or (PostgreSQL) an expression of one
/// column, such as `lower((email)::text)` or `(payload ->> 'path'::text)`.
public enum IndexKey: Equatable, Sendable {
    /// A column, by its unquoted name.
    case column(String)
    /// An expression as it goes into an index's key list: a bare function call, or anything else in
    /// parentheses as PostgreSQL requires. `name` is the word PostgreSQL itself uses for the key when it
    /// names an index: the function's name, or `expr`.
    case expression(String, name: String)

    /// The key as written in `CREATE INDEX … ( … )`, quoted for `engine` where it is a column.
    public func sql(engine: Engine) -> String {
        switch self {
        case .column(let name): PlanFixSQL.quote(name, engine: engine)
        case .expression(let text, _): text
        }
    }

    /// The word that stands for the key in a generated index name.
    public var namePart: String {
        switch self {
        case .column(let name): name
        case .expression(_, let name): name
        }
    }

    /// True for an expression key.
    public var isExpression: Bool {
        if case .expression = self { return true }
        return false
    }

    /// The key for an expression as EXPLAIN printed it, with the qualifiers naming `tableNames` removed;
    /// nil when it cannot be indexed: it holds a parameter, or a function or keyword whose value is not
    /// fixed for a given row (an index expression may use only IMMUTABLE functions).
    static func expression(printed text: String, tableNames: Set<String>, engine: Engine) -> IndexKey? {
        let tokens = ConditionTokenizer.tokens(of: text, engine: engine)
        for (position, token) in tokens.enumerated() {
            if token == .parameter { return nil }
            guard case .identifier(let word, false) = token else { continue }
            let isCall = position + 1 < tokens.count && tokens[position + 1] == .leftParen
            let name = word.lowercased()
            if isCall ? unindexableFunctions.contains(name) : unindexableKeywords.contains(name) { return nil }
        }
        let unqualified = ConditionTokenizer.removingQualifiers(tableNames, from: text, engine: engine)
        let unqualifiedTokens = ConditionTokenizer.tokens(of: unqualified, engine: engine)
        if let function = calledFunction(unqualifiedTokens) { return .expression(unqualified, name: function) }
        if ConditionParser.isWrappedInParentheses(unqualifiedTokens[...]) {
            return .expression(unqualified, name: "expr")
        }
        return .expression("(\(unqualified))", name: "expr")
    }

    /// The function's name when `tokens` are one call, `name(…)` or `schema.name(…)`, and nothing else.
    private static func calledFunction(_ tokens: [ConditionToken]) -> String? {
        var position = 0
        var name: String?
        while position < tokens.count, case .identifier(let word, _) = tokens[position] {
            name = word.lowercased()
            position += 1
            guard position < tokens.count, tokens[position] == .dot else { break }
            position += 1
        }
        guard let name, position < tokens.count,
            ConditionParser.isWrappedInParentheses(tokens[position...])
        else { return nil }
        return name
    }

    // Volatile and stable functions (https://www.postgresql.org/docs/current/xfunc-volatility.html) and
    // aggregates and window functions: none can appear in an index expression.
    private static let unindexableFunctions: Set<String> = [
        "random", "random_normal", "setseed", "now", "clock_timestamp", "statement_timestamp",
        "transaction_timestamp", "timeofday", "nextval", "currval", "lastval", "setval", "gen_random_uuid",
        "uuid_generate_v1", "uuid_generate_v4", "txid_current", "pg_current_xact_id", "current_setting",
        "pg_backend_pid", "age", "count", "sum", "avg", "min", "max", "array_agg", "string_agg", "json_agg",
        "jsonb_agg", "bool_and", "bool_or", "every", "row_number", "rank", "dense_rank", "lag", "lead",
    ]

    // SQL-standard keywords PostgreSQL evaluates once per statement, not per row.
    private static let unindexableKeywords: Set<String> = [
        "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "current_user",
        "session_user", "current_role", "current_schema", "current_catalog", "user",
    ]
}
