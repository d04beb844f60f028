import AdvisorCore
import Foundation
import PostgresConnector
import TestSupport
import Testing

/// The statements PostgreSQL's foreign-key triggers run, as pg_stat_statements (track = all) keeps them, are
/// recognised as the server's own: the referenced-key check of every insert and the ON DELETE CASCADE.
@Suite(.serialized, .enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage))
struct ForeignKeyStatementsLiveTests {
    @Test func triggerStatementsAreTheServersOwn() throws {
        let url = try #require(LiveServers.postgresURL)
        defer { _ = try? Self.psql(url, "DROP SCHEMA IF EXISTS fk_live CASCADE") }
        try Self.psql(
            url,
            """
            DROP SCHEMA IF EXISTS fk_live CASCADE; CREATE SCHEMA fk_live;
            CREATE TABLE fk_live.authors (id int PRIMARY KEY);
            CREATE TABLE fk_live.books (id int PRIMARY KEY, author_id int REFERENCES fk_live.authors ON DELETE CASCADE);
            INSERT INTO fk_live.authors SELECT g FROM generate_series(1, 50) g;
            INSERT INTO fk_live.books SELECT g, 1 + g % 50 FROM generate_series(1, 500) g;
            DELETE FROM fk_live.authors WHERE id <= 5;
            """)
        let result = try CommandRunner.run(["scan", url, "--format", "json", "-q"])
        #expect(result.exitCode == 0 || result.exitCode == 1, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let texts = (report["statements"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        let kinds = texts.filter { $0.contains("\"fk_live\"") }.map { StatementKind($0, engine: .postgres) }
        #expect(
            kinds.contains(
                .foreignKey(
                    ForeignKeyAction(action: .referencedKeyCheck, schema: "fk_live", table: "authors", columns: ["id"]))
            ),
            "\(texts.filter { $0.contains("fk_live") })")
        #expect(
            kinds.contains(
                .foreignKey(
                    ForeignKeyAction(action: .cascadeDelete, schema: "fk_live", table: "books", columns: ["author_id"]))
            ))
    }

    /// Runs `sql` with psql as the owner (the scan's own sessions are read-only).
    private static func psql(_ url: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql, url]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
