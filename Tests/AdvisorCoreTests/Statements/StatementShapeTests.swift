import Testing

@testable import AdvisorCore

@Suite struct StatementShapeTests {
    @Test func keyLookupByParameter() {
        let shape = StatementShape("SELECT id, name FROM public.products WHERE id = $1", engine: .postgres)
        #expect(shape.command == .select)
        #expect(shape.tables.map(\.table) == ["products"])
        #expect(shape.tables[0].schema == "public")
        #expect(shape.tables[0].filter.equalityColumns == ["id"])
        #expect(shape.isKeyLookup)
    }

    @Test func joinAttributesQualifiedColumnsOnly() {
        let shape = StatementShape(
            """
            SELECT o.id, c.email FROM orders o JOIN customers AS c ON c.id = o.customer_id
            WHERE o.status = $1 AND c.country = $2 AND created_at > $3 ORDER BY o.id LIMIT $4
            """, engine: .postgres)
        #expect(shape.tables.map(\.table) == ["orders", "customers"])
        #expect(shape.use(of: "orders")?.filter.equalityColumns == ["status"])
        #expect(shape.use(of: "customers")?.filter.equalityColumns == ["country"])
        #expect(shape.hasLimit)
        #expect(!shape.isKeyLookup)
    }

    @Test func cteCommentsAndSubqueriesAreSkipped() {
        let shape = StatementShape(
            """
            /* controller=orders */ WITH recent AS (SELECT * FROM events WHERE kind = $1)
            -- the main query
            SELECT count(*) FROM orders WHERE status = $2 AND customer_id IN (SELECT id FROM customers)
            """, engine: .postgres)
        #expect(shape.command == .select)
        #expect(shape.tables.map(\.table) == ["orders"])
        #expect(shape.use(of: "orders")?.filter.equalityColumns == ["status"])
        #expect(shape.hasAggregate)
    }

    @Test func theCommonTablesAQueryReadsAreNotTables() {
        let shape = StatementShape(
            """
            WITH RECURSIVE daily (day, revenue) AS (SELECT date(placed_at), sum(total) FROM orders GROUP BY 1),
                 top AS MATERIALIZED (SELECT * FROM daily ORDER BY revenue DESC LIMIT 5)
            SELECT t.day, c.name FROM top t JOIN calendar c ON c.day = t.day, daily d WHERE d.day = t.day
            """, engine: .postgres)
        #expect(shape.tables.map(\.table) == ["calendar"])
        // A schema-qualified table of the same name is a table.
        let qualified = StatementShape(
            "WITH orders AS (SELECT 1) SELECT * FROM public.orders WHERE id = $1", engine: .postgres)
        #expect(qualified.tables.map(\.table) == ["orders"])
    }

    @Test func writesAndMySQLQuoting() {
        let update = StatementShape("UPDATE orders SET status = $1 WHERE id = $2", engine: .postgres)
        #expect(update.command == .update)
        #expect(update.tables.map(\.table) == ["orders"])
        #expect(update.tables[0].filter.equalityColumns == ["id"])
        let delete = StatementShape("DELETE FROM `shop`.`order_items` WHERE `order_id` = ?", engine: .mariadb)
        #expect(delete.command == .delete)
        #expect(delete.tables.map(\.table) == ["order_items"])
        #expect(delete.tables[0].schema == "shop")
        #expect(delete.tables[0].filter.equalityColumns == ["order_id"])
        let insert = StatementShape("INSERT INTO audit (at, what) VALUES ($1, $2)", engine: .postgres)
        #expect(insert.command == .insert)
        #expect(insert.tables.map(\.table) == ["audit"])
        let list = StatementShape("SELECT * FROM a, b x WHERE x.k = a.k AND a.v = 3", engine: .postgres)
        #expect(list.tables.map(\.table) == ["a", "b"])
        #expect(
            list.use(of: "a")?.filter.equalityColumns == ["v", "k"]
                || list.use(of: "a")?.filter.equalityColumns == ["k", "v"])
    }

    @Test func whereClauseEndsAtTheNextClause() {
        let shape = StatementShape(
            "SELECT o.id FROM orders o WHERE o.status = $1 AND o.created_at > $2 ORDER BY o.created_at DESC LIMIT $3",
            engine: .postgres)
        #expect(shape.use(of: "orders")?.filter.equalityColumns == ["status"])
        #expect(shape.use(of: "orders")?.filter.rangeColumns == ["created_at"])
        #expect(shape.hasLimit)
    }

    @Test func unreadableTextGivesNoTables() {
        let shape = StatementShape("SELECT pg_sleep($1)", engine: .postgres)
        #expect(shape.tables.isEmpty)
        #expect(!shape.isKeyLookup)
        #expect(StatementShape("<insufficient privilege>", engine: .postgres).command == .other)
        #expect(StatementShape("SELECT * FROM generate_series($1, $2) g", engine: .postgres).tables.isEmpty)
    }

    @Test func inListsAnyAndQualifiedOperatorsAreConditions() {
        for text in [
            "SELECT books.id, books.title FROM books WHERE books.author_id IN ($1, $2, $3)",
            "SELECT books.id FROM books WHERE books.author_id IN ($1::INTEGER, $2::INTEGER)",
            "SELECT books.id FROM books WHERE books.author_id IN ($1 /*, ... */)",
            "SELECT id FROM books WHERE author_id = ANY($1)",
            "SELECT id FROM books WHERE author_id OPERATOR(pg_catalog.=) $1",
            "SELECT id FROM books WHERE $1 OPERATOR(pg_catalog.=) \"author_id\"",
        ] {
            let shape = StatementShape(text, engine: .postgres)
            #expect(shape.use(of: "books")?.filter.equalityColumns == ["author_id"], "\(text)")
            #expect(shape.hasValueFilter, "\(text)")
        }
        let check = StatementShape(
            "SELECT 1 FROM ONLY \"public\".\"authors\" x WHERE \"id\" OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x",
            engine: .postgres)
        #expect(check.tables.map(\.table) == ["authors"])
        #expect(check.tables.first?.alias == "x")
        #expect(check.use(of: "authors")?.filter.equalityColumns == ["id"])
        #expect(check.isKeyLookup)
    }
}
