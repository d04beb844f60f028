/// Statements of megabytes, in the shapes they take in real logs (a bulk INSERT the most common), and the one-entry
/// logs that hold them: inputs of `dbadvisor-bench long-statements`.
enum LongStatements {
    /// A shape of huge statement.
    enum Shape: String, CaseIterable {
        /// `SELECT col0,col1,… FROM t`: one long line of names.
        case columns
        /// `INSERT … VALUES (1,'a1'),(2,'a2'),…`.
        case insert
        /// `WHERE id IN (0, 7, 14, …)`.
        case inList = "in-list"
        /// One string literal of the whole size.
        case string
        /// One block comment of the whole size.
        case comment
        /// `((((1))))`, one pair of parentheses per 2 bytes.
        case nested
        /// One column per line, as generated SQL prints it.
        case lines
    }

    /// A log format that holds statements.
    enum Log: String, CaseIterable {
        case mysqlSlow = "mysql-slow"
        case postgresStderr = "postgres-stderr"
        case mysqlGeneral = "mysql-general"
    }

    /// A statement of `shape` about `bytes` long.
    static func statement(_ shape: Shape, bytes: Int) -> String {
        var text = ""
        text.reserveCapacity(bytes + 64)
        switch shape {
        case .columns:
            text = "SELECT col0"
            var column = 1
            while text.utf8.count < bytes {
                text += ",col\(column)"
                column += 1
            }
            text += " FROM t;"
        case .insert:
            text = "INSERT INTO t (id, name) VALUES (0,'a0')"
            var row = 1
            while text.utf8.count < bytes {
                text += ",(\(row),'a\(row)')"
                row += 1
            }
            text += ";"
        case .inList:
            text = "SELECT * FROM t WHERE id IN (0"
            var value = 1
            while text.utf8.count < bytes {
                text += ", \(value * 7)"
                value += 1
            }
            text += ");"
        case .string:
            text = "SELECT '" + String(repeating: "abcdefghij", count: bytes / 10) + "' AS s;"
        case .comment:
            text = "SELECT 1 /* " + String(repeating: "lorem ipsum ", count: bytes / 12) + " */;"
        case .nested:
            text =
                "SELECT " + String(repeating: "(", count: bytes / 2) + "1" + String(repeating: ")", count: bytes / 2)
                + ";"
        case .lines:
            text = "SELECT a,"
            var column = 0
            while text.utf8.count < bytes {
                text += "\n  col\(column),"
                column += 1
            }
            text += "\n  z FROM t;"
        }
        return text
    }

    /// A log of one entry, timed where the format times statements, holding `statement`.
    static func log(_ log: Log, holding statement: String) -> [UInt8] {
        let text: String
        switch log {
        case .mysqlSlow:
            text =
                "# Time: 2024-01-01T00:00:00.000000Z\n# User@Host: app[app] @ localhost []  Id: 1\n"
                + "# Query_time: 1.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 1\nSET timestamp=1704067200;\n"
                + statement + "\n"
        case .postgresStderr:
            // Further lines of a message start with a tab.
            text =
                "2024-01-01 00:00:00.000 UTC [123] LOG:  duration: 1500.000 ms  statement: "
                + statement.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n\t") + "\n"
        case .mysqlGeneral:
            text = "2024-01-01T00:00:00.000000Z\t    5 Query\t" + statement + "\n"
        }
        return Array(text.utf8)
    }
}
