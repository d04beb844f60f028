import Testing

@testable import AdvisorCore

/// Edge cases of index-unused, index-duplicate, index-redundant and index-invalid beyond their examples.
struct IndexRulesTests {
    private typealias S = SchemaExamples

    private func run(_ rule: some Rule, _ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [rule]).run(snapshot).findings
    }

    private func names(_ rule: some Rule, _ snapshot: Snapshot) -> [String] {
        run(rule, snapshot).map(\.object.name)
    }

    private let customers = S.table("customers", rows: 50_000, inserted: 3_000)

    // MARK: - Definitions

    @Test func keyPartsKeepOperatorClassesAndSplitOnTopLevelCommas() {
        #expect(
            IndexDefinition.keyParts(
                of:
                    "CREATE INDEX i ON public.t USING btree (a, lower((b)::text) text_pattern_ops DESC, coalesce(c, d)) "
                    + "INCLUDE (e) WHERE (f > 0)")
                == ["a", "lower((b)::text) text_pattern_ops DESC", "coalesce(c, d)"])
        #expect(IndexDefinition.keyParts(of: "CREATE INDEX \"odd (name\" ON \"T(\" USING btree (x)") == ["x"])
        #expect(IndexDefinition.keyParts(of: "ALTER TABLE shop.t ADD INDEX n (`a`(10), b)") == ["`a`(10)", "b"])
        #expect(IndexDefinition.keyParts(of: "no key list") == nil)
        #expect(
            IndexDefinition.concurrently("CREATE UNIQUE INDEX k ON public.t USING btree (a)")
                == "CREATE UNIQUE INDEX CONCURRENTLY k ON public.t USING btree (a)")
    }

    // MARK: - index-unused

    @Test func unusedSkipsWhatEnforcesSomethingOrIsInvalid() {
        let snapshot = S.snapshot(
            tables: [customers],
            indexes: [
                S.index("customers", "customers_pkey", ["id"], primary: true, scans: 0),
                S.index("customers", "customers_email_key", ["email"], unique: true, scans: 0),
                S.index("customers", "customers_excl", ["slot"], method: "gist", constraint: "customers_excl"),
                S.index("customers", "customers_broken_idx", ["city"], valid: false),
                S.index("customers", "customers_scanned_idx", ["name"], scans: 1),
                S.index("customers", "customers_created_at_idx", ["created_at"]),
            ])
        #expect(names(IndexUnusedRule(), snapshot) == ["index customers_created_at_idx on public.customers"])
    }

    @Test func unusedNeedsAKnownWindowOfTheConfiguredLength() {
        let index = S.index("customers", "customers_created_at_idx", ["created_at"])
        var snapshot = S.snapshot(windowDays: 10, tables: [customers], indexes: [index])
        #expect(run(IndexUnusedRule(), snapshot).count == 1)
        var strict = IndexUnusedRule.Options()
        strict.minWindowDays = 14
        #expect(run(IndexUnusedRule(options: strict), snapshot).isEmpty)
        snapshot.server.statsResetAt = nil
        snapshot.server.startedAt = nil
        #expect(run(IndexUnusedRule(), snapshot).isEmpty)
    }

    @Test func unusedSaysTheWindowAndWhatDroppingSaves() throws {
        let snapshot = S.snapshot(
            tables: [S.table("customers", rows: 50_000, inserted: 3_000, updated: 900, hotUpdated: 300, deleted: 300)],
            indexes: [S.index("customers", "customers_created_at_idx", ["created_at"], sizeBytes: 2 * 1_048_576)])
        let finding = try #require(run(IndexUnusedRule(), snapshot).first)
        #expect(finding.message.contains("no scans in 30 days since statistics were reset on 2024-05-02"))
        #expect(finding.message.contains("frees 2.0 MB"))
        // In seconds, which the reports say as people do ("30 days", "5.5 hours"), never "0.00 days".
        let window = try #require(finding.evidence.first { $0.name == "window" })
        #expect(window.value == 30 * 86_400 && window.unit == "s")
        // (3,000 + 600 + 300) / 30 days = 130 entries a day × 0.005 ms.
        #expect(finding.evidence.first { $0.name == "index entries written per day" }?.value == 130)
        #expect(abs(finding.impact.score - 0.65) < 0.000_1)
        #expect(finding.impact.bytes == 2_097_152)
        #expect(finding.risk.contains("Replicas keep their own counters"))
        #expect(finding.fixSQL == "DROP INDEX CONCURRENTLY public.customers_created_at_idx;")
    }

    @Test func unusedKeepsTheOnlyCoverOfAForeignKeyButNotASecondOne() {
        let key = S.foreignKey("orders", ["customer_id"], references: "customers", ["id"])
        let only = S.snapshot(
            tables: [S.table("orders", rows: 1_000)],
            indexes: [S.index("orders", "orders_customer_id_idx", ["customer_id"])], foreignKeys: [key])
        #expect(run(IndexUnusedRule(), only).isEmpty)
        let twice = S.snapshot(
            tables: [S.table("orders", rows: 1_000)],
            indexes: [
                S.index("orders", "orders_customer_id_idx", ["customer_id"]),
                S.index("orders", "orders_customer_id_created_at_idx", ["customer_id", "created_at"], scans: 50),
            ],
            foreignKeys: [key])
        // The unscanned single-column index is a prefix of the other: index-redundant's, not this rule's.
        #expect(run(IndexUnusedRule(), twice).isEmpty)
        #expect(names(IndexRedundantRule(), twice) == ["index orders_customer_id_idx on public.orders"])
    }

    @Test func unusedJudgesAPartitionedIndexByItsPartitionsScans() throws {
        let tables = [
            S.table("events", kind: .partitioned, rows: 4_000),
            S.table("events_1", kind: .partition, partitionOf: "public.events", rows: 2_000, inserted: 600),
            S.table("events_2", kind: .partition, partitionOf: "public.events", rows: 2_000, inserted: 600),
        ]
        func indexes(scans: Int) -> [IndexStats] {
            [
                S.index("events", "events_kind_idx", ["kind"], scans: nil, sizeBytes: 0, onlyParent: true),
                S.index("events_1", "events_1_kind_idx", ["kind"], scans: 0, sizeBytes: 1_000),
                S.index("events_2", "events_2_kind_idx", ["kind"], scans: scans, sizeBytes: 2_000),
            ]
        }
        let finding = try #require(run(IndexUnusedRule(), S.snapshot(tables: tables, indexes: indexes(scans: 0))).first)
        #expect(finding.object.name == "index events_kind_idx on public.events")
        #expect(finding.fixSQL == "DROP INDEX public.events_kind_idx;")
        #expect(finding.impact.bytes == 3_000)
        #expect(finding.risk.contains("cannot be dropped concurrently"))
        #expect(run(IndexUnusedRule(), S.snapshot(tables: tables, indexes: indexes(scans: 4))).isEmpty)
    }

    @Test func unusedOnMySQLDropsThroughAlterTable() throws {
        let snapshot = S.snapshot(
            engine: .mysql, tables: [S.table("customers", schema: "shop", rows: 50_000)],
            indexes: [S.index("customers", "idx_created_at", ["created_at"], schema: "shop", engine: .mysql)])
        let finding = try #require(run(IndexUnusedRule(), snapshot).first)
        #expect(finding.fixSQL == "ALTER TABLE shop.customers DROP INDEX idx_created_at, ALGORITHM=INPLACE, LOCK=NONE;")
        #expect(finding.risk.contains("sys.schema_unused_indexes"))
    }

    // MARK: - index-duplicate

    @Test func duplicateKeepsWhatEnforcesThenWhatIsScanned() throws {
        let snapshot = S.snapshot(
            tables: [customers],
            indexes: [
                S.index("customers", "customers_email_idx", ["email"], scans: 900),
                S.index("customers", "customers_email_key", ["email"], unique: true, constraint: "customers_email_key"),
                S.index("customers", "customers_email_uidx", ["email"], unique: true, scans: 5),
            ])
        let findings = run(IndexDuplicateRule(), snapshot)
        #expect(
            findings.map(\.object.name).sorted() == [
                "index customers_email_idx on public.customers", "index customers_email_uidx on public.customers",
            ])
        #expect(
            findings.allSatisfy { $0.recommendation.contains("keep customers_email_key, which backs the constraint") })
        #expect(findings.first { $0.object.name.contains("uidx") }?.risk.contains("foreign key may depend") == true)
    }

    @Test func duplicatesThatBothEnforceSomethingOrDifferAreLeftAlone() {
        let both = S.snapshot(
            tables: [customers],
            indexes: [
                S.index("customers", "customers_pkey", ["id"], primary: true),
                S.index("customers", "customers_id_key", ["id"], unique: true, constraint: "customers_id_key"),
            ])
        #expect(run(IndexDuplicateRule(), both).isEmpty)
        let different = S.snapshot(
            tables: [customers],
            indexes: [
                S.index("customers", "a_idx", ["city"]),
                S.index("customers", "b_idx", ["city"], predicate: "(active)"),
                S.index("customers", "c_idx", ["city"], include: ["name"]),
                S.index("customers", "d_idx", ["city"], method: "hash"),
                S.index("customers", "e_idx", ["city", "name"]),
            ])
        #expect(run(IndexDuplicateRule(), different).isEmpty)
    }

    @Test func duplicateOnAPartitionedTableIsReportedOnceOnTheParent() {
        let tables = [
            S.table("events", kind: .partitioned, rows: 2_000),
            S.table("events_1", kind: .partition, partitionOf: "public.events", rows: 2_000),
        ]
        let snapshot = S.snapshot(
            tables: tables,
            indexes: [
                S.index("events", "events_kind_idx", ["kind"], scans: nil, onlyParent: true),
                S.index("events", "events_kind_idx1", ["kind"], scans: nil, onlyParent: true),
                S.index("events_1", "events_1_kind_idx", ["kind"], scans: 3),
                S.index("events_1", "events_1_kind_idx1", ["kind"], scans: 0),
            ])
        let findings = run(IndexDuplicateRule(), snapshot)
        #expect(findings.map(\.object.name) == ["index events_kind_idx1 on public.events"])
        #expect(findings.first?.fixSQL == "DROP INDEX public.events_kind_idx1;")
    }

    // MARK: - index-redundant

    @Test func redundantChainsPointAtTheLongestIndex() {
        let snapshot = S.snapshot(
            tables: [customers],
            indexes: [
                S.index("customers", "a_idx", ["country"]),
                S.index("customers", "ab_idx", ["country", "city"]),
                S.index("customers", "abc_idx", ["country", "city", "name"]),
            ])
        let findings = run(IndexRedundantRule(), snapshot)
        #expect(
            findings.map(\.object.name).sorted() == [
                "index a_idx on public.customers", "index ab_idx on public.customers",
            ])
        #expect(findings.allSatisfy { $0.recommendation.contains("abc_idx serves every lookup") })
    }

    @Test func redundantNeedsPlainBTreesAndCarriedIncludedColumns() {
        let snapshot = S.snapshot(
            tables: [customers],
            indexes: [
                S.index("customers", "partial_idx", ["country"], predicate: "(active)"),
                S.index("customers", "covering_idx", ["city"], include: ["email"]),
                S.index("customers", "hash_idx", ["name"], method: "hash"),
                S.index("customers", "pattern_idx", ["email"]).withDefinition(
                    "CREATE INDEX pattern_idx ON public.customers USING btree (email text_pattern_ops)"),
                S.index("customers", "wide_idx", ["country", "city", "name", "email"]),
                S.index("customers", "city_name_idx", ["city", "name"]),
                S.index("customers", "email_name_idx", ["email", "name"]),
            ])
        #expect(run(IndexRedundantRule(), snapshot).isEmpty)
    }

    @Test func redundantMySQLPrefixDropsThroughAlterTable() throws {
        let snapshot = S.snapshot(
            engine: .mariadb, tables: [S.table("orders", schema: "shop", rows: 300_000)],
            indexes: [
                S.index("orders", "PRIMARY", ["id"], schema: "shop", engine: .mariadb, primary: true),
                S.index("orders", "idx_customer", ["customer_id"], schema: "shop", engine: .mariadb),
                S.index("orders", "idx_customer_status", ["customer_id", "status"], schema: "shop", engine: .mariadb),
            ])
        let finding = try #require(run(IndexRedundantRule(), snapshot).first)
        #expect(finding.object.name == "index idx_customer on shop.orders")
        #expect(finding.fixSQL == "ALTER TABLE shop.orders DROP INDEX idx_customer, ALGORITHM=INPLACE, LOCK=NONE;")
    }

    /// InnoDB extends `(order_id)` to `(order_id, line)`: exactly the primary key, which serves it.
    @Test func innoDBPrefixOfThePrimaryKeyIsRedundant() throws {
        let snapshot = S.snapshot(
            engine: .mariadb, tables: [S.table("order_items", schema: "shop", rows: 900_000)],
            indexes: [
                S.index(
                    "order_items", "PRIMARY", ["order_id", "line"], schema: "shop", engine: .mariadb, primary: true),
                S.index("order_items", "order_items_order_id_idx", ["order_id"], schema: "shop", engine: .mariadb),
            ])
        let findings = run(IndexRedundantRule(), snapshot)
        #expect(findings.map(\.object.name) == ["index order_items_order_id_idx on shop.order_items"])
    }

    // MARK: - index-invalid

    @Test func invalidOnAPartitionedTableAsksForTheMissingAttachments() throws {
        let snapshot = S.snapshot(
            tables: [S.table("events", kind: .partitioned, rows: 2_000)],
            indexes: [S.index("events", "events_kind_idx", ["kind"], valid: false, scans: nil, onlyParent: true)])
        let finding = try #require(run(IndexInvalidRule(), snapshot).first)
        #expect(finding.fixSQL == nil)
        #expect(finding.recommendation.contains("ATTACH PARTITION"))
        #expect(finding.severity == .high)
        #expect(finding.impact.score == Impact.riskScore(.high))
    }

    @Test func invalidWithAnUnreadableDefinitionIsReindexed() throws {
        let index = S.index("customers", "odd_idx", ["city"], valid: false).withDefinition("unknown")
        let finding = try #require(run(IndexInvalidRule(), S.snapshot(tables: [customers], indexes: [index])).first)
        #expect(finding.fixSQL == "REINDEX INDEX CONCURRENTLY public.odd_idx;")
    }
}

extension IndexStats {
    fileprivate func withDefinition(_ definition: String) -> IndexStats {
        var copy = self
        copy.definition = definition
        return copy
    }
}
