import AdvisorCore
import AdvisorQueries

/// A MySQL/MariaDB result row: the shared typed reads (flags arrive as 0/1 integers), plus the
/// name/value pairs of `SHOW` statements.
typealias MySQLRowReader = ResultRowReader

extension ResultRowReader {
    /// A reader for each row of one of dbadvisor's queries, numbered from 1.
    static func readers(of rows: [MySQLSession.Row], query: QueryText) -> [ResultRowReader] {
        readers(of: rows, query: query.rawValue)
    }

    /// The single row of a query that returns exactly one.
    static func single(of rows: [MySQLSession.Row], query: QueryText) throws(UnexpectedRowError) -> ResultRowReader {
        try single(of: rows, query: query.rawValue)
    }

    /// `Variable_name` → `Value` of a `SHOW GLOBAL VARIABLES` or `SHOW GLOBAL STATUS` result.
    static func nameValuePairs(
        of rows: [MySQLSession.Row], query: QueryText
    ) throws(UnexpectedRowError) -> [String: String] {
        var pairs: [String: String] = [:]
        for row in readers(of: rows, query: query) {
            pairs[try row.text("Variable_name")] = try row.optionalText("Value") ?? ""
        }
        return pairs
    }
}
