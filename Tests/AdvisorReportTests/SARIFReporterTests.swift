import AdvisorCore
import Foundation
import TestSupport
import Testing

@testable import AdvisorReport

struct SARIFReporterTests {
    private func reports() throws -> [(name: String, report: Report)] {
        [
            ("scan", ScanReportGoldenTests.report()),
            ("plan", try ReporterGoldenTests.report("postgres/plans/nested_loop_seq_inner.json")),
        ]
    }

    @Test func oneRunWithRulesAndFingerprints() throws {
        let report = ScanReportGoldenTests.report()
        let data = Data(try SARIFReporter.render(report, options: RenderOptions()).utf8)
        let log = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == report.rules.map(\.id))
        let topTime = try #require(rules.first { $0["id"] as? String == "statement-top-time" })
        #expect(
            (topTime["help"] as? [String: Any])?["markdown"] as? String == StatementTopTimeRule.description.rationale)
        #expect((topTime["defaultConfiguration"] as? [String: Any])?["level"] as? String == "error")
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == report.findings.count)
        for (result, finding) in zip(results, report.findings) {
            #expect(result["ruleId"] as? String == finding.ruleId)
            let fingerprints = result["partialFingerprints"] as? [String: String]
            #expect(fingerprints?[SARIFReporter.fingerprintKey] == finding.fingerprint)
            #expect(result["level"] as? String == SARIFReporter.level(finding.severity))
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == finding.ruleId)
            let properties = result["properties"] as? [String: Any]
            #expect(properties?["fixSQL"] as? String == finding.fixSQL)
        }
    }

    @Test func validAgainstTheSchema() throws {
        let script = RepositoryPaths.root.appendingPathComponent("scripts/validate-sarif.py")
        guard let python = CommandRunner.program(named: "python3") else {
            ExternalCheck.unavailable("python3 not found: SARIF schema validation skipped")
            return
        }
        let folder = try ExternalCheck.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for (name, report) in try reports() {
            let file = folder.appendingPathComponent("\(name).sarif")
            try SARIFReporter.render(report, options: RenderOptions()).write(
                to: file, atomically: true, encoding: .utf8)
            files.append(file.path)
        }
        let catalogue = folder.appendingPathComponent("rules.sarif")
        try RuleCatalogue.render(builtInRules, format: .sarif, detailed: false)
            .write(to: catalogue, atomically: true, encoding: .utf8)
        files.append(catalogue.path)
        let result = try CommandRunner.run(program: python, [script.path] + files)
        if result.exitCode == 3 {
            ExternalCheck.unavailable(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
            return
        }
        #expect(result.exitCode == 0, "\(result.stderr)")
    }
}
