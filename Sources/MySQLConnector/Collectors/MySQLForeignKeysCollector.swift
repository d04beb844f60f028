import AdvisorCore
import AdvisorQueries

/// Every foreign key of the user schemas with its columns in key order (`mysql_foreign_keys.sql`).
/// Whether an index covers it is for the rules to decide from the indexes.
enum MySQLForeignKeysCollector: MySQLCollector {
    static let name = "foreign keys"

    static func collect(from session: MySQLSession, server: MySQLServer, into snapshot: inout Snapshot) throws {
        snapshot.foreignKeys = try parse(rows: session.rows(.mysqlForeignKeys))
        snapshot.facets.insert(.foreignKeys)
    }

    static func parse(rows: [MySQLSession.Row]) throws(UnexpectedRowError) -> [ForeignKey] {
        var keys: [ForeignKey] = []
        for row in MySQLRowReader.readers(of: rows, query: .mysqlForeignKeys) {
            let schema = try row.text("schema_name")
            let table = try row.text("table_name")
            let name = try row.text("constraint_name")
            let column = try row.text("column_name")
            let referencedColumn = try row.text("referenced_column")
            if let last = keys.last, last.schema == schema, last.table == table, last.name == name {
                keys[keys.count - 1].columns.append(column)
                keys[keys.count - 1].referencedColumns.append(referencedColumn)
                continue
            }
            keys.append(
                ForeignKey(
                    schema: schema, table: table, name: name, columns: [column],
                    referencedSchema: try row.text("referenced_schema"),
                    referencedTable: try row.text("referenced_table"), referencedColumns: [referencedColumn],
                    onDelete: try row.optionalText("delete_rule"), onUpdate: try row.optionalText("update_rule")))
        }
        return keys
    }
}
