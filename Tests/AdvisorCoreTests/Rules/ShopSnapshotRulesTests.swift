import Testing

@testable import AdvisorCore

/// The index and table rules on a snapshot shaped like the seeded `shop` database: each names its
/// planted object and nothing else; the healthy objects beside them produce nothing.
struct ShopSnapshotRulesTests {
    private static let rules: [any Rule] = [
        TableSeqScanHeavyRule(), IndexUnusedRule(), IndexDuplicateRule(), IndexRedundantRule(), IndexInvalidRule(),
        ForeignKeyMissingIndexRule(),
    ]

    private let findings = RuleEngine(rules: rules).run(ShopSnapshot.snapshot()).findings

    private func objects(_ ruleId: String) -> [String] {
        findings.filter { $0.ruleId == ruleId }.map(\.object.name)
    }

    @Test func eachRuleNamesItsPlantedObject() {
        #expect(objects("table-seq-scan-heavy") == ["table public.orders"])
        #expect(objects("index-unused") == ["index customers_created_at_idx on public.customers"])
        #expect(objects("index-duplicate") == ["index products_category_idx1 on public.products"])
        #expect(objects("index-redundant") == ["index order_items_order_id_idx on public.order_items"])
        #expect(objects("index-invalid") == ["index promotions_country_key on public.promotions"])
        // warehouse_stock.product_id is not planted, but the seed leaves it uncovered too (see ShopSnapshot).
        #expect(
            objects("foreign-key-missing-index").sorted() == [
                "foreign key customers_country_fkey on public.customers",
                "foreign key warehouse_stock_product_id_fkey on public.warehouse_stock",
            ])
    }

    @Test func healthyObjectsProduceNothing() {
        let named = findings.map(\.object.name).joined(separator: "\n")
        for healthy in [
            "orders_pkey", "orders_customer_id_idx", "customers_email_key", "customers_pkey", "customers_city_idx",
            "products_pkey", "products_sku_key", "products_category_idx ", "order_items_pkey",
            "order_items_product_id_idx", "events_", "countries", "table public.products",
            "table public.customers", "table public.order_items", "orders_customer_id_fkey",
        ] {
            #expect(!named.contains(healthy), "\(healthy) should produce no finding")
        }
        #expect(findings.count == 7)
    }

    @Test func fixesAreRunnableSQL() throws {
        func fix(_ ruleId: String) -> String? { findings.first { $0.ruleId == ruleId }?.fixSQL }
        #expect(
            fix("table-seq-scan-heavy")
                == "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON public.orders (status, created_at);")
        #expect(fix("index-unused") == "DROP INDEX CONCURRENTLY public.customers_created_at_idx;")
        #expect(fix("index-duplicate") == "DROP INDEX CONCURRENTLY public.products_category_idx1;")
        #expect(fix("index-redundant") == "DROP INDEX CONCURRENTLY public.order_items_order_id_idx;")
        // A unique rebuild fails while the duplicates that broke the build remain: they are listed first.
        #expect(
            fix("index-invalid")
                == "-- A unique build fails again while duplicate keys remain: list them and resolve them first.\n"
                + "SELECT country, count(*) FROM public.promotions GROUP BY country HAVING count(*) > 1;\n"
                + "-- Then, once it returns no rows:\n-- DROP INDEX CONCURRENTLY public.promotions_country_key;\n"
                + "-- CREATE UNIQUE INDEX CONCURRENTLY promotions_country_key ON public.promotions USING btree (country);"
        )
        let foreignKey = try #require(
            findings.first { $0.ruleId == "foreign-key-missing-index" && $0.object.name.contains("customers") })
        #expect(foreignKey.fixSQL == "CREATE INDEX CONCURRENTLY customers_country_idx ON public.customers (country);")
    }

    @Test func theScanHeavyTableNamesItsStatements() throws {
        let finding = try #require(findings.first { $0.ruleId == "table-seq-scan-heavy" })
        #expect(finding.recommendation.contains("for statement -7301"))
        #expect(finding.recommendation.contains("it also serves statement 5120"))
        #expect(!finding.recommendation.contains("statement 88"))
        #expect(finding.impact.confidence == .medium)
        // 80 % of the two served statements' time per day: (2,600,000 + 190,000) / 30 × 0.8.
        #expect(abs(finding.impact.score - 74_400) < 1)
        #expect(finding.severity == .medium)
    }
}
