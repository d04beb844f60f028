import AdvisorCore
import AdvisorQueries

/// A PostgreSQL result row: the shared typed reads, plus booleans as `t`/`f` and lists as JSON arrays.
typealias PostgresRowReader = ResultRowReader

extension ResultRowReader {
    /// A reader for each row of one of dbadvisor's queries, numbered from 1.
    static func readers(of rows: [LibPQSession.Row], query: QueryText) -> [ResultRowReader] {
        readers(of: rows, query: query.rawValue)
    }

    /// The single row of a query that returns exactly one.
    static func single(of rows: [LibPQSession.Row], query: QueryText) throws(UnexpectedRowError) -> ResultRowReader {
        try single(of: rows, query: query.rawValue)
    }

    func flag(_ column: String) throws(UnexpectedRowError) -> Bool {
        switch try text(column) {
        case "t", "true": return true
        case "f", "false": return false
        case let other: throw error(column, "expected t or f, found \"\(other)\"")
        }
    }

    /// A JSON array of strings (`json_agg` of names); NULL, as `json_agg` gives for no rows, is empty.
    func names(_ column: String) throws(UnexpectedRowError) -> [String] {
        guard let text = try optionalText(column) else { return [] }
        let value: JSONValue
        do {
            value = try JSONReader.parse(Array(text.utf8))
        } catch {
            throw self.error(column, "expected a JSON array, found \"\(text)\" (\(error.expected))")
        }
        guard let elements = value.arrayValue else { throw self.error(column, "expected a JSON array of names") }
        var names: [String] = []
        for element in elements {
            guard let name = element.stringValue else { throw self.error(column, "expected a JSON array of names") }
            names.append(name)
        }
        return names
    }
}
