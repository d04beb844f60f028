import AdvisorCore
import AdvisorQueries

/// Every foreign key of a user table with its columns in key order (`Queries/postgres/pg_foreign_keys.sql`).
/// Whether an index covers it is for the rules to decide from the indexes.
enum ForeignKeysCollector: PostgresCollector {
    static let name = "foreign keys"

    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws {
        snapshot.foreignKeys = try parse(rows: session.rows(.pgForeignKeys))
        snapshot.facets.insert(.foreignKeys)
    }

    static func parse(rows: [LibPQSession.Row]) throws(UnexpectedRowError) -> [ForeignKey] {
        try PostgresRowReader.readers(of: rows, query: .pgForeignKeys).map { (row) throws(UnexpectedRowError) in
            let columns = try row.names("columns")
            let referencedColumns = try row.names("referenced_columns")
            guard !columns.isEmpty, columns.count == referencedColumns.count else {
                throw row.error("columns", "expected as many columns as referenced columns, at least one")
            }
            return ForeignKey(
                schema: try row.text("schema_name"), table: try row.text("table_name"),
                name: try row.text("constraint_name"), columns: columns,
                referencedSchema: try row.text("referenced_schema"),
                referencedTable: try row.text("referenced_table"), referencedColumns: referencedColumns,
                onDelete: try action(row, "on_delete"), onUpdate: try action(row, "on_update"))
        }
    }

    // MARK: - Private helpers

    /// `pg_constraint.confdeltype` / `confupdtype` as the SQL keywords that set them.
    private static func action(_ row: PostgresRowReader, _ column: String) throws(UnexpectedRowError) -> String {
        switch try row.text(column) {
        case "a": "NO ACTION"
        case "r": "RESTRICT"
        case "c": "CASCADE"
        case "n": "SET NULL"
        case "d": "SET DEFAULT"
        case let other: throw row.error(column, "expected one of a, r, c, n, d, found \"\(other)\"")
        }
    }
}
