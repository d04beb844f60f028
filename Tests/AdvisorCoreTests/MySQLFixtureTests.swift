import AdvisorCore
import Foundation
import TestSupport
import Testing

/// The MySQL and MariaDB plans in `Fixtures/mysql/plans` (captured from the seeded test server) and
/// `Fixtures/mysql/handwritten-plans` parse sanely, and the ANALYZE captures' node times add up to the
/// statement's.
struct MySQLFixtureTests {
    static let folder = RepositoryPaths.fixtures.appendingPathComponent("mysql/plans")

    /// Plan files by their path under `Fixtures/mysql`.
    static var files: [String] {
        ["plans", "handwritten-plans"].flatMap { folder in
            let directory = RepositoryPaths.fixtures.appendingPathComponent("mysql/\(folder)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".txt") }.map { "\(folder)/\($0)" }
        }.sorted()
    }

    @Test(arguments: files)
    func parsesSanely(file: String) throws {
        let url = RepositoryPaths.fixtures.appendingPathComponent("mysql/\(file)")
        let input = PlanInput(bytes: Array(try Data(contentsOf: url)), name: file)
        let plans =
            file.hasSuffix(".json") ? try MariaDBJSONPlanParser.parse(input) : try MySQLTablePlanParser.parse(input)
        #expect(plans.count == 1)
        for var plan in plans {
            let problems = MySQLCorpusTests.problems(in: plan)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
            plan.number()
            PlanTiming.apply(to: &plan)
            guard file.hasSuffix(".analyze.json") else { continue }
            #expect(plan.hasActuals && plan.hasTiming)
            let execution = try #require(plan.executionTimeMs)
            plan.root.visit { node in
                guard let inclusive = node.inclusiveTimeMs, let exclusive = node.exclusiveTimeMs else { return }
                #expect(exclusive <= inclusive + 1e-9 && inclusive <= execution * 1.001, "\(node.nodeType)")
            }
            if let root = plan.root.inclusiveTimeMs { #expect(root >= execution * 0.95, "\(root) of \(execution)") }
        }
    }

    @Test func timesTheJoinBufferAndTheSortAsTheirOwnWork() throws {
        func read(_ name: String) throws -> Plan {
            let url = Self.folder.appendingPathComponent(name)
            return try #require(
                try MariaDBJSONPlanParser.parse(PlanInput(bytes: Array(try Data(contentsOf: url)), name: name)).first)
        }
        let join = try read("no_usable_key.analyze.json").root
        #expect(join.nodeType == "Block nested loop join" && join.joinFilter == "p.country = c.country")
        #expect(join.actualFilteredPercent == 2.4)
        // Unpacking and matching buffered rows, over reading both tables.
        let expected = (1.137283988 + 1.078690891) + (0.213121603 + 0.009283399) + (0.035575153 + 0.010054889)
        #expect(abs((join.actualTotalTimeMs ?? 0) - expected) < 1e-9)
        let sort = try read("filesort_temporary.analyze.json").root
        #expect(sort.operation == .sort && sort.usingTemporary && sort.actualRows == 4926)
        #expect(abs((sort.actualTotalTimeMs ?? 0) - (0.187412719 + 20.56258908 + 49.46849616)) < 1e-6)
        let constant = try read("healthy_lookup.analyze.json").root
        #expect(constant.accessType == "const" && constant.loops == 0 && !constant.neverExecuted)
    }
}
