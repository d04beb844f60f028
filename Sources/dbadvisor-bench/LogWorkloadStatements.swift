/// The statements of the generated workload, with random literals: the catalogue's shapes on each table, plus
/// a session lookup, a join, a multi-line report and transaction control.
struct LogWorkloadStatements {
    let dialect: WorkloadDialect
    var random: SplitMix64
    /// The instant the statements' timestamp literals are near.
    var now: Int64 = 0

    init(dialect: WorkloadDialect, seed: UInt64) {
        self.dialect = dialect
        random = SplitMix64(seed: seed)
    }

    // MARK: - Shapes

    /// A statement of `shape` on `table`; `key` is the id or parent key looked up, `rows` the rows it returns.
    mutating func make(
        _ shape: LogWorkloadCatalog.Shape, on table: LogWorkloadCatalog.Table, key: Int? = nil, rows: Int? = nil,
        bindsParameters: Bool = false
    ) -> WorkloadStatement {
        var sql = WorkloadStatementBuilder(dialect: dialect, bindsParameters: bindsParameters)
        let key = key ?? number(1...2_000_000)
        let name = table.name
        switch shape {
        case .byID:
            selectFrom(table, &sql)
            sql.append(" WHERE ")
            sql.qualified(name, "id")
            sql.append(" = ")
            sql.literal(.integer(key))
            sql.append(dialect == .postgres ? " LIMIT 21" : " LIMIT 1")
            return sql.statement(rowsSent: 1, rowsExamined: 1, durationMicroseconds: duration(40...300))
        case .byParent:
            let rows = rows ?? number(0...12)
            selectFrom(table, &sql)
            sql.append(" WHERE ")
            sql.qualified(name, table.parentKey ?? "id")
            sql.append(" = ")
            sql.literal(.integer(key))
            sql.append(" ORDER BY ")
            sql.qualified(name, "id")
            sql.append(" ASC")
            return sql.statement(rowsSent: rows, rowsExamined: rows, durationMicroseconds: duration(60...900))
        case .idList:
            let count = rows ?? number(1...40)
            selectFrom(table, &sql)
            sql.append(" WHERE ")
            sql.qualified(name, "id")
            sql.append(" IN (")
            for index in 0..<count {
                if index > 0 { sql.append(", ") }
                sql.literal(.integer(key + index * number(1...9)))
            }
            sql.append(")")
            return sql.statement(rowsSent: count, rowsExamined: count, durationMicroseconds: duration(80...2500))
        case .count:
            sql.append(dialect == .postgres ? "SELECT COUNT(*) AS \"__count\" FROM " : "SELECT COUNT(*) FROM ")
            sql.identifier(name)
            sql.append(" WHERE ")
            if let time = table.columns.first(where: { $0.hasSuffix("_at") }) {
                sql.qualified(name, time)
                sql.append(" >= ")
                sql.literal(.timestamp(now - Int64(number(1...30)) * 86_400_000_000))
            } else {
                sql.qualified(name, "id")
                sql.append(" > ")
                sql.literal(.integer(key))
            }
            let examined = number(5_000...400_000)
            return sql.statement(rowsSent: 1, rowsExamined: examined, durationMicroseconds: duration(900...45_000))
        case .page:
            // Hand-written and laid out over several lines, as report code and admin screens send them.
            let column = table.parentKey ?? "id"
            sql.append("SELECT ")
            sql.append(table.columns.joined(separator: ", "))
            sql.append("\n  FROM \(name)\n WHERE \(column) > ")
            sql.literal(.integer(key))
            sql.append("\n ORDER BY id DESC\n LIMIT 50 OFFSET ")
            sql.literal(.integer(50 * number(0...40)))
            return sql.statement(
                rowsSent: 50, rowsExamined: number(50...20_000), durationMicroseconds: duration(400...20_000))
        case .update:
            let columns = [table.columns[2], table.columns[table.columns.count - 1]]
            sql.append("UPDATE ")
            sql.identifier(name)
            sql.append(" SET ")
            for (index, column) in columns.enumerated() {
                if index > 0 { sql.append(", ") }
                if dialect == .mysql { sql.qualified(name, column) } else { sql.identifier(column) }
                sql.append(" = ")
                sql.literal(value(for: column))
            }
            sql.append(" WHERE ")
            sql.qualified(name, "id")
            sql.append(" = ")
            sql.literal(.integer(key))
            return sql.statement(rowsSent: 0, rowsExamined: 1, durationMicroseconds: duration(80...1500))
        case .insert:
            let columns = table.columns.dropFirst()
            sql.append("INSERT INTO ")
            sql.identifier(name)
            sql.append(" (")
            for (index, column) in columns.enumerated() {
                if index > 0 { sql.append(", ") }
                sql.identifier(column)
            }
            sql.append(") VALUES ")
            let rows = rows ?? 1
            for row in 0..<rows {
                sql.append(row == 0 ? "(" : ", (")
                for (index, column) in columns.enumerated() {
                    if index > 0 { sql.append(", ") }
                    sql.literal(value(for: column))
                }
                sql.append(")")
            }
            if dialect == .postgres {
                sql.append(" RETURNING ")
                sql.qualified(name, "id")
            }
            return sql.statement(rowsSent: 0, rowsExamined: 0, durationMicroseconds: duration(90...1800))
        case .delete:
            let count = rows ?? number(1...6)
            sql.append("DELETE FROM ")
            sql.identifier(name)
            sql.append(" WHERE ")
            sql.qualified(name, "id")
            sql.append(" IN (")
            for index in 0..<count {
                if index > 0 { sql.append(", ") }
                sql.literal(.integer(key + index))
            }
            sql.append(")")
            return sql.statement(rowsSent: 0, rowsExamined: count, durationMicroseconds: duration(80...1500))
        }
    }

    /// The session row behind a request's cookie.
    mutating func sessionLookup(bindsParameters: Bool) -> WorkloadStatement {
        let table = LogWorkloadCatalog.table("user_sessions")
        var sql = WorkloadStatementBuilder(dialect: dialect, bindsParameters: bindsParameters)
        selectFrom(table, &sql)
        sql.append(" WHERE (")
        sql.qualified(table.name, "session_key")
        sql.append(" = ")
        sql.literal(.text(token()))
        sql.append(" AND ")
        sql.qualified(table.name, "expires_at")
        sql.append(" > ")
        sql.literal(.timestamp(now))
        sql.append(dialect == .postgres ? ") LIMIT 21" : ") LIMIT 1")
        return sql.statement(rowsSent: 1, rowsExamined: 1, durationMicroseconds: duration(50...400))
    }

    /// An order with its customer: Django's `select_related`, Rails' `joins`.
    mutating func orderWithCustomer(bindsParameters: Bool) -> WorkloadStatement {
        let orders = LogWorkloadCatalog.table("orders")
        let customers = LogWorkloadCatalog.table("customers")
        var sql = WorkloadStatementBuilder(dialect: dialect, bindsParameters: bindsParameters)
        if dialect == .postgres {
            sql.append("SELECT ")
            columnList(orders, &sql)
            sql.append(", ")
            columnList(customers, &sql)
        } else {
            sql.append("SELECT ")
            sql.identifier("orders")
            sql.append(".*")
        }
        sql.append(" FROM ")
        sql.identifier("orders")
        sql.append(" INNER JOIN ")
        sql.identifier("customers")
        sql.append(" ON (")
        sql.qualified("orders", "customer_id")
        sql.append(" = ")
        sql.qualified("customers", "id")
        sql.append(") WHERE ")
        sql.qualified("orders", "id")
        sql.append(" = ")
        sql.literal(.integer(number(1...2_000_000)))
        sql.append(dialect == .postgres ? " LIMIT 21" : " LIMIT 1")
        return sql.statement(rowsSent: 1, rowsExamined: 2, durationMicroseconds: duration(90...700))
    }

    /// Revenue per day and currency: a multi-line report with a CTE, the slow statement of the log.
    mutating func revenueReport() -> WorkloadStatement {
        var sql = WorkloadStatementBuilder(dialect: dialect, bindsParameters: false)
        let day = dialect == .postgres ? "date_trunc('day', o.placed_at)" : "DATE(o.placed_at)"
        sql.append("WITH daily AS (\n    SELECT \(day) AS day, o.currency,\n")
        sql.append("           sum(o.grand_total) AS revenue, count(*) AS orders\n")
        sql.append("      FROM orders o\n     WHERE o.placed_at >= ")
        sql.literal(.timestamp(now - Int64(number(7...90)) * 86_400_000_000))
        sql.append(" AND o.status <> ")
        sql.literal(.text("cancelled"))
        sql.append("\n     GROUP BY 1, 2\n)\nSELECT day, currency, revenue, orders,\n")
        sql.append("       revenue / NULLIF(orders, 0) AS average_order\n  FROM daily\n ORDER BY day DESC, currency")
        return sql.statement(
            rowsSent: number(20...270), rowsExamined: number(200_000...2_000_000),
            durationMicroseconds: duration(40_000...900_000))
    }

    /// `BEGIN`, `COMMIT` or `ROLLBACK`.
    func transactionControl(_ keyword: String) -> WorkloadStatement {
        WorkloadStatement(text: keyword, durationMicroseconds: keyword == "BEGIN" ? 15 : 600)
    }

    // MARK: - Pieces

    private func columnList(_ table: LogWorkloadCatalog.Table, _ sql: inout WorkloadStatementBuilder) {
        for (index, column) in table.columns.enumerated() {
            if index > 0 { sql.append(", ") }
            sql.qualified(table.name, column)
        }
    }

    /// `SELECT <columns> FROM <table>`: for PostgreSQL as Django's `select_related` writes it, every column of the
    /// table and of its parent named, the parent joined; for MySQL as Rails writes it, `table.*`.
    private func selectFrom(_ table: LogWorkloadCatalog.Table, _ sql: inout WorkloadStatementBuilder) {
        sql.append("SELECT ")
        guard dialect == .postgres else {
            sql.identifier(table.name)
            sql.append(".* FROM ")
            sql.identifier(table.name)
            return
        }
        columnList(table, &sql)
        let parent = LogWorkloadCatalog.parent(of: table)
        if let parent {
            sql.append(", ")
            columnList(parent, &sql)
        }
        sql.append(" FROM ")
        sql.identifier(table.name)
        if let parent, let key = table.parentKey {
            sql.append(" INNER JOIN ")
            sql.identifier(parent.name)
            sql.append(" ON (")
            sql.qualified(table.name, key)
            sql.append(" = ")
            sql.qualified(parent.name, "id")
            sql.append(")")
        }
    }

    private static let statuses = ["pending", "paid", "shipped", "delivered", "cancelled", "refunded"]
    private static let words = [
        "Blue", "Garden", "Chair", "Lamp", "O'Brien", "Kitchen", "Desk", "Walnut", "D'Arcy", "Linen", "Oak", "Steel",
    ]

    /// A plausible value for a column, chosen by its name.
    mutating func value(for column: String) -> WorkloadLiteral {
        switch column {
        case _ where column == "id" || column.hasSuffix("_id"): return .integer(number(1...2_000_000))
        case _ where column.hasSuffix("_at") || column.hasPrefix("valid_"):
            return .timestamp(now - Int64(number(0...86_400_000)) * 1000)
        case _ where column.hasPrefix("is_") || column == "marketing_opt_in": return .boolean(number(0...1) == 1)
        case "price", "cost", "amount", "subtotal", "tax_total", "shipping_total", "grand_total", "total",
            "unit_price", "discount_amount", "tax_amount":
            return .decimal(number(99...250_000))
        case "status": return .text(Self.statuses[number(0...Self.statuses.count - 1)])
        case "currency": return .text(["EUR", "USD", "GBP"][number(0...2)])
        case "country_code": return .text(["DE", "FR", "US", "GB", "NL", "IE"][number(0...5)])
        case "email": return .text("customer\(number(1...900_000))@example.com")
        case "session_key", "provider_reference", "tracking_number", "number", "code": return .text(token())
        case "description", "body", "data", "payload":
            return .text("{\"note\": \"\(word()) \(word()) \(word())\", \"source\": \"web\", \"v\": \(number(1...9))}")
        case "quantity", "position", "width", "height", "rating", "usage_limit", "times_used", "stock_quantity",
            "weight_grams", "discount_percent", "quantity_delta":
            return .integer(number(0...500))
        default: return .text("\(word()) \(word())")
        }
    }

    mutating func number(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    private mutating func word() -> String { Self.words[number(0...Self.words.count - 1)] }

    private mutating func token() -> String {
        String(random.next() | 1 << 63, radix: 36)
    }

    /// Microseconds in `range`, with one statement in a hundred ten times slower (a lock wait, a cold cache).
    mutating func duration(_ range: ClosedRange<Int>) -> Int {
        number(range) * (number(0...99) == 0 ? 10 : 1)
    }
}

// The plans' generator (GeneratedPostgresPlan.swift) drives `Int.random(in:using:)` here too.
extension SplitMix64: RandomNumberGenerator {}
