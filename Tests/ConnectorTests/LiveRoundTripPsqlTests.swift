import AdvisorCore
import Foundation
import Testing

/// The user's workflow on PostgreSQL: run the scenario through `psql`, pipe what it prints into
/// `dbadvisor explain - --format json`.
@Suite(.enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage))
struct LiveRoundTripPsqlTests {
    /// The psql script a user would write: the settings, each statement's EXPLAIN with `options`, all in
    /// a transaction that is rolled back.
    private static func script(_ scenario: LiveScenario, options: [String]) -> String {
        let list = options.filter { !$0.isEmpty }.joined(separator: ", ")
        let explain = list.isEmpty ? "EXPLAIN" : "EXPLAIN (\(list))"
        let lines =
            ["BEGIN;"] + scenario.settings.map { $0 + ";" }
            + scenario.statements.map { "\(explain) \($0);" } + ["ROLLBACK;"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// psql's output for the script on standard input; `flags` after -X (no ~/.psqlrc).
    private static func psql(_ flags: [String], _ script: String) throws -> String {
        let url = try #require(
            LiveServers.postgresURL, "DBADVISOR_TEST_PG_URL is not set (scripts/test-servers.sh env)")
        return try ExplainReport.client("psql", ["-X", "-v", "ON_ERROR_STOP=1"] + flags + [url], stdin: script)
    }

    /// psql's default aligned output (`QUERY PLAN` header, dashes, `(N rows)`, and the BEGIN, SET and
    /// ROLLBACK command tags between), and `psql -qAt` JSON.
    @Test(arguments: try LiveScenario.all("postgres"))
    func psqlOutputThroughTheCommandLine(scenario: LiveScenario) throws {
        let aligned = try Self.psql([], Self.script(scenario, options: [scenario.explainOptions]))
        try ScenarioCheck.expectSymptom(scenario.symptom, in: aligned, "\(scenario.name) (psql)")
        #expect(aligned.components(separatedBy: "QUERY PLAN").count - 1 == scenario.statements.count)
        let json = try Self.psql(["-qAt"], Self.script(scenario, options: [scenario.explainOptions, "FORMAT JSON"]))
        for (form, output) in [("psql", aligned), ("psql -qAt JSON", json)] {
            let label = "\(scenario.name) (\(form))"
            let (exitCode, report) = try ExplainReport.explain(output)
            #expect(exitCode == 0, "\(label)")
            #expect(report.plans.count == scenario.statements.count, "\(label)")
            ScenarioCheck.expectFired(scenario.fires, in: report.findings, label)
            ScenarioCheck.expectAtMost(scenario.highestSeverity, in: report.findings, label)
        }
    }

    @Test func failOnHighExitsOneOnAHighFinding() throws {
        let scenario = try LiveScenario.named("sort_spill", "postgres")
        let aligned = try Self.psql([], Self.script(scenario, options: [scenario.explainOptions]))
        let (exitCode, report) = try ExplainReport.explain(aligned, ["--fail-on", "high"])
        // The spilling sort is most of a statement of a few hundred milliseconds on any run: its share
        // makes the finding high or critical, and the statement's time does not cap it below high.
        #expect(report.findings.contains { $0.ruleId == DiskSpillRule.description.id && $0.severity >= .high })
        #expect(exitCode == 1)
    }
}
