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
        let before = try serverCounters(url)
        try measure(repetitions: repetitions) { progress in
            try PostgresScanner.scan(url, options: PostgresScanner.Options(), progress: progress)
        }
        try printServerTimes(before: before, url: url)
    }

    /// Runs `scan` `repetitions` times and prints the median time of each progress step, of the whole
    /// scan, and of the rules on its snapshot: what any scanner costs, whatever its engine.
    static func measure(
        repetitions: Int, _ scan: (_ progress: (String) -> Void) throws -> ScanOutcome
    ) throws {
        var steps: [String: [Double]] = [:]
        var totals: [Double] = []
        var rules: [Double] = []
        var snapshot: Snapshot?
        for _ in 0..<max(repetitions, 1) {
            var current: (name: String, start: Double)?
            let start = now()
            let outcome = try scan { step in
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
        printRuleTimes(snapshot)
    }

    /// The five slowest rules on the snapshot, one pass each.
    private static func printRuleTimes(_ snapshot: Snapshot) {
        let times = RuleEngine.defaults.rules.map { rule -> (String, Double) in
            let start = now()
            _ = RuleEngine(rules: [rule]).run(snapshot)
            return (type(of: rule).description.id, now() - start)
        }
        let slowest = times.sorted { $0.1 > $1.1 }.prefix(5)
        print("\nslowest rules: " + slowest.map { "\($0.0) \(fixed($0.1, 3)) s" }.joined(separator: ", "))
    }

    /// dbadvisor's queries in `pg_stat_statements` of this database, by query id: name, calls, total ms.
    private static func serverCounters(_ url: String) throws -> [String: (name: String, calls: Double, totalMs: Double)]
    {
        let session = try LibPQSession.open(url)
        let rows = try session.rows(
            """
            SELECT queryid::text AS id, substring(query FROM '^-- (pg_[a-z0-9_]+):') AS name, calls,
                   total_exec_time
            FROM pg_stat_statements
            WHERE query LIKE '-- pg\\_%' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            """)
        var counters: [String: (name: String, calls: Double, totalMs: Double)] = [:]
        for row in rows {
            guard let id = row["id"] ?? nil, let name = row["name"] ?? nil else { continue }
            counters[id] = (
                name, Double((row["calls"] ?? nil) ?? "") ?? 0, Double((row["total_exec_time"] ?? nil) ?? "") ?? 0
            )
        }
        return counters
    }

    /// The server's mean execution time of each of dbadvisor's queries during the scans measured.
    private static func printServerTimes(before: [String: (name: String, calls: Double, totalMs: Double)], url: String)
        throws
    {
        let after = try serverCounters(url)
        print("\nserver time per query during these scans (pg_stat_statements of this database):\n")
        print("| query | calls | mean ms |")
        print("| --- | --: | --: |")
        let deltas = after.compactMap { id, now -> (String, Double, Double)? in
            let calls = now.calls - (before[id]?.calls ?? 0)
            guard calls > 0 else { return nil }
            return (now.name, calls, (now.totalMs - (before[id]?.totalMs ?? 0)) / calls)
        }
        for (name, calls, mean) in deltas.sorted(by: { $0.2 > $1.2 }) {
            print("| \(name) | \(Int(calls)) | \(fixed(mean, 1)) |")
        }
    }

    private static func now() -> Double { Date().timeIntervalSinceReferenceDate }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
