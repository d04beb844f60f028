import AdvisorCore
import Testing

struct PlanFixSQLTests {
    @Test func indexesInEachEnginesSyntax() {
        #expect(
            PlanFixSQL.createIndex(
                table: "orders", schema: "public", columns: ["status", "created_at"], engine: .postgres)
                == "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON public.orders (status, created_at);")
        #expect(
            PlanFixSQL.createIndex(table: "orders", schema: nil, columns: ["status", "created_at"], engine: .mysql)
                == "ALTER TABLE orders ADD INDEX idx_orders_status_created_at (status, created_at);")
    }

    @Test func expressionKeysAndPartitionedTables() {
        let keys: [IndexKey] = [.column("Tenant"), .expression("(payload ->> 'path'::text)", name: "expr")]
        #expect(
            PlanFixSQL.createIndex(table: "events", schema: nil, keys: keys, engine: .postgres)
                == "CREATE INDEX CONCURRENTLY events_tenant_expr_idx ON events (\"Tenant\", (payload ->> 'path'::text));"
        )
        #expect(
            PlanFixSQL.createIndex(
                table: "events", schema: "app", keys: [.expression("lower(email)", name: "lower")], engine: .postgres,
                concurrently: false) == "CREATE INDEX events_lower_idx ON app.events (lower(email));")
    }

    @Test func identifiersAreQuotedOnlyWhenNeeded() {
        #expect(PlanFixSQL.quote("status", engine: .postgres) == "status")
        #expect(PlanFixSQL.quote("Status", engine: .postgres) == "\"Status\"")
        #expect(PlanFixSQL.quote("user", engine: .postgres) == "\"user\"")
        #expect(PlanFixSQL.quote("a\"b", engine: .postgres) == "\"a\"\"b\"")
        #expect(PlanFixSQL.quote("Status", engine: .mysql) == "Status")
        #expect(PlanFixSQL.quote("order", engine: .mysql) == "`order`")
        #expect(PlanFixSQL.quote("my-col", engine: .mariadb) == "`my-col`")
        #expect(
            PlanFixSQL.createIndex(table: "Order Lines", schema: nil, columns: ["Key"], engine: .postgres)
                == "CREATE INDEX CONCURRENTLY order_lines_key_idx ON \"Order Lines\" (\"Key\");")
    }

    @Test func longNamesStayWithinTheIdentifierLimit() {
        let columns = ["a_rather_long_column_name", "another_rather_long_column_name", "third_column"]
        let name = PlanFixSQL.indexName(table: "a_table_with_a_long_name", columns: columns, engine: .postgres)
        #expect(name.count == 63)
        #expect(name.hasSuffix("_idx"))
        #expect(PlanFixSQL.indexName(table: "t", columns: columns, engine: .mysql).count <= 63)
    }

    @Test func statistics() {
        #expect(
            PlanFixSQL.createStatistics(table: "customers", schema: "shop", columns: ["city", "country"])
                == "CREATE STATISTICS customers_city_country_stats (dependencies, ndistinct) ON city, country FROM "
                + "shop.customers;\nANALYZE shop.customers;")
        #expect(
            PlanFixSQL.columnHistograms(table: "orders", schema: nil, columns: ["status"], engine: .mysql)
                == "ANALYZE TABLE orders UPDATE HISTOGRAM ON status;")
        #expect(
            PlanFixSQL.columnHistograms(table: "orders", schema: nil, columns: ["status", "total"], engine: .mariadb)
                == "ANALYZE TABLE orders PERSISTENT FOR COLUMNS (status, total) INDEXES ();")
        #expect(PlanFixSQL.analyze(table: "orders", schema: "shop", engine: .mariadb) == "ANALYZE TABLE shop.orders;")
    }

    @Test func mysqlAliasesResolveThroughTheStatement() throws {
        var node = PlanNode(nodeType: "Table scan", operation: .seqScan)
        node.relation = "p"
        var plan = Plan(engine: .mysql, format: .mysqlJSON, root: node)
        #expect(TableReference(node: node, plan: plan) == TableReference(table: "p", schema: nil, isCertain: false))
        #expect(
            TableReference(node: node, plan: plan, conditions: ["(`shop`.`p`.`country` = 'NL')"])
                == TableReference(table: "p", schema: "shop", isCertain: true))
        plan.queryText = "select * from shop.promotions as p join customers c on c.country = p.country"
        #expect(
            TableReference(node: node, plan: plan)
                == TableReference(table: "promotions", schema: "shop", isCertain: true))
        plan.queryText = "SELECT p FROM x, promotions p WHERE 1"
        #expect(TableReference(node: node, plan: plan)?.table == "promotions")
        node.relation = "promotions"
        plan.queryText = "SELECT * FROM promotions WHERE country = 'NL'"
        #expect(TableReference(node: node, plan: plan)?.isCertain == true)
        node.relation = "<derived2>"
        #expect(TableReference(node: node, plan: plan) == nil)
    }
}
