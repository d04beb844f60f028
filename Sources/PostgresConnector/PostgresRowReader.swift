import AdvisorCore
import AdvisorQueries
import Foundation

/// Typed reads of one result row by column name; every failure names the query, the row and the column.
///
/// Values arrive as PostgreSQL's text output: integers in decimal, booleans as `t`/`f`, times as epoch
/// seconds (the queries select `extract(epoch FROM …)`), lists as JSON arrays of strings.
struct PostgresRowReader {
    let row: LibPQSession.Row
    let query: QueryText
    /// 1-based, as messages count rows.
    let number: Int

    /// A reader for each row, numbered from 1.
    static func readers(of rows: [LibPQSession.Row], query: QueryText) -> [PostgresRowReader] {
        rows.enumerated().map { PostgresRowReader(row: $0.element, query: query, number: $0.offset + 1) }
    }

    /// The single row of a query that returns exactly one.
    static func single(of rows: [LibPQSession.Row], query: QueryText) throws(UnexpectedRowError) -> PostgresRowReader {
        guard rows.count == 1, let row = rows.first else {
            throw UnexpectedRowError(query: query.rawValue, reason: "expected one row, got \(rows.count)")
        }
        return PostgresRowReader(row: row, query: query, number: 1)
    }

    /// The text of a column that may be NULL; the column itself must be present.
    func optionalText(_ column: String) throws(UnexpectedRowError) -> String? {
        guard let value = row[column] else { throw error(column, "the column is missing") }
        return value
    }

    func text(_ column: String) throws(UnexpectedRowError) -> String {
        guard let value = try optionalText(column) else { throw error(column, "expected a value, found NULL") }
        return value
    }

    func optionalInteger(_ column: String) throws(UnexpectedRowError) -> Int? {
        guard let text = try optionalText(column) else { return nil }
        // numeric columns (wal_bytes) may print a scale: "12.0" is still a whole number.
        guard let value = Int(text) ?? Double(text).flatMap({ Int(exactly: $0) }) else {
            throw error(column, "expected an integer, found \"\(text)\"")
        }
        return value
    }

    func integer(_ column: String) throws(UnexpectedRowError) -> Int {
        guard let value = try optionalInteger(column) else { throw error(column, "expected an integer, found NULL") }
        return value
    }

    func optionalNumber(_ column: String) throws(UnexpectedRowError) -> Double? {
        guard let text = try optionalText(column) else { return nil }
        guard let value = Double(text) else { throw error(column, "expected a number, found \"\(text)\"") }
        return value
    }

    func number(_ column: String) throws(UnexpectedRowError) -> Double {
        guard let value = try optionalNumber(column) else { throw error(column, "expected a number, found NULL") }
        return value
    }

    func flag(_ column: String) throws(UnexpectedRowError) -> Bool {
        switch try text(column) {
        case "t", "true": return true
        case "f", "false": return false
        case let other: throw error(column, "expected t or f, found \"\(other)\"")
        }
    }

    /// A time the query selected as seconds since 1970-01-01 UTC.
    func optionalDate(_ column: String) throws(UnexpectedRowError) -> Date? {
        try optionalNumber(column).map { Date(timeIntervalSince1970: $0) }
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

    /// An error about this row's column.
    func error(_ column: String, _ reason: String) -> UnexpectedRowError {
        UnexpectedRowError(query: query.rawValue, row: number, column: column, reason: reason)
    }
}
