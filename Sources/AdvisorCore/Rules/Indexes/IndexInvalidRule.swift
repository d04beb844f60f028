/// Reports indexes marked invalid: what a failed `CREATE INDEX CONCURRENTLY` (or `REINDEX
/// CONCURRENTLY`) leaves behind. The server keeps maintaining them on every write but never reads them.
public struct IndexInvalidRule: Rule {
    public struct Options: RuleOptions {
        public init() {}
    }

    public static let description = RuleDescription(
        id: "index-invalid",
        title: "Invalid index",
        category: .indexes,
        engines: [.postgres],
        requires: [.indexes],
        summary: "An index a failed concurrent build left invalid: maintained on every write, never used to read.",
        rationale: """
            `CREATE INDEX CONCURRENTLY` and `REINDEX CONCURRENTLY` build an index in several transactions. \
            When the build fails (a unique index meeting duplicate values, a deadlock, a cancelled statement, \
            `statement_timeout`), the index is not rolled back: it stays in the catalog marked INVALID \
            (`pg_index.indisvalid = false`, `\\d` prints `INVALID`). The planner never uses it, yet every \
            INSERT and non-HOT UPDATE still adds entries to it, so it costs write time and disk space and \
            serves nothing. A unique index left invalid does not even enforce uniqueness.

            **Fix:** drop it with `DROP INDEX CONCURRENTLY` and build it again with `CREATE INDEX \
            CONCURRENTLY` from its definition, or rebuild it in place with `REINDEX INDEX CONCURRENTLY` \
            (PostgreSQL 12+). When a unique build failed on duplicate values, remove the duplicates first, \
            or the new build fails the same way. An index on a partitioned table shows as invalid until \
            every partition has an attached index: attach the missing ones (`ALTER INDEX … ATTACH \
            PARTITION …`) instead.

            **Validate:** `SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid;` returns no rows.
            """,
        examples: [
            RuleExample(
                "a unique index whose concurrent build failed",
                snapshot: SchemaExamples.snapshot(
                    tables: [SchemaExamples.table("promotions", rows: 500, inserted: 3_000)],
                    indexes: [
                        SchemaExamples.index("promotions", "promotions_pkey", ["id"], primary: true, scans: 900),
                        SchemaExamples.index(
                            "promotions", "promotions_country_key", ["country"], unique: true, valid: false),
                    ]),
                expecting: ["index promotions_country_key on public.promotions"]),
            RuleExample(
                "valid indexes only",
                snapshot: SchemaExamples.snapshot(
                    tables: [SchemaExamples.table("promotions", rows: 500)],
                    indexes: [SchemaExamples.index("promotions", "promotions_pkey", ["id"], primary: true)]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let catalog = IndexCatalog(context.snapshot)
        return catalog.indexes.filter { !$0.isValid }.map { finding($0, catalog) }
    }

    private func finding(_ index: IndexStats, _ catalog: IndexCatalog) -> Finding {
        let table = catalog.table(of: index)
        let partitioned = table?.kind == .partitioned
        let size = catalog.sizeBytes(of: index)
        let writes = table.flatMap(catalog.indexedRowWritesPerDay)
        var evidence: [Evidence] = []
        if let size { evidence.append(Evidence("index size", Double(size), "bytes")) }
        if let writes { evidence.append(Evidence("index entries written per day", writes, "rows")) }
        let sizeText = size.map { " It takes \(SchemaFindingText.bytes($0))" } ?? ""
        let writeText =
            writes.map {
                "\(sizeText.isEmpty ? " It" : " and") is written to about \(Formatting.count($0)) times a day"
            }
            ?? ""
        let message =
            "\(index.name) on \(index.qualifiedTable) is INVALID: the planner never reads it, but every write "
            + "maintains it\(index.isUnique ? ", and it does not enforce uniqueness" : "")."
            + (sizeText.isEmpty && writeText.isEmpty ? "" : "\(sizeText)\(writeText).")
        return Finding(
            ruleId: Self.description.id,
            severity: .high,
            category: Self.description.category,
            object: SchemaFindingText.object(index),
            message: message,
            evidence: evidence,
            impact: Impact(
                score: Impact.riskScore(.high), bytes: size.map(Double.init), confidence: .high,
                summary: "writes maintain an index no query can use"
                    + (size.map { "; \(SchemaFindingText.bytes($0)) of disk" } ?? "")),
            recommendation: Self.recommendation(index, partitioned: partitioned),
            fixSQL: partitioned ? nil : Self.fix(index, engine: catalog.engine),
            risk: Self.risk(index),
            validation: "SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid; no longer lists "
                + "\(index.name), and \\d \(index.qualifiedTable) shows the index without INVALID.")
    }
}

// MARK: - Messages

extension IndexInvalidRule {
    fileprivate static func fix(_ index: IndexStats, engine: Engine) -> String {
        let drop = IndexFixSQL.dropIndex(index, engine: engine)
        guard let create = IndexDefinition.concurrently(index.definition) else {
            let name = PlanFixSQL.qualifiedName(table: index.name, schema: index.schema, engine: engine)
            return "REINDEX INDEX CONCURRENTLY \(name);"
        }
        guard index.isUnique, !index.columns.isEmpty else { return "\(drop)\n\(create);" }
        // The build failed most likely on duplicates, and fails again while they remain: the runnable part lists
        // them; the rebuild is left commented out for when the list is empty.
        let table = PlanFixSQL.qualifiedName(table: index.table, schema: index.schema, engine: engine)
        let key = index.columns.joined(separator: ", ")
        let filter = index.predicate.map { " WHERE \($0)" } ?? ""
        return "-- A unique build fails again while duplicate keys remain: list them and resolve them first.\n"
            + "SELECT \(key), count(*) FROM \(table)\(filter) GROUP BY \(key) HAVING count(*) > 1;\n"
            + "-- Then, once it returns no rows:\n-- \(drop)\n-- \(create);"
    }

    fileprivate static func recommendation(_ index: IndexStats, partitioned: Bool) -> String {
        if partitioned {
            return "Attach an index on every partition of \(index.qualifiedTable) to \(index.name) (ALTER INDEX … "
                + "ATTACH PARTITION …): a partitioned table's index stays invalid until each partition has one."
        }
        return "Drop \(index.name) and build it again concurrently (or REINDEX INDEX CONCURRENTLY it on PostgreSQL "
            + "12+), after finding why the build failed; drop it for good if nothing needs it."
    }

    fileprivate static func risk(_ index: IndexStats) -> String {
        var text =
            "An index being built by CREATE INDEX CONCURRENTLY right now is also invalid until the build ends: "
            + "check pg_stat_progress_create_index before dropping it. The rebuild reads the whole table and "
            + "cannot run inside a transaction; if it fails again it leaves another invalid index."
        if index.isUnique {
            text +=
                " A unique build fails again while duplicate values remain: find them with GROUP BY on the "
                + "key columns HAVING count(*) > 1 first."
        }
        return text
    }
}
