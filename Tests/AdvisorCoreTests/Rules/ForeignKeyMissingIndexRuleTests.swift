import Testing

@testable import AdvisorCore

struct ForeignKeyMissingIndexRuleTests {
    private typealias S = SchemaExamples
    private let rule = ForeignKeyMissingIndexRule()

    private func run(_ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [rule]).run(snapshot).findings
    }

    private let key = S.foreignKey(
        "order_lines", ["tenant_id", "order_id"], references: "orders", ["tenant_id", "id"])

    @Test func leadingColumnsInAnyOrderCover() {
        let covered = S.snapshot(
            tables: [S.table("order_lines", rows: 1_000_000)],
            indexes: [S.index("order_lines", "lines_idx", ["order_id", "tenant_id", "line"])], foreignKeys: [key])
        #expect(run(covered).isEmpty)
    }

    @Test func partialInvalidOrNonLeadingIndexesDoNotCover() {
        let snapshot = S.snapshot(
            tables: [S.table("order_lines", rows: 1_000_000)],
            indexes: [
                S.index("order_lines", "partial_idx", ["tenant_id", "order_id"], predicate: "(NOT archived)"),
                S.index("order_lines", "invalid_idx", ["tenant_id", "order_id"], valid: false),
                S.index("order_lines", "late_idx", ["line", "tenant_id", "order_id"]),
                S.index("order_lines", "gin_idx", ["tenant_id", "order_id"], method: "gin"),
            ],
            foreignKeys: [key])
        let findings = run(snapshot)
        #expect(
            findings.map(\.object.name) == ["foreign key order_lines_tenant_id_order_id_fkey on public.order_lines"])
        #expect(
            findings.first?.fixSQL
                == "CREATE INDEX CONCURRENTLY order_lines_tenant_id_order_id_idx ON public.order_lines "
                + "(tenant_id, order_id);")
    }

    @Test func severityFollowsSizeReferencedWritesAndCascade() throws {
        func severity(rows: Double, referencedDeletes: Int, onDelete: String = "NO ACTION") throws -> Severity {
            let snapshot = S.snapshot(
                tables: [
                    S.table("orders", rows: 1_000, deleted: referencedDeletes),
                    S.table("order_lines", rows: rows),
                ],
                foreignKeys: [
                    S.foreignKey("order_lines", ["order_id"], references: "orders", ["id"], onDelete: onDelete)
                ])
            return try #require(run(snapshot).first).severity
        }
        #expect(try severity(rows: 50_000, referencedDeletes: 300) == .low)
        #expect(try severity(rows: 500_000, referencedDeletes: 300) == .medium)
        #expect(try severity(rows: 50_000_000, referencedDeletes: 300) == .high)
        // Nothing is ever deleted from the referenced table: the risk is in the schema alone, low (pgbench's
        // 100,000 accounts under 10 branches that are only ever updated were medium).
        #expect(try severity(rows: 50_000_000, referencedDeletes: 0) == .low)
        #expect(try severity(rows: 50_000_000, referencedDeletes: 300, onDelete: "CASCADE") == .critical)
    }

    @Test func theEstimateScalesWithReferencedDeletesAndReferencingRows() throws {
        let snapshot = S.snapshot(
            tables: [S.table("orders", rows: 1_000, deleted: 30_000), S.table("order_lines", rows: 10_000_000)],
            foreignKeys: [S.foreignKey("order_lines", ["order_id"], references: "orders", ["id"])])
        let finding = try #require(run(snapshot).first)
        // 1,000 deletes a day × 10M rows × 0.0001 ms = 1,000,000 ms a day.
        #expect(finding.evidence.first { $0.name == "estimated scan time per day" }?.value == 1_000_000)
        #expect(finding.impact.score == 1_000_000)
        #expect(finding.message.contains("has 1,000 deletes a day and no update that could change the key"))
    }

    /// pgbench: every transaction updates a balance of pgbench_branches, never its key. Those updates are
    /// named as what they may be and turned into no scan time; only deletes are.
    @Test func updatesThatCannotOrMayNotChangeTheKeyAreNoScanTime() throws {
        let snapshot = S.snapshot(
            tables: [
                S.table("pgbench_branches", rows: 10, updated: 300_000, hotUpdated: 270_000),
                S.table("pgbench_history", rows: 3_000_000),
            ],
            foreignKeys: [S.foreignKey("pgbench_history", ["bid"], references: "pgbench_branches", ["bid"])])
        let finding = try #require(run(snapshot).first)
        #expect(finding.evidence.first { $0.name == "estimated scan time per day" }?.value == 0)
        #expect(finding.evidence.first { $0.name == "referenced rows deleted per day" }?.value == 0)
        #expect(
            finding.evidence.first { $0.name == "referenced rows updated without HOT per day (key changed or not)" }?
                .value == 1_000)
        #expect(
            finding.message.contains(
                "public.pgbench_branches has 0 deletes a day and up to 1,000 non-HOT updates a day, which may or "
                    + "may not change the key"))
        #expect(finding.impact.score == Impact.riskScore(finding.severity))
        #expect(!finding.impact.summary.contains("per day"))
        // Only HOT updates: none could have changed the key, the table is as good as never written.
        let hotOnly = S.snapshot(
            tables: [
                S.table("pgbench_branches", rows: 10, updated: 300_000, hotUpdated: 300_000),
                S.table("pgbench_history", rows: 30_000_000),
            ],
            foreignKeys: [S.foreignKey("pgbench_history", ["bid"], references: "pgbench_branches", ["bid"])])
        let quiet = try #require(run(hotOnly).first)
        #expect(quiet.severity == .low)
        #expect(quiet.message.contains("saw no deletes and no update that could change the key"))
    }

    /// PostgreSQL 15+ keeps table counters across a clean restart and leaves stats_reset NULL until a reset:
    /// 126 s after a restart the counters may hold weeks of work. No per-day figure then, and no time.
    @Test func countersOfAnUnknownWindowGiveNoRate() throws {
        var snapshot = S.snapshot(
            tables: [S.table("pgbench_branches", rows: 10, deleted: 25_000), S.table("pgbench_history", rows: 10)],
            foreignKeys: [S.foreignKey("pgbench_history", ["bid"], references: "pgbench_branches", ["bid"])])
        snapshot.server.statsResetAt = nil
        snapshot.server.startedAt = snapshot.server.collectedAt?.addingTimeInterval(-126)
        let finding = try #require(run(snapshot).first)
        #expect(finding.evidence.contains { $0.name == "referenced rows deleted" && $0.value == 25_000 })
        #expect(!finding.evidence.contains { $0.name.contains("per day") })
        #expect(finding.impact.score == Impact.riskScore(finding.severity))
        #expect(
            finding.message.contains(
                "has 25,000 deletes and no update that could change the key, counted since an unknown time"))
    }

    @Test func partitionsCopiesOfAKeyAreJudgedOnTheParent() {
        let tables = [
            S.table("customers", rows: 1_000),
            S.table("events", kind: .partitioned, rows: 4_000),
            S.table("events_1", kind: .partition, partitionOf: "public.events", rows: 2_000),
            S.table("events_2", kind: .partition, partitionOf: "public.events", rows: 2_000),
        ]
        let keys = ["events", "events_1", "events_2"].map {
            S.foreignKey($0, ["customer_id"], references: "customers", ["id"])
        }
        let uncovered = S.snapshot(tables: tables, foreignKeys: keys)
        let findings = run(uncovered)
        #expect(findings.map(\.object.name) == ["foreign key events_customer_id_fkey on public.events"])
        #expect(findings.first?.fixSQL == "CREATE INDEX events_customer_id_idx ON public.events (customer_id);")
        let perPartition = S.snapshot(
            tables: tables,
            indexes: [
                S.index("events_1", "events_1_customer_id_idx", ["customer_id"]),
                S.index("events_2", "events_2_customer_id_idx", ["customer_id"]),
            ],
            foreignKeys: keys)
        #expect(run(perPartition).isEmpty)
    }

    @Test func mysqlTablesAreReportedOnlyWhenTheIndexIsMissing() throws {
        let key = S.foreignKey("orders", ["customer_id"], references: "customers", ["id"], schema: "shop")
        let indexed = S.snapshot(
            engine: .mysql, tables: [S.table("orders", schema: "shop", rows: 10_000)],
            indexes: [
                S.index("orders", "customer_id", ["customer_id"], schema: "shop", engine: .mysql, method: "BTREE")
            ],
            foreignKeys: [key])
        #expect(run(indexed).isEmpty)
        let missing = S.snapshot(
            engine: .mysql, tables: [S.table("orders", schema: "shop", rows: 10_000)], foreignKeys: [key])
        let finding = try #require(run(missing).first)
        #expect(
            finding.fixSQL
                == "ALTER TABLE shop.orders ADD INDEX idx_orders_customer_id (customer_id), ALGORITHM=INPLACE, LOCK=NONE;"
        )
    }

    @Test func aTakenNameGetsANumber() throws {
        let snapshot = S.snapshot(
            tables: [S.table("customers", rows: 50_000)],
            indexes: [S.index("customers", "customers_country_idx", ["country"], predicate: "(active)")],
            foreignKeys: [S.foreignKey("customers", ["country"], references: "countries", ["code"])])
        let finding = try #require(run(snapshot).first)
        #expect(finding.fixSQL == "CREATE INDEX CONCURRENTLY customers_country_idx1 ON public.customers (country);")
    }
}
