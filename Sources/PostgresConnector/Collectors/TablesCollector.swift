import AdvisorCore
import AdvisorQueries

/// Every user table, partitioned table and partition with its size and access counters
/// (`Queries/postgres/pg_tables.sql`; `pg_tables_v16.sql` from PostgreSQL 16, which has `last_seq_scan`).
enum TablesCollector: PostgresCollector {
    static let name = "tables"

    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws {
        let query = query(for: server)
        snapshot.tables = try parse(rows: session.rows(query), query: query)
        snapshot.facets.insert(.tables)
    }

    static func query(for server: PostgresServer) -> QueryText {
        // PostgreSQL 16 added pg_stat_user_tables.last_seq_scan.
        server.major >= 16 ? .pgTablesV16 : .pgTables
    }

    static func parse(rows: [LibPQSession.Row], query: QueryText = .pgTables) throws(UnexpectedRowError) -> [TableStats]
    {
        try PostgresRowReader.readers(of: rows, query: query).map { (row) throws(UnexpectedRowError) in
            var table = TableStats(schema: try row.text("schema_name"), name: try row.text("table_name"))
            let parentName = try row.optionalText("parent_name")
            if let parentName {
                table.partitionOf = "\(try row.text("parent_schema")).\(parentName)"
            }
            switch try row.text("relkind") {
            case "p": table.kind = .partitioned
            case "r": table.kind = parentName == nil ? .table : .partition
            case let other: throw row.error("relkind", "expected r or p, found \"\(other)\"")
            }
            // reltuples is -1 (PostgreSQL 14+) for a table never vacuumed or analyzed: no estimate.
            table.estimatedRows = try row.optionalNumber("estimated_rows").flatMap { $0 < 0 ? nil : $0 }
            table.seqScans = try row.optionalInteger("seq_scans")
            table.seqRowsRead = try row.optionalInteger("seq_rows_read")
            table.indexScans = try row.optionalInteger("index_scans")
            table.indexRowsFetched = try row.optionalInteger("index_rows_fetched")
            table.liveRows = try row.optionalInteger("live_rows")
            table.deadRows = try row.optionalInteger("dead_rows")
            table.rowsInserted = try row.optionalInteger("rows_inserted")
            table.rowsUpdated = try row.optionalInteger("rows_updated")
            table.rowsDeleted = try row.optionalInteger("rows_deleted")
            table.rowsHotUpdated = try row.optionalInteger("rows_hot_updated")
            table.dataBytes = try row.optionalInteger("data_bytes")
            table.indexBytes = try row.optionalInteger("index_bytes")
            if let tableBytes = try row.optionalInteger("table_bytes"), let indexBytes = table.indexBytes {
                table.totalBytes = tableBytes + indexBytes
            }
            table.blocksHit = try row.optionalInteger("blocks_hit")
            table.blocksRead = try row.optionalInteger("blocks_read")
            table.lastVacuumAt = try row.optionalDate("last_vacuum_epoch")
            table.lastAutovacuumAt = try row.optionalDate("last_autovacuum_epoch")
            table.lastAnalyzeAt = try row.optionalDate("last_analyze_epoch")
            table.lastAutoanalyzeAt = try row.optionalDate("last_autoanalyze_epoch")
            table.lastSeqScanAt = try row.optionalDate("last_seq_scan_epoch")
            return table
        }
    }
}
