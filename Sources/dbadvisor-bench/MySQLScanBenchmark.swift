import AdvisorCore
import AdvisorQueries
import Foundation
import MySQLConnector

/// `dbadvisor-bench scan-mysql URL [--repetitions N] [--explain-top N]`: times each of dbadvisor's MySQL
/// queries (`Queries/mysql`), the statement-history collector with its N+1 detection, `--explain-top`
/// on the most expensive digests, and the rules, against a live server; the whole scan is their sum.
/// Made for the catalog `scripts/bench-catalog-mysql.sh` builds; asserts nothing.
enum MySQLScanBenchmark {
    static func run(arguments: [String]) throws {
        guard let url = arguments.first else {
            print("usage: dbadvisor-bench scan-mysql URL [--repetitions N] [--explain-top N]")
            exit(2)
        }
        let repetitions = max(number(after: "--repetitions", in: arguments) ?? 5, 1)
        let explainTop = number(after: "--explain-top", in: arguments) ?? 10
        let session = try MySQLSession.open(url)
        let server = MySQLServer(engine: session.engine, version: session.serverVersion)
        let queries = QueryText.allCases.filter { $0.path.hasPrefix("mysql/") }
        var steps: [String: [Double]] = [:]
        var rowCounts: [String: Int] = [:]
        var totals: [Double] = []
        var snapshot = Snapshot(server: ServerInfo(engine: server.engine, version: server.version))
        for _ in 0..<repetitions {
            var total = 0.0
            for query in queries {
                let (rows, seconds) = try timed { try session.rows(query) }
                steps[query.rawValue, default: []].append(seconds)
                rowCounts[query.rawValue] = rows.count
                total += seconds
            }
            snapshot = Snapshot(server: ServerInfo(engine: server.engine, version: server.version))
            snapshot.statements = try digests(session)
            var collected = snapshot
            let (_, historySeconds) = try timed {
                try MySQLHistoryCollector.collect(from: session, server: server, into: &collected)
            }
            steps["statement history → N+1 bursts", default: []].append(historySeconds)
            let (_, explainSeconds) = try timed {
                try MySQLExplainer.explain(
                    collected.statements, top: explainTop, analyze: false, session: session, server: server,
                    into: &collected)
            }
            steps["--explain-top \(explainTop)", default: []].append(explainSeconds)
            let (_, rulesSeconds) = timed { RuleEngine.defaults.run(collected) }
            steps["rules on the snapshot", default: []].append(rulesSeconds)
            totals.append(total + historySeconds + explainSeconds + rulesSeconds)
            snapshot = collected
        }
        print(
            "\(server.version): \(snapshot.statements.count) digests, \(snapshot.queryBursts.count) N+1 pairs, "
                + "\(snapshot.plans.count) plans; median of \(totals.count) runs\n")
        print("| step | rows | median s | max s |")
        print("| --- | --: | --: | --: |")
        for (name, times) in steps.sorted(by: { median($0.value) > median($1.value) }) {
            let rows = rowCounts[name].map(String.init) ?? ""
            print("| \(name) | \(rows) | \(fixed(median(times), 3)) | \(fixed(times.max() ?? 0, 3)) |")
        }
        print("| **whole scan** | | \(fixed(median(totals), 3)) | \(fixed(totals.max() ?? 0, 3)) |")
    }

    /// The digest table as statements (what `--explain-top` ranks), read here until the digest collector
    /// of the MySQL scan times it among the queries.
    private static func digests(_ session: MySQLSession) throws -> [StatementStats] {
        let rows = try session.rows(
            """
            SELECT DIGEST AS digest, DIGEST_TEXT AS digest_text, SCHEMA_NAME AS schema_name, COUNT_STAR AS calls,
                   SUM_TIMER_WAIT / 1000000000 AS total_ms, SUM_ROWS_SENT AS rows_sent
              FROM performance_schema.events_statements_summary_by_digest
             WHERE DIGEST IS NOT NULL
            """)
        return rows.compactMap { row in
            guard let id = row["digest"] ?? nil, let text = row["digest_text"] ?? nil else { return nil }
            return StatementStats(
                id: id, text: text, database: row["schema_name"] ?? nil,
                calls: Int((row["calls"] ?? nil) ?? "") ?? 0,
                totalTimeMs: Double((row["total_ms"] ?? nil) ?? "") ?? 0,
                rows: Int((row["rows_sent"] ?? nil) ?? "") ?? 0)
        }
    }

    private static func number(after flag: String, in arguments: [String]) -> Int? {
        arguments.firstIndex(of: flag).flatMap { arguments.dropFirst($0 + 1).first.flatMap(Int.init) }
    }

    private static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = Date().timeIntervalSinceReferenceDate
        let value = try body()
        return (value, Date().timeIntervalSinceReferenceDate - start)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
