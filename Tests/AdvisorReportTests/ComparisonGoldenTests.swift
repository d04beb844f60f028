import AdvisorCore
import Foundation
import TestSupport
import Testing

@testable import AdvisorReport

/// The comparison reports on before/after pairs captured from our servers, byte for byte with `Snapshots/`. The
/// plan rules that fire on these pairs run, and only those, so adding rules does not churn these files.
struct ComparisonGoldenTests {
    static func report(_ pair: String, before: String = "before.json", after: String = "after.json") throws
        -> ComparisonReport
    {
        func plan(_ file: String) throws -> Plan {
            let url = RepositoryPaths.fixtures.appendingPathComponent(file)
            return try PlanReader.read(PlanInput(bytes: [UInt8](try Data(contentsOf: url)), name: file))[0]
        }
        let engine = RuleEngine(rules: [
            DiskSpillRule(), HotNodeRule(), NestedLoopInnerScanRule(), NoUsableKeyRule(), SeqScanFilterRule(),
        ])
        let beforeFile = "\(pair).\(before)"
        let afterFile = "\(pair).\(after)"
        return ComparisonReport(
            beforeSource: beforeFile, afterSource: afterFile, toolVersion: "0.0.0-test",
            generatedAt: Date(timeIntervalSince1970: 1_700_000_000),
            comparison: PlanComparison.compare(try plan(beforeFile), try plan(afterFile), rules: engine),
            rules: engine.rules.map { RuleSummary(type(of: $0).description) })
    }

    @Test(arguments: [OutputFormat.text, .markdown, .json, .html])
    func joinMethod(format: OutputFormat) throws {
        let report = try Self.report("postgres/compare/join_method")
        let reporter = try #require(format.comparisonReporter)
        assertGolden(
            try reporter.render(report, options: RenderOptions()), named: "compare_join_method.\(format.rawValue)")
    }

    @Test func indexText() throws {
        let report = try Self.report("postgres/compare/orders_index", before: "before.txt", after: "after.txt")
        assertGolden(
            try ComparisonTextReporter.render(report, options: RenderOptions()), named: "compare_orders_index.text")
    }

    @Test func workMemText() throws {
        let report = try Self.report("postgres/compare/hash_work_mem")
        assertGolden(
            try ComparisonTextReporter.render(report, options: RenderOptions()), named: "compare_hash_work_mem.text")
    }

    @Test func colourOnlyWhenAsked() throws {
        let report = try Self.report("postgres/compare/join_method")
        #expect(!(try ComparisonTextReporter.render(report, options: RenderOptions(color: false))).contains("\u{1B}["))
        #expect(try ComparisonTextReporter.render(report, options: RenderOptions(color: true)).contains("\u{1B}["))
    }

    @Test func findingFormatsHaveNoComparisonReporter() {
        #expect(OutputFormat.sarif.comparisonReporter == nil && OutputFormat.prometheus.comparisonReporter == nil)
    }

    @Test func largeComparisonsFoldTheUnchangedNodes() throws {
        let url = RepositoryPaths.fixtures.appendingPathComponent("postgres/plans/partitioned_append.json")
        let plan = try PlanReader.read(PlanInput(bytes: [UInt8](try Data(contentsOf: url)), name: "p"))[0]
        let report = ComparisonReport(
            beforeSource: "a", afterSource: "b", toolVersion: "0", generatedAt: Date(timeIntervalSince1970: 0),
            comparison: PlanComparison(before: plan, after: plan), rules: [])
        let text = try ComparisonTextReporter.render(report, options: RenderOptions())
        #expect(text.contains("unchanged nodes whose own work moved less than 1 %"))
        #expect(text.contains("Verdict: About the same (±0 %)"))
        #expect(text.split(separator: "\n").count < 40)
    }
}
