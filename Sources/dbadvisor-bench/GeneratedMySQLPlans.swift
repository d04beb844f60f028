import Foundation

/// A `UNION ALL` over many tables as MySQL 8 `EXPLAIN ANALYZE` (FORMAT=TREE) and MariaDB `ANALYZE
/// FORMAT=JSON` print it: each branch a filtered table scan, an index range scan or a nested loop with an
/// index lookup.
struct GeneratedMySQLPlans {
    enum Access { case filteredScan, rangeScan, lookupJoin }

    struct Branch {
        var access: Access
        var table: String
        var rows: Double
        var filteredPercent: Double
        var cost: Double
        var startupMs: Double
        var totalMs: Double

        var returnedRows: Double { (rows * filteredPercent / 100).rounded() }
    }

    let branches: [Branch]

    init(branches count: Int) {
        var random = SplitMix64(seed: 7)
        branches = (0..<count).map { branch in
            let rows = random.uniform(100, 5000).rounded()
            let totalMs = rows * random.uniform(0.0005, 0.002)
            return Branch(
                access: [.filteredScan, .rangeScan, .lookupJoin][branch % 3],
                table: String(format: "events_p%05d", branch),
                rows: rows, filteredPercent: random.uniform(5, 60).rounded(), cost: rows * random.uniform(0.1, 0.4),
                startupMs: min(totalMs, random.uniform(0.005, 0.1)), totalMs: totalMs)
        }
    }

    // MARK: - MySQL EXPLAIN ANALYZE

    /// The tree as `mysql -e 'EXPLAIN ANALYZE …' --raw --skip-column-names` prints it.
    func mysqlTree() -> [UInt8] {
        var out = ""
        func line(_ depth: Int, _ operation: String, cost: Double, rows: Double, time: (Double, Double), actual: Double)
        {
            out += String(repeating: "    ", count: depth) + "-> " + operation
            out += "  (cost=\(fixed(cost, 2)) rows=\(fixed(rows, 0)))"
            out += " (actual time=\(fixed(time.0, 3))..\(fixed(time.1, 3)) rows=\(fixed(actual, 0)) loops=1)\n"
        }
        let totalRows = branches.reduce(0) { $0 + $1.returnedRows }
        let totalCost = branches.reduce(0) { $0 + $1.cost }
        let totalMs = branches.reduce(0) { $0 + $1.totalMs }
        line(0, "Append", cost: totalCost, rows: totalRows, time: (0.05, totalMs), actual: totalRows)
        for branch in branches {
            let time = (branch.startupMs, branch.totalMs)
            line(
                1, "Stream results", cost: branch.cost, rows: branch.returnedRows, time: time,
                actual: branch.returnedRows)
            switch branch.access {
            case .filteredScan:
                line(
                    2, "Filter: (\(branch.table).kind = 'click')", cost: branch.cost, rows: branch.returnedRows,
                    time: time, actual: branch.returnedRows)
                line(
                    3, "Table scan on \(branch.table)", cost: branch.cost, rows: branch.rows, time: time,
                    actual: branch.rows)
            case .rangeScan:
                line(
                    2,
                    "Index range scan on \(branch.table) using created_at_idx over ('2024-01-01 00:00:00' <= created_at), "
                        + "with index condition: (\(branch.table).created_at >= TIMESTAMP'2024-01-01 00:00:00')",
                    cost: branch.cost, rows: branch.returnedRows, time: time, actual: branch.returnedRows)
            case .lookupJoin:
                line(
                    2, "Nested loop inner join", cost: branch.cost, rows: branch.returnedRows, time: time,
                    actual: branch.returnedRows)
                line(
                    3, "Filter: (\(branch.table).account_id is not null)", cost: branch.cost / 2, rows: branch.rows,
                    time: time, actual: branch.rows)
                line(
                    4, "Table scan on \(branch.table)", cost: branch.cost / 2, rows: branch.rows, time: time,
                    actual: branch.rows)
                line(
                    3, "Single-row index lookup on accounts using PRIMARY (id=\(branch.table).account_id)",
                    cost: 0.25, rows: 1, time: (0.001, 0.002), actual: 1)
            }
        }
        return Array(out.utf8)
    }

    // MARK: - MariaDB ANALYZE FORMAT=JSON

    /// The document as MariaDB 10.11 prints it, real times instead of the test suite's "REPLACED".
    func mariaDBJSON() -> [UInt8] {
        var out = "{\n  \"query_optimization\": {\n    \"r_total_time_ms\": 12.345\n  },\n"
        out += "  \"query_block\": {\n    \"union_result\": {\n"
        out += "      \"table_name\": \"<union1,...,\(branches.count)>\",\n"
        out += "      \"access_type\": \"ALL\",\n      \"r_loops\": 1,\n"
        out += "      \"r_rows\": \(fixed(branches.reduce(0) { $0 + $1.returnedRows }, 0)),\n"
        out += "      \"query_specifications\": [\n"
        for (position, branch) in branches.enumerated() {
            out += "        {\n          \"query_block\": {\n            \"select_id\": \(position + 1),\n"
            if position > 0 { out += "            \"operation\": \"UNION\",\n" }
            out += "            \"r_loops\": 1,\n            \"r_total_time_ms\": \(fixed(branch.totalMs, 3)),\n"
            var tables = [Self.table(branch)]
            if branch.access == .lookupJoin { tables.append(Self.accountsLookup(branch)) }
            out += "            \"nested_loop\": [\n"
            out += tables.map { Self.object(["table": $0], indent: 14) }.joined(separator: ",\n") + "\n"
            out += "            ]\n          }\n"
            out += position == branches.count - 1 ? "        }\n" : "        },\n"
        }
        out += "      ]\n    }\n  }\n}\n"
        return Array(out.utf8)
    }

    /// A JSON value written as MariaDB indents it.
    private enum Value: ExpressibleByStringLiteral {
        case raw(String)
        case fields(KeyValuePairs<String, Value>)

        init(stringLiteral text: String) { self = .raw("\"\(text)\"") }
        static func number(_ value: Double, _ decimals: Int = 0) -> Value { .raw(fixed(value, decimals)) }
    }

    private static func object(_ fields: KeyValuePairs<String, Value>, indent: Int) -> String {
        let padding = String(repeating: " ", count: indent)
        let members = fields.map { key, value in
            switch value {
            case .raw(let text): "\(padding)  \"\(key)\": \(text)"
            case .fields(let nested):
                "\(padding)  \"\(key)\": " + object(nested, indent: indent + 2).dropFirst(indent + 2)
            }
        }
        return padding + "{\n" + members.joined(separator: ",\n") + "\n" + padding + "}"
    }

    private static func table(_ branch: Branch) -> Value {
        let rows = Value.number(branch.rows)
        let tableTime = Value.number(branch.totalMs * 0.8, 3)
        let otherTime = Value.number(branch.totalMs * 0.2, 3)
        let filtered = Value.number(branch.filteredPercent)
        guard branch.access == .rangeScan else {
            return .fields([
                "table_name": .raw("\"\(branch.table)\""), "access_type": "ALL", "r_loops": .number(1),
                "rows": rows, "r_rows": rows, "r_table_time_ms": tableTime, "r_other_time_ms": otherTime,
                "filtered": .number(100), "r_filtered": filtered,
                "attached_condition": .raw("\"\(branch.table).kind = 'click'\""),
            ])
        }
        return .fields([
            "table_name": .raw("\"\(branch.table)\""), "access_type": "range",
            "possible_keys": .raw("[\"created_at_idx\"]"), "key": "created_at_idx", "key_length": "5",
            "used_key_parts": .raw("[\"created_at\"]"), "r_loops": .number(1), "rows": rows, "r_rows": rows,
            "r_table_time_ms": tableTime, "r_other_time_ms": otherTime, "filtered": .number(100),
            "r_filtered": filtered,
            "index_condition": .raw("\"\(branch.table).created_at >= TIMESTAMP'2024-01-01 00:00:00'\""),
        ])
    }

    private static func accountsLookup(_ branch: Branch) -> Value {
        .fields([
            "table_name": "accounts", "access_type": "eq_ref", "possible_keys": .raw("[\"PRIMARY\"]"),
            "key": "PRIMARY", "key_length": "8", "used_key_parts": .raw("[\"id\"]"),
            "ref": .raw("[\"shop.\(branch.table).account_id\"]"), "r_loops": .number(branch.returnedRows),
            "rows": .number(1), "r_rows": .number(1), "r_table_time_ms": .number(branch.totalMs / 4, 3),
            "r_other_time_ms": .number(branch.totalMs / 20, 3), "filtered": .number(100), "r_filtered": .number(100),
        ])
    }
}
