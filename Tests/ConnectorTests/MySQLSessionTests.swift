import AdvisorCore
import Foundation
import MySQLConnector
import TestSupport
import Testing

@Suite(.enabled(if: LiveServers.mysqlIsUsable, LiveServers.mysqlSkipMessage))
struct MySQLSessionTests {
    private func ownerURL() throws -> String {
        try #require(LiveServers.mysqlURL, "DBADVISOR_TEST_MYSQL_URL is not set (scripts/test-servers.sh env)")
    }

    @Test func explainsASeededQueryAsJSON() throws {
        let session = try MySQLSession.open(ownerURL())
        let rows = try session.rows("EXPLAIN FORMAT=JSON SELECT id FROM orders WHERE status = 'refunded'")
        #expect(rows.count == 1)
        let plan = try #require(rows.first?["EXPLAIN"] ?? nil)
        #expect(plan.contains("\"table_name\": \"orders\""))
        #expect(session.engine == .mariadb)
    }

    @Test func sessionIsReadOnlyWithLimits() throws {
        let session = try MySQLSession.open(
            ownerURL(), limits: .init(statementTimeoutMs: 20_000, lockTimeoutSeconds: 3))
        let settings = try session.rows(
            "SELECT @@session.max_statement_time AS statement_time, @@session.lock_wait_timeout AS lock_wait")
        #expect(settings == [["statement_time": "20.000000", "lock_wait": "3"]])
        let error = #expect(throws: ServerError.self) {
            try session.rows("INSERT INTO countries (code, name) VALUES ('ZZ', 'Nowhere')")
        }
        #expect(error?.sqlState == "25006")  // read-only transaction
        #expect(error?.engine == .mariadb)
    }

    @Test func returnsNullsAsNil() throws {
        let rows = try MySQLSession.open(ownerURL()).rows("SELECT 41 + 1 AS answer, NULL AS nothing")
        let expected: [MySQLSession.Row] = [["answer": "42", "nothing": nil]]
        #expect(rows == expected)
    }

    @Test func wrongPasswordIsAClearErrorWithoutThePassword() throws {
        let wrongPassword = "not-the-Password-4711"
        let error = #expect(throws: ConnectionError.self) {
            try MySQLSession.open(LiveServers.withPassword(wrongPassword, in: ownerURL()))
        }
        let text = try #require(error).description
        #expect(text.contains("Access denied"))
        #expect(!text.contains(wrongPassword))
    }

    @Test func requiredTLSIsEncryptedAndDisabledIsNot() throws {
        // The test server offers TLS (scripts/test-servers.sh): REQUIRED gets it, DISABLED does without.
        func cipher(_ mode: String) throws -> String {
            let session = try MySQLSession.open(ownerURL() + "?ssl-mode=\(mode)")
            let row = try #require(try session.rows("SHOW SESSION STATUS LIKE 'Ssl_cipher'").first)
            return (row["Value"] ?? nil) ?? ""
        }
        #expect(try !cipher("REQUIRED").isEmpty)
        #expect(try cipher("DISABLED").isEmpty)
    }

    @Test func monitoringLoginReadsPerformanceSchemaButNotTables() throws {
        let url = try #require(LiveServers.mysqlMonitorURL, "DBADVISOR_TEST_MYSQL_MONITOR_URL is not set")
        let session = try MySQLSession.open(url)
        let digests = try session.rows(
            "SELECT count(*) AS digests FROM performance_schema.events_statements_summary_by_digest")
        #expect(digests.count == 1)
        let error = #expect(throws: ServerError.self) { try session.rows("SELECT id FROM shop.orders LIMIT 1") }
        #expect(error?.sqlState == "42000")  // ER_TABLEACCESS_DENIED_ERROR
    }
}

/// TLS as production connections use it: the test MariaDB offers it with a certificate from a private
/// authority; `ssl-mode=VERIFY_IDENTITY` with that authority connects encrypted, with another one it is refused.
@Suite(.enabled(if: LiveServers.mysqlIsUsable, LiveServers.mysqlSkipMessage))
struct MySQLSessionTLSTests {
    private static let authority = ProcessInfo.processInfo.environment["DBADVISOR_TEST_CA"]

    @Test func verifyIdentityConnectsEncryptedAndScans() throws {
        let url = try #require(LiveServers.mysqlMonitorURL)
        let authority = try #require(Self.authority, "DBADVISOR_TEST_CA is not set (scripts/test-servers.sh env)")
        let tls = "\(url)?ssl-mode=VERIFY_IDENTITY&ssl-ca=\(authority)"
        let session = try MySQLSession.open(tls)
        let cipher = try #require(try session.rows("SHOW SESSION STATUS LIKE 'Ssl_cipher'").first)
        #expect(!((cipher["Value"] ?? nil) ?? "").isEmpty)
        let scan = try CommandRunner.run(["scan", tls, "--no-history", "--format", "json", "-q"])
        #expect(scan.exitCode == 0, "\(scan.stderr)")
    }

    @Test func verifyIdentityRefusesACertificateFromAnotherAuthority() throws {
        let url = try #require(LiveServers.mysqlMonitorURL)
        let result = try CommandRunner.run(
            ["scan", "\(url)?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/certs/ca-certificates.crt", "--no-history"])
        #expect(result.exitCode == 3)
        #expect(!result.stderr.contains("monitor-pw-1"))
    }
}
