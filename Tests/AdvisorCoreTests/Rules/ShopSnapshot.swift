@testable import AdvisorCore

/// A hand-built snapshot shaped like the seeded `shop` database (`Fixtures/postgres/seed.sql`) after
/// 30 days of a workload: the planted problems and the healthy objects beside them, with counters
/// as the seed's workload would leave them (the partitioned `events` table has three partitions here,
/// not 120).
enum ShopSnapshot {
    static func snapshot() -> Snapshot {
        SchemaExamples.snapshot(
            windowDays: 30, tables: tables, indexes: indexes, foreignKeys: foreignKeys, statements: statements)
    }

    private typealias S = SchemaExamples

    static let tables: [TableStats] = [
        S.table("countries", rows: 50, seqScans: 9_000, indexScans: 100_000),
        S.table("customers", rows: 50_000, seqScans: 20, indexScans: 500_000, inserted: 3_000, updated: 600),
        S.table("products", rows: 5_000, seqScans: 4_000, indexScans: 150_000, inserted: 300, updated: 900),
        // Planted: a frequent filter on status and created_at, which no index serves.
        S.table(
            "orders", rows: 300_000, seqScans: 52_000, indexScans: 2_000, inserted: 30_000, updated: 12_000,
            hotUpdated: 6_000),
        S.table("order_items", rows: 900_000, seqScans: 10, indexScans: 2_000_000, inserted: 90_000),
        S.table("promotions", rows: 500, seqScans: 6_000, indexScans: 800, inserted: 500),
        S.table("warehouse_stock", rows: 100_000, seqScans: 5, indexScans: 50_000, updated: 33_000),
        S.table("events", kind: .partitioned, rows: 6_000),
        S.table(
            "events_2024_10", partitionOf: "public.events", rows: 2_000, seqScans: 300, indexScans: 90,
            inserted: 2_000),
        S.table(
            "events_2024_11", partitionOf: "public.events", rows: 2_000, seqScans: 300, indexScans: 90,
            inserted: 2_000),
        S.table(
            "events_2024_12", partitionOf: "public.events", rows: 2_000, seqScans: 300, indexScans: 90,
            inserted: 2_000),
    ].map { table in
        var table = table
        if table.partitionOf != nil { table.kind = .partition }
        return table
    }

    static let indexes: [IndexStats] =
        [
            S.index("countries", "countries_pkey", ["code"], primary: true, scans: 100_000),
            S.index("customers", "customers_pkey", ["id"], primary: true, scans: 480_000),
            S.index(
                "customers", "customers_email_key", ["email"], unique: true, constraint: "customers_email_key",
                scans: 3_000),
            S.index("customers", "customers_city_idx", ["city"], scans: 17_000),
            // Planted: never used.
            S.index("customers", "customers_created_at_idx", ["created_at"], scans: 0, sizeBytes: 1_130_496),
            S.index("products", "products_pkey", ["id"], primary: true, scans: 140_000),
            S.index(
                "products", "products_sku_key", ["sku"], unique: true, constraint: "products_sku_key", scans: 50),
            S.index("products", "products_category_idx", ["category"], scans: 9_950),
            // Planted: an exact duplicate of products_category_idx.
            S.index("products", "products_category_idx1", ["category"], scans: 0, sizeBytes: 57_344),
            S.index("orders", "orders_pkey", ["id"], primary: true, scans: 1_200),
            S.index("orders", "orders_customer_id_idx", ["customer_id"], scans: 800),
            S.index("order_items", "order_items_pkey", ["order_id", "line"], primary: true, scans: 1_300_000),
            S.index("order_items", "order_items_product_id_idx", ["product_id"], scans: 300_000),
            // Planted: a prefix of the primary key.
            S.index("order_items", "order_items_order_id_idx", ["order_id"], scans: 400_000, sizeBytes: 20_275_200),
            S.index("promotions", "promotions_pkey", ["id"], primary: true, scans: 800),
            // Planted: a failed concurrent unique build.
            S.index("promotions", "promotions_country_key", ["country"], unique: true, valid: false, scans: 0),
            S.index(
                "warehouse_stock", "warehouse_stock_pkey", ["warehouse_id", "product_id"], primary: true,
                scans: 40_000),
            S.index(
                "warehouse_stock", "warehouse_stock_quantity_idx", ["warehouse_id", "quantity"],
                include: ["product_id"], scans: 10_000),
            S.index(
                "events", "events_pkey", ["id", "created_at"], primary: true, scans: nil, sizeBytes: 0,
                onlyParent: true),
            S.index("events", "events_customer_id_idx", ["customer_id"], scans: nil, sizeBytes: 0, onlyParent: true),
        ]
        + ["events_2024_10", "events_2024_11", "events_2024_12"].flatMap { partition in
            [
                S.index(partition, "\(partition)_pkey", ["id", "created_at"], primary: true, scans: 10),
                S.index(partition, "\(partition)_customer_id_idx", ["customer_id"], scans: 80),
            ]
        }

    static let foreignKeys: [ForeignKey] = [
        // Planted: no index on customers.country.
        S.foreignKey("customers", ["country"], references: "countries", ["code"]),
        S.foreignKey("orders", ["customer_id"], references: "customers", ["id"]),
        S.foreignKey("order_items", ["order_id"], references: "orders", ["id"]),
        S.foreignKey("order_items", ["product_id"], references: "products", ["id"]),
        // Not planted, but true of the seed too: the primary key (warehouse_id, product_id) and
        // warehouse_stock_quantity_idx both lead with warehouse_id, so nothing covers product_id.
        S.foreignKey("warehouse_stock", ["product_id"], references: "products", ["id"]),
    ]

    static let statements: [StatementStats] = [
        S.statement(
            "-7301", "SELECT id, customer_id, total FROM orders WHERE status = $1 AND created_at >= $2",
            calls: 50_000, totalTimeMs: 2_600_000, rows: 600_000),
        S.statement(
            "5120", "SELECT count(*) FROM orders WHERE status = $1", calls: 2_000, totalTimeMs: 190_000, rows: 2_000),
        S.statement("88", "SELECT * FROM orders WHERE id = $1", calls: 1_200, totalTimeMs: 30, rows: 1_200),
        S.statement(
            "4242", "SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.city = $1",
            calls: 800, totalTimeMs: 900, rows: 80_000),
        S.statement("17", "SELECT * FROM products WHERE id = $1", calls: 140_000, totalTimeMs: 4_200, rows: 140_000),
        S.statement(
            "-99", "SELECT * FROM order_items WHERE order_id = $1", calls: 400_000, totalTimeMs: 16_000,
            rows: 1_200_000),
    ]
}
