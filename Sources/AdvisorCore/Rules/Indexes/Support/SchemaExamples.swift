import Foundation

/// Builds the small snapshots the index and table rules' examples run on: collected on 2024-06-01
/// with counters reset `windowDays` before, definitions written as `pg_get_indexdef` prints them.
enum SchemaExamples {
    static let collectedAt = Date(timeIntervalSince1970: 1_717_200_000)

    static func snapshot(
        engine: Engine = .postgres, windowDays: Double = 30, tables: [TableStats], indexes: [IndexStats] = [],
        foreignKeys: [ForeignKey] = [], statements: [StatementStats] = [], plans: [CapturedPlan] = []
    ) -> Snapshot {
        let reset = collectedAt.addingTimeInterval(-windowDays * 86_400)
        var facets: Set<Facet> = [.tables, .indexes, .foreignKeys, .statements]
        if !plans.isEmpty { facets.insert(.plans) }
        return Snapshot(
            server: ServerInfo(
                engine: engine, database: "shop", collectedAt: collectedAt,
                startedAt: reset.addingTimeInterval(-86_400), statsResetAt: reset),
            facets: facets, plans: plans, statements: statements,
            statementSource: StatementSource(name: "pg_stat_statements", resetAt: reset),
            tables: tables, indexes: indexes, foreignKeys: foreignKeys)
    }

    /// A table with its row estimate and counters (the windows' totals, not rates).
    static func table(
        _ name: String, schema: String = "public", kind: TableStats.Kind = .table, partitionOf: String? = nil,
        rows: Double, seqScans: Int = 0, seqRowsRead: Int? = nil, indexScans: Int = 0, inserted: Int = 0,
        updated: Int = 0, hotUpdated: Int = 0, deleted: Int = 0
    ) -> TableStats {
        var table = TableStats(schema: schema, name: name, kind: kind)
        table.partitionOf = partitionOf
        table.estimatedRows = rows
        guard kind != .partitioned else { return table }
        table.liveRows = Int(rows)
        table.seqScans = seqScans
        table.seqRowsRead = seqRowsRead ?? Int(rows) * seqScans
        table.indexScans = indexScans
        table.rowsInserted = inserted
        table.rowsUpdated = updated
        table.rowsHotUpdated = hotUpdated
        table.rowsDeleted = deleted
        table.dataBytes = Int(rows) * 100
        return table
    }

    /// An index, its definition written from its parts; `scans` nil on a partitioned table.
    static func index(
        _ table: String, _ name: String, _ columns: [String], schema: String = "public", engine: Engine = .postgres,
        method: String = "btree", include: [String] = [], predicate: String? = nil, unique: Bool = false,
        primary: Bool = false, constraint: String? = nil, valid: Bool = true, scans: Int? = 0, sizeBytes: Int? = nil,
        onlyParent: Bool = false
    ) -> IndexStats {
        let definition: String
        if engine.isMySQLFamily {
            let kind = primary ? "PRIMARY KEY" : unique ? "UNIQUE INDEX \(name)" : "INDEX \(name)"
            definition = "ALTER TABLE \(schema).\(table) ADD \(kind) (\(columns.joined(separator: ", ")))"
        } else {
            let only = onlyParent ? "ONLY " : ""
            let includeText = include.isEmpty ? "" : " INCLUDE (\(include.joined(separator: ", ")))"
            let predicateText = predicate.map { " WHERE \($0)" } ?? ""
            definition =
                "CREATE \(unique || primary ? "UNIQUE " : "")INDEX \(name) ON \(only)\(schema).\(table) USING \(method) "
                + "(\(columns.joined(separator: ", ")))\(includeText)\(predicateText)"
        }
        var index = IndexStats(
            schema: schema, table: table, name: name, definition: definition, method: method, columns: columns,
            includedColumns: include, predicate: predicate, isUnique: unique || primary, isPrimary: primary,
            constraint: constraint ?? (primary ? name : nil), isValid: valid)
        index.scans = scans
        index.sizeBytes = sizeBytes ?? 8 * 1024 * 1024
        return index
    }

    static func foreignKey(
        _ table: String, _ columns: [String], references referenced: String, _ referencedColumns: [String],
        schema: String = "public", onDelete: String = "NO ACTION"
    ) -> ForeignKey {
        ForeignKey(
            schema: schema, table: table, name: "\(table)_\(columns.joined(separator: "_"))_fkey", columns: columns,
            referencedSchema: schema, referencedTable: referenced, referencedColumns: referencedColumns,
            onDelete: onDelete, onUpdate: "NO ACTION")
    }

    /// A statement with its calls and total time over the window.
    static func statement(_ id: String, _ text: String, calls: Int, totalTimeMs: Double, rows: Int = 1)
        -> StatementStats
    {
        StatementStats(
            id: id, text: text, database: "shop", user: "app", calls: calls, totalTimeMs: totalTimeMs, rows: rows)
    }
}
