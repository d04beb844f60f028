/// The shop schema the generated query logs run against, and the statements an ORM sends for it: 17 tables,
/// each read by id, by its parent key, by an `IN` list, counted, paged over several lines, updated, inserted
/// into and deleted from, about 130 statement classes in all. PostgreSQL statements look like Django's (every
/// column named and qualified, `LIMIT 21`, `RETURNING`), MySQL ones like Rails' (`` `table`.* ``).
struct LogWorkloadCatalog {
    /// A table: its columns (the first is `id`) and the column that points at its parent row, if any.
    struct Table {
        var name: String
        var columns: [String]
        var parentKey: String?
    }

    /// The statement shapes every table gets.
    enum Shape: CaseIterable {
        case byID, byParent, idList, count, page, update, insert, delete
    }

    static let tables = [
        Table(
            name: "customers",
            columns: [
                "id", "email", "first_name", "last_name", "phone", "status", "country_code", "marketing_opt_in",
                "created_at", "updated_at",
            ]),
        Table(
            name: "addresses",
            columns: [
                "id", "customer_id", "line1", "line2", "city", "postal_code", "country_code", "is_default",
                "created_at",
            ],
            parentKey: "customer_id"),
        Table(
            name: "orders",
            columns: [
                "id", "customer_id", "status", "currency", "subtotal", "tax_total", "shipping_total", "grand_total",
                "placed_at", "shipped_at", "created_at", "updated_at",
            ],
            parentKey: "customer_id"),
        Table(
            name: "order_items",
            columns: [
                "id", "order_id", "product_id", "sku", "quantity", "unit_price", "discount_amount", "tax_amount",
                "created_at",
            ],
            parentKey: "order_id"),
        Table(
            name: "products",
            columns: [
                "id", "category_id", "sku", "name", "slug", "description", "price", "cost", "stock_quantity",
                "is_active", "weight_grams", "created_at", "updated_at",
            ],
            parentKey: "category_id"),
        Table(
            name: "categories", columns: ["id", "parent_id", "name", "slug", "position", "is_visible"],
            parentKey: "parent_id"),
        Table(
            name: "product_images",
            columns: ["id", "product_id", "url", "alt_text", "position", "width", "height"],
            parentKey: "product_id"),
        Table(
            name: "reviews",
            columns: ["id", "product_id", "customer_id", "rating", "title", "body", "is_approved", "created_at"],
            parentKey: "product_id"),
        Table(
            name: "carts", columns: ["id", "customer_id", "session_key", "currency", "created_at", "updated_at"],
            parentKey: "customer_id"),
        Table(
            name: "cart_items", columns: ["id", "cart_id", "product_id", "quantity", "unit_price", "added_at"],
            parentKey: "cart_id"),
        Table(
            name: "payments",
            columns: [
                "id", "order_id", "provider", "provider_reference", "amount", "currency", "status", "captured_at",
                "created_at",
            ],
            parentKey: "order_id"),
        Table(
            name: "shipments",
            columns: ["id", "order_id", "carrier", "tracking_number", "status", "shipped_at", "delivered_at"],
            parentKey: "order_id"),
        Table(
            name: "invoices",
            columns: ["id", "order_id", "number", "issued_at", "due_at", "total", "status"],
            parentKey: "order_id"),
        Table(
            name: "coupons",
            columns: ["id", "code", "discount_percent", "valid_from", "valid_until", "usage_limit", "times_used"]),
        Table(
            name: "inventory_movements",
            columns: ["id", "product_id", "warehouse_id", "quantity_delta", "reason", "created_at"],
            parentKey: "product_id"),
        Table(
            name: "audit_events",
            columns: ["id", "actor_id", "action", "entity_type", "entity_id", "payload", "created_at"]),
        Table(
            name: "user_sessions", columns: ["id", "session_key", "customer_id", "data", "expires_at"],
            parentKey: "customer_id"),
    ]

    /// The table a parent key points at (`order_id`: `orders`).
    static func parent(of table: Table) -> Table? {
        guard let key = table.parentKey, key != "parent_id" else { return nil }
        let name = key.dropLast(3)
        return tables.first { $0.name == name + "s" || $0.name == name.dropLast() + "ies" }
    }

    /// The table of that name (one of the names above).
    static func table(_ name: String) -> Table {
        guard let table = tables.first(where: { $0.name == name }) else { preconditionFailure("no table \(name)") }
        return table
    }
}
