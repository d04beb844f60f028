import Foundation

/// What the index and table rules look up in a snapshot: tables by name, each table's indexes, the
/// copies a partitioned table's index puts on its partitions, which indexes cover a foreign key, and
/// the counters of the statistics window turned into daily rates.
struct IndexCatalog: Sendable {
    let engine: Engine
    let tables: [TableStats]
    let indexes: [IndexStats]
    let foreignKeys: [ForeignKey]
    /// Since when the table and index counters count (`Snapshot.tableCounterWindow`).
    let usageWindow: CounterWindow
    /// Seconds the table and index counters cover exactly; nil when unknown (no rates then).
    var usageWindowSeconds: Double? { usageWindow.seconds }

    private let tablesByName: [String: TableStats]
    private let indexesByTable: [String: [IndexStats]]
    private let partitionsByParent: [String: [TableStats]]
    private let indexNamesBySchema: [String: Set<String>]

    init(_ snapshot: Snapshot) {
        engine = snapshot.server.engine
        tables = snapshot.tables
        indexes = snapshot.indexes
        foreignKeys = snapshot.foreignKeys
        usageWindow = snapshot.tableCounterWindow
        tablesByName = Dictionary(snapshot.tables.map { ($0.qualifiedName, $0) }) { first, _ in first }
        indexesByTable = Dictionary(grouping: snapshot.indexes, by: \.qualifiedTable)
        partitionsByParent = Dictionary(grouping: snapshot.tables.filter { $0.partitionOf != nil }) {
            $0.partitionOf ?? ""
        }
        indexNamesBySchema = Dictionary(grouping: snapshot.indexes, by: \.schema).mapValues { Set($0.map(\.name)) }
    }

    /// The names indexes already use in `schema`: a new index's name must differ from all of them.
    func indexNames(inSchema schema: String) -> Set<String> { indexNamesBySchema[schema] ?? [] }

    // MARK: - Tables

    func table(_ qualifiedName: String) -> TableStats? { tablesByName[qualifiedName] }

    func table(of index: IndexStats) -> TableStats? { tablesByName[index.qualifiedTable] }

    func indexes(on qualifiedTable: String) -> [IndexStats] { indexesByTable[qualifiedTable] ?? [] }

    func partitions(of table: TableStats) -> [TableStats] { partitionsByParent[table.qualifiedName] ?? [] }

    func isPartitioned(_ qualifiedTable: String) -> Bool { table(qualifiedTable)?.kind == .partitioned }

    /// Rows inserted, updated without HOT (every index gets a new entry) and deleted on the table per
    /// day of the statistics window; nil when the window or the counters are unknown.
    func indexedRowWritesPerDay(_ table: TableStats) -> Double? {
        let source = table.kind == .partitioned ? partitions(of: table) : [table]
        guard !source.isEmpty else { return nil }
        var total = 0
        for part in source {
            guard let inserted = part.rowsInserted, let updated = part.rowsUpdated, let deleted = part.rowsDeleted
            else { return nil }
            total += inserted + max(updated - (part.rowsHotUpdated ?? 0), 0) + deleted
        }
        return perDay(Double(total))
    }

    /// A cumulative table or index counter per day of the statistics window; nil under a minute's window.
    func perDay(_ cumulative: Double) -> Double? {
        guard let seconds = usageWindowSeconds, seconds >= 60 else { return nil }
        return cumulative * 86_400 / seconds
    }

    // MARK: - Index shapes

    /// The index's key parts as its definition writes them (with operator classes, collations and
    /// sort orders, which the column names alone do not show), or its columns when the definition
    /// cannot be read.
    func keyParts(_ index: IndexStats) -> [String] {
        guard let parts = IndexDefinition.keyParts(of: index.definition), parts.count == index.columns.count else {
            return index.columns.map(normalized)
        }
        return parts.map(normalized)
    }

    /// True when `a` and `b` index the same keys the same way: method, key parts in order, included
    /// columns and predicate (uniqueness aside).
    func sameShape(_ a: IndexStats, _ b: IndexStats) -> Bool {
        a.method.lowercased() == b.method.lowercased() && keyParts(a) == keyParts(b)
            && a.includedColumns.map(normalized) == b.includedColumns.map(normalized)
            && a.predicate.map(normalized) == b.predicate.map(normalized)
    }

    /// InnoDB appends the primary key's columns to every secondary index: the columns it really holds.
    func effectiveKeyParts(_ index: IndexStats) -> [String] {
        let parts = keyParts(index)
        guard engine.isMySQLFamily, !index.isPrimary,
            let primary = indexes(on: index.qualifiedTable).first(where: \.isPrimary)
        else { return parts }
        let primaryParts = keyParts(primary)
        return parts + primaryParts.filter { !parts.contains($0) }
    }

    private func normalized(_ text: String) -> String {
        let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return engine.isMySQLFamily ? collapsed.lowercased() : collapsed
    }

    // MARK: - Partitions

    /// True for a partition's copy of an index of its partitioned parent: it is created and dropped
    /// with the parent's index, and judged there.
    func isPartitionCopy(_ index: IndexStats) -> Bool {
        guard let table = table(of: index), table.kind == .partition, let parent = table.partitionOf else {
            return false
        }
        return indexes(on: parent).contains { sameShape($0, index) }
    }

    /// The copies of a partitioned table's index on its partitions (and theirs, for sub-partitions).
    func partitionCopies(of index: IndexStats) -> [IndexStats] {
        guard let table = table(of: index), table.kind == .partitioned else { return [] }
        return partitions(of: table).flatMap { partition in
            indexes(on: partition.qualifiedName).filter { sameShape($0, index) }.flatMap {
                [$0] + partitionCopies(of: $0)
            }
        }
    }

    /// Scans of the index; for a partitioned table's index, of its copies on the partitions. Nil when
    /// the server does not count them.
    func scans(of index: IndexStats) -> Int? {
        guard isPartitioned(index.qualifiedTable) else { return index.scans }
        let leaves = partitionCopies(of: index).filter { !isPartitioned($0.qualifiedTable) }
        guard !leaves.isEmpty else { return nil }
        var total = 0
        for leaf in leaves {
            guard let scans = leaf.scans else { return nil }
            total += scans
        }
        return total
    }

    /// The index's size; for a partitioned table's index, its copies' sizes added up.
    func sizeBytes(of index: IndexStats) -> Int? {
        guard isPartitioned(index.qualifiedTable) else { return index.sizeBytes }
        let sizes = partitionCopies(of: index).compactMap(\.sizeBytes)
        return sizes.isEmpty ? index.sizeBytes : sizes.reduce(0, +)
    }

    /// True when a foreign key of a partition repeats one of its parent's (PostgreSQL clones the
    /// parent's foreign keys onto every partition): it is judged on the parent.
    func isPartitionCopy(_ key: ForeignKey) -> Bool {
        guard let table = table(key.qualifiedTable), let parent = table.partitionOf else { return false }
        return foreignKeys.contains { other in
            other.qualifiedTable == parent && other.columns == key.columns
                && other.referencedTable == key.referencedTable && other.referencedSchema == key.referencedSchema
        }
    }

    // MARK: - Foreign keys

    /// True when `index` lets the server find the rows of its table that reference one key value:
    /// a valid, non-partial B-tree (or single-column hash) index whose leading columns are the foreign
    /// key's columns in any order.
    func covers(_ index: IndexStats, _ key: ForeignKey) -> Bool {
        guard index.isValid, index.predicate == nil, index.qualifiedTable == key.qualifiedTable,
            index.columns.count >= key.columns.count, !key.columns.isEmpty
        else { return false }
        let method = index.method.lowercased()
        guard method == "btree" || method == "hash" && key.columns.count == 1 && index.columns.count == 1 else {
            return false
        }
        let leading = Set(index.columns.prefix(key.columns.count).map(normalized))
        return leading == Set(key.columns.map(normalized))
    }

    /// The foreign keys of the index's table that `index` covers and no other index outside
    /// `excluding` (`findingKey`s) covers: dropping it would leave them unindexed.
    func foreignKeysOnlyCovered(by index: IndexStats, excluding: Set<String> = []) -> [ForeignKey] {
        foreignKeys.filter { key in
            guard covers(index, key) else { return false }
            return !indexes(on: key.qualifiedTable).contains { other in
                other.findingKey != index.findingKey && !excluding.contains(other.findingKey) && covers(other, key)
            }
        }
    }

    /// True when the index can be dropped on its own: it enforces nothing (primary key, uniqueness, a
    /// constraint), and is not a partition's copy of its parent's index.
    func isDisposable(_ index: IndexStats) -> Bool {
        !index.isPrimary && !index.isUnique && index.constraint == nil && !isPartitionCopy(index)
    }
}

extension IndexStats {
    /// Unique within a snapshot on every engine (MySQL index names are unique per table only).
    var findingKey: String { "\(qualifiedTable).\(name)" }
}
