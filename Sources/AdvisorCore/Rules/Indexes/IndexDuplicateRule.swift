/// Reports indexes identical to another index of the same table: same method, key parts in order
/// (expressions, operator classes and sort orders included), included columns and predicate.
public struct IndexDuplicateRule: Rule {
    public struct Options: RuleOptions {
        /// Estimated time to maintain one index entry on a write, in milliseconds (as `index-unused`).
        public var maintenanceMsPerRow = 0.005
        /// Severity by the duplicate's size in bytes: a duplicate is pure waste, so at least medium.
        public var severityBySize = Levels(medium: 0, high: 1_073_741_824, critical: 1_099_511_627_776)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "index-duplicate",
        title: "Duplicate index",
        category: .indexes,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.indexes, .foreignKeys],
        summary: "Two indexes of a table are the same index: one of them only costs writes and space.",
        rationale: """
            Two indexes with the same method, the same key parts in the same order (columns, expressions, \
            operator classes, sort orders), the same included columns and the same predicate answer exactly \
            the same lookups. The planner uses one of them; both are maintained on every write and both take \
            disk space and cache. They are typically left by a migration run twice, an ORM adding an index a \
            constraint already has, or `CREATE INDEX` without a name (PostgreSQL then names the second \
            `…_idx1`).

            One index of each group stays: the primary key, else one backing a constraint, else a unique \
            one, else the most scanned (then the shortest name, usually the original). The others are \
            reported, each with the `DROP` that removes it and the space freed. An index that backs a \
            constraint is never proposed for dropping (drop the constraint instead, if nothing refers to it), \
            nor a unique index unless the one kept is unique too.

            **Fix:** `DROP INDEX CONCURRENTLY` (MySQL: `ALTER TABLE … DROP INDEX`).

            **Validate:** the kept index's scans grow by what the dropped one used to get; no statement slows \
            down.
            """,
        examples: [
            RuleExample(
                "the same index created twice",
                snapshot: SchemaExamples.snapshot(
                    tables: [SchemaExamples.table("products", rows: 5_000, inserted: 300, updated: 900)],
                    indexes: [
                        SchemaExamples.index("products", "products_pkey", ["id"], primary: true, scans: 50_000),
                        SchemaExamples.index("products", "products_category_idx", ["category"], scans: 4_200),
                        SchemaExamples.index("products", "products_category_idx1", ["category"], scans: 0),
                    ]),
                expecting: ["index products_category_idx1 on public.products"]),
            RuleExample(
                "same column, different operator class",
                snapshot: SchemaExamples.snapshot(
                    tables: [SchemaExamples.table("products", rows: 5_000)],
                    indexes: [
                        SchemaExamples.index("products", "products_name_idx", ["name"], scans: 10),
                        {
                            var pattern = SchemaExamples.index("products", "products_name_pattern_idx", ["name"])
                            pattern.definition =
                                "CREATE INDEX products_name_pattern_idx ON public.products USING btree "
                                + "(name text_pattern_ops)"
                            return pattern
                        }(),
                    ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let catalog = IndexCatalog(context.snapshot)
        return IndexOverlap(catalog).duplicates.map { finding($0, catalog) }
    }

    private func finding(_ pair: IndexOverlap.Pair, _ catalog: IndexCatalog) -> Finding {
        let drop = pair.drop
        let keep = pair.keep
        let saving = IndexDropSaving(drop, catalog, maintenanceMsPerRow: options.maintenanceMsPerRow)
        let dropScans = catalog.scans(of: drop)
        let keepScans = catalog.scans(of: keep)
        var evidence = saving.evidence
        if let dropScans { evidence.append(Evidence("scans", Double(dropScans), "count")) }
        if let keepScans { evidence.append(Evidence("scans of the index kept", Double(keepScans), "count")) }
        let scansText =
            dropScans.map { scans in
                " It had \(Formatting.count(Double(scans))) scans"
                    + (keepScans.map { " against \(Formatting.count(Double($0)))" } ?? "") + "."
            } ?? ""
        let keys = catalog.keyParts(drop).joined(separator: ", ")
        return Finding(
            ruleId: Self.description.id,
            severity: saving.sizeBytes.map { options.severityBySize.severity(for: Double($0)) } ?? .medium,
            category: Self.description.category,
            object: SchemaFindingText.object(drop),
            message: "\(drop.name) on \(drop.qualifiedTable) duplicates \(keep.name) (\(drop.method) on (\(keys)))"
                + "\(saving.sentence).\(scansText)",
            evidence: evidence,
            impact: saving.impact(confidence: .medium),
            recommendation: "Drop \(drop.name) and keep \(keep.name)\(Self.reason(keep)): it serves the same "
                + "lookups.",
            fixSQL: IndexFixSQL.dropIndex(drop, engine: catalog.engine, partitioned: saving.partitioned),
            risk: Self.risk(drop, saving: saving),
            validation: "The scans of \(keep.name) grow by what \(drop.name) used to get, and no statement in the "
                + "statement statistics slows down.")
    }
}

// MARK: - Messages

extension IndexDuplicateRule {
    fileprivate static func reason(_ keep: IndexStats) -> String {
        if keep.isPrimary { return ", the primary key" }
        if let constraint = keep.constraint { return ", which backs the constraint \(constraint)" }
        if keep.isUnique { return ", which enforces uniqueness" }
        return ""
    }

    fileprivate static func risk(_ drop: IndexStats, saving: IndexDropSaving) -> String {
        var text =
            "Query hints or tools that name \(drop.name) (pg_hint_plan, FORCE INDEX) must name the kept index "
            + "instead."
        if drop.isUnique {
            text += " A foreign key may depend on this unique index: DROP INDEX then fails, harmlessly."
        }
        if let caveat = saving.lockCaveat { text += " " + caveat }
        return text
    }
}
