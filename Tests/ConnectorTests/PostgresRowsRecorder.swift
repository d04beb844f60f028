import AdvisorCore
import AdvisorQueries
import Foundation
import PostgresConnector
import TestSupport
import Testing

/// Records `Fixtures/postgres/rows/<query>.json` from the live test server for the collectors' unit
/// tests: `RECORD_ROWS=1 swift test --filter PostgresRowsRecorder` (see Fixtures/README.md).
///
/// Rows are read as the pg_monitor login after a statement reset and a few statements, so the files show
/// what a least-privilege scan sees. Of the 120 partitions of `events` only two are kept, to keep the
/// files short. The PG12 and PG17 statement layouts are edited by hand from the recorded one.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["RECORD_ROWS"] == "1" && LiveServers.postgresIsUsable,
        "set RECORD_ROWS=1 (and the test server's variables) to record"))
struct PostgresRowsRecorder {
    @Test func recordsTheRowsOfEveryCollectorQuery() throws {
        let owner = try LibPQSession.open(try #require(LiveServers.postgresURL))
        _ = try owner.rows("SELECT pg_stat_statements_reset()")
        _ = try owner.rows("SELECT count(*) FROM orders WHERE status = 'refunded'")
        _ = try owner.rows("SELECT id, email FROM customers WHERE id = $1", ["42"])
        _ = try owner.rows("SELECT name FROM products WHERE category = $1 ORDER BY name LIMIT 5", ["books"])

        let session = try LibPQSession.open(try #require(LiveServers.postgresMonitorURL))
        for query in [
            QueryText.pgServer, .pgSettings, .pgDatabases, .pgStatementsExtension, .pgTables, .pgIndexes,
            .pgForeignKeys,
        ] {
            try write(session.rows(query), as: query)
        }
        let installation = try #require(try session.rows(.pgStatementsExtension).first)
        _ = try session.rows("BEGIN")
        _ = try session.rows(.pgSearchPath, [try #require(installation["quoted_schema"] ?? nil)])
        try write(session.rows(.pgStatementsV14, ["5000"]), as: .pgStatementsV14)
        try write(session.rows(.pgStatementsInfo), as: .pgStatementsInfo)
        _ = try session.rows("COMMIT")
    }

    // MARK: - Private helpers

    private func write(_ rows: [LibPQSession.Row], as query: QueryText) throws {
        let kept = rows.filter { row in
            guard let table = row["table_name"] ?? nil, table.hasPrefix("events_") else { return true }
            return ["events_2015_01", "events_2015_02"].contains(table)
        }
        let objects = kept.map { row in row.mapValues { $0.map { $0 as Any } ?? NSNull() } }
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
        let file = RepositoryPaths.fixtures.appendingPathComponent("postgres/rows/\(query.rawValue).json")
        try (data + Data("\n".utf8)).write(to: file)
    }
}
