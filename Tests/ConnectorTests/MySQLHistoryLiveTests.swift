import AdvisorCore
import Foundation
import Testing

@testable import MySQLConnector

/// N+1 bursts, --explain-top and connection load on the test MariaDB. Each test tags its workload with a
/// column alias of its own so that it finds its statements among those of other tests running at the
/// same time (the statement history is shared by every thread).
@Suite(.enabled(if: LiveServers.mysqlIsUsable, LiveServers.mysqlSkipMessage), .serialized)
struct MySQLHistoryLiveTests {
    private func ownerURL() throws -> String {
        try #require(LiveServers.mysqlURL, "DBADVISOR_TEST_MYSQL_URL is not set (scripts/test-servers.sh env)")
    }

    private func monitorURL() throws -> String {
        try #require(LiveServers.mysqlMonitorURL, "DBADVISOR_TEST_MYSQL_MONITOR_URL is not set")
    }

    private func server(of session: MySQLSession) -> MySQLServer {
        MySQLServer(engine: session.engine, version: session.serverVersion)
    }

    /// The history as the least-privileged login reads it.
    private func collectHistory() throws -> Snapshot {
        let session = try MySQLSession.open(monitorURL())
        var snapshot = Snapshot(server: ServerInfo(engine: session.engine))
        try MySQLHistoryCollector.collect(from: session, server: server(of: session), into: &snapshot)
        return snapshot
    }

    /// An ORM-style loop: a list of `rows` orders, then one customer lookup per order, `lists` times. The
    /// session is returned so that it stays connected, like a pooled connection: the history names the
    /// user and program of connected threads only.
    @discardableResult
    private func runNPlusOne(marker: String, lists: Int, rows: Int) throws -> MySQLSession {
        let session = try MySQLSession.open(ownerURL())
        for list in 0..<lists {
            let orders = try session.rows(
                "SELECT id, customer_id AS \(marker)_parent FROM orders ORDER BY id LIMIT \(rows) OFFSET \(list * rows)"
            )
            #expect(orders.count == rows)
            for order in orders {
                let customer = try #require(order["\(marker)_parent"] ?? nil)
                _ = try session.rows("SELECT id, email AS \(marker)_child FROM customers WHERE id = \(customer)")
            }
        }
        return session
    }

    @Test func nPlusOneLoopIsFoundWithItsParentAndBurstLength() throws {
        let marker = "nplus\(UInt32.random(in: 0...UInt32.max))"
        let workload = try runNPlusOne(marker: marker, lists: 4, rows: 6)
        let snapshot = try collectHistory()
        withExtendedLifetime(workload) {}
        #expect(snapshot.facets.contains(.queryHistory))
        let ours = snapshot.queryBursts.filter { $0.childText.contains("\(marker)_child") }
        try #require(ours.count == 1, "bursts found: \(snapshot.queryBursts.map(\.childText))")
        let burst = ours[0]
        #expect(burst.parentText?.contains("\(marker)_parent") == true)
        #expect(burst.bursts == 4)
        #expect(burst.calls == 24)
        #expect(burst.longestBurst == 6)
        #expect(burst.burstsMatchingParentRows == 4)
        #expect(burst.sessions == 1)
        #expect(burst.users == ["dbadvisor_owner"])
        #expect(burst.applications == ["dbadvisor"])
        #expect(burst.databases == ["shop"])
        #expect((burst.totalTimeMs ?? 0) > 0)
        #expect((snapshot.queryHistoryWindowSeconds ?? 0) > 0)

        let findings = RuleEngine(rules: [NPlusOneBurstRule()]).run(snapshot).findings
        let finding = try #require(findings.first { $0.object.key == burst.key })
        #expect(finding.evidence.first { $0.name == "longest burst" }?.value == 6)
    }

    @Test func workloadWithoutRepeatsHasNoBurst() throws {
        let marker = "plain\(UInt32.random(in: 0...UInt32.max))"
        let session = try MySQLSession.open(ownerURL())
        _ = try session.rows("SELECT id, customer_id AS \(marker)_parent FROM orders ORDER BY id LIMIT 6")
        for id in 1...6 {
            // Alternating statements: never the same one twice in a row.
            _ = try session.rows("SELECT id, email AS \(marker)_a FROM customers WHERE id = \(id)")
            _ = try session.rows("SELECT id, name AS \(marker)_b FROM products WHERE id = \(id)")
        }
        let snapshot = try collectHistory()
        #expect(snapshot.facets.contains(.queryHistory))
        #expect(!snapshot.queryBursts.contains { $0.childText.contains(marker) })
    }

    @Test func explainTopCapturesPlansOfTheTopDigestsFromTheirHistory() throws {
        let marker = "explain\(UInt32.random(in: 0...UInt32.max))"
        try runNPlusOne(marker: marker, lists: 1, rows: 5)
        let session = try MySQLSession.open(ownerURL())
        let digests = try session.rows(
            """
            SELECT DIGEST AS digest, DIGEST_TEXT AS digest_text, SCHEMA_NAME AS schema_name, COUNT_STAR AS calls,
                   SUM_TIMER_WAIT / 1000000000 AS total_ms
              FROM performance_schema.events_statements_summary_by_digest
             WHERE DIGEST_TEXT LIKE '%\(marker)%'
            """)
        try #require(digests.count == 2)
        var statements = try digests.map { row in
            var statement = StatementStats(
                id: try #require(row["digest"] ?? nil), text: try #require(row["digest_text"] ?? nil),
                database: row["schema_name"] ?? nil, calls: Int((row["calls"] ?? nil) ?? "") ?? 0,
                totalTimeMs: Double((row["total_ms"] ?? nil) ?? "") ?? 0, rows: 0)
            statement.user = "dbadvisor_owner"
            return statement
        }
        // A write MariaDB does not EXPLAIN in a read-only transaction, the most expensive of all.
        var write = StatementStats(
            id: "write-\(marker)", text: "UPDATE `orders` SET `status` = ? WHERE `id` = ?", database: "shop", calls: 1,
            totalTimeMs: 1e9, rows: 1)
        write.sampleText = "UPDATE orders SET status = 'paid' WHERE id = 1"
        statements.append(write)

        var snapshot = Snapshot(server: ServerInfo(engine: .mariadb))
        try MySQLExplainer.explain(
            statements, top: 2, analyze: false, session: session, server: server(of: session), into: &snapshot)
        #expect(snapshot.facets.contains(.plans))
        #expect(Set(snapshot.plans.compactMap(\.statementFingerprint)) == Set(statements.prefix(2).map(\.findingKey)))
        #expect(snapshot.plans.allSatisfy { $0.plan.engine == .mariadb && !$0.plan.hasActuals })
        #expect(snapshot.notices.contains { $0.message.contains("write-\(marker)") && $0.message.contains("writes") })

        var analyzed = Snapshot(server: ServerInfo(engine: .mariadb))
        try MySQLExplainer.explain(
            statements, top: 1, analyze: true, session: session, server: server(of: session), into: &analyzed)
        let plan = try #require(analyzed.plans.first)
        #expect(plan.plan.hasActuals)
        // The session is still read-only and outside any transaction afterwards.
        #expect(throws: ServerError.self) { try session.rows("INSERT INTO countries (code, name) VALUES ('ZY', 'X')") }
    }

    /// Many sessions at once: the server's high-water mark comes near `max_connections` (60 in the test
    /// server's option file; a server started before that setting has its default of 151).
    @Test func sessionsNearTheConnectionLimitShowInMaxUsedConnections() throws {
        let monitor = try MySQLSession.open(monitorURL())
        let limits = try #require(
            monitor.rows(
                """
                SELECT @@max_connections AS max_connections,
                       (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
                         WHERE VARIABLE_NAME = 'THREADS_CONNECTED') AS connected
                """
            ).first)
        let maximum = try #require(Int((limits["max_connections"] ?? nil) ?? ""))
        let connected = try #require(Int((limits["connected"] ?? nil) ?? ""))
        // Up to 85 % of the limit, leaving room for the other tests running now.
        let target = Int((Double(maximum) * 0.85).rounded(.up))
        let wanted = max(target - connected, 0)
        var sessions: [MySQLSession] = []
        for _ in 0..<wanted { sessions.append(try MySQLSession.open(ownerURL())) }
        let status = try monitor.rows("SHOW GLOBAL STATUS LIKE 'Max_used_connections'")
        let used = try #require(Int((status.first?["Value"] ?? nil) ?? ""))
        // The scan sees the same sessions, and the saturation rule calls it out (75 % is its medium level).
        let outcome = try MySQLScanner.scan(monitorURL())
        sessions.removeAll()
        #expect(used >= target)
        let findings = RuleEngine(rules: [ConnectionSaturationRule()]).run(outcome.snapshot).findings
        let saturation = try #require(findings.first, "no connection-saturation finding at 85 % of the limit")
        #expect(saturation.severity >= .medium)
        #expect(saturation.message.contains("\(maximum)"))
    }

    /// A transaction left open by another client (BEGIN; SELECT … FOR UPDATE; then idle) is visible in
    /// INNODB_TRX to the monitoring login, with the thread sleeping.
    @Test func transactionLeftOpenShowsInInnoDBTransactions() throws {
        let marker = "idletrx\(UInt32.random(in: 0...UInt32.max))"
        let client = try OpenTransactionClient(
            url: MySQLURL(ownerURL()),
            statements: ["BEGIN", "SELECT code AS \(marker) FROM shop.countries ORDER BY code LIMIT 1 FOR UPDATE"])
        defer { client.stop() }
        let monitor = try MySQLSession.open(monitorURL())
        var found: MySQLSession.Row?
        for _ in 0..<50 where found == nil {
            found = try monitor.rows(
                """
                SELECT t.trx_mysql_thread_id AS thread, p.COMMAND AS command, t.trx_rows_locked AS locked
                  FROM information_schema.INNODB_TRX AS t
                  JOIN information_schema.PROCESSLIST AS p ON p.ID = t.trx_mysql_thread_id
                 WHERE p.USER = 'dbadvisor_owner' AND p.COMMAND = 'Sleep' AND t.trx_rows_locked > 0
                """
            ).first
            if found == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        let transaction = try #require(found, "no idle transaction holding locks appeared")
        #expect(transaction["command"] == "Sleep")
        // Through the scan and the rule: the thread is named, idle in its transaction.
        Thread.sleep(forTimeInterval: 1.2)
        let thread = try #require((transaction["thread"] ?? nil).flatMap { Int($0) })
        let snapshot = try MySQLScanner.scan(monitorURL()).snapshot
        var options = IdleInTransactionRule.Options()
        options.minIdleSeconds = 1
        let findings = RuleEngine(rules: [IdleInTransactionRule(options: options)]).run(snapshot).findings
        #expect(findings.contains { $0.message.contains("session \(thread) ") }, "\(findings.map(\.message))")
    }
}

/// The `mariadb` client in the background, holding a transaction open until stopped: what an application
/// that forgot to commit looks like. (dbadvisor's own sessions are read-only and cannot take locks.)
private final class OpenTransactionClient {
    private let process = Process()
    private let input = Pipe()

    init(url: MySQLURL, statements: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["mariadb", "--no-defaults", "-h", url.host ?? "127.0.0.1", "-P", String(url.port ?? 3306)]
        if let user = url.user { arguments += ["-u", user] }
        arguments += ["--batch", "--silent"]
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        // The password through the environment, not the command line that `ps` shows.
        environment["MYSQL_PWD"] = url.password ?? ""
        process.environment = environment
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data((statements.joined(separator: ";\n") + ";\n").utf8))
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
