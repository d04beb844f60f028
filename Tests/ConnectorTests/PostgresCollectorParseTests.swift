import AdvisorCore
import AdvisorQueries
import Foundation
import TestSupport
import Testing

@testable import PostgresConnector

/// The collectors' `parse` on rows recorded from the test server (`Fixtures/postgres/rows/`), and on
/// hand-edited rows for the statement layouts of PostgreSQL 12 and 17 and for broken results.
struct PostgresCollectorParseTests {
    @Test func readsTheServerAndItsClock() throws {
        let server = try ServerCollector.parse(rows: rows(.pgServer))
        #expect(server.engine == .postgres)
        #expect(server.versionNumber == 150018)
        #expect(server.version?.hasPrefix("PostgreSQL 15.18") == true)
        #expect(server.database == "shop")
        let collectedAt = try #require(server.collectedAt)
        let startedAt = try #require(server.startedAt)
        let statsResetAt = try #require(server.statsResetAt)
        #expect(startedAt < collectedAt)
        #expect(statsResetAt < collectedAt)
        #expect(collectedAt.timeIntervalSince1970 > 1_700_000_000)
    }

    @Test func serverNeedsExactlyOneRow() {
        let error = #expect(throws: UnexpectedRowError.self) { try ServerCollector.parse(rows: []) }
        #expect(error?.description == "unexpected result of pg_server: expected one row, got 0")
    }

    @Test func writesSettingsAsShowPrintsThem() throws {
        let settings = try SettingsCollector.parse(rows: rows(.pgSettings))
        #expect(settings["shared_buffers"] == "128MB")
        #expect(settings["work_mem"] == "4MB")
        #expect(settings["effective_cache_size"] == "4GB")
        #expect(settings["max_connections"] == "50")
        #expect(settings["random_page_cost"] == "4")
        #expect(settings["track_io_timing"] == "on")
        #expect(settings["shared_preload_libraries"] == "pg_stat_statements")
        // The server's value, not dbadvisor's own session limit.
        #expect(settings["statement_timeout"] == "0")
        #expect(settings["log_min_duration_statement"] == "-1")
        #expect(settings["pg_stat_statements.track"] == "all")
        #expect(settings["reserved_connections"] == nil)  // PostgreSQL 16+
        #expect(SettingsCollector.notices(for: settings).isEmpty)
    }

    @Test func trackIOTimingOffIsANoticeWithItsFix() throws {
        let notices = SettingsCollector.notices(for: ["track_io_timing": "off"])
        let notice = try #require(notices.first)
        #expect(notices.count == 1)
        #expect(notice.code == "track_io_timing_off")
        #expect(notice.fixSQL == "ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();")
        #expect(notice.remedy != nil)
    }

    @Test(arguments: [
        ("16384", "8kB", "128MB"), ("4096", "kB", "4MB"), ("524288", "8kB", "4GB"), ("1000", "kB", "1000kB"),
        ("1024", "B", "1kB"), ("1000", "B", "1000B"), ("1024", "MB", "1GB"), ("16", "16MB", "256MB"),
        ("30000", "ms", "30s"), ("60", "s", "1min"), ("300", "s", "5min"), ("86400", "s", "1d"),
        ("1500", "ms", "1500ms"), ("0.5", "ms", "500us"), ("2", "ms", "2ms"), ("-1", "ms", "-1"), ("0", "kB", "0"),
        ("on", "", "on"), ("pg_stat_statements", "", "pg_stat_statements"),
    ])
    func settingValues(value: String, unit: String, shown: String) {
        #expect(PostgresSettingValue.display(value, unit: unit) == shown)
    }

    @Test func readsEveryDatabase() throws {
        let databases = try DatabasesCollector.parse(rows: rows(.pgDatabases))
        let shop = try #require(databases.first { $0.name == "shop" })
        #expect(try #require(shop.sizeBytes) > 0)
        #expect(try #require(shop.commits) > 0)
        #expect(shop.tempFiles != nil)
        #expect(shop.statsResetAt != nil)
        #expect(databases.contains { $0.name == "shop_plain" })
        #expect(!databases.contains { $0.name.hasPrefix("template") })
    }

    @Test func findsTheExtensionAndPicksItsQuery() throws {
        let installation = try #require(try StatementsCollector.parseInstallation(rows: rows(.pgStatementsExtension)))
        #expect(installation.version == "1.10")
        #expect(installation.schema == "public")
        #expect(installation.quotedUser == "dbadvisor_monitor")
        #expect(try StatementsCollector.parseInstallation(rows: []) == nil)
        #expect(StatementsCollector.query(forExtensionVersion: "1.7") == .pgStatementsV12)
        #expect(StatementsCollector.query(forExtensionVersion: "1.8") == .pgStatementsV13)
        #expect(StatementsCollector.query(forExtensionVersion: "1.9") == .pgStatementsV14)
        #expect(StatementsCollector.query(forExtensionVersion: "1.10") == .pgStatementsV14)
        #expect(StatementsCollector.query(forExtensionVersion: "1.11") == .pgStatementsV17)
        #expect(StatementsCollector.query(forExtensionVersion: "1.12") == .pgStatementsV17)
        #expect(!StatementsCollector.hasInfoView(extensionVersion: "1.8"))
        #expect(StatementsCollector.hasInfoView(extensionVersion: "1.9"))
    }

    @Test func readsRecordedStatements() throws {
        let collected = try StatementsCollector.parse(
            rows: rows(.pgStatementsV14), query: .pgStatementsV14, database: "shop")
        #expect(collected.hiddenCount == 0)
        #expect(collected.availableCount == collected.statements.count)
        let orders = try #require(
            collected.statements.first { $0.text == "SELECT count(*) FROM orders WHERE status = $1" })
        #expect(Int(orders.id) != nil)
        #expect(orders.database == "shop")
        #expect(orders.user == "dbadvisor_owner")
        #expect(orders.calls == 1)
        #expect(orders.rows == 1)
        #expect(orders.totalTimeMs > 0)
        #expect(try #require(orders.sharedBlocksHit) + (orders.sharedBlocksRead ?? 0) > 2000)
        #expect(orders.planningTimeMs == nil)  // track_planning is off on the test server
        #expect(orders.blockReadTimeMs != nil)  // track_io_timing is on
        #expect(orders.walBytes == 0)
        let times = collected.statements.map(\.totalTimeMs)
        #expect(times == times.sorted(by: >))
        #expect(StatementsCollector.notices(for: collected, installation: installation).isEmpty)
    }

    @Test func readsThePostgreSQL12LayoutAndCountsHiddenStatements() throws {
        let collected = try StatementsCollector.parse(
            rows: rows(.pgStatementsV12), query: .pgStatementsV12, database: "shop")
        #expect(
            collected.statements.map(\.text) == [
                "SELECT count(*) FROM orders WHERE status = $1", "SELECT id, email FROM customers WHERE id = $1",
            ])
        #expect(collected.statements.allSatisfy { $0.planningTimeMs == nil && $0.walBytes == nil })
        #expect(collected.hiddenCount == 1)
        #expect(collected.hiddenTimeMs == 1500.25)
        #expect(collected.availableCount == 40)
        let notices = StatementsCollector.notices(for: collected, installation: installation)
        let hidden = try #require(notices.first { $0.code == "pg_stat_statements_texts_hidden" })
        #expect(hidden.fixSQL == "GRANT pg_read_all_stats TO dbadvisor_monitor;")
        #expect(
            hidden.message.hasPrefix(
                "pg_stat_statements hides the text and queryid of 1 statement of other users (2 s in all)"))
        #expect(
            notices.contains {
                $0.code == nil && $0.message.contains("read the 3 statements") && $0.message.contains("40")
            })
    }

    @Test func readsThePostgreSQL17LayoutWithNestedStatements() throws {
        let collected = try StatementsCollector.parse(
            rows: rows(.pgStatementsV17), query: .pgStatementsV17, database: "shop")
        #expect(collected.statements.count == 3)
        let topLevel = collected.statements[0]
        let nested = collected.statements[2]
        #expect(nested.text == topLevel.text)
        #expect(nested.id == "\(topLevel.id):nested")
        #expect(nested.calls == 12)
        #expect(topLevel.planningTimeMs == 0.125)
        #expect(Set(collected.statements.map(\.findingKey)).count == 3)
    }

    @Test func missingExtensionAdviceDependsOnThePreloadedLibraries() {
        let preloaded = StatementsCollector.missingNotice(settings: ["shared_preload_libraries": "pg_stat_statements"])
        #expect(preloaded.code == "pg_stat_statements_missing")
        #expect(preloaded.fixSQL == "CREATE EXTENSION pg_stat_statements;")
        let notPreloaded = StatementsCollector.missingNotice(settings: ["shared_preload_libraries": "auto_explain"])
        #expect(notPreloaded.code == "pg_stat_statements_missing")
        #expect(
            notPreloaded.fixSQL == """
                ALTER SYSTEM SET shared_preload_libraries = 'auto_explain, pg_stat_statements';
                CREATE EXTENSION pg_stat_statements;
                """)
        #expect(notPreloaded.remedy?.contains("restart") == true)
        let unknown = StatementsCollector.missingNotice(settings: [:])
        #expect(unknown.fixSQL == "CREATE EXTENSION pg_stat_statements;")
        #expect(unknown.remedy?.contains("shared_preload_libraries") == true)
    }

    @Test func unloadedLibraryNoticeKeepsTheOtherLibraries() {
        let notice = StatementsCollector.notPreloadedNotice(settings: ["shared_preload_libraries": "timescaledb"])
        #expect(notice.code == "pg_stat_statements_not_preloaded")
        #expect(notice.fixSQL == "ALTER SYSTEM SET shared_preload_libraries = 'timescaledb, pg_stat_statements';")
        #expect(notice.remedy?.contains("restart") == true)
        let alone = StatementsCollector.notPreloadedNotice(settings: ["shared_preload_libraries": ""])
        #expect(alone.fixSQL == "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';")
    }

    @Test func describesTheSourceFromSettingsAndInfo() throws {
        let settings = try SettingsCollector.parse(rows: rows(.pgSettings))
        var source = StatementsCollector.source(settings: settings)
        (source.evictions, source.resetAt) = try StatementsCollector.parseInfo(rows: rows(.pgStatementsInfo))
        #expect(source.name == "pg_stat_statements")
        #expect(source.capacity == 5000)
        #expect(source.evictions == 0)
        #expect(source.resetAt != nil)
        #expect(source.settings["track"] == "all")
        #expect(source.settings["track_planning"] == "off")
        #expect(source.settings["max"] == nil)
    }

    @Test func missingStatementColumnsAndGarbledValuesNameTheColumn() throws {
        var row = try #require(try rows(.pgStatementsV14).first)
        row["calls"] = "many"
        let garbled = #expect(throws: UnexpectedRowError.self) {
            try StatementsCollector.parse(rows: [row], query: .pgStatementsV14, database: nil)
        }
        #expect(
            garbled
                == UnexpectedRowError(
                    query: "pg_statements_v14", row: 1, column: "calls", reason: "expected an integer, found \"many\""))
        row.removeValue(forKey: "rows")
        row["calls"] = "1"
        let missing = #expect(throws: UnexpectedRowError.self) {
            try StatementsCollector.parse(rows: [row], query: .pgStatementsV14, database: nil)
        }
        #expect(
            missing?.description == "unexpected result of pg_statements_v14 (row 1, column rows): the column is missing"
        )
    }

    @Test func readsTablesPartitionsAndEstimates() throws {
        let tables = try TablesCollector.parse(rows: rows(.pgTables))
        let orders = try #require(tables.first { $0.name == "orders" })
        #expect(orders.schema == "public")
        #expect(orders.kind == .table)
        #expect(try #require(orders.estimatedRows) > 290_000)
        #expect(try #require(orders.dataBytes) > 0)
        #expect(try #require(orders.totalBytes) > orders.dataBytes ?? 0)
        #expect(try #require(orders.seqScans) >= 0)
        let events = try #require(tables.first { $0.name == "events" })
        #expect(events.kind == .partitioned)
        let partition = try #require(tables.first { $0.name == "events_2015_01" })
        #expect(partition.kind == .partition)
        #expect(partition.partitionOf == "public.events")
        #expect(tables.allSatisfy { $0.lastSeqScanAt == nil })  // PostgreSQL 15
    }

    @Test func tablesRejectAnUnknownKind() throws {
        var row = try #require(try rows(.pgTables).first)
        row["relkind"] = "m"
        let error = #expect(throws: UnexpectedRowError.self) { try TablesCollector.parse(rows: [row]) }
        #expect(error?.column == "relkind")
    }

    @Test func readsIndexesWithTheirKeysConstraintsAndValidity() throws {
        let parsed = try IndexesCollector.parse(rows: rows(.pgIndexes))
        func index(_ name: String) throws -> IndexStats {
            try #require(parsed.first { $0.name == name }, "no index \(name)")
        }
        let invalid = try index("promotions_country_key")
        #expect(!invalid.isValid)
        #expect(invalid.isUnique)
        let covering = try index("warehouse_stock_quantity_idx")
        #expect(covering.columns == ["warehouse_id", "quantity"])
        #expect(covering.includedColumns == ["product_id"])
        #expect(covering.definition.contains("INCLUDE (product_id)"))
        let primary = try index("order_items_pkey")
        #expect(primary.isPrimary && primary.isUnique && primary.constraint == "order_items_pkey")
        #expect(primary.columns == ["order_id", "line"])
        #expect(try index("order_items_order_id_idx").constraint == nil)
        #expect(try index("products_category_idx1").columns == ["category"])
        #expect(try index("customers_email_key").constraint == "customers_email_key")
        let partitioned = try index("events_pkey")
        #expect(partitioned.columns == ["id", "created_at"])
        #expect(partitioned.scans == nil)
        #expect(try #require(try index("orders_pkey").sizeBytes) > 0)
        #expect(parsed.allSatisfy { $0.method == "btree" && $0.predicate == nil })
    }

    @Test func readsExpressionKeysAndPredicates() throws {
        let row: LibPQSession.Row = [
            "schema_name": "public", "table_name": "notes", "index_name": "notes_lower_body_idx",
            "definition":
                "CREATE INDEX notes_lower_body_idx ON public.notes USING btree (lower(body), id) WHERE (id > 10)",
            "method": "btree", "key_columns": #"["lower(body)", "id"]"#, "included_columns": nil,
            "predicate": "id > 10",
            "is_unique": "f", "is_primary": "f", "is_valid": "t", "is_ready": "t", "constraint_name": nil,
            "size_bytes": "16384", "scans": "0", "tuples_read": "0", "tuples_fetched": "0",
            "last_scan_epoch": "1795313116.5",
        ]
        let index = try #require(try IndexesCollector.parse(rows: [row], query: .pgIndexesV16).first)
        #expect(index.columns == ["lower(body)", "id"])
        #expect(index.includedColumns == [])
        #expect(index.predicate == "id > 10")
        #expect(index.lastScanAt == Date(timeIntervalSince1970: 1_795_313_116.5))
        var broken = row
        broken["key_columns"] = "{lower(body),id}"
        let error = #expect(throws: UnexpectedRowError.self) { try IndexesCollector.parse(rows: [broken]) }
        #expect(error?.column == "key_columns")
    }

    @Test func readsForeignKeysInKeyOrder() throws {
        let keys = try ForeignKeysCollector.parse(rows: rows(.pgForeignKeys))
        let country = try #require(keys.first { $0.name == "customers_country_fkey" })
        #expect(country.qualifiedTable == "public.customers")
        #expect(country.columns == ["country"])
        #expect(country.referencedSchema == "public")
        #expect(country.referencedTable == "countries")
        #expect(country.referencedColumns == ["code"])
        #expect(country.onDelete == "NO ACTION")
        #expect(country.onUpdate == "NO ACTION")
        #expect(keys.count == 5)
    }

    @Test func foreignKeyActionsMapToTheirKeywords() throws {
        var row = try #require(try rows(.pgForeignKeys).first)
        row["on_delete"] = "c"
        row["on_update"] = "n"
        let key = try #require(try ForeignKeysCollector.parse(rows: [row]).first)
        #expect(key.onDelete == "CASCADE")
        #expect(key.onUpdate == "SET NULL")
        row["on_delete"] = "x"
        let error = #expect(throws: UnexpectedRowError.self) { try ForeignKeysCollector.parse(rows: [row]) }
        #expect(error?.column == "on_delete")
    }

    // MARK: - Private helpers

    private let installation = StatementsCollector.Installation(
        version: "1.10", schema: "public", quotedSchema: "public", quotedUser: "dbadvisor_monitor")

    /// The rows recorded for a query, `Fixtures/postgres/rows/<query>.json`.
    private func rows(_ query: QueryText) throws -> [LibPQSession.Row] {
        let file = RepositoryPaths.fixtures.appendingPathComponent("postgres/rows/\(query.rawValue).json")
        return try JSONDecoder().decode([LibPQSession.Row].self, from: Data(contentsOf: file))
    }
}
