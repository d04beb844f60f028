/// Indexes another index of the same table makes unnecessary, with the index that takes over:
/// exact duplicates (`index-duplicate`) and leading prefixes (`index-redundant`). `index-unused`
/// leaves these to those rules, so one index is never reported twice for the same drop.
struct IndexOverlap {
    /// An index to drop and the one that serves its queries instead.
    struct Pair {
        let drop: IndexStats
        let keep: IndexStats
    }

    let duplicates: [Pair]
    let redundant: [Pair]

    init(_ catalog: IndexCatalog) {
        // Invalid indexes are `index-invalid`'s; a partition's copy goes with its parent's index.
        let candidates = catalog.indexes.filter { $0.isValid && !catalog.isPartitionCopy($0) }
        let byTable = Dictionary(grouping: candidates, by: \.qualifiedTable)
        var duplicates: [Pair] = []
        var redundant: [Pair] = []
        for table in byTable.keys.sorted() {
            let indexes = byTable[table] ?? []
            duplicates += Self.duplicates(indexes, catalog)
            let duplicated = Set(duplicates.map(\.drop.findingKey))
            redundant += Self.redundant(indexes.filter { !duplicated.contains($0.findingKey) }, catalog)
        }
        let drops = Set((duplicates + redundant).map(\.drop.findingKey))
        // Never the last cover of a foreign key, even when every other suggestion is applied too.
        func keepsForeignKeysCovered(_ pair: Pair) -> Bool {
            catalog.foreignKeysOnlyCovered(by: pair.drop, excluding: drops.subtracting([pair.drop.findingKey]))
                .isEmpty
        }
        self.duplicates = duplicates.filter(keepsForeignKeysCovered)
        self.redundant = redundant.filter(keepsForeignKeysCovered)
    }

    /// Groups of indexes of one table with the same shape: the best one stays, the others go.
    private static func duplicates(_ indexes: [IndexStats], _ catalog: IndexCatalog) -> [Pair] {
        var groups: [[IndexStats]] = []
        for index in indexes {
            if let position = groups.firstIndex(where: { catalog.sameShape($0[0], index) }) {
                groups[position].append(index)
            } else {
                groups.append([index])
            }
        }
        return groups.filter { $0.count > 1 }.flatMap { group -> [Pair] in
            let ranked = group.sorted { preferred($0, over: $1, catalog) }
            let keep = ranked[0]
            return ranked.dropFirst().filter { drop in
                !drop.isPrimary && drop.constraint == nil && (!drop.isUnique || keep.isUnique)
            }.map { Pair(drop: $0, keep: keep) }
        }
    }

    /// Which of two identical indexes to keep: the one that enforces most, then the most scanned, then
    /// the shortest (usually the original) name.
    private static func preferred(_ a: IndexStats, over b: IndexStats, _ catalog: IndexCatalog) -> Bool {
        let rank = { (index: IndexStats) in
            [index.isPrimary, index.constraint != nil, index.isUnique].map { $0 ? 1 : 0 }
        }
        if rank(a) != rank(b) { return rank(b).lexicographicallyPrecedes(rank(a)) }
        let scansA = catalog.scans(of: a) ?? 0
        let scansB = catalog.scans(of: b) ?? 0
        if scansA != scansB { return scansA > scansB }
        if a.name.count != b.name.count { return a.name.count < b.name.count }
        return a.name < b.name
    }

    /// Plain B-tree indexes whose keys lead another B-tree index of the table.
    private static func redundant(_ indexes: [IndexStats], _ catalog: IndexCatalog) -> [Pair] {
        let btrees = indexes.filter { $0.method.lowercased() == "btree" && $0.predicate == nil }
        var coveredBy: [String: [IndexStats]] = [:]
        for index in btrees where catalog.isDisposable(index) {
            let covering = btrees.filter { other in
                other.findingKey != index.findingKey && makesRedundant(other, index, catalog)
            }
            if !covering.isEmpty { coveredBy[index.findingKey] = covering }
        }
        return btrees.compactMap { index in
            guard let covering = coveredBy[index.findingKey] else { return nil }
            // The index that takes over should stay: prefer one that is not itself redundant, then the longest.
            let ranked = covering.sorted { a, b in
                let aStays = coveredBy[a.findingKey] == nil
                let bStays = coveredBy[b.findingKey] == nil
                if aStays != bStays { return aStays }
                if a.columns.count != b.columns.count { return a.columns.count > b.columns.count }
                return a.name < b.name
            }
            return Pair(drop: index, keep: ranked[0])
        }
    }

    /// True when `keep` serves every lookup `drop` serves: `drop`'s keys are a strict leading prefix of
    /// `keep`'s and its included columns are in `keep`. On InnoDB, where every secondary index ends with
    /// the primary key's columns, an index whose explicit keys spell out what the other holds implicitly
    /// (`(a, id)` beside `(a)`, `id` the primary key) is the redundant one.
    private static func makesRedundant(_ keep: IndexStats, _ drop: IndexStats, _ catalog: IndexCatalog) -> Bool {
        let dropParts = catalog.keyParts(drop)
        let keepParts = catalog.keyParts(keep)
        guard dropParts != keepParts else { return false }
        if catalog.engine.isMySQLFamily, catalog.effectiveKeyParts(drop) == catalog.effectiveKeyParts(keep) {
            // A secondary key InnoDB extends to the primary key's columns is the primary key itself when
            // that is all it holds (`(a)` beside `PRIMARY KEY (a, b)`); between two secondary keys, the
            // one that spells out the primary key's columns is the one to drop.
            return (keep.isPrimary && !drop.isPrimary) || dropParts.count > keepParts.count
        }
        guard dropParts.count < keepParts.count, Array(keepParts.prefix(dropParts.count)) == dropParts else {
            return false
        }
        let carried = Set(keepParts + keep.includedColumns)
        return drop.includedColumns.allSatisfy(carried.contains)
    }
}
