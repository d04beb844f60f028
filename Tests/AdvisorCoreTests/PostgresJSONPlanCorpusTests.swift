import AdvisorCore
import Foundation
import TestSupport
import Testing

@Test func postgresJSONCorpusIsPresentOrSkipped() {
    if !RepositoryPaths.corpusIsPresent {
        print(
            "Skipping the PostgreSQL JSON corpus tests: \(RepositoryPaths.corpus.path) not found (set DBADVISOR_CORPUS)"
        )
    }
}

/// The real PostgreSQL JSON plans under `<corpus>/plans/postgres-json/`, read in place.
@Suite(.enabled(if: RepositoryPaths.corpusIsPresent, "corpus not found (set DBADVISOR_CORPUS)"))
struct PostgresJSONPlanCorpusTests {
    static let plansDirectory = RepositoryPaths.corpus.appendingPathComponent("plans/postgres-json")
    static let expectedDirectory = RepositoryPaths.corpus.appendingPathComponent("expected")

    /// Files the parser rejects on purpose, with the line the error must name: auto_explain messages
    /// that the log collector cut off in the middle of the JSON ("[Your log message was truncated]").
    static let truncatedFiles: [String: Int] = [
        "pganalyze-auto_explain-logmsg-2.txt": 3,
        "pganalyze-auto_explain-logmsg-3.txt": 3,
    ]

    static var files: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: plansDirectory.path)) ?? []
        return names.sorted().map { plansDirectory.appendingPathComponent($0) }
    }

    @Test func everyFileParsesOrIsRejectedOnPurpose() throws {
        let files = Self.files
        #expect(files.count >= 70)
        var failures: [String] = []
        var plans = 0
        var nodes = 0
        for file in files {
            let input = PlanInput(bytes: Array(try Data(contentsOf: file)), name: file.lastPathComponent)
            do {
                let parsed = try PostgresJSONPlanParser.parse(input)
                if let line = Self.truncatedFiles[file.lastPathComponent] {
                    failures.append("\(file.lastPathComponent): parsed, expected an error at line \(line)")
                }
                if parsed.isEmpty { failures.append("\(file.lastPathComponent): no plan") }
                plans += parsed.count
                nodes += parsed.reduce(0) { $0 + $1.root.nodeCount }
            } catch let error as InputError {
                guard let line = Self.truncatedFiles[file.lastPathComponent] else {
                    failures.append(error.description)
                    continue
                }
                if error.line != line || error.format != .postgresJSON {
                    failures.append("\(file.lastPathComponent): error \(error), expected one at line \(line)")
                }
            }
        }
        print("postgres-json corpus: \(files.count) files, \(plans) plans, \(nodes) nodes")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// Pg::Explain's structures and pganalyze's pass-through output for the same base name.
    @Test func treesMatchTheExpectations() throws {
        var compared: [String] = []
        var mismatches: [String] = []
        for file in Self.files {
            let base = file.deletingPathExtension().lastPathComponent
            let pgExplain = Self.expectedDirectory.appendingPathComponent("\(base).pgexplain.json")
            let passthrough = Self.expectedDirectory.appendingPathComponent("\(base).out_passthrough.json")
            let hasPgExplain = FileManager.default.fileExists(atPath: pgExplain.path)
            let hasPassthrough = FileManager.default.fileExists(atPath: passthrough.path)
            guard hasPgExplain || hasPassthrough else { continue }
            let input = PlanInput(bytes: Array(try Data(contentsOf: file)), name: file.lastPathComponent)
            let plans = try PostgresJSONPlanParser.parse(input)
            if hasPgExplain {
                compared.append(pgExplain.lastPathComponent)
                let structure = try JSONSerialization.jsonObject(with: Data(contentsOf: pgExplain))
                guard let expected = ExpectedPlanTree(pgExplainStruct: structure) else {
                    mismatches.append("\(pgExplain.lastPathComponent): unreadable expectation")
                    continue
                }
                let actual = plans.map { ExpectedPlanTree(pgExplainOrder: $0.root) }
                if actual.count != 1 {
                    mismatches.append("\(base): \(actual.count) plans, Pg::Explain has one")
                } else {
                    mismatches += actual[0].differences(from: expected).map { "\(base) vs Pg::Explain: \($0)" }
                }
            }
            if hasPassthrough {
                compared.append(passthrough.lastPathComponent)
                let expected = try ExpectedPlanTree.postgresJSONDocument(Data(contentsOf: passthrough))
                let actual = plans.map { ExpectedPlanTree(inputOrder: $0.root) }
                if actual.count != expected.count {
                    mismatches.append("\(base): \(actual.count) plans, pganalyze has \(expected.count)")
                }
                for (mine, theirs) in zip(actual, expected) {
                    mismatches += mine.differences(from: theirs).map { "\(base) vs pganalyze: \($0)" }
                }
            }
        }
        print("postgres-json expectations: \(compared.count) compared, \(mismatches.count) differences")
        #expect(compared.count >= 30)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }
}

extension PlanNode {
    /// This node and every node below it.
    fileprivate var nodeCount: Int { 1 + children.reduce(0) { $0 + $1.nodeCount } }
}
