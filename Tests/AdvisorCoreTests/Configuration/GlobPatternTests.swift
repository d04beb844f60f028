import AdvisorCore
import Testing

struct GlobPatternTests {
    @Test(arguments: [
        ("schema_migrations", "schema_migrations", true),
        ("schema_migrations", "schema_migrations_old", false),
        ("tmp_*", "tmp_orders", true),
        ("tmp_*", "orders_tmp", false),
        ("*_old", "orders_old", true),
        ("public.*", "public.orders", true),
        ("*.orders", "sales.orders", true),
        ("order?", "orders", true),
        ("order?", "order", false),
        ("*a*b*", "xxaxxbxx", true),
        ("*a*b", "xxaxxbxxc", false),
        ("*", "", true),
        ("", "", true),
    ])
    func matchesWholeNames(pattern: String, text: String, matches: Bool) {
        #expect(GlobPattern(pattern).matches(text) == matches)
    }

    @Test func statementPatternsIgnoreCase() {
        #expect(
            GlobPattern("select * from pg_catalog.*", caseSensitive: false).matches("SELECT n FROM pg_catalog.pg_class")
        )
        #expect(!GlobPattern("Orders").matches("orders"))
    }
}
