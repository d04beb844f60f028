/// The fix statements plan rules propose, written for the plan's engine: indexes, statistics refreshes
/// and extended statistics, with identifiers quoted only where the engine needs it.
public enum PlanFixSQL {
    /// PostgreSQL and MySQL both cut identifiers at 63/64 bytes; generated names stay within 63.
    static let maximumNameLength = 63

    /// `CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON public.orders (status, created_at);`
    /// or `ALTER TABLE shop.orders ADD INDEX idx_orders_status_created_at (status, created_at);`.
    public static func createIndex(table: String, schema: String?, columns: [String], engine: Engine) -> String {
        createIndex(table: table, schema: schema, keys: columns.map(IndexKey.column), engine: engine)
    }

    /// The same with expression keys allowed: `CREATE INDEX CONCURRENTLY events_expr_idx ON events
    /// ((payload ->> 'path'::text));`. `concurrently` false gives a plain `CREATE INDEX`, the only form
    /// PostgreSQL accepts on a partitioned table.
    public static func createIndex(
        table: String, schema: String?, keys: [IndexKey], engine: Engine, concurrently: Bool = true
    ) -> String {
        let name = indexName(table: table, columns: keys.map(\.namePart), engine: engine)
        let list = keys.map { $0.sql(engine: engine) }.joined(separator: ", ")
        let target = qualifiedName(table: table, schema: schema, engine: engine)
        if engine.isMySQLFamily { return "ALTER TABLE \(target) ADD INDEX \(name) (\(list));" }
        return "CREATE INDEX \(concurrently ? "CONCURRENTLY " : "")\(name) ON \(target) (\(list));"
    }

    /// An index name in each engine's usual convention: `orders_status_idx` (PostgreSQL's own default
    /// naming) and `idx_orders_status` (common MySQL practice); lower-case, so it never needs quoting.
    public static func indexName(table: String, columns: [String], engine: Engine) -> String {
        let parts = ([table] + columns).map(sanitized)
        let (prefix, suffix) = engine.isMySQLFamily ? ("idx_", "") : ("", "_idx")
        var body = parts.joined(separator: "_")
        let room = maximumNameLength - prefix.count - suffix.count
        if body.count > room { body = String(body.prefix(room)) }
        return prefix + body + suffix
    }

    /// `ANALYZE public.orders;` / `ANALYZE TABLE shop.orders;`.
    public static func analyze(table: String, schema: String?, engine: Engine) -> String {
        let target = qualifiedName(table: table, schema: schema, engine: engine)
        return engine.isMySQLFamily ? "ANALYZE TABLE \(target);" : "ANALYZE \(target);"
    }

    /// PostgreSQL 10+ extended statistics on correlated columns, followed by the ANALYZE that fills them.
    public static func createStatistics(table: String, schema: String?, columns: [String]) -> String {
        let name = sanitized(([table] + columns).joined(separator: "_")).prefix(maximumNameLength - 6) + "_stats"
        let list = columns.map { quote($0, engine: .postgres) }.joined(separator: ", ")
        let target = qualifiedName(table: table, schema: schema, engine: .postgres)
        return "CREATE STATISTICS \(name) (dependencies, ndistinct) ON \(list) FROM \(target);\n"
            + analyze(table: table, schema: schema, engine: .postgres)
    }

    /// Column statistics the MySQL-family optimizer uses for non-indexed columns: histograms on
    /// MySQL 8, engine-independent statistics on MariaDB.
    public static func columnHistograms(table: String, schema: String?, columns: [String], engine: Engine) -> String {
        let target = qualifiedName(table: table, schema: schema, engine: engine)
        let list = columns.map { quote($0, engine: engine) }.joined(separator: ", ")
        if engine == .mariadb { return "ANALYZE TABLE \(target) PERSISTENT FOR COLUMNS (\(list)) INDEXES ();" }
        return "ANALYZE TABLE \(target) UPDATE HISTOGRAM ON \(list);"
    }

    /// `schema.table`, each part quoted when needed.
    public static func qualifiedName(table: String, schema: String?, engine: Engine) -> String {
        [schema, table].compactMap { $0 }.map { quote($0, engine: engine) }.joined(separator: ".")
    }

    /// The identifier as the engine needs it written: bare when it is a plain lower-case (PostgreSQL) or
    /// alphanumeric (MySQL) name that is not a reserved word, quoted otherwise.
    public static func quote(_ identifier: String, engine: Engine) -> String {
        if engine.isMySQLFamily {
            let plain = identifier.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "$" }
            if plain, !identifier.allSatisfy(\.isNumber), !mysqlReserved.contains(identifier.lowercased()) {
                return identifier
            }
            return "`" + identifier.replacingOccurrences(of: "`", with: "``") + "`"
        }
        let plain =
            identifier.first.map { $0.isLowercase || $0 == "_" } ?? false
            && identifier.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" || $0 == "$" }
        if plain, !postgresReserved.contains(identifier) { return identifier }
        return "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Names

    private static func sanitized(_ name: String) -> String {
        String(name.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" })
    }

    // PostgreSQL's reserved and type/function-name keywords (Appendix C), which ruleutils quotes.
    private static let postgresReserved: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary",
        "both", "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create",
        "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
        "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
        "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
        "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left",
        "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only",
        "or", "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
        "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to",
        "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window",
        "with",
    ]

    // The MySQL reserved words most often used as column names.
    private static let mysqlReserved: Set<String> = [
        "add", "all", "alter", "and", "as", "asc", "between", "by", "change", "check", "column", "condition",
        "create", "cross", "current_date", "current_time", "current_timestamp", "current_user", "database",
        "default", "delete", "desc", "describe", "distinct", "div", "drop", "dual", "else", "exists", "false",
        "fetch", "for", "force", "foreign", "from", "fulltext", "function", "group", "groups", "having", "if",
        "ignore", "in", "index", "inner", "insert", "interval", "into", "is", "join", "key", "keys", "kill", "lag",
        "lead", "left", "like", "limit", "lines", "load", "lock", "match", "mod", "natural", "not", "null", "of",
        "on", "option", "or", "order", "outer", "partition", "primary", "range", "rank", "read", "references",
        "regexp", "release", "rename", "repeat", "replace", "require", "right", "rlike", "row", "rows", "schema",
        "select", "separator", "set", "show", "signal", "spatial", "sql", "table", "then", "to", "trigger", "true",
        "union", "unique", "update", "usage", "use", "using", "values", "when", "where", "window", "with", "year_month",
    ]
}
