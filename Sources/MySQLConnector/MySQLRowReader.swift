import AdvisorCore
import AdvisorQueries
import Foundation

/// Typed reads of one MySQL/MariaDB result row by column name; every failure names the query, the row
/// and the column.
///
/// Values arrive as the server's text protocol prints them: integers and decimals in decimal
/// ("3219.5845"), times as epoch seconds (the queries select `UNIX_TIMESTAMP(…)`), flags as 0/1.
struct MySQLRowReader {
    let row: MySQLSession.Row
    let query: QueryText
    /// 1-based, as messages count rows.
    let number: Int

    /// A reader for each row, numbered from 1.
    static func readers(of rows: [MySQLSession.Row], query: QueryText) -> [MySQLRowReader] {
        rows.enumerated().map { MySQLRowReader(row: $0.element, query: query, number: $0.offset + 1) }
    }

    /// The single row of a query that returns exactly one.
    static func single(of rows: [MySQLSession.Row], query: QueryText) throws(UnexpectedRowError) -> MySQLRowReader {
        guard rows.count == 1, let row = rows.first else {
            throw UnexpectedRowError(query: query.rawValue, reason: "expected one row, got \(rows.count)")
        }
        return MySQLRowReader(row: row, query: query, number: 1)
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
        // Sums of bigint counters come back as DECIMAL: "12" or "12.0000" is still a whole number.
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

    /// A time the query selected as seconds since 1970-01-01 UTC.
    func optionalDate(_ column: String) throws(UnexpectedRowError) -> Date? {
        try optionalNumber(column).map { Date(timeIntervalSince1970: $0) }
    }

    /// An error about this row's column.
    func error(_ column: String, _ reason: String) -> UnexpectedRowError {
        UnexpectedRowError(query: query.rawValue, row: number, column: column, reason: reason)
    }
}
