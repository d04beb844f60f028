import AdvisorCore
import AdvisorQueries
import Foundation
import MySQLConnector
import TestSupport
import Testing

/// Records `Fixtures/mysql/rows/<query>.json` from the live MariaDB test server for the collectors' unit
/// tests: `RECORD_ROWS=1 swift test --filter MySQLRowsRecorder`.
///
/// Rows are read as the monitor login (PROCESS, SHOW VIEW, SELECT on performance_schema) after a digest
/// reset and a few statements, so the files show what a least-privilege scan sees. Only the `shop`
/// schema is kept. The MySQL 8 layouts (`*_v8.json`) are written by hand from these.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["RECORD_ROWS"] == "1" && LiveServers.mysqlIsUsable,
        "set RECORD_ROWS=1 (and the test server's variables) to record"))
struct MySQLRowsRecorder {
    @Test func recordsTheRowsOfEveryCollectorQuery() throws {
        let owner = try MySQLSession.open(try #require(LiveServers.mysqlURL))
        _ = try owner.rows("SET SESSION TRANSACTION READ WRITE")
        _ = try owner.rows("TRUNCATE performance_schema.events_statements_summary_by_digest")
        _ = try owner.rows("SELECT count(*) FROM orders WHERE status = 'refunded'")
        _ = try owner.rows("SELECT id, email FROM customers WHERE id = 42")
        _ = try owner.rows("SELECT name FROM products WHERE category = 'Category 7' ORDER BY name LIMIT 5")

        let session = try MySQLSession.open(try #require(LiveServers.mysqlMonitorURL))
        for query in [
            QueryText.mysqlServer, .mysqlVariables, .mysqlStatus, .mysqlConsumers, .mysqlTables, .mysqlIndexes,
            .mysqlForeignKeys, .mysqlProcesslist, .mysqlLockWaits,
        ] {
            try write(session.rows(query), as: query)
        }
        try write(session.rows(.mysqlDigests).filter { ($0["schema_name"] ?? nil) == "shop" }, as: .mysqlDigests)
    }

    // MARK: - Private helpers

    /// Rows of other schemas (another test's benchmark tables) are left out.
    private func write(_ rows: [MySQLSession.Row], as query: QueryText) throws {
        let kept = rows.filter { row in (row["schema_name"] ?? nil).map { $0 == "shop" } ?? true }
        let objects = kept.map { row in row.mapValues { $0.map { $0 as Any } ?? NSNull() } }
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
        let file = RepositoryPaths.fixtures.appendingPathComponent("mysql/rows/\(query.rawValue).json")
        try (data + Data("\n".utf8)).write(to: file)
    }
}
