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

            Severity grows with the referencing table's size; a referenced table that is never deleted \
            from or updated caps it at medium (joins still pay), and `ON DELETE CASCADE`/`SET NULL` on a \
            referenced table that sees deletes raises it one level. The time estimate is deletes and updates \
            of the referenced table per day × rows of the referencing table × `scan_ms_per_row` (updates \
            that do not change the key count too, so it is an upper bound, low confidence); when it is \
            smaller, the finding ranks at its severity's risk equivalent.

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
        let referencedWrites = referenced.flatMap { referenced -> Double? in
            guard let deleted = referenced.rowsDeleted, let updated = referenced.rowsUpdated else { return nil }
            return catalog.perDay(Double(deleted + updated))
        }
        let referencedDeletes = referenced?.rowsDeleted.flatMap { catalog.perDay(Double($0)) }
        let cascades = ["CASCADE", "SET NULL", "SET DEFAULT"].contains(key.onDelete?.uppercased() ?? "")
        var severity = rows.map(options.severityByRows.severity(for:)) ?? .low
        if referencedWrites == 0 && !cascades { severity = min(severity, .medium) }
        if cascades, (referencedDeletes ?? 0) > 0 {
            severity = Severity.allCases.first { $0 > severity } ?? severity
        }
        let estimate = (referencedWrites ?? 0) * (rows ?? 0) * options.scanMsPerRow
        var evidence: [Evidence] = []
        if let rows { evidence.append(Evidence("referencing rows", rows, "rows")) }
        if let referencedWrites {
            evidence.append(Evidence("referenced rows deleted or updated per day", referencedWrites, "rows"))
        }
        evidence.append(Evidence("estimated scan time per day", estimate, "ms"))
        let columns = key.columns.joined(separator: ", ")
        let referencedName = "\(key.referencedSchema).\(key.referencedTable)"
        let sizeText = rows.map { " (\(Formatting.count($0)) rows)" } ?? ""
        let writesText =
            referencedWrites.map {
                $0 > 0
                    ? "; \(referencedName) has about \(Formatting.count($0)) rows deleted or updated a day"
                    : "; \(referencedName) saw no deletes or updates in the statistics window"
            } ?? ""
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
                    ? "up to ~\(Formatting.milliseconds(estimate)) of scans per day" : "locks and scans on deletes"),
            recommendation: "Index \(key.qualifiedTable) on (\(columns)) so checks of \(key.name) and joins along it "
                + "look rows up instead of scanning the table.",
            fixSQL: fix,
            risk: Self.risk(catalog.engine, partitioned: table?.kind == .partitioned),
            validation: "In a transaction that is rolled back, EXPLAIN (ANALYZE) DELETE FROM \(referencedName) of one "
                + "row: the time of the trigger for \(key.name) drops to a fraction of a millisecond.")
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
