import Foundation

/// Typed reads of one result row, column name → text value (nil for SQL NULL), as both connectors
/// return rows; every failure is an `UnexpectedRowError` naming the query, the row and the column.
///
/// Values arrive as the servers' text output: integers and decimals in decimal (a DECIMAL sum of
/// counters, "12.0000", is still a whole number), times as epoch seconds (the queries select
/// `extract(epoch FROM …)` / `UNIX_TIMESTAMP(…)`). Each connector adds what is its own (booleans as
/// `t`/`f`, JSON name lists, `SHOW` name/value pairs).
public struct ResultRowReader: Sendable {
    public let row: [String: String?]
    /// The query's name (a `QueryText` raw value), for messages.
    public let query: String
    /// 1-based, as messages count rows.
    public let number: Int

    public init(row: [String: String?], query: String, number: Int) {
        self.row = row
        self.query = query
        self.number = number
    }

    /// A reader for each row, numbered from 1.
    public static func readers(of rows: [[String: String?]], query: String) -> [ResultRowReader] {
        rows.enumerated().map { ResultRowReader(row: $0.element, query: query, number: $0.offset + 1) }
    }

    /// The single row of a query that returns exactly one.
    public static func single(of rows: [[String: String?]], query: String) throws(UnexpectedRowError)
        -> ResultRowReader
    {
        guard rows.count == 1, let row = rows.first else {
            throw UnexpectedRowError(query: query, reason: "expected one row, got \(rows.count)")
        }
        return ResultRowReader(row: row, query: query, number: 1)
    }

    /// The text of a column that may be NULL; the column itself must be present.
    public func optionalText(_ column: String) throws(UnexpectedRowError) -> String? {
        guard let value = row[column] else { throw error(column, "the column is missing") }
        return value
    }

    public func text(_ column: String) throws(UnexpectedRowError) -> String {
        guard let value = try optionalText(column) else { throw error(column, "expected a value, found NULL") }
        return value
    }

    public func optionalInteger(_ column: String) throws(UnexpectedRowError) -> Int? {
        guard let text = try optionalText(column) else { return nil }
        guard let value = Int(text) ?? Double(text).flatMap({ Int(exactly: $0) }) else {
            throw error(column, "expected an integer, found \"\(text)\"")
        }
        return value
    }

    public func integer(_ column: String) throws(UnexpectedRowError) -> Int {
        guard let value = try optionalInteger(column) else { throw error(column, "expected an integer, found NULL") }
        return value
    }

    public func optionalNumber(_ column: String) throws(UnexpectedRowError) -> Double? {
        guard let text = try optionalText(column) else { return nil }
        guard let value = Double(text) else { throw error(column, "expected a number, found \"\(text)\"") }
        return value
    }

    public func number(_ column: String) throws(UnexpectedRowError) -> Double {
        guard let value = try optionalNumber(column) else { throw error(column, "expected a number, found NULL") }
        return value
    }

    /// A time the query selected as seconds since 1970-01-01 UTC.
    public func optionalDate(_ column: String) throws(UnexpectedRowError) -> Date? {
        try optionalNumber(column).map { Date(timeIntervalSince1970: $0) }
    }

    /// An error about this row's column.
    public func error(_ column: String, _ reason: String) -> UnexpectedRowError {
        UnexpectedRowError(query: query, row: number, column: column, reason: reason)
    }
}
