import Foundation
import PostgresConnector
import TestSupport
import Testing

/// Nightly runs against the real test PostgreSQL, with the built binary and one history store: a workload
/// between two scans gives deltas, a statement made slow is reported by `statement-regression` as new, it
/// is resolved once fast again, and a `pg_stat_statements_reset()` in between is detected, not subtracted.
@Suite(.serialized, .enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage))
struct HistoryLiveTests {
    /// The statement made slow: `pg_sleep`'s argument is a constant, so fast and slow calls are one statement.
    private static func probe(sleepSeconds: Double) -> String {
        "SELECT pg_sleep(\(sleepSeconds)), count(*) FROM countries WHERE length(name) > -1 AND code <> 'probe'"
    }

    /// A statement run a known number of times between two scans; its shape is this test's own.
    private static let counted = "SELECT count(*) FROM countries WHERE length(code) > -7 AND name <> 'counted'"

    @Test func deltasRegressionsNewAndResolvedFindingsAndResets() throws {
        let owner = try LibPQSession.open(try #require(LiveServers.postgresURL))
        let store = HistoryScans.storePath()
        func scan() throws -> [String: Any] {
            let result = try CommandRunner.run([
                "scan", try #require(LiveServers.postgresMonitorURL), "--history", store, "--target", "live-pg",
                "--format", "json", "--quiet",
            ])
            #expect([0, 1].contains(result.exitCode), "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        func run(_ sql: String, times: Int) throws {
            for _ in 0..<times { _ = try owner.rows(sql) }
        }

        try run(Self.probe(sleepSeconds: 0), times: 20)
        try run(Self.counted, times: 5)
        let first = try scan()
        #expect(first["resolved_findings"] == nil)

        try run(Self.probe(sleepSeconds: 0.01), times: 20)
        try run(Self.counted, times: 30)
        let second = try scan()
        let statements = second["statements"] as? [[String: Any]] ?? []
        let counted = statements.first { ($0["text"] as? String)?.contains("length(code) >") == true }
        #expect(counted?["calls"] as? Int == 30, "calls since the previous run, not since the reset")
        let regression = try #require(
            Self.findings(second).first {
                $0["rule_id"] as? String == "statement-regression"
                    && (($0["object"] as? [String: Any])?["name"] as? String)?.contains("pg_sleep") == true
            }, "the slow statement is reported as a regression")
        #expect(regression["new"] as? Bool == true)
        let fingerprint = try #require(regression["fingerprint"] as? String)
        #expect(
            ((second["notices"] as? [[String: Any]]) ?? []).contains { notice in
                (notice["message"] as? String)?.contains("since the previous run of live-pg") == true
            })

        _ = try owner.rows("SELECT pg_stat_statements_reset()")
        try run(Self.probe(sleepSeconds: 0), times: 20)
        let third = try scan()
        #expect(
            ((third["notices"] as? [[String: Any]]) ?? []).contains { notice in
                (notice["message"] as? String)?.contains("restarted since the previous run") == true
            })
        let resolved = (third["resolved_findings"] as? [[String: Any]]) ?? []
        #expect(resolved.contains { $0["fingerprint"] as? String == fingerprint })
        #expect(!Self.findings(third).contains { $0["fingerprint"] as? String == fingerprint })

        let history = try CommandRunner.run(["history", "--history", store, "--target", "live-pg"])
        #expect(history.exitCode == 0, "\(history.stderr)")
        #expect(history.stdout.split(separator: "\n").filter { $0.hasPrefix("live-pg") }.count == 3)
    }

    private static func findings(_ report: [String: Any]) -> [[String: Any]] {
        report["findings"] as? [[String: Any]] ?? []
    }
}

private enum HistoryScans {
    static func storePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-history-live-\(UUID())")
            .appendingPathComponent("history.sqlite").path
    }
}
