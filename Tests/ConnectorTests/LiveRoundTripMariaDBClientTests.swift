import AdvisorCore
import Foundation
import Testing

/// The user's workflow on MariaDB: run the scenario's EXPLAIN through the `mariadb` client, bordered
/// (`--table`) and vertical (`-E`, the `\G` form), pipe what it prints into `dbadvisor explain -`.
@Suite(.enabled(if: LiveServers.mysqlIsUsable, LiveServers.mysqlSkipMessage))
struct LiveRoundTripMariaDBClientTests {
    /// The `mariadb` client's output of `-e script` with `flags`, logged in as DBADVISOR_TEST_MYSQL_URL
    /// says through an option file, so the password is on no command line.
    private static func mariadb(_ flags: [String], _ script: String) throws -> String {
        let url = try #require(
            LiveServers.mysqlURL, "DBADVISOR_TEST_MYSQL_URL is not set (scripts/test-servers.sh env)")
        let parts = try #require(URLComponents(string: url), "cannot read \(url)")
        let options = [
            "[client]", "user=\(parts.user ?? "")", "password=\(parts.password ?? "")", "host=\(parts.host ?? "")",
            "port=\(parts.port.map(String.init) ?? "3306")", "database=\(parts.path.dropFirst())",
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-live-\(UUID()).cnf")
        guard
            FileManager.default.createFile(
                atPath: file.path, contents: Data((options.joined(separator: "\n") + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else { throw ScenarioError("cannot write \(file.path)") }
        defer { try? FileManager.default.removeItem(at: file) }
        return try ExplainReport.client("mariadb", ["--defaults-file=\(file.path)"] + flags + ["-e", script])
    }

    private static func script(_ scenario: LiveScenario) -> String {
        (scenario.settings + scenario.statements.map { "EXPLAIN \($0)" }).map { $0 + ";" }.joined(separator: "\n")
    }

    @Test(arguments: try LiveScenario.all("mysql"))
    func clientOutputThroughTheCommandLine(scenario: LiveScenario) throws {
        let table = try Self.mariadb(["--table"], Self.script(scenario))
        try ScenarioCheck.expectSymptom(scenario.symptom, in: table, "\(scenario.name) (mariadb --table)")
        let vertical = try Self.mariadb(["-E"], Self.script(scenario))
        for (form, output) in [("mariadb --table", table), ("mariadb -E", vertical)] {
            let label = "\(scenario.name) (\(form))"
            let (exitCode, report) = try ExplainReport.explain(output)
            #expect(exitCode == 0, "\(label)")
            #expect(report.plans.count == scenario.statements.count, "\(label)")
            ScenarioCheck.expectFired(scenario.fires, in: report.findings, label)
            ScenarioCheck.expectAtMost(scenario.highestSeverity, in: report.findings, label)
        }
    }

    @Test func failOnDecidesTheExitCode() throws {
        let problem = try Self.mariadb(["--table"], Self.script(LiveScenario.named("no_usable_key", "mysql")))
        let flagged = try ExplainReport.explain(problem, ["--fail-on", "medium"])
        #expect(flagged.report.findings.contains { $0.ruleId == NoUsableKeyRule.description.id })
        #expect(flagged.exitCode == 1)
        let healthy = try Self.mariadb(["--table"], Self.script(LiveScenario.named("healthy_lookup", "mysql")))
        let clean = try ExplainReport.explain(healthy, ["--fail-on", "low"])
        #expect(clean.report.findings.isEmpty)
        #expect(clean.exitCode == 0)
    }
}
