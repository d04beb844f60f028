import AdvisorCore
import Foundation
import PostgresConnector

/// `dbadvisor-bench scan URL [--repetitions N]`: times `PostgresScanner.scan` (what `dbadvisor scan`
/// runs) against a live server, per collector and in all, then the rules on the snapshot, and reads
/// the server's own time for each of dbadvisor's queries from `pg_stat_statements`. Made for the
/// catalog `scripts/bench-catalog.sh` builds; asserts nothing.
enum ScanBenchmark {
    static func run(arguments: [String]) throws {
        guard let url = arguments.first else {
            print("usage: dbadvisor-bench scan URL [--repetitions N]   (URL from scripts/bench-catalog.sh)")
            exit(2)
        }
        let repetitions =
            arguments.firstIndex(of: "--repetitions").flatMap { index in
                arguments.dropFirst(index + 1).first.flatMap(Int.init)
            } ?? 5
        var steps: [String: [Double]] = [:]
        var totals: [Double] = []
        var rules: [Double] = []
        var snapshot: Snapshot?
        for _ in 0..<max(repetitions, 1) {
            var current: (name: String, start: Double)?
            let start = now()
            let outcome = try PostgresScanner.scan(url, options: PostgresScanner.Options()) { step in
                let time = now()
                if let current { steps[current.name, default: []].append(time - current.start) }
                current = (step, time)
            }
            let end = now()
            if let current { steps[current.name, default: []].append(end - current.start) }
            totals.append(end - start)
            let rulesStart = now()
            _ = RuleEngine.defaults.run(outcome.snapshot)
            rules.append(now() - rulesStart)
            snapshot = outcome.snapshot
        }
        guard let snapshot else { return }
        print(
            "catalog: \(snapshot.tables.count) tables, \(snapshot.indexes.count) indexes, "
                + "\(snapshot.foreignKeys.count) foreign keys, \(snapshot.statements.count) statements; "
                + "median of \(totals.count) scans\n")
        print("| step | median s | max s |")
        print("| --- | --: | --: |")
        for (name, times) in steps.sorted(by: { median($0.value) > median($1.value) }) {
            print("| \(name) | \(fixed(median(times), 3)) | \(fixed(times.max() ?? 0, 3)) |")
        }
        print("| **whole scan** | \(fixed(median(totals), 3)) | \(fixed(totals.max() ?? 0, 3)) |")
        print("| rules on the snapshot | \(fixed(median(rules), 3)) | \(fixed(rules.max() ?? 0, 3)) |")
        try printServerTimes(url)
    }

    /// The server's execution time of each dbadvisor query (named by its `-- pg_name:` header).
    private static func printServerTimes(_ url: String) throws {
        let session = try LibPQSession.open(url)
        let rows = try session.rows(
            """
            SELECT substring(query FROM '^-- (pg_[a-z0-9_]+):') AS name, calls,
                   mean_exec_time, max_exec_time
            FROM pg_stat_statements
            WHERE query LIKE '-- pg\\_%' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY max_exec_time DESC
            """)
        print("\nserver time per query (pg_stat_statements of this database):\n")
        print("| query | calls | mean ms | max ms |")
        print("| --- | --: | --: | --: |")
        for row in rows {
            let cells = ["name", "calls", "mean_exec_time", "max_exec_time"].map { (row[$0] ?? nil) ?? "" }
            let numbers = cells.dropFirst(2).map { Double($0).map { fixed($0, 1) } ?? $0 }
            print("| \(cells[0]) | \(cells[1]) | \(numbers.joined(separator: " | ")) |")
        }
    }

    private static func now() -> Double { Date().timeIntervalSinceReferenceDate }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
