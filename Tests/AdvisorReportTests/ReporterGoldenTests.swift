import AdvisorCore
import Foundation
import TestSupport
import Testing

@testable import AdvisorReport

/// Every format on the same real plans, compared byte for byte with `Snapshots/`.
/// Only the hot-node rule runs, so adding rules does not churn these files.
struct ReporterGoldenTests {
    /// A plan file through the hot-node rule, as `dbadvisor explain` reports it.
    static func report(_ fixture: String) throws -> Report {
        let url = RepositoryPaths.fixtures.appendingPathComponent(fixture)
        let input = PlanInput(bytes: [UInt8](try Data(contentsOf: url)), name: fixture)
        let plans = try PlanReader.read(input)
        let snapshot = Snapshot(plans: plans, source: fixture)
        let outcome = RuleEngine(rules: [HotNodeRule()]).run(snapshot)
        return Report(
            command: "explain", source: fixture, toolVersion: "0.0.0-test",
            generatedAt: Date(timeIntervalSince1970: 1_700_000_000), snapshot: snapshot,
            findings: outcome.findings, rules: outcome.ran, skippedRules: outcome.skipped)
    }

    @Test(arguments: OutputFormat.allCases)
    func nestedLoopPlan(format: OutputFormat) throws {
        let report = try Self.report("postgres/plans/nested_loop_seq_inner.json")
        assertGolden(
            try format.reporter.render(report, options: RenderOptions()), named: "nested_loop.\(format.rawValue)")
    }

    @Test func largePlansFoldNodesUnderOnePercent() throws {
        let report = try Self.report("postgres/plans/partitioned_append.json")
        let text = try TextReporter.render(report, options: RenderOptions())
        #expect(text.contains("more nodes under 1 % each"))
        #expect(text.split(separator: "\n").count < 80)
        assertGolden(text, named: "partitioned_append.text")
    }

    @Test func colourOnlyWhenAsked() throws {
        let report = try Self.report("postgres/plans/nested_loop_seq_inner.json")
        #expect(!(try TextReporter.render(report, options: RenderOptions(color: false))).contains("\u{1B}["))
        #expect(try TextReporter.render(report, options: RenderOptions(color: true)).contains("\u{1B}["))
    }

    @Test func jsonIsVersionedAndRanked() throws {
        let report = try Self.report("postgres/plans/nested_loop_seq_inner.json")
        let data = Data(try JSONReporter.render(report, options: RenderOptions()).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["format_version"] as? Int == 1)
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rank"] as? Int } == Array(1...findings.count))
        #expect(findings.first?["rule_id"] as? String == "plan-hot-node")
    }

    @Test func markdownEscapesTablePipes() {
        #expect(MarkdownReporter.escape("a | b") == "a \\| b")
    }
}
