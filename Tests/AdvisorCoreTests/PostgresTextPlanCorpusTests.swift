import AdvisorCore
import Foundation
import TestSupport
import Testing

/// Every text plan of the shared corpus, read in place, and the parses other tools assert for them:
/// dalibo/pev2 (`*.expect.json`, a subset of PostgreSQL's JSON format) and Pg::Explain
/// (`*.pgexplain.json`, its own structure).
@Suite struct PostgresTextPlanCorpusTests {
    static let plans = RepositoryPaths.corpus.appendingPathComponent("plans/postgres-text")
    static let expected = RepositoryPaths.corpus.appendingPathComponent("expected")

    @Test func corpusPresenceIsReported() {
        if !RepositoryPaths.corpusIsPresent {
            print("PostgresTextPlanCorpusTests skipped: no corpus at \(RepositoryPaths.corpus.path)")
        }
    }

    @Test(.enabled(if: RepositoryPaths.corpusIsPresent))
    func everyTextPlanParses() throws {
        var failures: [String] = []
        var nodes = 0
        let files = try Self.textPlanFiles()
        for file in files {
            do {
                let plans = try PostgresTextPlanParser.parse(
                    PlanInput(bytes: try Self.bytes(file), name: file.lastPathComponent))
                nodes += plans.reduce(0) { $0 + $1.root.nodeCount }
            } catch {
                failures.append("\(file.lastPathComponent): \(error)")
            }
        }
        print("postgres-text corpus: \(files.count) files, \(files.count - failures.count) parsed, \(nodes) nodes")
        #expect(failures.isEmpty, "\(failures.count) files failed:\n\(failures.joined(separator: "\n"))")
        #expect(files.count > 100)
    }

    @Test(.enabled(if: RepositoryPaths.corpusIsPresent))
    func parsesMatchOtherToolsExpectations() throws {
        var tally = PostgresTextExpectationTally()
        let textPlans = Set(try Self.textPlanFiles().map { $0.deletingPathExtension().lastPathComponent })
        let expectations = try FileManager.default.contentsOfDirectory(atPath: Self.expected.path).sorted()
        for name in expectations {
            let (base, kind): (String, PostgresTextExpectationTally.Source)
            if name.hasSuffix(".expect.json") {
                (base, kind) = (String(name.dropLast(".expect.json".count)), .pev2)
            } else if name.hasSuffix(".pgexplain.json") {
                (base, kind) = (String(name.dropLast(".pgexplain.json".count)), .pgExplain)
            } else {
                continue
            }
            guard textPlans.contains(base) else { continue }
            let expectation = try JSONReader.parse(try Self.bytes(Self.expected.appendingPathComponent(name)))
            let planFile = Self.plans.appendingPathComponent(base + ".txt")
            let plans = try PostgresTextPlanParser.parse(PlanInput(bytes: try Self.bytes(planFile), name: base))
            tally.compare(plans[0], with: expectation, source: kind, file: name)
        }
        print(tally.report())
        #expect(tally.files > 90)
        #expect(tally.unexplainedMismatches.isEmpty, "\(tally.unexplainedMismatches.joined(separator: "\n"))")
    }

    static func textPlanFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: plans, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "txt" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }
}
