import AdvisorCore
import AdvisorQueries
import Foundation
import TestSupport
import Testing

@testable import MySQLConnector

/// The MySQL collectors' parsing on rows recorded from the MariaDB test server (`Fixtures/mysql/rows/`)
/// and on hand-written rows in MySQL 8's layout (`*_v8.json`), and on broken results.
struct MySQLCollectorParseTests {
    @Test func readsTheServerItsFlavourAndItsLogin() throws {
        let (info, server) = try MySQLServerCollector.parse(rows: rows("mysql_server"))
        #expect(info.engine == .mariadb)
        #expect(server.engine == .mariadb)
        #expect(info.versionNumber == 101119)
        #expect(info.database == nil)
        #expect(try #require(info.collectedAt).timeIntervalSince1970 > 1_700_000_000)
        #expect(server.login == "'dbadvisor_monitor'@'127.0.0.1'")
        #expect(!server.isMySQL8)
        #expect(MySQLServer(engine: .mysql, version: "8.0.36").versionNumber == 80036)
        #expect(MySQLServer(engine: .mysql, version: "8.4.2").isMySQL8)
        #expect(MySQLServerCollector.grantee("o'neil@app@10.0.%") == "'o''neil@app'@'10.0.%'")
    }

    @Test func serverNeedsExactlyOneRow() {
        let error = #expect(throws: UnexpectedRowError.self) { try MySQLServerCollector.parse(rows: []) }
        #expect(error?.description == "unexpected result of mysql_server: expected one row, got 0")
    }

    @Test func settingsKeepVariablesAndStatusApartWithTheServerStartAndBufferPool() throws {
        var snapshot = try snapshotWithSettings()
        #expect(snapshot.settings["max_connections"] == "151")
        #expect(snapshot.settings["innodb_buffer_pool_size"] == "268435456")
        #expect(snapshot.settings["performance_schema"] == "ON")
        #expect(snapshot.settings["status.Max_used_connections"] == "129")
        #expect(snapshot.settings["status.Created_tmp_disk_tables"] == "104")
        let collectedAt = try #require(snapshot.server.collectedAt)
        let startedAt = try #require(snapshot.server.startedAt)
        #expect(abs(collectedAt.timeIntervalSince(startedAt) - 2065) < 0.001)
        let server = try #require(snapshot.databases.first)
        #expect(server.name == "server")
        #expect(server.blocksRead == 5940)
        #expect(server.blocksHit == 14_866_144 - 5940)
        #expect(server.tempFiles == 104)
        #expect(snapshot.facets.isSuperset(of: [.settings, .databases]))
        // Collected again (a second scan of the same snapshot): still one server entry.
        MySQLSettingsCollector.add(variables: [:], status: ["Uptime": "1"], to: &snapshot)
        #expect(snapshot.databases.count == 1)
    }

    @Test func performanceSchemaOffAndDisabledConsumersAreCodedNotices() throws {
        #expect(!MySQLSettingsCollector.isPerformanceSchemaOn(["performance_schema": "OFF"]))
        #expect(MySQLSettingsCollector.isPerformanceSchemaOn(["performance_schema": "ON"]))
        #expect(MySQLSettingsCollector.performanceSchemaOffNotice.code == "performance_schema_off")
        #expect(MySQLSettingsCollector.performanceSchemaOffNotice.remedy?.contains("performance_schema=ON") == true)

        let recorded = try MySQLSettingsCollector.parseConsumers(rows: rows("mysql_consumers"))
        #expect(recorded["statements_digest"] == true)
        #expect(MySQLSettingsCollector.consumerNotices(enabled: recorded).isEmpty)

        var disabled = recorded
        disabled["statements_digest"] = false
        let notice = try #require(MySQLSettingsCollector.consumerNotices(enabled: disabled).first)
        #expect(notice.code == "performance_schema_consumer_off")
        #expect(
            notice.fixSQL
                == "UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME IN ('statements_digest');")
        #expect(notice.remedy?.contains("performance-schema-consumer-statements-digest=ON") == true)
    }

    /// MariaDB's digests leave out server-side prepared statements: the scan says how many ran and their time
    /// instead of staying silent (sysbench's default; 98,760 executions left the 10.11 digest table unchanged),
    /// and that the count is the whole server's.
    @Test func preparedStatementsMissingFromMariaDBDigestsAreACodedNotice() throws {
        let notice = try #require(
            MySQLSettingsCollector.preparedStatementNotices(executions: 488_820, totalMs: 32_545.9).first)
        #expect(notice.code == "prepared_statements_not_in_digests")
        #expect(notice.message.hasPrefix("488,820 executions of server-side prepared statements taking 32.5 s"))
        #expect(notice.message.contains("server-wide"))
        #expect(notice.remedy?.contains("prepared_statements_instances") == true)
        #expect(MySQLSettingsCollector.preparedStatementNotices(executions: 0, totalMs: 0).isEmpty)
    }

    @Test func digestsBecomeStatementsWithTheirMySQLCounters() throws {
        let collected = try MySQLStatementsCollector.parse(rows: rows("mysql_digests"), query: .mysqlDigests)
        #expect(collected.statements.count == 3)
        let scan = try #require(collected.statements.first { $0.text.contains("FROM `orders` WHERE STATUS = ?") })
        #expect(scan.database == "shop")
        #expect(scan.calls == 1)
        #expect(scan.noIndexUsedCalls == 1)
        #expect((scan.rowsExamined ?? 0) > 290_000)
        #expect(scan.totalTimeMs > 1)
        #expect(scan.sampleText == nil)
        #expect(collected.oldestFirstSeen != nil)
        #expect(collected.overflowCalls == 0)
    }

    @Test func mysql8DigestsKeepTheSampleAndCountTheOverflowRow() throws {
        let collected = try MySQLStatementsCollector.parse(rows: rows("mysql_digests_v8"), query: .mysqlDigestsV8)
        #expect(collected.statements.count == 2)
        #expect(collected.overflowCalls == 5120)
        let first = try #require(collected.statements.first)
        #expect(first.id.count == 64)
        #expect(first.totalTimeMs == 98765.4321)
        #expect(first.sampleText?.contains("'refunded'") == true)
        #expect(first.rows == 300_000)
        let grouped = collected.statements[1]
        #expect(grouped.tempTables == 40)
        #expect(grouped.tempDiskTables == 12)
        #expect(grouped.sortMergePasses == 3)
        #expect(collected.oldestFirstSeen == Date(timeIntervalSince1970: 1_767_225_600))

        let source = MySQLStatementsCollector.source(
            settings: ["performance_schema_digests_size": "10000", "status.Performance_schema_digest_lost": "77"],
            oldestFirstSeen: collected.oldestFirstSeen)
        #expect(source.name == "performance_schema")
        #expect(source.capacity == 10_000)
        #expect(source.evictions == 77)
        #expect(source.resetAt == collected.oldestFirstSeen)
        #expect(MySQLStatementsCollector.query(for: MySQLServer(engine: .mysql, version: "8.0.36")) == .mysqlDigestsV8)
        #expect(
            MySQLStatementsCollector.query(for: MySQLServer(engine: .mariadb, version: "11.4.2-MariaDB"))
                == .mysqlDigests)
    }

    @Test func tablesMapRowsReadToEstimatedScans() throws {
        let tables = try MySQLTablesCollector.parse(rows: rows("mysql_tables"))
        #expect(tables.map(\.name).contains("reviews"))
        let orders = try #require(tables.first { $0.name == "orders" })
        #expect(orders.qualifiedName == "shop.orders")
        #expect(orders.estimatedRows == 299_766)
        #expect(orders.seqRowsRead == 600_000)
        #expect(orders.seqScans == 3)
        #expect(orders.indexRowsFetched == orders.indexScans)
        #expect(orders.totalBytes == (orders.dataBytes ?? 0) + (orders.indexBytes ?? 0))
        #expect(MySQLTablesCollector.estimatedFullScans(rowsRead: 0, tableRows: 10) == 0)
        #expect(MySQLTablesCollector.estimatedFullScans(rowsRead: 20, tableRows: 10) == 2)
        #expect(MySQLTablesCollector.estimatedFullScans(rowsRead: 5, tableRows: 0) == 5)
        let hidden = MySQLTablesCollector.noTablesNotice(login: "'m'@'%'", seesEveryTable: false)
        #expect(hidden.fixSQL == "GRANT SHOW VIEW ON *.* TO 'm'@'%';")
        // A fresh data directory with a login holding SHOW VIEW: nothing is hidden, there is nothing yet.
        let none = MySQLTablesCollector.noTablesNotice(login: "'m'@'%'", seesEveryTable: true)
        #expect(none.message.hasPrefix("no user tables exist yet"))
        #expect(none.code == nil && none.fixSQL == nil)
    }

    @Test func indexesAreGroupedWithDefinitionsAndUsage() throws {
        let indexes = try MySQLIndexesCollector.parse(rows: rows("mysql_indexes"), query: .mysqlIndexes)
        let primary = try #require(indexes.first { $0.table == "order_items" && $0.isPrimary })
        #expect(primary.columns == ["order_id", "line"])
        #expect(primary.definition == "ALTER TABLE `shop`.`order_items` ADD PRIMARY KEY (`order_id`, `line`)")
        #expect(primary.constraint == "PRIMARY")
        #expect(primary.isUnique)
        let email = try #require(indexes.first { $0.name == "customers_email_key" })
        #expect(email.isUnique && email.constraint == "customers_email_key")
        #expect(email.definition == "ALTER TABLE `shop`.`customers` ADD UNIQUE INDEX `customers_email_key` (`email`)")
        let clustered = try #require(indexes.first { $0.name == "reviews_customer_id_id_idx" })
        #expect(clustered.columns == ["customer_id", "id"])
        #expect(clustered.method == "btree")
        #expect(clustered.constraint == nil)
        #expect(clustered.scans == 0)
        // Foreign-key-backing indexes are left to the rules (they keep an index that is a key's only cover).
        #expect(try #require(indexes.first { $0.name == "customers_country_fkey" }).constraint == nil)
    }

    @Test func mysql8IndexesHaveExpressionsPrefixesAndDescendingParts() throws {
        let indexes = try MySQLIndexesCollector.parse(rows: rows("mysql_indexes_v8"), query: .mysqlIndexesV8)
        #expect(indexes.count == 5)
        let functional = try #require(indexes.first { $0.name == "customers_lower_email_idx" })
        #expect(functional.columns == ["(lower(`email`))"])
        #expect(
            functional.definition
                == "ALTER TABLE `shop`.`customers` ADD INDEX `customers_lower_email_idx` ((lower(`email`)))")
        let prefix = try #require(indexes.first { $0.name == "customers_name_prefix_idx" })
        #expect(prefix.columns == ["email", "created_at"])
        #expect(prefix.definition.hasSuffix("(`email`(10), `created_at` DESC)"))
        #expect(prefix.scans == 12)
        let fulltext = try #require(indexes.first { $0.name == "customers_bio_fulltext" })
        #expect(fulltext.method == "FULLTEXT")
        #expect(fulltext.definition.contains("ADD FULLTEXT INDEX `customers_bio_fulltext`"))
        #expect(fulltext.scans == nil)
        #expect(MySQLIndexesCollector.query(for: MySQLServer(engine: .mysql, version: "8.0.12")) == .mysqlIndexes)
        #expect(MySQLIndexesCollector.query(for: MySQLServer(engine: .mysql, version: "8.0.13")) == .mysqlIndexesV8)
    }

    @Test func keyPartsOutOfOrderAreAnError() throws {
        var broken = try rows("mysql_indexes_v8")
        broken.remove(at: 3)
        let error = #expect(throws: UnexpectedRowError.self) {
            try MySQLIndexesCollector.parse(rows: broken, query: .mysqlIndexesV8)
        }
        #expect(error?.column == "seq_in_index")
        #expect(error?.row == 4)
    }

    @Test func foreignKeysKeepTheirColumnsAndRules() throws {
        let keys = try MySQLForeignKeysCollector.parse(rows: rows("mysql_foreign_keys"))
        #expect(keys.count == 4)
        let key = try #require(keys.first { $0.name == "order_items_order_id_fkey" })
        #expect(key.columns == ["order_id"])
        #expect(key.referencedTable == "orders" && key.referencedColumns == ["id"])
        #expect(key.onDelete == "RESTRICT")
        let composite = try MySQLForeignKeysCollector.parse(rows: [
            foreignKeyRow(column: "a", position: 1, referenced: "x"),
            foreignKeyRow(column: "b", position: 2, referenced: "y"),
        ])
        #expect(composite.count == 1)
        #expect(composite.first?.columns == ["a", "b"])
        #expect(composite.first?.referencedColumns == ["x", "y"])
    }

    @Test func connectionsNameIdleTransactionsAndLockWaits() throws {
        var snapshot = Snapshot(server: ServerInfo(engine: .mysql), settings: ["max_connections": "200"])
        try MySQLConnectionsCollector.add(
            processes: rows("mysql_processlist_v8"), lockWaits: rows("mysql_lock_waits_v8"),
            lockQuery: .mysqlLockWaitsV8, to: &snapshot)
        let connections = try #require(snapshot.connections)
        #expect(connections.maxConnections == 200)
        #expect(connections.reservedConnections == 0)
        let holder = try #require(connections.sessions.first { $0.id == 57 })
        #expect(holder.state == "idle in transaction")
        #expect(holder.transactionSeconds == 96)
        #expect(holder.querySeconds == nil)
        let waiter = try #require(connections.sessions.first { $0.id == 58 })
        #expect(waiter.state == "active")
        #expect(waiter.blockedBy == [57])
        #expect(waiter.waitEventType == "Lock")
        #expect(waiter.querySeconds == 12)
        #expect(waiter.query?.hasPrefix("UPDATE orders") == true)
        #expect(connections.sessions.first { $0.id == 59 }?.state == "idle")
        #expect(snapshot.facets.contains(.connections))

        var recorded = Snapshot(server: ServerInfo(engine: .mariadb), settings: ["max_connections": "151"])
        try MySQLConnectionsCollector.add(
            processes: rows("mysql_processlist"), lockWaits: rows("mysql_lock_waits"), to: &recorded)
        #expect(recorded.connections?.sessions.isEmpty == false)
    }

    @Test func connectionsNeedMaxConnections() throws {
        var snapshot = Snapshot(server: ServerInfo(engine: .mysql))
        let error = #expect(throws: UnexpectedRowError.self) {
            try MySQLConnectionsCollector.add(processes: [], lockWaits: [], to: &snapshot)
        }
        #expect(error?.column == "max_connections")
    }

    @Test func garbledNumbersNameTheQueryRowAndColumn() throws {
        var broken = try rows("mysql_tables")
        broken[1]["table_rows"] = "lots"
        let error = #expect(throws: UnexpectedRowError.self) { try MySQLTablesCollector.parse(rows: broken) }
        #expect(
            error?.description == "unexpected result of mysql_tables (row 2, column table_rows): expected an integer, "
                + "found \"lots\"")
    }

    /// A scan of mysql://…/ormok judges ormok alone and says so; with no database in the URL, the whole server.
    @Test func theURLsDatabaseScopesTheScan() throws {
        var snapshot = Snapshot(server: ServerInfo(engine: .mariadb, database: "ormok"))
        snapshot.statements = [
            StatementStats(id: "a", text: "SELECT 1", database: "ormok", calls: 1, totalTimeMs: 1, rows: 1),
            StatementStats(id: "b", text: "SELECT 2", database: "shop", calls: 1, totalTimeMs: 1, rows: 1),
            StatementStats(id: "c", text: "SELECT 3", database: nil, calls: 1, totalTimeMs: 1, rows: 1),
        ]
        snapshot.tables = [TableStats(schema: "ormok", name: "users"), TableStats(schema: "shop", name: "orders")]
        snapshot.foreignKeys = [
            ForeignKey(
                schema: "shop", table: "orders", name: "fk", columns: ["user_id"], referencedSchema: "shop",
                referencedTable: "users", referencedColumns: ["id"])
        ]
        var whole = snapshot
        whole.server.database = nil
        MySQLScanner.scope(&snapshot)
        #expect(snapshot.statements.map(\.id) == ["a"])
        #expect(snapshot.tables.map(\.qualifiedName) == ["ormok.users"])
        #expect(snapshot.foreignKeys.isEmpty)
        #expect(
            snapshot.notices.map(\.message) == [
                "Scope: database ormok only (the URL's): statements, tables, indexes and foreign keys of other "
                    + "databases are left out (2 statements, 1 table); settings, status counters and connections "
                    + "are the server's"
            ])
        MySQLScanner.scope(&whole)
        #expect(whole.statements.count == 3 && whole.tables.count == 2)
        #expect(whole.notices.first?.message.hasPrefix("Scope: the whole server (the URL names no database)") == true)
    }

    // MARK: - Private helpers

    private func snapshotWithSettings() throws -> Snapshot {
        let (info, _) = try MySQLServerCollector.parse(rows: rows("mysql_server"))
        var snapshot = Snapshot(server: info)
        MySQLSettingsCollector.add(
            variables: try MySQLRowReader.nameValuePairs(of: rows("mysql_variables"), query: .mysqlVariables),
            status: try MySQLRowReader.nameValuePairs(of: rows("mysql_status"), query: .mysqlStatus), to: &snapshot)
        return snapshot
    }

    private func foreignKeyRow(column: String, position: Int, referenced: String) -> MySQLSession.Row {
        [
            "schema_name": "s", "table_name": "t", "constraint_name": "t_fk", "column_name": column,
            "ordinal_position": String(position), "referenced_schema": "s", "referenced_table": "r",
            "referenced_column": referenced, "delete_rule": "CASCADE", "update_rule": "NO ACTION",
        ]
    }

    private func rows(_ name: String) throws -> [MySQLSession.Row] {
        let file = RepositoryPaths.fixtures.appendingPathComponent("mysql/rows/\(name).json")
        return try JSONDecoder().decode([MySQLSession.Row].self, from: Data(contentsOf: file))
    }
}
