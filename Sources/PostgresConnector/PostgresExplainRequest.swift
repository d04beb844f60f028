/// The commands that get one statement's plan as JSON from one server version, chosen from its text alone
/// (so each form is testable without a server). `PostgresExplainer` runs them inside one read-only
/// transaction that is rolled back.
///
/// Statements from `pg_stat_statements` have `$n` placeholders where the literals were:
/// - PostgreSQL 16 and later plan them with `EXPLAIN (GENERIC_PLAN)`.
/// - PostgreSQL 12–15 cannot; there the statement is prepared with its parameter types inferred, and the
///   generic plan is forced (`plan_cache_mode`, since 12) so `EXPLAIN EXECUTE` with NULL for every
///   parameter shows the plan for any value rather than one folded around the NULLs. A statement whose
///   parameter types the server cannot infer fails at `PREPARE` (SQLSTATE 42P18, or 42725 for an
///   ambiguous operator) and is skipped with a notice.
/// - A text without placeholders is explained as it is; with `--analyze`, a read-only query without
///   placeholders is executed by `EXPLAIN (ANALYZE, BUFFERS)`.
public struct PostgresExplainRequest: Sendable, Equatable {
    /// How the plan is obtained.
    public enum Method: Sendable, Equatable {
        /// `EXPLAIN` of the text as it is (no placeholders).
        case plain
        /// `EXPLAIN (ANALYZE, BUFFERS)`: the query runs.
        case analyze
        /// `EXPLAIN (GENERIC_PLAN)`, PostgreSQL 16 and later.
        case genericPlan
        /// `PREPARE` + forced generic plan + `EXPLAIN EXECUTE`, PostgreSQL 12–15.
        case preparedGenericPlan
    }

    public var method: Method
    /// Run first, in the transaction: settings and the `PREPARE`.
    public var setup: [String]
    /// The EXPLAIN whose `QUERY PLAN` rows hold the JSON plan.
    public var explain: String
    /// Run after the rollback once `setup` has succeeded: prepared statements outlive transactions.
    public var cleanup: [String]

    /// - Parameters:
    ///   - statement: the statement; must be explainable (`PostgresStatementText.isExplainable`).
    ///   - serverMajor: the server's major version, 12 and later.
    ///   - analyze: execute the statement when it is a read-only query without placeholders.
    ///   - preparedName: the name for a prepared statement, unique in the session.
    public init(statement: PostgresStatementText, serverMajor: Int, analyze: Bool, preparedName: String) {
        let text = statement.text
        setup = []
        cleanup = []
        if !statement.hasPlaceholders {
            method = analyze && statement.isReadOnlyQuery ? .analyze : .plain
            let options = method == .analyze ? "ANALYZE, BUFFERS, FORMAT JSON" : "FORMAT JSON"
            explain = Self.marked("EXPLAIN (\(options)) \(text)")
        } else if serverMajor >= 16 {
            method = .genericPlan
            explain = Self.marked("EXPLAIN (GENERIC_PLAN, FORMAT JSON) \(text)")
        } else {
            method = .preparedGenericPlan
            setup = [
                Self.marked("SET LOCAL plan_cache_mode = force_generic_plan"),
                Self.marked("PREPARE \(preparedName) AS \(text)"),
            ]
            let nulls = Array(repeating: "NULL", count: statement.highestPlaceholder).joined(separator: ", ")
            explain = Self.marked("EXPLAIN (FORMAT JSON) EXECUTE \(preparedName)(\(nulls))")
            cleanup = [Self.marked("DEALLOCATE \(preparedName)")]
        }
    }

    /// Its placeholders are not parameters: `EXPLAIN (GENERIC_PLAN)` goes through the simple query protocol,
    /// since the extended one wants a value for each (`bind message supplies 0 parameters`, SQLSTATE 08P01).
    public var explainsWithoutParameters: Bool { method == .genericPlan }

    /// Every command carries dbadvisor's mark after its first keyword (`EXPLAIN /* dbadvisor:pg_explain */ …`):
    /// pg_stat_statements keeps the text, and scans leave such texts out, so they do not report their own
    /// EXPLAINs.
    private static func marked(_ command: String) -> String {
        PostgresStatementText.marked(command, as: "pg_explain")
    }
}
