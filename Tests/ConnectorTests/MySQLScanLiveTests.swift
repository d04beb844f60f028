import AdvisorCore
import Foundation
import MySQLConnector
import Testing

/// `MySQLScanner` against the MariaDB test server as the least-privilege monitor login: the seeded
/// schema, digests after a workload, the index and table rules on the planted objects, a refused login
/// and a connection killed mid-scan. Serialized: the workload test truncates the digest table.
@Suite(.serialized, .enabled(if: LiveServers.mysqlIsUsable, LiveServers.mysqlSkipMessage))
struct MySQLScanLiveTests {
    @Test func monitorLoginSeesTheSeededSchema() throws {
        let outcome = try MySQLScanner.scan(try monitorURL())
        #expect(outcome.interruption == nil)
        let snapshot = outcome.snapshot
        #expect(snapshot.server.engine == .mariadb)
        #expect(snapshot.server.startedAt != nil)
        // Connections over Uptime: at least the tests' own sessions.
        let sessions = try #require(snapshot.sessionActivity)
        #expect(sessions.source == "SHOW GLOBAL STATUS" && sessions.sessions >= 1)
        #expect(sessions.windowSeconds.map { $0 > 0 } == true)
        #expect(
            snapshot.facets.isSuperset(of: [
                .settings, .databases, .statements, .tables, .indexes, .foreignKeys, .connections,
            ]))
        // Prepared statements anyone ran on the shared server since it started (sysbench) are a gap, not a fault.
        let gaps = snapshot.notices.filter { $0.code != nil && $0.code != "prepared_statements_not_in_digests" }
        #expect(gaps.isEmpty, "\(snapshot.notices)")
        let orders = try #require(snapshot.tables.first { $0.qualifiedName == "shop.orders" })
        #expect((orders.estimatedRows ?? 0) > 250_000)
        #expect((orders.totalBytes ?? 0) > 1_000_000)
        let clustered = try #require(snapshot.indexes.first { $0.name == "reviews_customer_id_id_idx" })
        #expect(clustered.columns == ["customer_id", "id"])
        #expect(snapshot.foreignKeys.contains { $0.name == "order_items_order_id_fkey" && $0.columns == ["order_id"] })
        #expect(snapshot.statementSource?.capacity == 5000)
        let configured = try #require(try MySQLSession.open(monitorURL()).rows("SELECT @@max_connections AS m").first)
        #expect(snapshot.connections?.maxConnections == Int((configured["m"] ?? nil) ?? ""))
    }

    @Test func workloadDigestsAndPlantedObjectsAreFoundByName() throws {
        let owner = try ownerSession()
        _ = try owner.rows("TRUNCATE performance_schema.events_statements_summary_by_digest")
        for code in 0..<20 {
            _ = try owner.rows("SELECT id, order_id FROM shipments WHERE tracking_code = 'TRK0000\(10_000 + code)'")
        }
        for id in 1...50 {
            _ = try owner.rows("SELECT id, rating FROM reviews WHERE product_id = \(id) AND rating >= 4")
            _ = try owner.rows("SELECT count(*) FROM reviews WHERE customer_id = \(id)")
            _ = try owner.rows("SELECT id FROM reviews WHERE created_at >= '2023-02-0\(id % 9 + 1)' LIMIT 1")
        }
        let snapshot = try MySQLScanner.scan(try monitorURL()).snapshot
        let scan = try #require(
            snapshot.statements.first { $0.text.contains("FROM `shipments` WHERE `tracking_code` = ?") })
        #expect(scan.calls == 20)
        #expect(scan.noIndexUsedCalls == 20)
        #expect(scan.database == "shop")
        #expect(!snapshot.statements.contains { $0.text.contains("performance_schema") })

        var unusedOptions = IndexUnusedRule.Options()
        unusedOptions.minWindowDays = 0
        let findings = RuleEngine(
            rules: [
                TableSeqScanHeavyRule(), IndexDuplicateRule(), IndexRedundantRule(),
                IndexUnusedRule(options: unusedOptions), StatementTopTimeRule(),
            ]
        ).run(snapshot).findings
        let named = { (rule: String) in findings.filter { $0.ruleId == rule }.map(\.object.name) }
        #expect(named("table-seq-scan-heavy").contains("table shop.shipments"))
        #expect(named("index-duplicate").contains { $0.contains("reviews_created_on_idx") })
        #expect(named("index-redundant").contains { $0.contains("reviews_product_id_idx") })
        #expect(named("index-redundant").contains { $0.contains("reviews_customer_id_id_idx") })
        #expect(named("index-unused").contains { $0.contains("reviews_rating_idx") })
        let healthy = ["reviews_product_id_rating_idx", "reviews_customer_id_idx", "reviews_created_at_idx"]
        for finding in findings where finding.category == .indexes {
            #expect(!healthy.contains { finding.object.name.contains("index \($0) ") }, "\(finding.object.name)")
        }
        #expect(!findings.contains { $0.object.name.contains("PRIMARY") })
        try FixSQLCheck.expectAcceptedByMariaDB(
            findings.compactMap { finding in finding.fixSQL.map { (finding.ruleId, $0) } },
            url: try #require(LiveServers.mysqlURL), "MariaDB shop scan")
    }

    @Test func wrongPasswordIsAConnectionErrorWithoutThePassword() throws {
        let url = try LiveServers.withPassword("not-the-pw-4711", in: try monitorURL())
        let error = #expect(throws: ConnectionError.self) { try MySQLScanner.scan(url) }
        #expect(error?.description.contains("not-the-pw-4711") == false)
        #expect(error?.description.contains("Access denied") == true)
    }

    @Test func connectionKilledMidScanKeepsWhatWasCollected() throws {
        let owner = try ownerSession()
        // A login of its own, so the KILL finds exactly the scan's connection among other tests' sessions.
        let user = "dbadvisor_killed_scan"
        for statement in [
            "CREATE USER IF NOT EXISTS '\(user)'@'127.0.0.1' IDENTIFIED BY 'killed-pw-1'",
            "GRANT PROCESS, SHOW VIEW ON *.* TO '\(user)'@'127.0.0.1'",
            "GRANT SELECT ON performance_schema.* TO '\(user)'@'127.0.0.1'",
        ] {
            _ = try owner.rows(statement)
        }
        var components = try #require(URLComponents(string: try monitorURL()))
        components.user = user
        components.password = "killed-pw-1"
        let url = try #require(components.string)
        let outcome = try MySQLScanner.scan(url) { step in
            guard step == "reading tables" else { return }
            let ids = (try? owner.rows("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '\(user)'")) ?? []
            for id in ids.compactMap({ $0["ID"] ?? nil }) { _ = try? owner.rows("KILL \(id)") }
        }
        let interruption = try #require(outcome.interruption)
        #expect(interruption.description.contains("killed-pw-1") == false)
        #expect(outcome.snapshot.facets.contains(.statements))
        #expect(!outcome.snapshot.facets.contains(.tables))
    }

    // MARK: - Private helpers

    private func monitorURL() throws -> String {
        try #require(LiveServers.mysqlMonitorURL, "DBADVISOR_TEST_MYSQL_MONITOR_URL is not set")
    }

    /// The owner login, read-write (sessions open read-only) in the seeded database.
    private func ownerSession() throws -> MySQLSession {
        let session = try MySQLSession.open(try #require(LiveServers.mysqlURL, "DBADVISOR_TEST_MYSQL_URL is not set"))
        _ = try session.rows("SET SESSION TRANSACTION READ WRITE")
        return session
    }
}
