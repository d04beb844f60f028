/// Reports indexes no query has scanned during a statistics window long enough to trust, that
/// nothing else depends on.
///
/// Left to other rules: invalid indexes (`index-invalid`), and indexes that duplicate or are a prefix
/// of another (`index-duplicate`, `index-redundant`), which say which index takes over.
public struct IndexUnusedRule: Rule {
    public struct Options: RuleOptions {
        /// The statistics window must cover at least this many days.
        // Weekly jobs and reports must have had a chance to run; a shorter window gives no finding at all
        // (the report shows when statistics were reset), rather than a guess.
        public var minWindowDays = 7.0
        /// Estimated time to maintain one index entry on a write, in milliseconds.
        // A B-tree insertion into cached pages costs a few microseconds (and WAL); deletes are cleaned by
        // vacuum, which also walks every index. 5 µs per entry is a deliberately modest figure.
        public var maintenanceMsPerRow = 0.005
        /// Severity by the index's size in bytes.
        public var severityBySize = Levels(
            medium: 100 * 1_048_576, high: 10 * 1_073_741_824, critical: 1_099_511_627_776)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "index-unused",
        title: "Unused index",
        category: .indexes,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.indexes, .foreignKeys],
        summary: "An index no query scanned during the statistics window: it slows every write and takes space.",
        rationale: """
            Every index is updated by every INSERT, by UPDATEs that change an indexed column (PostgreSQL: \
            every non-HOT update), and cleaned after DELETEs by vacuum; it takes disk space, buffer cache \
            and backup volume. An index with no scans in the server's statistics window gives nothing back.

            The window is the time since the table and index statistics were last reset (MySQL, MariaDB: \
            since the server started; PostgreSQL keeps them across restarts, so when they were never reset \
            the time since the server started is a lower bound): it must cover at least `min_window_days` (7 by default) so weekly jobs had their \
            chance. With a shorter window the rule reports nothing; the window is shown with the scan. \
            Never reported: primary keys, unique indexes and indexes that back a constraint (they enforce \
            something), an index that is the only one covering a foreign key (deletes on the referenced \
            table need it), invalid indexes (`index-invalid`), duplicates and prefixes of another index \
            (`index-duplicate`, `index-redundant`), and a partition's copy of its parent's index (judged \
            once, on the parent, from all its partitions' scans).

            The time saved is an estimate: rows written to the table per day (inserted, updated without \
            HOT, deleted) × `maintenance_ms_per_row`, hence low confidence.

            **Fix:** `DROP INDEX CONCURRENTLY` (MySQL: `ALTER TABLE … DROP INDEX`). Keep the definition: it \
            recreates the index if a rare job turns out to need it. **Replicas keep their own counters:** an \
            index unused on the primary may serve read queries on a standby; check `pg_stat_user_indexes` \
            (MySQL: `sys.schema_unused_indexes`) on every replica first.

            **Validate:** after a few days, no statement in `pg_stat_statements` slowed down, and write \
            latency on the table did not rise.
            """,
        examples: [
            RuleExample(
                "an index never scanned in 30 days",
                snapshot: SchemaExamples.snapshot(
                    tables: [SchemaExamples.table("customers", rows: 50_000, inserted: 3_000, updated: 600)],
                    indexes: [
                        SchemaExamples.index("customers", "customers_pkey", ["id"], primary: true, scans: 90_000),
                        SchemaExamples.index("customers", "customers_created_at_idx", ["created_at"], scans: 0),
                    ]),
                expecting: ["index customers_created_at_idx on public.customers"]),
            RuleExample(
                "the same index after only three days of statistics",
                snapshot: SchemaExamples.snapshot(
                    windowDays: 3, tables: [SchemaExamples.table("customers", rows: 50_000)],
                    indexes: [SchemaExamples.index("customers", "customers_created_at_idx", ["created_at"], scans: 0)]),
                expecting: []),
            RuleExample(
                "an unscanned index that is the only cover of a foreign key",
                snapshot: SchemaExamples.snapshot(
                    tables: [SchemaExamples.table("orders", rows: 300_000)],
                    indexes: [SchemaExamples.index("orders", "orders_customer_id_idx", ["customer_id"], scans: 0)],
                    foreignKeys: [SchemaExamples.foreignKey("orders", ["customer_id"], references: "customers", ["id"])]
                ),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let catalog = IndexCatalog(context.snapshot)
        guard let window = catalog.usageWindow.minimumSeconds, window >= options.minWindowDays * 86_400 else {
            return []
        }
        let overlapping = IndexOverlap(catalog)
        let dropped = Set(overlapping.duplicates.map(\.drop.findingKey) + overlapping.redundant.map(\.drop.findingKey))
        return catalog.indexes.compactMap { index in
            guard index.isValid, catalog.isDisposable(index), !dropped.contains(index.findingKey),
                catalog.scans(of: index) == 0, catalog.foreignKeysOnlyCovered(by: index).isEmpty
            else { return nil }
            return finding(index, catalog)
        }
    }

    private func finding(_ index: IndexStats, _ catalog: IndexCatalog) -> Finding {
        let saving = IndexDropSaving(index, catalog, maintenanceMsPerRow: options.maintenanceMsPerRow)
        var evidence = [Evidence("scans", 0, "count")]
        if let seconds = catalog.usageWindow.minimumSeconds {
            evidence.append(Evidence("window", seconds, "s"))
        }
        let window = SchemaFindingText.window(catalog) ?? "the statistics window"
        let partitionText = saving.partitioned ? " (counting the scans of every partition's copy)" : ""
        return Finding(
            ruleId: Self.description.id,
            severity: saving.sizeBytes.map { options.severityBySize.severity(for: Double($0)) } ?? .low,
            category: Self.description.category,
            object: SchemaFindingText.object(index),
            message: "\(index.name) on \(index.qualifiedTable) had no scans in \(window)\(partitionText)"
                + "\(saving.sentence).",
            evidence: evidence + saving.evidence,
            impact: saving.impact(confidence: .low),
            recommendation: "Drop \(index.name) after checking the replicas' counters; keep its definition to "
                + "recreate it if needed: \(index.definition);",
            fixSQL: IndexFixSQL.dropIndex(index, engine: catalog.engine, partitioned: saving.partitioned),
            risk: ([Self.risk(catalog.engine)] + [saving.lockCaveat].compactMap { $0 }).joined(separator: " "),
            validation: "Over the following days no statement in the statement statistics slows down, and writes "
                + "to \(index.qualifiedTable) get cheaper.")
    }
}

// MARK: - Messages

extension IndexUnusedRule {
    fileprivate static func risk(_ engine: Engine) -> String {
        let counters =
            engine.isMySQLFamily
            ? "Replicas keep their own counters: check sys.schema_unused_indexes on each one, since read queries "
                + "sent to a replica may use the index."
            : "Replicas keep their own counters: check pg_stat_user_indexes on each standby, since read queries "
                + "sent to a standby may use the index."
        return counters
            + " A job rarer than the window (monthly, yearly) may need it; recreating it takes a full build."
    }
}
