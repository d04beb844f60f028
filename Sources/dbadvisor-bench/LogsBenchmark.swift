import AdvisorCore
import Foundation

/// `dbadvisor-bench logs [--statements N] [--directory DIR] [--repetitions N] [--reuse]`: writes a PostgreSQL
/// stderr log in the `log_min_duration_statement = 0` style (prefix `%m [%p] %q%u@%d `, some
/// multi-line statements and extended-protocol executions with `DETAIL: parameters`) and a MySQL
/// slow log, each of N statements (1,000,000 by default), then times `QueryLogReader.read` on them
/// alone, single core: MB/s and statements/s. `--reuse` reads the logs a previous run left in the
/// directory instead of writing them again (to profile the reading alone). Asserts nothing.
enum LogsBenchmark {
    static func run(arguments: [String]) throws {
        func value(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.dropFirst($0 + 1).first }
        }
        let statements = value("--statements").flatMap(Int.init) ?? 1_000_000
        let repetitions = value("--repetitions").flatMap(Int.init) ?? 3
        let directory = URL(fileURLWithPath: value("--directory") ?? NSTemporaryDirectory())
        let logs = [
            ("PostgreSQL stderr", directory.appendingPathComponent("dbadvisor-bench-postgres.log"), postgresLog),
            ("MySQL slow log", directory.appendingPathComponent("dbadvisor-bench-mysql-slow.log"), mysqlSlowLog),
        ]
        print("dbadvisor-bench logs: \(statements) statements per log; median of \(repetitions) passes, one core.\n")
        print("| log | MB | statements read | seconds | MB/s | statements/s |")
        print("| --- | --: | --: | --: | --: | --: |")
        for (name, url, generate) in logs {
            if !(arguments.contains("--reuse") && FileManager.default.fileExists(atPath: url.path)) {
                try write(url, statements: statements, generate)
            }
            let bytes = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            var read = 0
            var times: [Double] = []
            for _ in 0..<max(repetitions, 1) {
                let start = Date()
                read = 0
                try QueryLogReader.read(QueryLogInput(path: url.path)) { _ in read += 1 }
                times.append(Date().timeIntervalSince(start))
            }
            let seconds = times.sorted()[times.count / 2]
            let megabytes = Double(bytes) / 1e6
            print(
                "| \(name) | \(fixed(megabytes, 1)) | \(read) | \(fixed(seconds, 2)) | \(fixed(megabytes / seconds, 1)) "
                    + "| \(fixed(Double(read) / seconds, 0)) |")
        }
        print("\ninputs: \(logs.map(\.1.path).joined(separator: ", ")) (kept for pt-query-digest / pgbadger runs)")
    }

    /// Writes `statements` entries made by `generate` in blocks of 10,000.
    private static func write(_ url: URL, statements: Int, _ generate: (Int, inout String) -> Void) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var index = 0
        while index < statements {
            var block = ""
            block.reserveCapacity(3_000_000)
            for number in index..<min(index + 10_000, statements) { generate(number, &block) }
            try handle.write(contentsOf: Data(block.utf8))
            index += 10_000
        }
    }

    private static let tables = ["orders", "customers", "order_items", "products", "invoices", "payments"]

    private static func postgresLog(_ number: Int, _ out: inout String) {
        let second = number / 2000
        let time = "2026-03-01 \(two(10 + second / 3600 % 12)):\(two(second / 60 % 60)):\(two(second % 60))"
        let millis = String(number % 1000).leftPadded(3)
        let pid = 4000 + number % 64
        let prefix = "\(time).\(millis) UTC [\(pid)] app@shop "
        let duration = "\(number % 97).\(String(number % 1000).leftPadded(3))"
        let table = tables[number % tables.count]
        switch number % 10 {
        case 0:
            out += "\(prefix)LOG:  duration: \(duration) ms  execute <unnamed>: SELECT * FROM \(table) WHERE id = $1\n"
            out += "\(prefix)DETAIL:  parameters: $1 = '\(number)'\n"
        case 1:
            out += "\(prefix)LOG:  duration: \(duration) ms  statement: SELECT o.id, o.total\n"
            out +=
                "\tFROM \(table) o\n\tWHERE o.customer_id = \(number % 5000)\n\tORDER BY o.created_at DESC LIMIT 20\n"
        case 2:
            out += "\(prefix)LOG:  duration: \(duration) ms  statement: UPDATE \(table) SET updated_at = now() "
            out += "WHERE id = \(number)\n"
        default:
            out += "\(prefix)LOG:  duration: \(duration) ms  statement: SELECT id, name, status FROM \(table) "
            out += "WHERE customer_id = \(number % 7919) AND status = 'open'\n"
        }
    }

    private static func mysqlSlowLog(_ number: Int, _ out: inout String) {
        let second = number / 2000
        let time = "2026-03-01T\(two(10 + second / 3600 % 12)):\(two(second / 60 % 60)):\(two(second % 60))"
        let table = tables[number % tables.count]
        out += "# Time: \(time).\(String(number % 1_000_000).leftPadded(6))Z\n"
        out += "# User@Host: app[app] @ web1 [10.0.0.\(number % 200)]  Id: \(100 + number % 64)\n"
        out += "# Query_time: 0.\(String(number % 1_000_000).leftPadded(6))  Lock_time: 0.000012 "
        out += "Rows_sent: \(number % 50)  Rows_examined: \(number % 5000)\n"
        out += "SET timestamp=\(1_772_359_200 + second);\n"
        if number % 10 == 1 {
            out += "SELECT o.id, o.total\nFROM \(table) o\nWHERE o.customer_id = \(number % 5000)\nLIMIT 20;\n"
        } else {
            out += "SELECT id, name, status FROM \(table) WHERE customer_id = \(number % 7919) AND status = 'open';\n"
        }
    }

    private static func two(_ value: Int) -> String { String(value).leftPadded(2) }
}

extension String {
    /// Zero-padded on the left to `width` characters.
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
