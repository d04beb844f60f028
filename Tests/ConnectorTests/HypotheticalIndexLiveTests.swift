import Foundation
import PostgresConnector
import TestSupport
import Testing

/// `scan --explain-top` with HypoPG (PostgreSQL 15 here, where the project's script installs it): the index
/// suggested for a selective filter is planned as a hypothetical one, its costs before and after are in the
/// finding, and nothing is created. On PostgreSQL 18 (no HypoPG in that build) the finding says how to check it.
@Suite(.serialized, .enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage))
struct HypotheticalIndexLiveTests {
    @Test(arguments: LiveServers.postgresServers)
    func suggestedIndexesAreCheckedByThePlanner(server: PostgresTestServer) throws {
        let owner = try LibPQSession.open(try server.require(server.url))
        let hasHypoPG = try !owner.rows("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'").isEmpty
        #expect(hasHypoPG == (server.major == 15), "the test servers install HypoPG on 15 only")
        let indexCount = "SELECT count(*) AS n FROM pg_indexes WHERE tablename = 'orders'"
        let indexesBefore = try owner.rows(indexCount).first?["n"] ?? nil
        _ = try owner.rows("SELECT pg_stat_statements_reset()")
        for total in ["900", "950", "990"] {
            _ = try owner.rows(
                "SELECT id, customer_id FROM orders WHERE status = $1 AND total > $2 /* hypopg probe */",
                ["refunded", total])
        }
        let result = try CommandRunner.run([
            "scan", try server.require(server.readerURL), "--explain-top", "3", "--format", "json",
            "--only", "plan-seq-scan-filter", "--no-history", "-q",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = report["findings"] as? [[String: Any]] ?? []
        let finding = try #require(
            findings.first { ($0["fix_sql"] as? String)?.contains("ON orders (status, total)") == true },
            "\(findings.map { $0["fix_sql"] ?? "" })")
        let risk = finding["risk"] as? String ?? ""
        let evidence = (finding["evidence"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        if hasHypoPG {
            #expect(risk.contains("Checked with HypoPG: the planner uses this index"), "\(risk)")
            #expect(evidence.contains("planner cost with the index"), "\(evidence)")
        } else {
            #expect(risk.contains("CREATE EXTENSION hypopg"), "\(risk)")
        }
        // Nothing was created: the catalog holds the same indexes as before the scan.
        #expect(try owner.rows(indexCount).first?["n"] ?? nil == indexesBefore)
    }

    /// Two statements filtering one table on (total) and on (total, status): one index is asked for, the one
    /// on (total, status), and the other finding points at it.
    @Test(arguments: LiveServers.postgresServers)
    func twoStatementsOnOneTableGetOneIndex(server: PostgresTestServer) throws {
        let owner = try LibPQSession.open(try server.require(server.url))
        _ = try owner.rows("SELECT pg_stat_statements_reset()")
        for _ in 1...3 {
            _ = try owner.rows("SELECT id FROM orders WHERE total = $1 /* merge probe */", ["990"])
            _ = try owner.rows(
                "SELECT id FROM orders WHERE total = $1 AND status = $2 /* merge probe */", ["990", "refunded"])
        }
        let result = try CommandRunner.run([
            "scan", try server.require(server.readerURL), "--explain-top", "4", "--format", "json",
            "--only", "plan-seq-scan-filter", "--no-history", "-q",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = (report["findings"] as? [[String: Any]] ?? []).filter {
            ($0["message"] as? String)?.contains("orders") == true
        }
        let fixes = findings.compactMap { $0["fix_sql"] as? String }.filter { $0.contains(" ON orders ") }
        #expect(fixes == ["CREATE INDEX CONCURRENTLY orders_total_status_idx ON orders (total, status);"], "\(fixes)")
        let pointer = findings.first { ($0["recommendation"] as? String)?.contains("One index serves this") == true }
        #expect(pointer != nil, "\(findings.map { $0["recommendation"] ?? "" })")
    }
}
