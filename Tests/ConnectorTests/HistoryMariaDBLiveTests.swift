import Foundation
import MySQLConnector
import TestSupport
import Testing

/// The same nightly runs against the real test MariaDB: digests since the previous run, a statement made
/// slow reported as a new regression, and a digest table emptied in between detected as a reset (its
/// counters start again) instead of giving negative deltas.
@Suite(.serialized, .enabled(if: LiveServers.mysqlIsUsable, LiveServers.mysqlSkipMessage))
struct HistoryMariaDBLiveTests {
    /// `SLEEP`'s argument is a literal, so fast and slow calls are one digest.
    private static func probe(sleepSeconds: Double) -> String {
        "SELECT SLEEP(\(sleepSeconds)), COUNT(*) FROM shop.countries WHERE LENGTH(name) > -1 AND code <> 'probe'"
    }

    private static let counted = "SELECT COUNT(*) FROM shop.countries WHERE LENGTH(code) > -7 AND name <> 'counted'"

    @Test func deltasRegressionsAndAnEmptiedDigestTable() throws {
        let owner = try MySQLSession.open(try #require(LiveServers.mysqlURL))
        // Read-write for the TRUNCATE of the digest table below (sessions open read-only).
        _ = try owner.rows("SET SESSION TRANSACTION READ WRITE")
        let monitor = try #require(LiveServers.mysqlMonitorURL)
        let store = FileManager.default.temporaryDirectory
            .appendingPathComponent("dbadvisor-history-maria-\(UUID())").appendingPathComponent("history.sqlite").path
        func scan() throws -> [String: Any] {
            let result = try CommandRunner.run([
                "scan", monitor, "--history", store, "--target", "live-maria", "--format", "json", "--quiet",
            ])
            #expect([0, 1].contains(result.exitCode), "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        func run(_ sql: String, times: Int) throws {
            for _ in 0..<times { _ = try owner.rows(sql) }
        }
        func findings(_ report: [String: Any]) -> [[String: Any]] {
            report["findings"] as? [[String: Any]] ?? []
        }

        try run(Self.probe(sleepSeconds: 0), times: 20)
        try run(Self.counted, times: 5)
        let first = try scan()
        #expect(first["resolved_findings"] == nil)

        try run(Self.probe(sleepSeconds: 0.01), times: 20)
        try run(Self.counted, times: 30)
        let second = try scan()
        let statements = second["statements"] as? [[String: Any]] ?? []
        // The digest keeps the shape, not the literals: `LENGTH` ( CODE ) > - ? AND NAME != ?.
        let counted = statements.first { ($0["text"] as? String)?.contains("`LENGTH` ( CODE )") == true }
        #expect(counted?["calls"] as? Int == 30, "calls since the previous run: \(String(describing: counted))")
        let regression = try #require(
            findings(second).first {
                $0["rule_id"] as? String == "statement-regression"
                    && (($0["object"] as? [String: Any])?["name"] as? String)?.contains("SLEEP") == true
            }, "the slow statement is reported as a regression")
        #expect(regression["new"] as? Bool == true)

        // Emptying the digest table restarts its counters: a reset, not negative figures.
        _ = try owner.rows("TRUNCATE performance_schema.events_statements_summary_by_digest")
        try run(Self.counted, times: 3)
        let third = try scan()
        let notices = ((third["notices"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
        #expect(notices.contains { $0.contains("restarted since the previous run") }, "\(notices)")
        let after = (third["statements"] as? [[String: Any]]) ?? []
        #expect(after.allSatisfy { ($0["calls"] as? Int ?? 0) >= 0 })
    }
}
