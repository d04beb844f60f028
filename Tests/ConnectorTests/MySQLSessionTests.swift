import AdvisorCore
import MySQLConnector
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

    @Test func requiredTLSFailsAgainstAServerWithoutIt() throws {
        // The test server is started without certificates, so only an unencrypted session is possible.
        #expect(throws: ConnectionError.self) { try MySQLSession.open(ownerURL() + "?ssl-mode=REQUIRED") }
        #expect(throws: Never.self) { try MySQLSession.open(ownerURL() + "?ssl-mode=PREFERRED") }
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
