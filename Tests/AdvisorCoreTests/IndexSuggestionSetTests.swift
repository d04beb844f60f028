import Testing

@testable import AdvisorCore

struct IndexSuggestionSetTests {
    private func finding(_ rule: String, _ name: String, fix: String?) -> Finding {
        Finding(
            ruleId: rule, severity: .medium, category: .plans,
            object: FindingObject(kind: .table, name: name, key: name), message: "m", evidence: [],
            impact: Impact(score: 1, confidence: .medium, summary: "s"), recommendation: "Index it.", fixSQL: fix,
            risk: "r", validation: "v")
    }

    @Test func readsTheIndexStatementsTheRulesWrite() throws {
        let plain = try #require(
            IndexSuggestionSet.parse("CREATE INDEX CONCURRENTLY orders_status_idx ON public.orders (status);"))
        #expect(plain.schema == "public" && plain.table == "orders" && plain.keys == ["status"])
        let expression = try #require(
            IndexSuggestionSet.parse(#"CREATE INDEX events_idx ON ONLY "Shop".events ((payload ->> 'a,b'::text), id);"#)
        )
        #expect(expression.schema == "Shop" && expression.keys == ["(payload ->> 'a,b'::text)", "id"])
        let mysql = try #require(
            IndexSuggestionSet.parse(
                "ALTER TABLE `shop`.`orders` ADD INDEX idx_orders_status (status, total), ALGORITHM=INPLACE, LOCK=NONE;"
            ))
        #expect(mysql.schema == "shop" && mysql.table == "orders" && mysql.keys == ["status", "total"])
        #expect(IndexSuggestionSet.parse("DROP INDEX CONCURRENTLY public.orders_status_idx;") == nil)
        #expect(IndexSuggestionSet.parse("SET LOCAL work_mem = '64MB';") == nil)
    }

    /// Two statements on one table: the index whose key leads the other's is served by it, and one index is
    /// asked for; an index on other columns, or a table of the same name in another schema, stays apart.
    @Test func oneIndexServesEveryStatementWhoseKeyLeadsIt() {
        let findings = [
            finding(
                "table-seq-scan-heavy", "public.orders",
                fix: "CREATE INDEX CONCURRENTLY orders_status_idx ON public.orders (status);"),
            finding(
                "plan-seq-scan-filter", "Seq Scan on orders",
                fix: "CREATE INDEX CONCURRENTLY orders_status_total_idx ON orders (status, total);"),
            finding(
                "foreign-key-missing-index", "orders.customer_id",
                fix: "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON public.orders (customer_id);"),
            finding(
                "plan-seq-scan-filter", "Seq Scan on archive.orders",
                fix: "CREATE INDEX CONCURRENTLY orders_status_idx ON archive.orders (status);"),
        ]
        let merged = IndexSuggestionSet.merged(Array(findings.prefix(3)))
        #expect(merged[0].fixSQL == nil)
        #expect(
            merged[0].recommendation.contains(
                "One index serves this and Seq Scan on orders (plan-seq-scan-filter): "
                    + "CREATE INDEX CONCURRENTLY orders_status_total_idx"))
        #expect(merged[1].fixSQL == findings[1].fixSQL)
        #expect(merged[1].recommendation.hasSuffix("The same index serves public.orders (table-seq-scan-heavy) too."))
        #expect(merged[2] == findings[2])
        // Two schemas hold an orders table: the unqualified one cannot be told apart, so nothing merges with it.
        #expect(IndexSuggestionSet.merged(findings).map(\.fixSQL) == findings.map(\.fixSQL))
    }

    /// An index the database has that leads with the suggested key: nothing more is asked for. A suggested
    /// name an index already has is numbered, so the server accepts the statement.
    @Test func existingIndexesServeOrRenameTheSuggestion() {
        var existing = IndexStats(
            schema: "public", table: "orders", name: "orders_status_idx",
            definition: "CREATE INDEX orders_status_idx ON public.orders USING btree (status, created_at)",
            method: "btree", columns: ["status", "created_at"])
        let covered = IndexSuggestionSet.merged(
            [
                finding(
                    "plan-seq-scan-filter", "Seq Scan on orders",
                    fix: "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);")
            ],
            existing: [existing])
        #expect(covered[0].fixSQL == nil)
        #expect(
            covered[0].recommendation.contains(
                "The existing index orders_status_idx on (status, created_at) already leads"))
        existing.columns = ["created_at"]
        let renamed = IndexSuggestionSet.merged(
            [
                finding(
                    "plan-seq-scan-filter", "Seq Scan on orders",
                    fix: "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);")
            ],
            existing: [existing])
        #expect(renamed[0].fixSQL == "CREATE INDEX CONCURRENTLY orders_status_idx1 ON orders (status);")
    }

    /// HypoPG planned the narrower statement with the wider index too: when the planner would not use it there,
    /// the statement keeps its own index.
    @Test func aWiderIndexThePlannerWouldNotUseForAStatementDoesNotServeIt() throws {
        let narrow = "CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);"
        let wide = "CREATE INDEX CONCURRENTLY orders_total_status_idx ON orders (total, status);"
        #expect(IndexSuggestionSet.covering([narrow, wide]) == [narrow: wide])
        var findings = [finding("plan-seq-scan-filter", "Seq Scan on orders", fix: narrow)]
        findings[0].object.plan = 1
        findings.append(finding("plan-seq-scan-filter", "Seq Scan on orders (2)", fix: wide))
        let plan = try #require(
            try PlanReader.read(PlanInput(text: "Seq Scan on orders  (cost=0.00..10.00 rows=5 width=4)")).first)
        var captured = CapturedPlan(label: "statement 1", plan: plan)
        captured.indexValidations = [
            IndexValidation(createSQL: wide, hypotheticalName: "<2>", costBefore: 10, costAfter: 10, isUsed: false)
        ]
        let kept = IndexSuggestionSet.merged(findings, plans: [captured])
        #expect(kept.map(\.fixSQL) == [narrow, wide])
        captured.indexValidations?[0].isUsed = true
        #expect(IndexSuggestionSet.merged(findings, plans: [captured]).map(\.fixSQL) == [nil, wide])
    }

    @Test func theSameIndexAskedTwiceIsAskedOnce() {
        let sql = "ALTER TABLE shop.orders ADD INDEX idx_orders_status (status);"
        let merged = IndexSuggestionSet.merged([
            finding("mysql-no-usable-key", "orders", fix: sql),
            finding("table-seq-scan-heavy", "shop.orders", fix: sql),
        ])
        #expect(merged.compactMap(\.fixSQL) == [sql])
    }
}
