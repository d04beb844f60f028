import AdvisorCore
import AdvisorQueries

/// Every index on a user table with its definition, columns, the constraint it backs, size and usage
/// (`Queries/postgres/pg_indexes.sql`; `pg_indexes_v16.sql` from PostgreSQL 16, which has `last_idx_scan`).
///
/// An index that is not ready (`indisready` false: a concurrent build still running, or one that failed
/// before the index took writes) counts as not valid: `index-invalid` reports it.
enum IndexesCollector: PostgresCollector {
    static let name = "indexes"

    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws {
        let query = query(for: server)
        snapshot.indexes = try parse(rows: session.rows(query), query: query)
        snapshot.facets.insert(.indexes)
    }

    static func query(for server: PostgresServer) -> QueryText {
        // PostgreSQL 16 added pg_stat_user_indexes.last_idx_scan.
        server.major >= 16 ? .pgIndexesV16 : .pgIndexes
    }

    /// The indexes of the rows.
    static func parse(
        rows: [LibPQSession.Row], query: QueryText = .pgIndexes
    ) throws(UnexpectedRowError) -> [IndexStats] {
        var indexes: [IndexStats] = []
        for row in PostgresRowReader.readers(of: rows, query: query) {
            let isReady = try row.flag("is_ready")
            let columns = try row.names("key_columns")
            guard !columns.isEmpty else { throw row.error("key_columns", "expected at least one key column") }
            var index = IndexStats(
                schema: try row.text("schema_name"), table: try row.text("table_name"),
                name: try row.text("index_name"), definition: try row.text("definition"),
                method: try row.text("method"), columns: columns, includedColumns: try row.names("included_columns"),
                predicate: try row.optionalText("predicate"), isUnique: try row.flag("is_unique"),
                isPrimary: try row.flag("is_primary"), constraint: try row.optionalText("constraint_name"),
                isValid: try row.flag("is_valid") && isReady)
            index.sizeBytes = try row.optionalInteger("size_bytes")
            index.scans = try row.optionalInteger("scans")
            index.tuplesRead = try row.optionalInteger("tuples_read")
            index.tuplesFetched = try row.optionalInteger("tuples_fetched")
            index.lastScanAt = try row.optionalDate("last_scan_epoch")
            indexes.append(index)
        }
        return indexes
    }
}
