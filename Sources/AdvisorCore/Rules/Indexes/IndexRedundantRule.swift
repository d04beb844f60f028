/// Reports B-tree indexes whose keys are a leading prefix of another B-tree index of the same table:
/// every lookup they serve, the longer index serves too.
public struct IndexRedundantRule: Rule {
    public struct Options: RuleOptions {
        /// Estimated time to maintain one index entry on a write, in milliseconds (as `index-unused`).
        public var maintenanceMsPerRow = 0.005
        /// Severity by the redundant index's size in bytes.
        public var severityBySize = Levels(
            medium: 100 * 1_048_576, high: 10 * 1_073_741_824, critical: 1_099_511_627_776)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "index-redundant",
        title: "Redundant prefix index",
        category: .indexes,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.indexes, .foreignKeys],
        summary: "An index whose keys lead another index of the table: the longer one serves its lookups.",
        rationale: """
            A B-tree index on `(a)` is redundant beside one on `(a, b)`: the longer index is sorted by `a` \
            first, so it answers every lookup, range and ordering on `a` alone as well. The shorter one \
            still costs maintenance on every write, disk space and cache. Reported when the short index's \
            key parts (with their operator classes and sort orders) are a strict leading prefix of the long \
            one's, its included columns are in the long one, both are plain (not partial) B-tree indexes, \
            and the short one enforces nothing (not primary, unique or backing a constraint).

            **InnoDB** (MySQL, MariaDB) appends the primary key's columns to every secondary index, as \
            pt-duplicate-key-checker's `--clustered` option assumes: a key `(a, id)` with `id` the primary \
            key is the same index as `(a)`, and the explicit one is reported.

            The longer index is larger, so a lookup through it reads slightly more pages; that rarely \
            matters against the cost of maintaining two indexes, but check the statements that scan the \
            short one when it is very hot. Never proposed when it would leave a foreign key without an index.

            **Fix:** `DROP INDEX CONCURRENTLY` (MySQL: `ALTER TABLE … DROP INDEX`).

            **Validate:** the longer index's scans grow by what the dropped one used to get; no statement \
            slows down.
            """,
        examples: [
            RuleExample(
                "an index on the primary key's leading column",
                snapshot: SchemaExamples.snapshot(
                    tables: [SchemaExamples.table("order_items", rows: 900_000, inserted: 90_000)],
                    indexes: [
                        SchemaExamples.index(
                            "order_items", "order_items_pkey", ["order_id", "line"], primary: true, scans: 20_000),
                        SchemaExamples.index("order_items", "order_items_order_id_idx", ["order_id"], scans: 7_000),
                    ],
                    foreignKeys: [
                        SchemaExamples.foreignKey("order_items", ["order_id"], references: "orders", ["id"])
                    ]),
                expecting: ["index order_items_order_id_idx on public.order_items"]),
            RuleExample(
                "an InnoDB key that spells out the primary key it already holds",
                snapshot: SchemaExamples.snapshot(
                    engine: .mysql,
                    tables: [SchemaExamples.table("orders", schema: "shop", rows: 300_000)],
                    indexes: [
                        SchemaExamples.index(
                            "orders", "PRIMARY", ["id"], schema: "shop", engine: .mysql, primary: true),
                        SchemaExamples.index("orders", "idx_status", ["status"], schema: "shop", engine: .mysql),
                        SchemaExamples.index(
                            "orders", "idx_status_id", ["status", "id"], schema: "shop", engine: .mysql),
                    ]),
                expecting: ["index idx_status_id on shop.orders"]),
            RuleExample(
                "a unique index that leads a longer one enforces something",
                snapshot: SchemaExamples.snapshot(
                    tables: [SchemaExamples.table("products", rows: 5_000)],
                    indexes: [
                        SchemaExamples.index(
                            "products", "products_sku_key", ["sku"], unique: true, constraint: "products_sku_key"),
                        SchemaExamples.index("products", "products_sku_name_idx", ["sku", "name"]),
                    ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let catalog = IndexCatalog(context.snapshot)
        return IndexOverlap(catalog).redundant.map { finding($0, catalog) }
    }

    private func finding(_ pair: IndexOverlap.Pair, _ catalog: IndexCatalog) -> Finding {
        let drop = pair.drop
        let keep = pair.keep
        let saving = IndexDropSaving(drop, catalog, maintenanceMsPerRow: options.maintenanceMsPerRow)
        var evidence = saving.evidence
        if let scans = catalog.scans(of: drop) { evidence.append(Evidence("scans", Double(scans), "count")) }
        let dropKeys = catalog.keyParts(drop).joined(separator: ", ")
        let keepKeys = catalog.keyParts(keep).joined(separator: ", ")
        let implicit =
            catalog.engine.isMySQLFamily && catalog.effectiveKeyParts(drop) == catalog.effectiveKeyParts(keep)
        let relation =
            implicit
            ? "spells out the primary key columns InnoDB already appends to \(keep.name) (\(keepKeys))"
            : "is a leading prefix of \(keep.name) (\(keepKeys))"
        return Finding(
            ruleId: Self.description.id,
            severity: saving.sizeBytes.map { options.severityBySize.severity(for: Double($0)) } ?? .low,
            category: Self.description.category,
            object: SchemaFindingText.object(drop),
            message: "\(drop.name) (\(dropKeys)) on \(drop.qualifiedTable) \(relation)\(saving.sentence).",
            evidence: evidence,
            impact: saving.impact(confidence: .medium),
            recommendation: "Drop \(drop.name): \(keep.name) serves every lookup it serves.",
            fixSQL: IndexFixSQL.dropIndex(drop, engine: catalog.engine, partitioned: saving.partitioned),
            risk: Self.risk(drop, keep: keep, saving: saving),
            validation: "The scans of \(keep.name) grow by what \(drop.name) used to get, and no statement in the "
                + "statement statistics slows down.")
    }
}

// MARK: - Messages

extension IndexRedundantRule {
    fileprivate static func risk(_ drop: IndexStats, keep: IndexStats, saving: IndexDropSaving) -> String {
        var text =
            "\(keep.name) is wider, so lookups that used \(drop.name) read a little more; on a very hot lookup "
            + "compare the statement's mean time before and after. Query hints naming \(drop.name) must change."
        if let caveat = saving.lockCaveat { text += " " + caveat }
        return text
    }
}
