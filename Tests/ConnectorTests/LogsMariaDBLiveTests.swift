import Foundation
import MySQLConnector
import TestSupport
import Testing

/// `dbadvisor logs` calibrated on the test MariaDB's slow log: a session lowers `long_query_time` to 0 for
/// itself (the server logs nothing faster than 10 s otherwise), runs an ORM-style N+1 loop or a workload
/// without one, and the built binary reads the slow-log entries written meanwhile.
@Suite(.enabled(if: LiveServers.mysqlIsUsable, LiveServers.mysqlSkipMessage), .serialized)
struct LogsMariaDBLiveTests {
    /// The slow log `scripts/test-servers.sh` starts MariaDB with.
    private static let log = ServerLogTail(
        path: ProcessInfo.processInfo.environment["DBADVISOR_TEST_MYSQL_SLOW_LOG"]
            ?? "/tmp/dbadvisor-servers/mariadb/slow.log")

    /// Runs `workload` in a session whose every statement goes to the slow log, and returns the entries
    /// written meanwhile (in a temporary file the caller removes).
    private func logged(name: String, _ workload: (MySQLSession) throws -> Void) throws -> URL {
        let url = try #require(
            LiveServers.mysqlURL, "DBADVISOR_TEST_MYSQL_URL is not set (scripts/test-servers.sh env)")
        return try Self.log.capture(name: name) { marker in
            let session = try MySQLSession.open(url)
            _ = try session.rows("SET SESSION long_query_time = 0")
            try workload(session)
            _ = try session.rows("SELECT '\(marker)'")
        }
    }

    @Test(.enabled(if: log.isUsable, "the test server's slow log is not readable here"))
    func ormLoopIsTheOneBurst() throws {
        let log = try logged(name: "mariadb-n-plus-one") { session in
            for list in 0..<6 {
                let orders = try session.rows(
                    "SELECT id, customer_id FROM orders ORDER BY id LIMIT 8 OFFSET \(list * 8)")
                #expect(orders.count == 8)
                for order in orders {
                    let customer = try #require(order["customer_id"] ?? nil)
                    _ = try session.rows("SELECT id, email, city FROM customers WHERE id = \(customer)")
                }
            }
        }
        defer { try? FileManager.default.removeItem(at: log) }
        let (findings, statements) = try ServerLogTail.report(log)
        #expect(statements >= 2)
        let bursts = findings.filter { $0["rule_id"] as? String == "n-plus-one-burst" }
        #expect(bursts.count == 1, "\(bursts)")
        let message = bursts.first?["message"] as? String ?? ""
        #expect(message.contains("FROM customers WHERE id"), "\(message)")
        #expect(message.contains("ran 48 times in 6 bursts"), "\(message)")
        #expect(message.contains("after \"SELECT id, customer_id FROM orders"), "\(message)")
        // The slow log counts each statement's rows: every list returned as many orders as the loop ran.
        #expect(message.contains("6 of 6 bursts had as many calls as it returned rows"), "\(message)")
        try FixSQLCheck.expectAcceptedByMariaDB(
            FixSQLCheck.fixes(findings), url: try #require(LiveServers.mysqlURL), "MariaDB N+1 log")
    }

    /// `log_slow_verbosity = query_plan` adds how each statement ran; a scan without an index and an on-disk sort
    /// reach the statement profile as performance_schema would count them.
    @Test(.enabled(if: log.isUsable, "the test server's slow log is not readable here"))
    func queryPlanVerbosityCountsFullScans() throws {
        let log = try logged(name: "mariadb-query-plan") { session in
            _ = try session.rows("SET SESSION log_slow_verbosity = 'query_plan'")
            for _ in 0..<3 { _ = try session.rows("SELECT count(*) FROM orders WHERE note LIKE '%gift%'") }
        }
        defer { try? FileManager.default.removeItem(at: log) }
        let result = try CommandRunner.run(["logs", log.path, "--format", "json", "--quiet"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let statements = try #require(object["statements"] as? [[String: Any]])
        let scan = try #require(statements.first { ($0["text"] as? String)?.contains("note like") == true })
        #expect(scan["calls"] as? Int == 3)
        #expect(scan["no_index_used_calls"] as? Int == 3, "\(scan)")
    }

    @Test(.enabled(if: log.isUsable, "the test server's slow log is not readable here"))
    func workloadWithoutALoopHasNoBurst() throws {
        let log = try logged(name: "mariadb-clean") { session in
            for list in 0..<6 {
                _ = try session.rows(
                    """
                    SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id
                    ORDER BY o.id LIMIT 8 OFFSET \(list * 8)
                    """)
                _ = try session.rows("SELECT count(*) FROM order_items WHERE order_id = \(list + 1)")
                _ = try session.rows("SELECT name FROM products WHERE id = \(list + 1)")
            }
        }
        defer { try? FileManager.default.removeItem(at: log) }
        let (findings, statements) = try ServerLogTail.report(log)
        #expect(statements >= 3)
        #expect(!findings.contains { $0["rule_id"] as? String == "n-plus-one-burst" })
    }
}
