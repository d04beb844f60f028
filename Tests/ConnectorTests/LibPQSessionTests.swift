import AdvisorCore
import Foundation
import PostgresConnector
import TestSupport
import Testing

@Suite(.enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage))
struct LibPQSessionTests {
    private func ownerSession(_ limits: LibPQSession.Limits = .init()) throws -> LibPQSession {
        let url = try #require(
            LiveServers.postgresURL, "DBADVISOR_TEST_PG_URL is not set (scripts/test-servers.sh env)")
        return try LibPQSession.open(url, limits: limits)
    }

    @Test func explainsASeededQueryAsJSON() throws {
        let session = try ownerSession()
        let rows = try session.rows("EXPLAIN (FORMAT JSON) SELECT id FROM orders WHERE status = 'refunded'")
        #expect(rows.count == 1)
        let plan = try #require(rows.first?["QUERY PLAN"] ?? nil)
        #expect(plan.hasPrefix("["))
        #expect(plan.contains("\"Relation Name\": \"orders\""))
        #expect(session.serverVersion >= 120000)
    }

    @Test func sessionIsReadOnlyWithLimitsAndName() throws {
        let session = try ownerSession(.init(statementTimeoutMs: 20_000, lockTimeoutMs: 2_000))
        let settings = try session.rows(
            """
            SELECT current_setting('default_transaction_read_only') AS read_only,
                   current_setting('statement_timeout') AS statement_timeout,
                   current_setting('lock_timeout') AS lock_timeout,
                   current_setting('application_name') AS application_name
            """)
        #expect(
            settings == [
                ["read_only": "on", "statement_timeout": "20s", "lock_timeout": "2s", "application_name": "dbadvisor"]
            ])
        let error = #expect(throws: ServerError.self) {
            try session.rows("INSERT INTO countries (code, name) VALUES ('ZZ', 'Nowhere')")
        }
        #expect(error?.sqlState == "25006")  // read_only_sql_transaction
        #expect(error?.engine == .postgres)
    }

    @Test func passesParametersAndNulls() throws {
        let rows = try ownerSession().rows("SELECT $1::integer + 1 AS answer, $2::text AS nothing", ["41", nil])
        let expected: [LibPQSession.Row] = [["answer": "42", "nothing": nil]]
        #expect(rows == expected)
    }

    @Test func statementTimeoutStopsALongStatement() throws {
        let session = try ownerSession(.init(statementTimeoutMs: 100))
        let error = #expect(throws: ServerError.self) { try session.rows("SELECT pg_sleep(2)") }
        #expect(error?.sqlState == "57014")  // query_canceled
    }

    @Test func wrongPasswordIsAClearErrorWithoutThePassword() throws {
        let url = try #require(
            LiveServers.postgresURL, "DBADVISOR_TEST_PG_URL is not set (scripts/test-servers.sh env)")
        let wrongPassword = "not-the-Password-4711"
        let error = #expect(throws: ConnectionError.self) {
            try LibPQSession.open(LiveServers.withPassword(wrongPassword, in: url))
        }
        let text = try #require(error).description
        #expect(text.contains("password authentication failed"))
        #expect(text.contains("127.0.0.1"))
        #expect(!text.contains(wrongPassword))
    }

    @Test func monitoringLoginReadsStatisticsButNotTables() throws {
        let url = try #require(LiveServers.postgresMonitorURL, "DBADVISOR_TEST_PG_MONITOR_URL is not set")
        let session = try LibPQSession.open(url)
        let counted = try session.rows("SELECT count(*) AS statements FROM pg_stat_statements")
        #expect(counted.count == 1)
        let error = #expect(throws: ServerError.self) { try session.rows("SELECT id FROM orders LIMIT 1") }
        #expect(error?.sqlState == "42501")  // insufficient_privilege
    }
}

/// TLS as production connections use it: the test server offers it with a certificate from a private
/// authority; `sslmode=verify-full` with that authority connects encrypted, with another one it is refused.
@Suite(.enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage))
struct LibPQSessionTLSTests {
    private static let authority = ProcessInfo.processInfo.environment["DBADVISOR_TEST_CA"]

    @Test func verifyFullConnectsEncryptedAndScans() throws {
        let url = try #require(LiveServers.postgresMonitorURL)
        let authority = try #require(Self.authority, "DBADVISOR_TEST_CA is not set (scripts/test-servers.sh env)")
        let session = try LibPQSession.open("\(url)?sslmode=verify-full&sslrootcert=\(authority)")
        let row = try #require(try session.rows("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first)
        #expect(row["ssl"] == "t")
        let scan = try CommandRunner.run(
            ["scan", "\(url)?sslmode=verify-full&sslrootcert=\(authority)", "--no-history", "--format", "json", "-q"])
        #expect(scan.exitCode == 0, "\(scan.stderr)")
    }

    @Test func verifyFullRefusesACertificateFromAnotherAuthority() throws {
        let url = try #require(LiveServers.postgresMonitorURL)
        // A certificate authority that did not sign the server's certificate: the system's bundle.
        let result = try CommandRunner.run(
            ["scan", "\(url)?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca-certificates.crt", "--no-history"])
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("certificate"), "\(result.stderr)")
        #expect(!result.stderr.contains("monitor-pw-1"))
    }
}
