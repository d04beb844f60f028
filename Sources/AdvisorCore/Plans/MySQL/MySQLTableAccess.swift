/// What MySQL and MariaDB say about reading one table, whichever format said it (JSON `table`
/// objects, tabular rows), and the engine-neutral node it becomes.
///
/// The node is named the way `EXPLAIN FORMAT=TREE` names the same access, so one plan reads alike
/// in every format:
///
/// - `ALL`: "Table scan", `.seqScan`; `.subqueryScan` on a materialized result (`<derived2>`,
///   `<temporary>`), which has no base table to index.
/// - `index`: "Index scan" `.fullIndexScan`; "Covering index scan" `.indexOnlyScan` with `Using index`.
/// - `range`: "Index range scan" `.indexScan`; "Covering index range scan" `.indexOnlyScan`.
/// - `ref`, `ref_or_null`, `index_subquery`: "Index lookup" `.indexScan`; "Covering index lookup"
///   `.indexOnlyScan`.
/// - `eq_ref`, `unique_subquery`: "Single-row index lookup" `.indexScan`; "Single-row covering index
///   lookup" `.indexOnlyScan`.
/// - `const`, `system`: "Constant row", `.indexScan` (read once, by a unique key, while optimizing).
/// - `fulltext`: "Full-text index search", `.indexScan`.
/// - `index_merge`: "Index merge", `.bitmapOr`, or `.bitmapAnd` for an intersection.
/// - any type with "Range checked for each record": "Index range scan" `.indexScan` (re-planned per row).
///
/// MariaDB's `hash_ALL`, `hash_range`… (a table joined by hash) map as their plain type.
struct MySQLTableAccess {
    var table: String?
    var accessType: String?
    var possibleKeys: [String]?
    var key: String?
    var usedKeyParts: [String]?
    var rowsExaminedPerScan: Double?
    var filteredPercent: Double?
    var usingIndex = false
    /// The table holds a materialized result (derived table, union result, semi-join materialization).
    var readsMaterializedResult = false
    /// "Range checked for each record": the access method is chosen again for every outer row.
    var rangeCheckedForEachRecord = false
    var indexCondition: String?
    var attachedCondition: String?
    var notes: [String] = []

    /// Rows the access returns per scan: rows examined × filtered.
    var estimatedRows: Double? {
        guard let rows = rowsExaminedPerScan else { return nil }
        guard let filtered = filteredPercent else { return rows }
        return rows * filtered / 100
    }

    /// The node for this access, without children.
    func node() -> PlanNode {
        let plainType = accessType.map { $0.hasPrefix("hash_") ? String($0.dropFirst("hash_".count)) : $0 }
        // JSON names an intersection in the key, tabular EXPLAIN in Extra.
        let intersects = key?.hasPrefix("intersect(") == true || notes.contains { $0.hasPrefix("Using intersect(") }
        let (nodeType, operation) = Self.describe(
            accessType: plainType, usingIndex: usingIndex, intersects: intersects,
            materialized: readsMaterializedResult, rangeChecked: rangeCheckedForEachRecord)
        var node = PlanNode(nodeType: nodeType, operation: operation)
        node.relation = table
        node.accessType = plainType
        node.index = key
        node.possibleKeys = possibleKeys
        node.usedKeyParts = usedKeyParts
        node.rowsExaminedPerScan = rowsExaminedPerScan
        node.filteredPercent = filteredPercent
        node.estimatedRows = estimatedRows
        node.indexCondition = indexCondition
        node.filter = attachedCondition
        node.notes = notes
        if let accessType, accessType != plainType { node.properties.append(PlanProperty("access_type", accessType)) }
        return node
    }

    /// The tree-format name and the operation of an access type (see the table above).
    static func describe(
        accessType: String?, usingIndex: Bool, intersects: Bool = false, materialized: Bool = false,
        rangeChecked: Bool = false
    ) -> (nodeType: String, operation: PlanOperation) {
        if rangeChecked { return ("Index range scan", .indexScan) }
        switch accessType {
        case "ALL":
            return ("Table scan", materialized ? .subqueryScan : .seqScan)
        case "index":
            return usingIndex ? ("Covering index scan", .indexOnlyScan) : ("Index scan", .fullIndexScan)
        case "range":
            return usingIndex ? ("Covering index range scan", .indexOnlyScan) : ("Index range scan", .indexScan)
        case "ref", "ref_or_null", "index_subquery":
            return usingIndex ? ("Covering index lookup", .indexOnlyScan) : ("Index lookup", .indexScan)
        case "eq_ref", "unique_subquery":
            return usingIndex
                ? ("Single-row covering index lookup", .indexOnlyScan) : ("Single-row index lookup", .indexScan)
        case "const", "system":
            return ("Constant row", .indexScan)
        case "fulltext":
            return ("Full-text index search", .indexScan)
        case "index_merge":
            return ("Index merge", intersects ? .bitmapAnd : .bitmapOr)
        case let other?:
            return (other, .other)
        case nil:
            return ("Table", .other)
        }
    }

    /// True for the names MySQL gives internal tables: `<derived2>`, `<union1,2>`, `<subquery2>`, `<temporary>`.
    static func isInternalTableName(_ name: String) -> Bool {
        name.hasPrefix("<") && name.hasSuffix(">")
    }
}
