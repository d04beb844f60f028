import Foundation
import TestSupport
import Testing

/// A statement timeout too short for the collectors' queries: the report says which collectors it cut
/// short, the exit code is 3, and the incomplete run stays out of the history (it would read as every
/// statement and table gone).
@Suite(
    .serialized,
    .enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage),
    .enabled(if: LiveServers.mysqlIsUsable, LiveServers.mysqlSkipMessage))
struct StatementTimeoutLiveTests {
    static let urls = [LiveServers.postgresMonitorURL, LiveServers.mysqlURL].compactMap { $0 }

    @Test(arguments: urls)
    func aTimeoutThatCutsCollectorsShortIsAnIncompleteReport(url: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-timeout-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let history = folder.appendingPathComponent("history.sqlite").path
        let result = try CommandRunner.run(
            ["scan", url, "--statement-timeout", "1", "--format", "json", "--history", history, "-q"])
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(result.stderr.contains("the report is incomplete: the statement timeout (1 ms) cut short"))
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let notices = (report?["notices"] as? [[String: Any]])?.compactMap { $0["message"] as? String } ?? []
        let summary = try #require(notices.first, "\(notices)")
        #expect(summary.hasPrefix("incomplete report: the statement timeout cut short"))
        #expect(summary.contains("statement"), "\(summary)")
        let runs = try CommandRunner.run(["history", "--history", history])
        #expect(!runs.stdout.contains(url.contains("mysql") ? "33069" : "54329"), "\(runs.stdout)")
        // With time enough the same scan is complete.
        let complete = try CommandRunner.run(["scan", url, "--format", "json", "-q"])
        #expect(complete.exitCode == 0, "\(complete.stderr)")
        #expect(!complete.stdout.contains("incomplete report"))
    }

    @Test func scanAllMarksTheTargetIncomplete() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-timeout-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = """
            targets:
              - name: hurried
                dsn_env: DBADVISOR_TEST_PG_MONITOR_URL
                statement_timeout_ms: 1
              - name: patient
                dsn_env: DBADVISOR_TEST_MYSQL_URL
            """
        try config.write(to: folder.appendingPathComponent("dbadvisor.yml"), atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(
            ["scan", "--all", "--config", "dbadvisor.yml", "-q", "--no-history"], in: folder)
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(result.stdout.contains("Scanned 1 of 2 targets"), "\(result.stdout)")
        #expect(result.stdout.contains("incomplete: timed out reading"), "\(result.stdout)")
    }
}
