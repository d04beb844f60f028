/// Reports foreign keys whose columns lead no valid index of the referencing table.
public struct ForeignKeyMissingIndexRule: Rule {
    public struct Options: RuleOptions {
        /// Severity by the referencing table's estimated rows (what each check on a referenced row scans).
        public var severityByRows = Levels(medium: 100_000, high: 10_000_000, critical: 1_000_000_000)
        /// Estimated time to read one row in a sequential scan, in milliseconds.
        // About ten million rows a second from cache, as the seq-scan plans in Fixtures/ show (1M rows in ~130 ms).
        public var scanMsPerRow = 0.0001

        public init() {}
    }

    public static let description = RuleDescription(
        id: "foreign-key-missing-index",
        title: "Foreign key without an index",
        category: .indexes,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.indexes, .foreignKeys],
        summary: "A foreign key's columns lead no index: every delete or key update of a referenced row scans the "
            + "referencing table.",
        rationale: """
            PostgreSQL indexes the referenced side of a foreign key (it must be a primary key or unique) \
            but not the referencing side. When a referenced row is deleted, or its key updated, the server \
            must find the rows that refer to it: without an index whose leading columns are the foreign \
            key's columns (in any order), that is a sequential scan of the referencing table, per row \
            deleted, holding locks meanwhile. `ON DELETE CASCADE` / `SET NULL` make the same search and \
            then write. Joins from the referenced table along the key are slower too.

            Severity grows with the referencing table's size; a referenced table with no delete counted \
            caps it at low (the risk is in the schema: a later delete or key update would search), and `ON DELETE CASCADE`/`SET NULL` on a \
            referenced table that sees deletes raises it one level. The time estimate is deletes of the \
            referenced table per day × rows of the referencing table × `scan_ms_per_row` (low confidence); \
            updates are named but not counted as scans: the statistics cannot tell whether an update changed \
            the key (a HOT update never does, it changes no indexed column), so the finding says "up to N \
            non-HOT updates, which may or may not change the key". When the statistics window is unknown \
            (PostgreSQL counters never reset) the counts are shown with no per-day rate and no time \
            estimate. When the estimate is smaller, the finding ranks at its severity's risk equivalent.

            InnoDB (MySQL, MariaDB) creates an index for every foreign key that lacks one, so these engines \
            are only reported when that index is missing from the snapshot. Keys PostgreSQL clones onto \
            partitions are judged once, on the partitioned table.

            **Fix:** `CREATE INDEX CONCURRENTLY <table>_<columns>_idx ON <table> (<columns>);` (on a \
            partitioned table without CONCURRENTLY, or per partition then attached).

            **Validate:** `EXPLAIN (ANALYZE) DELETE` of a referenced row inside a rolled-back transaction \
            shows the trigger time for the key drop; joins along the key use the new index.
            """,
        examples: [
            RuleExample(
                "customers.country references countries without an index",
                snapshot: SchemaExamples.snapshot(
                    tables: [
                        SchemaExamples.table("countries", rows: 50),
                        SchemaExamples.table("customers", rows: 50_000),
                    ],
                    indexes: [
                        SchemaExamples.index("countries", "countries_pkey", ["code"], primary: true),
                        SchemaExamples.index("customers", "customers_pkey", ["id"], primary: true),
                    ],
                    foreignKeys: [
                        SchemaExamples.foreignKey("customers", ["country"], references: "countries", ["code"])
                    ]),
                expecting: ["foreign key customers_country_fkey on public.customers"]),
            RuleExample(
                "a foreign key covered by the leading columns of the primary key",
                snapshot: SchemaExamples.snapshot(
                    tables: [SchemaExamples.table("order_items", rows: 900_000)],
                    indexes: [
                        SchemaExamples.index("order_items", "order_items_pkey", ["order_id", "line"], primary: true)
                    ],
                    foreignKeys: [
                        SchemaExamples.foreignKey("order_items", ["order_id"], references: "orders", ["id"])
                    ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let catalog = IndexCatalog(context.snapshot)
        return catalog.foreignKeys.compactMap { key in
            guard !catalog.isPartitionCopy(key), !isCovered(key, catalog) else { return nil }
            return finding(key, catalog)
        }
    }

    /// Covered by an index of the table, or (partitioned table) by one on every partition.
    private func isCovered(_ key: ForeignKey, _ catalog: IndexCatalog) -> Bool {
        if catalog.indexes(on: key.qualifiedTable).contains(where: { catalog.covers($0, key) }) { return true }
        guard let table = catalog.table(key.qualifiedTable), table.kind == .partitioned else { return false }
        let partitions = catalog.partitions(of: table)
        return !partitions.isEmpty
            && partitions.allSatisfy { partition in
                var onPartition = key
                onPartition.schema = partition.schema
                onPartition.table = partition.name
                return isCovered(onPartition, catalog)
            }
    }

    private func finding(_ key: ForeignKey, _ catalog: IndexCatalog) -> Finding {
        let table = catalog.table(key.qualifiedTable)
        let referenced = catalog.table("\(key.referencedSchema).\(key.referencedTable)")
        let rows = table.flatMap(Self.rows)
        let writes = referenced.flatMap(ReferencedWrites.init)
        let deletesPerDay = writes.flatMap { catalog.perDay(Double($0.deletes)) }
        let cascades = ["CASCADE", "SET NULL", "SET DEFAULT"].contains(key.onDelete?.uppercased() ?? "")
        var severity = rows.map(options.severityByRows.severity(for:)) ?? .low
        // No delete counted: the risk is in the schema alone (a key update may still search), so it stays low.
        if let writes, writes.deletes == 0, !cascades { severity = min(severity, .low) }
        if cascades, (writes?.deletes ?? 0) > 0 {
            severity = Severity.allCases.first { $0 > severity } ?? severity
        }
        // Only deletes are sure to search the referencing table; an update does only when it changes the key,
        // which the counters cannot tell (and a HOT update never does, it changes no indexed column).
        let estimate = (deletesPerDay ?? 0) * (rows ?? 0) * options.scanMsPerRow
        var evidence: [Evidence] = []
        if let rows { evidence.append(Evidence("referencing rows", rows, "rows")) }
        if let writes {
            if let deletesPerDay {
                evidence.append(Evidence("referenced rows deleted per day", deletesPerDay, "rows"))
                evidence.append(
                    Evidence(
                        "referenced rows updated without HOT per day (key changed or not)",
                        catalog.perDay(Double(writes.nonHOTUpdates)) ?? 0, "rows"))
            } else {
                evidence.append(Evidence("referenced rows deleted", Double(writes.deletes), "rows"))
                evidence.append(
                    Evidence(
                        "referenced rows updated without HOT (key changed or not)", Double(writes.nonHOTUpdates),
                        "rows"))
            }
        }
        if deletesPerDay != nil { evidence.append(Evidence("estimated scan time per day", estimate, "ms")) }
        let columns = key.columns.joined(separator: ", ")
        let referencedName = "\(key.referencedSchema).\(key.referencedTable)"
        let sizeText = rows.map { " (\(Formatting.count($0)) rows)" } ?? ""
        let writesText = writes.map { "; \(referencedName) \($0.text(catalog))" } ?? ""
        let keys = key.columns.map(IndexKey.column)
        let fix = table.map { table in
            IndexFixSQL.createIndex(
                table: table, keys: keys, engine: catalog.engine,
                existingNames: catalog.indexNames(inSchema: key.schema))
        }
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: SchemaFindingText.object(key),
            message: "Foreign key \(key.name) on \(key.qualifiedTable) (\(columns)) → \(referencedName) has no index "
                + "leading with its columns: each delete or key update in \(referencedName) scans "
                + "\(key.qualifiedTable)\(sizeText)\(cascades ? " and then \(Self.action(key))" : "")\(writesText).",
            evidence: evidence,
            impact: .daily(
                msPerDay: max(estimate, Impact.riskScore(severity)), confidence: .low,
                summary: estimate > 0
                    ? "~\(Formatting.milliseconds(estimate)) of scans per day for its deletes (key updates add more)"
                    : "locks and scans on deletes and key updates"),
            recommendation: "Index \(key.qualifiedTable) on (\(columns)) so checks of \(key.name) and joins along it "
                + "look rows up instead of scanning the table.",
            fixSQL: fix,
            risk: Self.risk(catalog.engine, partitioned: table?.kind == .partitioned),
            validation: "In a transaction that is rolled back, EXPLAIN (ANALYZE) DELETE FROM \(referencedName) of one "
                + "row: the time of the trigger for \(key.name) drops to a fraction of a millisecond.")
    }

    /// The writes of a referenced table that can make the server search the referencing one.
    private struct ReferencedWrites {
        var deletes: Int
        /// Updates that were not HOT: only these can have changed the referenced key (an indexed column).
        var nonHOTUpdates: Int

        init?(_ table: TableStats) {
            guard let deleted = table.rowsDeleted, let updated = table.rowsUpdated else { return nil }
            deletes = deleted
            nonHOTUpdates = max(updated - (table.rowsHotUpdated ?? 0), 0)
        }

        var isNone: Bool { deletes == 0 && nonHOTUpdates == 0 }

        /// "has 12 deletes a day and up to 30 non-HOT updates a day, which may or may not change the key", or
        /// the counts and since when they count when no rate can be computed.
        func text(_ catalog: IndexCatalog) -> String {
            let window = catalog.usageWindow
            if isNone { return "saw no deletes and no update that could change the key, counted \(window.text)" }
            let deletesPerDay = catalog.perDay(Double(deletes))
            let updatesPerDay = catalog.perDay(Double(nonHOTUpdates))
            let period = deletesPerDay == nil ? "" : " a day"
            var text =
                "has \(Formatting.count(deletesPerDay ?? Double(deletes))) delete\(deletes == 1 ? "" : "s")\(period)"
            text +=
                nonHOTUpdates == 0
                ? " and no update that could change the key"
                : " and up to \(Formatting.count(updatesPerDay ?? Double(nonHOTUpdates))) non-HOT update"
                    + "\(nonHOTUpdates == 1 ? "" : "s")\(period), which may or may not change the key"
            return deletesPerDay == nil ? text + ", counted \(window.text)" : text
        }
    }

    private static func rows(_ table: TableStats) -> Double? {
        table.estimatedRows.flatMap { $0 >= 0 ? $0 : nil } ?? table.liveRows.map(Double.init)
    }
}

// MARK: - Messages

extension ForeignKeyMissingIndexRule {
    fileprivate static func action(_ key: ForeignKey) -> String {
        switch key.onDelete?.uppercased() {
        case "CASCADE": "deletes the matching rows"
        case "SET NULL": "sets the key of the matching rows to NULL"
        default: "sets the key of the matching rows to its default"
        }
    }

    fileprivate static func risk(_ engine: Engine, partitioned: Bool) -> String {
        if engine.isMySQLFamily {
            return "Adding an index is online in InnoDB but reads the whole table and can delay replicas; every index "
                + "slows writes and takes disk space."
        }
        if partitioned {
            return "CREATE INDEX on a partitioned table cannot run CONCURRENTLY and blocks writes while it builds; "
                + "to avoid that, create it ON ONLY the parent, build each partition's concurrently and attach them."
        }
        return "CREATE INDEX CONCURRENTLY does not block writes but takes longer, cannot run in a transaction and "
            + "leaves an INVALID index to drop if it fails; every index slows writes and takes disk space."
    }
}
