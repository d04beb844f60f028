/// A row a query returned that does not have the columns or values its collector expects.
///
/// A scan turns it into a notice and goes on with the next collector: it means the server answered
/// differently than the query's header promises (a server version dbadvisor does not know, a proxy
/// rewriting results).
public struct UnexpectedRowError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `QueryText` raw value of the query, e.g. "pg_tables", "mysql_tables".
    public var query: String
    /// The 1-based row number, or nil when the result as a whole is wrong (no row at all).
    public var row: Int?
    /// The column, or nil when the result as a whole is wrong.
    public var column: String?
    /// What was expected and what was found.
    public var reason: String

    public init(query: String, row: Int? = nil, column: String? = nil, reason: String) {
        self.query = query
        self.row = row
        self.column = column
        self.reason = reason
    }

    public var description: String {
        let place = [row.map { "row \($0)" }, column.map { "column \($0)" }].compactMap { $0 }
        let position = place.isEmpty ? "" : " (\(place.joined(separator: ", ")))"
        return "unexpected result of \(query)\(position): \(reason)"
    }
}
