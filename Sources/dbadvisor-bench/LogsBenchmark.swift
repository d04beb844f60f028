import AdvisorCore
import Foundation

/// `dbadvisor-bench logs [--statements N] [--directory DIR] [--repetitions N] [--reuse] [--log-line-prefix P]
/// [--write DIR]`: generates a PostgreSQL stderr log and a MySQL slow log of N statements each (1,000,000 by
/// default; see `GeneratedQueryLog`), as `postgresql-N.log` and `mysql-slow-N.log` in the directory, then times
/// `QueryLogReader.read` on them alone, single core: MB/s and statements/s. `--reuse` reads the logs a previous
/// run left in the directory instead of writing them again (to profile the reading alone). Asserts nothing.
/// `--write DIR` only writes the logs, for `scripts/bench-logs.sh` to run dbadvisor, pt-query-digest and
/// pgbadger on them.
enum LogsBenchmark {
    /// The `log_line_prefix` of the generated PostgreSQL log unless `--log-line-prefix` says otherwise: one
    /// that pgbadger's `--prefix` understands too.
    static let defaultPrefix = "%t [%p]: user=%u,db=%d,app=%a,client=%h "

    static func run(arguments: [String]) throws {
        func value(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.dropFirst($0 + 1).first }
        }
        let statements = value("--statements").flatMap(Int.init) ?? 1_000_000
        let repetitions = value("--repetitions").flatMap(Int.init) ?? 3
        let prefixText = value("--log-line-prefix") ?? defaultPrefix
        let prefix = try PostgresPrefixRenderer(prefixText)
        let writeOnly = value("--write")
        let directory = URL(fileURLWithPath: writeOnly ?? value("--directory") ?? NSTemporaryDirectory())
        let logs: [(name: String, url: URL, format: GeneratedQueryLog.Format)] = [
            (
                "PostgreSQL stderr", directory.appendingPathComponent("postgresql-\(statements).log"),
                .postgresStderr(prefix)
            ),
            ("MySQL slow log", directory.appendingPathComponent("mysql-slow-\(statements).log"), .mysqlSlow),
        ]
        if writeOnly != nil {
            for log in logs {
                let start = Date()
                try GeneratedQueryLog.write(log.format, statements: statements, to: log.url)
                let megabytes = Double(try size(of: log.url)) / 1e6
                print(
                    "\(log.url.path): \(statements) statements, \(fixed(megabytes, 1)) MB, "
                        + "written in \(fixed(Date().timeIntervalSince(start), 1)) s")
            }
            return
        }
        print("dbadvisor-bench logs: \(statements) statements per log; median of \(repetitions) passes, one core.")
        print("PostgreSQL log_line_prefix: '\(prefixText)'\n")
        print("| log | MB | statements read | unparsable lines | seconds | MB/s | statements/s |")
        print("| --- | --: | --: | --: | --: | --: | --: |")
        for log in logs {
            if !(arguments.contains("--reuse") && FileManager.default.fileExists(atPath: log.url.path)) {
                try GeneratedQueryLog.write(log.format, statements: statements, to: log.url)
            }
            let bytes = try size(of: log.url)
            var options = QueryLogReader.Options()
            if case .postgresStderr = log.format { options.logLinePrefix = PostgresLogLinePrefix(prefixText) }
            var read = 0
            var unparsable = 0
            var times: [Double] = []
            for _ in 0..<max(repetitions, 1) {
                let start = Date()
                read = 0
                let summary = try QueryLogReader.read(QueryLogInput(path: log.url.path), options: options) { _ in
                    read += 1
                }
                unparsable = summary.unparsableLines
                times.append(Date().timeIntervalSince(start))
            }
            let seconds = times.sorted()[times.count / 2]
            let megabytes = Double(bytes) / 1e6
            print(
                "| \(log.name) | \(fixed(megabytes, 1)) | \(read) | \(unparsable) | \(fixed(seconds, 2)) "
                    + "| \(fixed(megabytes / seconds, 1)) | \(fixed(Double(read) / seconds, 0)) |")
        }
        print("\ninputs: \(logs.map(\.url.path).joined(separator: ", ")) (kept for pt-query-digest / pgbadger runs)")
    }

    private static func size(of url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }
}
