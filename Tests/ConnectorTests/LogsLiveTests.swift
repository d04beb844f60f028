import AdvisorCore
import Foundation
import PostgresConnector
import Testing

/// `dbadvisor logs` calibrated on the test PostgreSQLs' own logs (15 and 18): a session logs its statements
/// (`log_min_duration_statement = 0` for that session alone, as the superuser owner may set it), runs an
/// ORM-style N+1 loop or a workload without one, and the built binary reads the log lines written meanwhile.
@Suite(.enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage), .serialized)
struct LogsLiveTests {
    /// The server log `scripts/test-servers.sh` starts the server with.
    private static func log(of server: PostgresTestServer) throws -> ServerLogTail {
        let log = ServerLogTail(path: try server.require(server.logPath))
        try #require(log.isUsable, "the log of \(server.testDescription) is not readable here")
        return log
    }

    /// Runs `workload` in a session that logs every statement, and returns the log lines written meanwhile
    /// (in a temporary file the caller removes).
    private func logged(
        on server: PostgresTestServer, application: String, _ workload: (LibPQSession) throws -> Void
    ) throws -> URL {
        let url = try server.require(server.url)
        return try Self.log(of: server).capture(name: application) { marker in
            let session = try LibPQSession.open(url)
            _ = try session.rows("SET application_name = '\(application)'")
            _ = try session.rows("SET log_min_duration_statement = 0")
            try workload(session)
            _ = try session.rows("SELECT '\(marker)'")
        }
    }

    @Test(arguments: LiveServers.postgresServers)
    func ormLoopIsTheOneBurst(server: PostgresTestServer) throws {
        let log = try logged(on: server, application: "dbadvisor-logs-n-plus-one") { session in
            for list in 0..<6 {
                let orders = try session.rows(
                    "SELECT id, customer_id FROM orders ORDER BY id LIMIT 8 OFFSET $1", [String(list * 8)])
                for order in orders {
                    _ = try session.rows(
                        "SELECT id, email, city FROM customers WHERE id = $1", [order["customer_id"] ?? nil])
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
        try FixSQLCheck.expectAcceptedByPostgres(
            FixSQLCheck.fixes(findings), url: try server.require(server.url), major: server.major,
            "PostgreSQL \(server.major) N+1 log")
    }

    @Test(arguments: LiveServers.postgresServers)
    func workloadWithoutALoopHasNoBurst(server: PostgresTestServer) throws {
        let log = try logged(on: server, application: "dbadvisor-logs-clean") { session in
            for list in 0..<6 {
                _ = try session.rows(
                    """
                    SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id
                    ORDER BY o.id LIMIT 8 OFFSET $1
                    """, [String(list * 8)])
                _ = try session.rows("SELECT count(*) FROM order_items WHERE order_id = $1", [String(list + 1)])
                _ = try session.rows("SELECT name FROM products WHERE id = $1", [String(list + 1)])
            }
        }
        defer { try? FileManager.default.removeItem(at: log) }
        let (findings, statements) = try ServerLogTail.report(log)
        #expect(statements >= 3)
        #expect(!findings.contains { $0["rule_id"] as? String == "n-plus-one-burst" })
    }
}
