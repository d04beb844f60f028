import AdvisorCore
import AdvisorQueries

/// Every base table of the user schemas with its size and row counters (`mysql_tables.sql`).
///
/// Mapping (performance_schema counts rows, not scans):
/// - `estimatedRows` = `TABLE_ROWS` (InnoDB's estimate); `dataBytes` = `DATA_LENGTH` (the clustered
///   index), `indexBytes` = `INDEX_LENGTH`, `totalBytes` their sum.
/// - `seqRowsRead` = rows read by full table scans (the index-usage row with `INDEX_NAME` NULL);
///   `seqScans` = those rows ÷ the table's rows, rounded up: a full scan reads every row, so this
///   estimates how many there were (at least 1 when any row was read).
/// - `indexRowsFetched` = rows read through the table's indexes; `indexScans` = the same number, an
///   upper bound of the index lookups (each returns at least one row): rules comparing scans then err
///   towards no finding, and compare rows read with `seqRowsRead` against `indexRowsFetched`.
/// - `rowsInserted`, `rowsUpdated`, `rowsDeleted` = the table's row operations.
///
/// Counters run since the server started (or the summary tables were truncated); all are nil without
/// performance_schema. The total size of the user schemas goes to the server's `DatabaseStats`.
enum MySQLTablesCollector: MySQLCollector {
    static let name = "tables"

    static func collect(from session: MySQLSession, server: MySQLServer, into snapshot: inout Snapshot) throws {
        snapshot.tables = try parse(rows: session.rows(.mysqlTables))
        if snapshot.tables.isEmpty {
            let visibility = try MySQLRowReader.single(
                of: session.rows(.mysqlTableVisibility), query: .mysqlTableVisibility)
            let seesEveryTable = try visibility.integer("table_privileges") > 0
            snapshot.notices.append(noTablesNotice(login: server.login, seesEveryTable: seesEveryTable))
        }
        if let index = snapshot.databases.firstIndex(where: { $0.name == MySQLSettingsCollector.serverDatabaseName }) {
            snapshot.databases[index].sizeBytes = snapshot.tables.reduce(0) { $0 + ($1.totalBytes ?? 0) }
        }
        snapshot.facets.insert(.tables)
    }

    static func parse(rows: [MySQLSession.Row]) throws(UnexpectedRowError) -> [TableStats] {
        try MySQLRowReader.readers(of: rows, query: .mysqlTables).map { (row) throws(UnexpectedRowError) in
            var table = TableStats(schema: try row.text("schema_name"), name: try row.text("table_name"))
            let rows = try row.optionalInteger("table_rows")
            table.estimatedRows = rows.map(Double.init)
            table.dataBytes = try row.optionalInteger("data_bytes")
            table.indexBytes = try row.optionalInteger("index_bytes")
            if let data = table.dataBytes { table.totalBytes = data + (table.indexBytes ?? 0) }
            let seqRowsRead = try row.optionalInteger("rows_read_without_index")
            table.seqRowsRead = seqRowsRead
            table.seqScans = seqRowsRead.map { estimatedFullScans(rowsRead: $0, tableRows: rows) }
            table.indexRowsFetched = try row.optionalInteger("rows_read_with_index")
            table.indexScans = table.indexRowsFetched
            table.rowsInserted = try row.optionalInteger("rows_inserted")
            table.rowsUpdated = try row.optionalInteger("rows_updated")
            table.rowsDeleted = try row.optionalInteger("rows_deleted")
            return table
        }
    }

    /// information_schema lists only the tables the login holds some privilege on: with a global privilege such
    /// as SHOW VIEW (`mysql_table_visibility.sql`) none at all means there are none yet (a fresh data
    /// directory); without one, a login that cannot see them.
    static func noTablesNotice(login: String?, seesEveryTable: Bool) -> Notice {
        if seesEveryTable {
            return Notice(
                level: .info,
                message: "no user tables exist yet (the login may see every table): tables, indexes and foreign "
                    + "keys have nothing to judge")
        }
        return Notice(
            level: .warning,
            message: "no user table is visible to the scanning login: tables, indexes and foreign keys go unjudged",
            remedy: "Grant SHOW VIEW on *.* to the login: information_schema then lists every table and index "
                + "without giving access to their rows.",
            code: "mysql_tables_not_visible", fixSQL: "GRANT SHOW VIEW ON *.* TO \(login ?? "'monitor'@'%'");")
    }

    /// Rows read by full scans ÷ the table's rows, rounded up; 0 only when no row was read.
    static func estimatedFullScans(rowsRead: Int, tableRows: Int?) -> Int {
        guard rowsRead > 0 else { return 0 }
        let perScan = max(tableRows ?? 1, 1)
        return (rowsRead + perScan - 1) / perScan
    }
}
