import AdvisorCore
import Foundation
import PostgresConnector
import Testing

/// The connection rules on real sessions: an idle transaction, a lock wait, a burst of clients through
/// the real PgBouncer, and a quiet server. Serialized: each test's sessions would disturb the others.
@Suite(.serialized, .enabled(if: LiveServers.pgbouncerIsUsable, LiveServers.pgbouncerSkipMessage))
struct ConnectionsLiveTests {
    @Test func idleTransactionIsNamedWithItsPid() throws {
        let urls = try LiveServers.requirePgBouncerURLs()
        let name = "dbadvisor-test-idle-\(UUID().uuidString.prefix(8))"
        let holder = try PsqlClient(url: urls.owner, applicationName: name)
        defer { holder.stop() }
        holder.send("BEGIN;\nSELECT count(*) FROM countries;")
        let pid = try waitForSession(named: name, state: "idle in transaction", owner: urls.owner)
        Thread.sleep(forTimeInterval: 1.2)

        let snapshot = try scan(urls)
        var options = IdleInTransactionRule.Options()
        options.minIdleSeconds = 1
        let findings = RuleEngine(rules: [IdleInTransactionRule(options: options)]).run(snapshot).findings
        let finding = try #require(findings.first { $0.object.name.contains(name) })
        #expect(finding.message.contains("session \(pid) "))
        #expect(finding.evidence.contains { $0.name == "session \(pid) idle time" && $0.value >= 1_000 })
        #expect(finding.fixSQL?.contains("SELECT pg_terminate_backend(\(pid));") == true)
        #expect(finding.fixSQL?.contains("idle_in_transaction_session_timeout") == true)
    }

    @Test func lockWaitNamesTheBlockerAndTheWaiter() throws {
        let urls = try LiveServers.requirePgBouncerURLs()
        let tag = UUID().uuidString.prefix(8)
        let holder = try PsqlClient(url: urls.owner, applicationName: "dbadvisor-test-holder-\(tag)")
        defer { holder.stop() }
        holder.send("BEGIN;\nSELECT id FROM orders WHERE id = 4711 FOR UPDATE;")
        let holderPid = try waitForSession(
            named: "dbadvisor-test-holder-\(tag)", state: "idle in transaction", owner: urls.owner)
        let waiter = try PsqlClient(url: urls.owner, applicationName: "dbadvisor-test-waiter-\(tag)")
        defer { waiter.stop() }
        waiter.send("SET lock_timeout = '30s';\nSELECT id FROM orders WHERE id = 4711 FOR UPDATE;")
        let waiterPid = try waitForSession(named: "dbadvisor-test-waiter-\(tag)", state: "active", owner: urls.owner)
        Thread.sleep(forTimeInterval: 1.2)

        let snapshot = try scan(urls)
        let waiting = try #require(snapshot.connections?.sessions.first { $0.id == waiterPid })
        #expect(waiting.blockedBy == [holderPid])
        #expect(waiting.waitEventType == "Lock")
        var options = BlockedQueriesRule.Options()
        options.minWaitSeconds = 1
        let findings = RuleEngine(rules: [BlockedQueriesRule(options: options)]).run(snapshot).findings
        let finding = try #require(findings.first { $0.object.name == "sessions blocked by session \(holderPid)" })
        #expect(finding.message.contains("idle in transaction"))
        #expect(finding.message.contains("session \(waiterPid)"))
        #expect(finding.fixSQL?.contains("pg_terminate_backend(\(holderPid))") == true)
    }

    @Test func burstThroughATinyPoolIsPoolTooSmall() throws {
        let urls = try LiveServers.requirePgBouncerURLs()
        let clients = try (0..<10).map { index in
            try PsqlClient(
                url: urls.pooled, applicationName: "dbadvisor-test-burst-\(index)", command: "SELECT pg_sleep(2)")
        }
        defer { for client in clients { client.stop() } }
        let console = try LibPQSession.openConsole(urls.admin)
        try waitUntil("clients queue in PgBouncer") {
            try console.consoleRows(.pgbouncerPools).contains { row in
                row["database"] == "shop" && Int((row["cl_waiting"] ?? nil) ?? "") ?? 0 > 0
            }
        }
        Thread.sleep(forTimeInterval: 0.8)

        let snapshot = try scan(urls)
        let pool = try #require(snapshot.connections?.pooler?.pools.first { $0.database == "shop" })
        #expect(pool.clientsWaiting > 0)
        #expect(pool.size == 2)
        #expect(pool.mode == "transaction")
        #expect(snapshot.connections?.pooler?.version?.hasPrefix("1.") == true)
        let findings = RuleEngine(rules: [ConnectionSaturationRule()]).run(snapshot).findings
        let finding = try #require(findings.first)
        #expect(finding.message.hasPrefix("Pool too small"))
        #expect(finding.recommendation.contains("raise the pool size of shop/dbadvisor_owner from 2 to"))
    }

    @Test func quietServerGivesNoConnectionFindings() throws {
        let urls = try LiveServers.requirePgBouncerURLs()
        let snapshot = try scan(urls)
        #expect(snapshot.facets.contains(.connections))
        let connections = try #require(snapshot.connections)
        #expect(connections.maxConnections > connections.usableConnections)
        #expect(connections.pooler?.pools.contains { $0.database == "shop" } == true)
        #expect(!snapshot.notices.contains { $0.code == "pg_stat_activity_restricted" })
        let rules: [any Rule] = [
            ConnectionSaturationRule(), IdleInTransactionRule(), BlockedQueriesRule(), LongRunningQueryRule(),
        ]
        #expect(RuleEngine(rules: rules).run(snapshot).findings.isEmpty)
    }

    @Test func unreachablePgBouncerIsANoticeWithoutThePassword() throws {
        let urls = try LiveServers.requirePgBouncerURLs()
        let password = "not-the-Password-4711"
        let wrongLogin = try LiveServers.withPassword(password, in: urls.admin)
        let outcome = try PostgresScanner.scan(
            urls.monitor, options: PostgresScanner.Options(pgbouncer: wrongLogin))
        #expect(outcome.interruption == nil)
        #expect(outcome.snapshot.connections?.pooler == nil)
        let notice = try #require(outcome.snapshot.notices.first { $0.message.contains("PgBouncer") })
        #expect(!notice.message.contains(password))
    }

    // MARK: - Helpers

    /// A scan as the pg_monitor login, with PgBouncer's console.
    private func scan(_ urls: LiveServers.PgBouncerURLs) throws -> Snapshot {
        let outcome = try PostgresScanner.scan(urls.monitor, options: PostgresScanner.Options(pgbouncer: urls.admin))
        #expect(outcome.interruption == nil)
        return outcome.snapshot
    }

    /// The pid of the session with this application name once it is in `state`.
    private func waitForSession(named name: String, state: String, owner: String) throws -> Int {
        let session = try LibPQSession.open(owner)
        var pid: Int?
        try waitUntil("session \(name) \(state)") {
            let rows = try session.rows(
                "SELECT pid, state FROM pg_stat_activity WHERE application_name = $1", [name])
            pid = rows.first { $0["state"] == state }.flatMap { $0["pid"] ?? nil }.flatMap { Int($0) }
            return pid != nil
        }
        return try #require(pid)
    }

    private func waitUntil(_ what: String, timeoutSeconds: Double = 15, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while try !condition() {
            guard Date() < deadline else { throw LiveTestTimeout(what: what) }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}

private struct LiveTestTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting until \(what)" }
}

extension LiveServers {
    static let pgbouncerURL = environment("DBADVISOR_TEST_PGBOUNCER_URL")
    static let pgbouncerAdminURL = environment("DBADVISOR_TEST_PGBOUNCER_ADMIN_URL")

    /// The pooled database, PgBouncer's console, and the server directly as owner and monitor.
    struct PgBouncerURLs {
        let pooled: String
        let admin: String
        let owner: String
        let monitor: String
    }

    static func requirePgBouncerURLs() throws -> PgBouncerURLs {
        try PgBouncerURLs(
            pooled: #require(pgbouncerURL, "DBADVISOR_TEST_PGBOUNCER_URL is not set (scripts/test-servers.sh env)"),
            admin: #require(pgbouncerAdminURL, "DBADVISOR_TEST_PGBOUNCER_ADMIN_URL is not set"),
            owner: #require(postgresURL, "DBADVISOR_TEST_PG_URL is not set"),
            monitor: #require(postgresMonitorURL, "DBADVISOR_TEST_PG_MONITOR_URL is not set"))
    }

    static var pgbouncerIsUsable: Bool {
        isCI || (postgresIsUsable && pgbouncerAdminURL.map { (try? LibPQSession.openConsole($0)) != nil } ?? false)
    }

    static let pgbouncerSkipMessage: Comment = """
        no PgBouncer test server: run `scripts/test-servers.sh start` and \
        `eval "$(scripts/test-servers.sh env)"` to set DBADVISOR_TEST_PGBOUNCER_ADMIN_URL
        """

    private static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
