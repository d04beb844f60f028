import AdvisorCore
import Foundation
import TestSupport
import Testing

/// Every real plan in the shared corpus, read the way `dbadvisor explain` reads it (format detected),
/// then through every rule: nothing may fail to parse, be misdetected or crash.
@Suite(.enabled(if: RepositoryPaths.corpusIsPresent, "shared corpus not present: corpus-wide rule run skipped"))
struct CorpusRulesTests {
    /// Folder → the format its plans are in.
    static let folders: [(String, PlanFormat)] = [
        ("postgres-json", .postgresJSON), ("postgres-text", .postgresText), ("mysql-json", .mysqlJSON),
        ("mysql-tree", .mysqlTree), ("mariadb-json", .mariadbJSON),
    ]

    /// Inputs cut off by the log collector mid-plan ("[Your log message was truncated]"): they must be rejected.
    static let truncated: Set<String> = ["pganalyze-auto_explain-logmsg-2.txt", "pganalyze-auto_explain-logmsg-3.txt"]

    @Test(arguments: folders)
    func everyPlanIsDetectedParsedAndReviewed(folder: String, format: PlanFormat) throws {
        let directory = RepositoryPaths.corpus.appendingPathComponent("plans/\(folder)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(!files.isEmpty)
        var plans = 0
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
            let input = PlanInput(bytes: bytes, name: file)
            if Self.truncated.contains(file) {
                #expect(throws: InputError.self) { try PlanReader.read(input) }
                continue
            }
            #expect(try PlanFormatDetector.detect(input) == format, "\(folder)/\(file) misdetected")
            let read: [Plan]
            do {
                read = try PlanReader.read(input)
            } catch {
                Issue.record("\(folder)/\(file): \(error)")
                continue
            }
            plans += read.count
            let outcome = RuleEngine.defaults.run(Snapshot(plans: read, source: file))
            for finding in outcome.findings {
                #expect(!finding.message.isEmpty && !finding.recommendation.isEmpty, "\(file): \(finding.ruleId)")
                #expect(finding.impact.score.isFinite && finding.impact.score >= 0, "\(file): \(finding.ruleId)")
                #expect(finding.evidence.allSatisfy { $0.value.isFinite }, "\(file): \(finding.ruleId)")
            }
        }
        #expect(plans >= files.count - Self.truncated.count)
    }
}
