/// The DDL index and table rules propose, written for the snapshot's engine. Names and quoting come
/// from `PlanFixSQL`, so plan and index findings suggest the same index the same way.
enum IndexFixSQL {
    /// `DROP INDEX CONCURRENTLY public.orders_status_idx;` (PostgreSQL; a partitioned table's index
    /// cannot be dropped concurrently) or `ALTER TABLE shop.orders DROP INDEX idx_status, ALGORITHM=INPLACE,
    /// LOCK=NONE;` (MySQL family: dropping a secondary index only changes metadata).
    static func dropIndex(_ index: IndexStats, engine: Engine, partitioned: Bool = false) -> String {
        if engine.isMySQLFamily {
            let table = PlanFixSQL.qualifiedName(table: index.table, schema: index.schema, engine: engine)
            let name = PlanFixSQL.quote(index.name, engine: engine)
            return "ALTER TABLE \(table) DROP INDEX \(name), ALGORITHM=INPLACE, LOCK=NONE;"
        }
        let name = PlanFixSQL.qualifiedName(table: index.name, schema: index.schema, engine: engine)
        return "DROP INDEX \(partitioned ? "" : "CONCURRENTLY ")\(name);"
    }

    /// A new index on `keys`, named as PostgreSQL would name it (`orders_status_created_at_idx`, with a
    /// number added when the name is taken) or `idx_orders_status` on MySQL: `CREATE INDEX CONCURRENTLY`,
    /// or `ALTER TABLE … ADD INDEX …, ALGORITHM=INPLACE, LOCK=NONE` (online in InnoDB). A partitioned
    /// PostgreSQL table takes a plain `CREATE INDEX` (CONCURRENTLY is refused there).
    static func createIndex(
        table: TableStats, keys: [IndexKey], engine: Engine, existingNames: Set<String>
    ) -> String {
        var name = PlanFixSQL.indexName(table: table.name, columns: keys.map(\.namePart), engine: engine)
        if existingNames.contains(name) {
            let base = name
            var number = 1
            while existingNames.contains("\(base)\(number)") { number += 1 }
            name = "\(base)\(number)"
        }
        let list = keys.map { $0.sql(engine: engine) }.joined(separator: ", ")
        let target = PlanFixSQL.qualifiedName(table: table.name, schema: table.schema, engine: engine)
        if engine.isMySQLFamily {
            return "ALTER TABLE \(target) ADD INDEX \(name) (\(list)), ALGORITHM=INPLACE, LOCK=NONE;"
        }
        let concurrently = table.kind == .partitioned ? "" : "CONCURRENTLY "
        return "CREATE INDEX \(concurrently)\(name) ON \(target) (\(list));"
    }
}
