import AdvisorCore
import Foundation
import Testing

/// Findings about ignored objects are dropped; everything else keeps its place.
struct IgnoreRulesTests {
    private static let snapshot: Snapshot = {
        var migrations = TableStats(schema: "public", name: "schema_migrations")
        migrations.totalBytes = 16_384
        var orders = TableStats(schema: "public", name: "orders")
        orders.totalBytes = 50 << 20
        var audit = TableStats(schema: "audit", name: "events")
        audit.totalBytes = 80 << 20
        var oldIndex = IndexStats(
            schema: "public", table: "orders", name: "orders_status_old", definition: "", columns: ["status"])
        oldIndex.sizeBytes = 20 << 20
        var ordersIndex = IndexStats(
            schema: "public", table: "orders", name: "orders_created_idx", definition: "", columns: ["created"])
        ordersIndex.sizeBytes = 20 << 20
        var tinyIndex = IndexStats(
            schema: "public", table: "orders", name: "orders_note_idx", definition: "", columns: ["note"])
        tinyIndex.sizeBytes = 8_192
        let migrationsIndex = IndexStats(
            schema: "public", table: "schema_migrations", name: "schema_migrations_version_idx", definition: "",
            columns: ["version"])
        return Snapshot(
            server: ServerInfo(engine: .postgres),
            statements: [
                StatementStats(
                    id: "1", text: "SELECT *\n  FROM orders WHERE id = $1", calls: 1, totalTimeMs: 1, rows: 1),
                StatementStats(id: "2", text: "select 1", calls: 1, totalTimeMs: 1, rows: 1),
            ],
            tables: [migrations, orders, audit], indexes: [oldIndex, ordersIndex, tinyIndex, migrationsIndex],
            foreignKeys: [
                ForeignKey(
                    schema: "audit", table: "events", name: "events_order_fkey", columns: ["order_id"],
                    referencedSchema: "public", referencedTable: "orders", referencedColumns: ["id"])
            ])
    }()

    private static func finding(_ kind: FindingObject.Kind, _ key: String, name: String = "") -> Finding {
        Finding(
            ruleId: "test-rule", severity: .medium, category: .indexes,
            object: FindingObject(kind: kind, name: name.isEmpty ? key : name, key: key), message: "", evidence: [],
            impact: Impact(score: 1, confidence: .high, summary: ""), recommendation: "", risk: "", validation: "")
    }

    private static let findings = [
        finding(.table, "public.schema_migrations"),
        finding(.table, "public.orders"),
        finding(.table, "audit.events"),
        finding(.index, "public.orders.orders_status_old"),
        finding(.index, "public.orders.orders_created_idx"),
        finding(.index, "public.orders.orders_note_idx"),
        finding(.index, "public.schema_migrations.schema_migrations_version_idx"),
        finding(.foreignKey, "audit.events.events_order_fkey"),
        finding(.statement, "||1", name: "SELECT * FROM orders WHERE id = $1"),
        finding(.statement, "||2", name: "select 1"),
        finding(.connections, "connections"),
    ]

    private func kept(_ rules: IgnoreRules) -> [String] {
        rules.apply(to: Self.findings, in: Self.snapshot).map(\.object.key)
    }

    @Test func nothingIgnoredKeepsEverything() {
        #expect(kept(IgnoreRules()) == Self.findings.map(\.object.key))
    }

    @Test func aTableIsIgnoredWithItsIndexes() {
        let remaining = kept(IgnoreRules(tables: [GlobPattern("schema_migrations")]))
        #expect(!remaining.contains("public.schema_migrations"))
        #expect(!remaining.contains("public.schema_migrations.schema_migrations_version_idx"))
        #expect(remaining.count == Self.findings.count - 2)
    }

    @Test func aQualifiedPatternMatchesSchemaAndName() {
        #expect(kept(IgnoreRules(tables: [GlobPattern("audit.*")])).contains("public.orders"))
        #expect(!kept(IgnoreRules(tables: [GlobPattern("audit.*")])).contains("audit.events"))
        #expect(kept(IgnoreRules(tables: [GlobPattern("other.orders")])).contains("public.orders"))
    }

    @Test func indexesBySchemaAndByPattern() {
        let byName = kept(IgnoreRules(indexes: [GlobPattern("*_old")]))
        #expect(!byName.contains("public.orders.orders_status_old"))
        #expect(byName.contains("public.orders.orders_created_idx"))
        let bySchema = kept(IgnoreRules(schemas: [GlobPattern("audit")]))
        #expect(!bySchema.contains("audit.events") && !bySchema.contains("audit.events.events_order_fkey"))
        #expect(bySchema.contains("public.orders"))
    }

    @Test func smallObjectsAreIgnoredByMinimumSize() {
        let remaining = kept(IgnoreRules(minSizeBytes: 1 << 20))
        #expect(!remaining.contains("public.schema_migrations"))
        #expect(!remaining.contains("public.orders.orders_note_idx"))
        // Its own size is unknown, but it goes with its small table.
        #expect(!remaining.contains("public.schema_migrations.schema_migrations_version_idx"))
        #expect(remaining.contains("public.orders") && remaining.contains("public.orders.orders_created_idx"))
        // A size that is not known keeps the object.
        #expect(remaining.contains("||1") && remaining.contains("audit.events.events_order_fkey"))
    }

    @Test func statementsByTheirWholeTextWithoutRegardToCase() {
        let remaining = kept(IgnoreRules(statements: [GlobPattern("SELECT 1", caseSensitive: false)]))
        #expect(!remaining.contains("||2"))
        #expect(remaining.contains("||1"))
        let multiline = kept(IgnoreRules(statements: [GlobPattern("select * from orders *", caseSensitive: false)]))
        #expect(!multiline.contains("||1"))
    }
}
