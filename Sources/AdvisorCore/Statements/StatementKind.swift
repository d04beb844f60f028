/// What work a statement is, read from its text: whether its counters are a cost the application pays
/// every day, and which advice fits it.
///
/// Loads, schema changes, index builds and maintenance run once or on a schedule: what they cost is a
/// total, not a rate, and they have no plan worth reading. The statements PostgreSQL's foreign-key
/// triggers run (visible with `pg_stat_statements.track = all`) are the server's own: their cost follows
/// the writes that fire them.
public enum StatementKind: Equatable, Sendable {
    /// A query or write an application runs as part of its work, and anything not recognised.
    case application
    /// `COPY`, `LOAD DATA`, `CREATE TABLE … AS`, `SELECT … INTO`: a bulk load. (`INSERT … SELECT` is
    /// also what applications run per request, and its plan matters: a bulk one is a one-off by its calls.)
    case load
    /// `CREATE INDEX`, `REINDEX`, `CLUSTER`, `ALTER TABLE … ADD PRIMARY KEY / UNIQUE`: sorts in
    /// `maintenance_work_mem`, not `work_mem`.
    case indexBuild
    /// Any other schema change (`CREATE`, `ALTER`, `DROP`, `TRUNCATE`, `GRANT` …).
    case schemaChange
    /// `VACUUM`, `ANALYZE`, `REFRESH MATERIALIZED VIEW`, `OPTIMIZE`, `CHECKPOINT` ….
    case maintenance
    /// A statement a PostgreSQL foreign-key trigger runs.
    case foreignKey(ForeignKeyAction)

    /// Loads, schema changes, index builds and maintenance: work done once, not per request.
    public var isOneOffWork: Bool {
        switch self {
        case .load, .indexBuild, .schemaChange, .maintenance: true
        case .application, .foreignKey: false
        }
    }

    public init(_ text: String, engine: Engine) {
        let tokens = ConditionSource(text, engine: engine).tokens
        let words = tokens.prefix(6).map { token -> String in
            if case .identifier(let word, false) = token { return word.lowercased() }
            return ""
        }
        let first = words.first ?? ""
        let second = words.count > 1 ? words[1] : ""
        if engine == .postgres, let action = ForeignKeyAction(text, tokens: tokens, verb: first) {
            self = .foreignKey(action)
            return
        }
        // Words outside parentheses: `GENERATED ALWAYS AS (…)` in a column list is no `CREATE TABLE … AS`.
        var depth = 0
        let topLevel = tokens.filter { token in
            if token == .leftParen { depth += 1 }
            if token == .rightParen { depth -= 1 }
            return depth == 0
        }
        let containsWord = { (word: String) in topLevel.contains { $0.isKeyword(word) } }
        switch first {
        case "copy", "load": self = .load
        case "select": self = Self.selectsInto(topLevel) ? .load : .application
        case "create":
            if words.contains("index") {
                self = .indexBuild
            } else if words.contains("table") && containsWord("as") || words.contains("materialized") {
                self = .load
            } else {
                self = .schemaChange
            }
        case "alter":
            let addsKey =
                second == "table" && containsWord("add") && (containsWord("primary") || containsWord("unique"))
            self = addsKey ? .indexBuild : .schemaChange
        case "reindex", "cluster": self = .indexBuild
        case "drop", "truncate", "rename", "comment", "grant", "revoke": self = .schemaChange
        case "vacuum", "analyze", "optimize", "checkpoint", "checksum", "repair", "refresh", "flush":
            self = .maintenance
        default: self = .application
        }
    }

    /// `SELECT … INTO new_table FROM …` (PostgreSQL; MySQL's `INTO @var` sets variables, `INTO OUTFILE` exports).
    private static func selectsInto(_ topLevel: [ConditionToken]) -> Bool {
        topLevel.indices.dropLast().contains { index in
            guard topLevel[index].isKeyword("into"), case .identifier = topLevel[index + 1] else { return false }
            return !topLevel[index + 1].isKeyword("outfile") && !topLevel[index + 1].isKeyword("dumpfile")
        }
    }
}

/// What a PostgreSQL foreign-key trigger's statement does (`ri_triggers.c`): the text names the table it
/// reads or writes and the key columns, written `"col" OPERATOR(pg_catalog.=) $1` on the referenced side
/// and `$1 OPERATOR(pg_catalog.=) "col"` on the referencing side.
public struct ForeignKeyAction: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        /// `SELECT 1 FROM ONLY referenced x WHERE key = $1 FOR KEY SHARE OF x`: the referenced row
        /// exists, checked for every insert into the referencing table and update of its key.
        case referencedKeyCheck
        /// `SELECT 1 FROM ONLY referencing x WHERE $1 = fk FOR KEY SHARE OF x`: no row still references
        /// the key, checked for every delete and key update of the referenced table (NO ACTION, RESTRICT).
        case referencingRowsCheck
        /// `DELETE FROM ONLY referencing WHERE $1 = fk`: ON DELETE CASCADE.
        case cascadeDelete
        /// `UPDATE ONLY referencing SET fk = … WHERE $n = fk`: ON UPDATE CASCADE, SET NULL, SET DEFAULT.
        case cascadeUpdate
    }

    public var action: Action
    /// The table the statement reads or writes, and the key columns it finds rows by.
    public var schema: String?
    public var table: String
    public var columns: [String]

    /// Whether the statement's table is the referencing one (every action but the referenced-key check).
    public var onReferencingSide: Bool { action != .referencedKeyCheck }

    public init(action: Action, schema: String?, table: String, columns: [String]) {
        self.action = action
        self.schema = schema
        self.table = table
        self.columns = columns
    }

    init?(_ text: String, tokens: [ConditionToken], verb: String) {
        // The triggers always write the operator qualified; applications almost never do.
        guard text.contains("OPERATOR(pg_catalog."),
            tokens.contains(where: { $0.isKeyword("only") }) || verb == "select"
        else { return nil }
        let parameterFirst = tokens.indices.dropFirst().contains {
            tokens[$0] == .symbol("=") && tokens[$0 - 1] == .parameter
        }
        switch verb {
        case "select":
            let locks = tokens.indices.dropLast(2).contains {
                tokens[$0].isKeyword("for") && tokens[$0 + 1].isKeyword("key") && tokens[$0 + 2].isKeyword("share")
            }
            guard locks else { return nil }
            action = parameterFirst ? .referencingRowsCheck : .referencedKeyCheck
        case "delete" where parameterFirst: action = .cascadeDelete
        case "update" where parameterFirst: action = .cascadeUpdate
        default: return nil
        }
        let shape = StatementShape(text, engine: .postgres)
        guard let use = shape.tables.first else { return nil }
        schema = use.schema
        table = use.table
        columns = use.filter.equalityColumns
    }

    /// The foreign keys of `snapshot` this statement serves (several when they share table and columns).
    public func foreignKeys(in snapshot: Snapshot) -> [ForeignKey] {
        snapshot.foreignKeys.filter { key in
            let (keySchema, keyTable, keyColumns) =
                onReferencingSide
                ? (key.schema, key.table, key.columns)
                : (key.referencedSchema, key.referencedTable, key.referencedColumns)
            return keyTable == table && (schema == nil || schema == keySchema) && Set(keyColumns) == Set(columns)
        }
    }

    /// "foreign-key check of public.orders (customer_id) → public.customers, run by the server for every insert
    /// into orders and update of its key": what the statement is and what makes the server run it.
    public func description(in snapshot: Snapshot) -> String {
        let own = (schema.map { "\($0)." } ?? "") + table
        let keys = foreignKeys(in: snapshot)
        let named = keys.map {
            "\($0.qualifiedTable) (\($0.columns.joined(separator: ", "))) → \($0.referencedSchema).\($0.referencedTable)"
        }
        let subject =
            named.isEmpty
            ? (onReferencingSide ? "\(own) (\(columns.joined(separator: ", ")))" : "a table referencing \(own)")
            : named.joined(separator: " and ")
        let referencing = keys.first.map(\.table) ?? (onReferencingSide ? table : "the referencing table")
        let referenced = keys.first.map(\.referencedTable) ?? (onReferencingSide ? "the referenced table" : table)
        switch action {
        case .referencedKeyCheck:
            return "the foreign-key check of \(subject), run by the server for every row inserted into "
                + "\(referencing) and every update of its key"
        case .referencingRowsCheck:
            return "the foreign-key check of \(subject), run by the server for every row deleted from "
                + "\(referenced) and every update of its key"
        case .cascadeDelete:
            return "the ON DELETE CASCADE of \(subject), run by the server for every row deleted from \(referenced)"
        case .cascadeUpdate:
            return "the ON UPDATE/ON DELETE SET action of \(subject), run by the server for every row deleted "
                + "from or key updated in \(referenced)"
        }
    }
}

extension StatementStats {
    /// A statement run at most this many times is a one-off: its counters are what it cost, not a rate.
    public static let oneOffMaxCalls = 5

    /// A load, schema change, index build or maintenance, or a statement run `oneOffMaxCalls` times or fewer.
    public func isOneOff(engine: Engine) -> Bool {
        calls <= Self.oneOffMaxCalls || StatementKind(text, engine: engine).isOneOffWork
    }
}

extension Snapshot {
    /// What work `statement` is, in the dialect of the scanned server.
    public func kind(of statement: StatementStats) -> StatementKind {
        StatementKind(statement.text, engine: server.engine)
    }

    /// A statement whose counters are not a daily cost: a load, schema change, index build or maintenance, or
    /// any statement that ran only a handful of times (`StatementStats.oneOffMaxCalls`).
    public func isOneOff(_ statement: StatementStats) -> Bool {
        statement.isOneOff(engine: server.engine)
    }

    /// The statement's calls per day, the rate plan findings scale a plan's time by; nil when the window is
    /// unknown or the statement is a one-off, whose plan costs what it cost once.
    public func callsPerDay(of statement: StatementStats) -> Double? {
        isOneOff(statement) ? nil : perDay(Double(statement.calls))
    }
}

extension Notice {
    /// PostgreSQL flushes a transaction's WAL after its COMMIT statement has been timed: pg_stat_statements counts
    /// COMMIT as microseconds, and the commit time (often most of a small write transaction's) is in no statement's
    /// figures. Said when the statement statistics hold commits, with where that time shows.
    public static func commitTimeNotInStatements(_ snapshot: Snapshot) -> Notice? {
        guard snapshot.server.engine == .postgres, snapshot.statementSource?.isLog == false else { return nil }
        let commits = snapshot.statements.filter { statement in
            let word = statement.text.drop { $0.isWhitespace }.prefix { $0.isLetter }.lowercased()
            return (word == "commit" || word == "end") && statement.calls > 0
        }
        guard !commits.isEmpty else { return nil }
        let calls = commits.reduce(0) { $0 + $1.calls }
        let time = commits.reduce(0) { $0 + $1.totalTimeMs }
        let walIO =
            (snapshot.server.versionNumber ?? 0) >= 180_000
            ? "pg_stat_io's WAL rows (object = 'wal': fsyncs, fsync_time)"
            : "pg_stat_wal (wal_sync, wal_sync_time)"
        return Notice(
            level: .info,
            message: "commit time is not in the statement figures: pg_stat_statements counts "
                + "\(Formatting.count(Double(calls))) COMMITs as \(Formatting.milliseconds(time)) in all, but the "
                + "wait for each transaction's WAL to reach disk comes after that and is in no statement's time.",
            remedy: "It shows in \(walIO) with track_wal_io_timing = on, as the wait events WALSync and WALWrite in "
                + "pg_stat_activity, and in the clients' own timing (a server log with log_min_duration_statement "
                + "times COMMIT whole: dbadvisor logs).")
    }
}
