import AdvisorCore
import Foundation
import PostgresConnector
import Testing

/// `PostgresScanner.scan` against the test servers' seeded `shop` (and the extension-less `shop_plain`),
/// as the owner and as the pg_monitor login, on PostgreSQL 15 and 18. Serialized: the statement tests
/// reset pg_stat_statements.
@Suite(.serialized, .enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage))
struct PostgresCollectorLiveTests {
    /// A statement only these tests run, so it can be found among everyone else's.
    private static let markedStatement = "SELECT count(*) AS collector_live_test FROM orders WHERE status = $1"

    @Test(arguments: LiveServers.postgresServers)
    func ownerScanFindsTheSeededObjectsAndStatements(server: PostgresTestServer) throws {
        let ownerURL = try server.require(server.url)
        let owner = try LibPQSession.open(ownerURL)
        _ = try owner.rows("SELECT pg_stat_statements_reset()")
        for status in ["refunded", "shipped"] {
            _ = try owner.rows(Self.markedStatement, [status])
        }
        var progress: [String] = []
        let outcome = try PostgresScanner.scan(ownerURL, options: .init()) { progress.append($0) }
        #expect(outcome.interruption == nil)
        #expect(
            progress == [
                "reading server", "reading settings", "reading databases", "reading checkpoints",
                "reading statements", "reading tables", "reading indexes", "reading foreign keys",
                "reading connections",
            ])
        let snapshot = outcome.snapshot
        try expectSeededShop(snapshot)
        // The checkpoint counters of pg_stat_bgwriter (pg_stat_checkpointer from 17), over the time since
        // their reset.
        let checkpoints = try #require(snapshot.checkpoints)
        #expect(snapshot.facets.contains(.checkpoints))
        #expect(checkpoints.source == (server.major >= 17 ? "pg_stat_checkpointer" : "pg_stat_bgwriter"))
        #expect(checkpoints.timed >= 0 && checkpoints.requested >= 0)
        #expect(checkpoints.windowSeconds.map { $0 > 0 } == true)
        #expect(snapshot.settings["checkpoint_completion_target"] != nil)
        // The scanned database's sessions (PostgreSQL 14+): at least this scan's own.
        let sessions = try #require(snapshot.sessionActivity)
        #expect(sessions.source == "pg_stat_database" && sessions.sessions >= 1)
        #expect(sessions.windowSeconds.map { $0 > 0 } == true)

        let marked = try #require(snapshot.statements.first { $0.text == Self.markedStatement })
        #expect(marked.calls == 2)
        #expect(snapshot.server.versionNumber.map { $0 / 10_000 } == server.major)
        #expect(marked.user == "dbadvisor_owner")
        #expect(marked.database == "shop")
        #expect(marked.totalTimeMs > 0)
        #expect(marked.blockReadTimeMs != nil)
        let source = try #require(snapshot.statementSource)
        #expect(source.name == "pg_stat_statements")
        #expect(try #require(source.capacity) >= 5000)
        #expect(source.evictions != nil)
        let resetAt = try #require(source.resetAt)
        let collectedAt = try #require(snapshot.server.collectedAt)
        #expect(resetAt <= collectedAt)
        #expect(try #require(snapshot.statementWindowSeconds) < 3600)
    }

    @Test(arguments: LiveServers.postgresServers)
    func monitorScanSeesTheSameObjectsAndEveryonesStatements(server: PostgresTestServer) throws {
        let outcome = try PostgresScanner.scan(try server.require(server.monitorURL), options: .init())
        #expect(outcome.interruption == nil)
        try expectSeededShop(outcome.snapshot)
        // pg_monitor includes pg_read_all_stats: other users' texts are visible.
        #expect(!outcome.snapshot.notices.contains { $0.code == "pg_stat_statements_texts_hidden" })
        #expect(!outcome.snapshot.statements.contains { $0.text == "<insufficient privilege>" })
        #expect(!outcome.snapshot.statements.isEmpty)
    }

    /// dbadvisor marks every statement it sends (PostgreSQL 18 keeps no leading comment in
    /// pg_stat_statements): on a quiet database, the scan after a scan with --explain-top and --analyze
    /// lists none of the first one's catalog queries, EXPLAINs or transaction commands.
    @Test(arguments: LiveServers.postgresServers)
    func aScanRightAfterAScanListsNoneOfDBAdvisorsOwnStatements(server: PostgresTestServer) throws {
        let ownerURL = try server.require(server.url)
        let owner = try LibPQSession.open(ownerURL)
        _ = try owner.rows("SELECT pg_stat_statements_reset()")
        _ = try owner.rows(Self.markedStatement, ["shipped"])
        let first = try PostgresScanner.scan(ownerURL, options: .init(explainTop: 5, analyze: true))
        #expect(first.interruption == nil)
        let monitor = try PostgresScanner.scan(try server.require(server.monitorURL), options: .init())
        let second = try PostgresScanner.scan(ownerURL, options: .init())
        for snapshot in [monitor.snapshot, second.snapshot] {
            let texts = snapshot.statements.map(\.text)
            #expect(texts.contains(Self.markedStatement))
            let own = texts.filter { text in
                ["pg_catalog.", "pg_stat_statements", "EXPLAIN", "BEGIN", "ROLLBACK", "COMMIT", "set_config"].contains {
                    text.contains($0)
                } && !text.hasPrefix("SELECT pg_stat_statements_reset")
            }
            #expect(own.isEmpty, "dbadvisor's own statements in the scan: \(own)")
        }
    }

    @Test func databaseWithoutTheExtensionIsANoticeAndTheScanGoesOn() throws {
        var components = try #require(URLComponents(string: try url(LiveServers.postgresURL)))
        components.path = "/shop_plain"
        let outcome = try PostgresScanner.scan(try #require(components.string), options: .init())
        let snapshot = outcome.snapshot
        #expect(outcome.interruption == nil)
        #expect(snapshot.server.database == "shop_plain")
        let notice = try #require(snapshot.notices.first { $0.code == "pg_stat_statements_missing" })
        #expect(notice.fixSQL == "CREATE EXTENSION pg_stat_statements;")
        #expect(notice.level == .warning)
        #expect(!snapshot.facets.contains(.statements))
        #expect(snapshot.statementSource == nil)
        #expect(snapshot.facets.isSuperset(of: [.settings, .databases, .tables, .indexes, .foreignKeys]))
        #expect(snapshot.tables.map(\.name) == ["notes"])
        let expression = try #require(snapshot.indexes.first { $0.name == "notes_lower_body_idx" })
        #expect(expression.columns == ["lower(body)", "id"])
        #expect(expression.predicate == "id > 10")
        #expect(snapshot.foreignKeys.isEmpty)
    }

    @Test func wrongPasswordIsAConnectionErrorWithoutThePassword() throws {
        let wrongPassword = "not-the-Password-9182"
        let target = try LiveServers.withPassword(wrongPassword, in: try url(LiveServers.postgresURL))
        let error = #expect(throws: ConnectionError.self) { try PostgresScanner.scan(target, options: .init()) }
        let text = try #require(error).description
        #expect(text.contains("password authentication failed"))
        #expect(!text.contains(wrongPassword))
    }

    // MARK: - Private helpers

    private func url(_ variable: String?) throws -> String {
        try #require(variable, "the test server's URL is not set (scripts/test-servers.sh env)")
    }

    /// What the seed plants, as any login with pg_monitor or ownership sees it.
    private func expectSeededShop(_ snapshot: Snapshot) throws {
        #expect(
            snapshot.facets == [
                .settings, .databases, .sessions, .checkpoints, .statements, .tables, .indexes, .foreignKeys,
                .connections,
            ])
        #expect(!snapshot.notices.contains { $0.level == .warning })

        let server = snapshot.server
        #expect(server.database == "shop")
        #expect(try #require(server.versionNumber) >= 120_000)
        #expect(server.version?.hasPrefix("PostgreSQL") == true)
        #expect(server.target?.contains("127.0.0.1") == true)
        let collectedAt = try #require(server.collectedAt)
        #expect(try #require(server.startedAt) < collectedAt)
        #expect(abs(collectedAt.timeIntervalSinceNow) < 600)

        #expect(snapshot.settings["track_io_timing"] == "on")
        #expect(snapshot.settings["shared_buffers"] == "128MB")
        #expect(snapshot.settings["statement_timeout"] == "0")
        #expect(try #require(snapshot.databases.first { $0.name == "shop" }?.sizeBytes) > 0)

        let orders = try #require(snapshot.tables.first { $0.qualifiedName == "public.orders" })
        let estimated = try #require(orders.estimatedRows)
        #expect(estimated > 270_000 && estimated < 330_000)
        #expect(try #require(orders.totalBytes) > 0)
        #expect(snapshot.tables.filter { $0.partitionOf == "public.events" }.count == 120)

        let invalid = try #require(snapshot.indexes.first { $0.name == "promotions_country_key" })
        #expect(!invalid.isValid)
        let duplicates = snapshot.indexes.filter { $0.table == "products" && $0.columns == ["category"] }
        #expect(duplicates.map(\.name).sorted() == ["products_category_idx", "products_category_idx1"])
        let pkey = try #require(snapshot.indexes.first { $0.name == "order_items_pkey" })
        #expect(pkey.isPrimary && pkey.constraint == "order_items_pkey" && pkey.columns == ["order_id", "line"])
        #expect(snapshot.indexes.contains { $0.name == "order_items_order_id_idx" && $0.constraint == nil })
        #expect(snapshot.indexes.contains { $0.name == "customers_created_at_idx" })

        let countryKey = try #require(snapshot.foreignKeys.first { $0.name == "customers_country_fkey" })
        #expect(countryKey.columns == ["country"])
        #expect(countryKey.referencedTable == "countries")
        #expect(countryKey.referencedColumns == ["code"])
        #expect(countryKey.onDelete == "NO ACTION")
    }
}
