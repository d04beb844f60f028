import AdvisorCore
import Foundation
import TestSupport
import Testing

/// Every MySQL and MariaDB plan in the shared corpus parses into a sane tree. Failures are listed
/// per file so one run shows all of them.
@Suite(.enabled(if: RepositoryPaths.corpusIsPresent))
struct MySQLCorpusTests {
    static let accessTypes: Set<String> = [
        "ALL", "index", "range", "ref", "eq_ref", "const", "system", "fulltext", "index_merge", "ref_or_null",
        "unique_subquery", "index_subquery",
    ]

    @Test(arguments: [
        ("plans/mysql-tree", PlanFormat.mysqlTree), ("plans/mysql-json", .mysqlJSON),
        ("plans/mariadb-json", .mariadbJSON),
    ])
    func everyPlanParsesSanely(folder: String, format: PlanFormat) throws {
        let files = try corpusFiles(folder)
        #expect(!files.isEmpty)
        var failures: [String] = []
        for url in files {
            do {
                let plans = try parse(try corpusInput(url), format: format)
                let problems = plans.flatMap(Self.problems)
                if plans.isEmpty { failures.append("\(url.lastPathComponent): no plan") }
                failures += problems.map { "\(url.lastPathComponent): \($0)" }
            } catch {
                failures.append("\(url.lastPathComponent): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) problems:\n\(failures.joined(separator: "\n"))")
    }

    /// What would make a rule misread a plan.
    static func problems(in plan: Plan) -> [String] {
        var problems: [String] = []
        if plan.hasTiming && !plan.hasActuals { problems.append("timing without actuals") }
        plan.root.visit { node in
            let name = node.displayName(engine: plan.engine)
            if node.nodeType.isEmpty { problems.append("a node without a type") }
            if node.operation == .other { problems.append("unclassified operation '\(node.nodeType)'") }
            if node.operation.isRelationScan || node.operation == .subqueryScan,
                node.relation?.isEmpty ?? true
            {
                problems.append("\(name): a table access without a relation")
            }
            if node.operation.isRelationScan, node.accessType == nil { problems.append("\(name): no access type") }
            if let accessType = node.accessType, !accessTypes.contains(accessType) {
                problems.append("\(name): unknown access type '\(accessType)'")
            }
            let numbers = [
                node.startupCost, node.totalCost, node.estimatedRows, node.actualStartupTimeMs,
                node.actualTotalTimeMs, node.actualRows, node.loops, node.rowsExaminedPerScan, node.filteredPercent,
                node.actualFilteredPercent, node.rowsRemovedByFilter,
            ]
            if numbers.contains(where: { $0.map { !$0.isFinite || $0 < 0 } ?? false }) {
                problems.append("\(name): a negative or non-finite number")
            }
            if let filtered = node.filteredPercent, filtered > 100 { problems.append("\(name): filtered > 100") }
            if node.isSubPlan, node.subplanName == nil { problems.append("\(name): a subplan without a name") }
            if plan.hasActuals, node.neverExecuted, node.loops != 0 { problems.append("\(name): never run, loops") }
        }
        return problems
    }

    private func parse(_ input: PlanInput, format: PlanFormat) throws -> [Plan] {
        switch format {
        case .mysqlTree: try MySQLTreePlanParser.parse(input)
        case .mysqlJSON: try MySQLJSONPlanParser.parse(input)
        default: try MariaDBJSONPlanParser.parse(input)
        }
    }

    private func plan(_ path: String, format: PlanFormat) throws -> Plan {
        let url = RepositoryPaths.corpus.appendingPathComponent(path)
        return try #require(try parse(try corpusInput(url), format: format).first)
    }

    // MARK: - Values checked by hand against the source files

    @Test func treeAnalyzeWithoutTimes() throws {
        let plan = try plan("plans/mysql-tree/mysql-analyze-tree-23.txt", format: .mysqlTree)
        #expect(plan.hasActuals && !plan.hasTiming)
        #expect(plan.root.actualRows == 11520 && plan.root.loops == 1 && plan.root.estimatedRows == 8532)
        let filter = plan.root.children[1]
        #expect(filter.filter == "(t1.x < t2.y)" && filter.estimatedRows == 53.3)
        #expect(filter.actualRows == 72 && filter.loops == 160)
        #expect(filter.children[0].notes == ["Range checked for each record"])
    }

    @Test func treeSelectListSubqueryOfTheRoot() throws {
        let plan = try plan("plans/mysql-tree/mysql-explain-tree-05.txt", format: .mysqlTree)
        #expect(plan.root.relation == "t1" && plan.root.operation == .seqScan)
        let subquery = try #require(plan.root.children.first)
        #expect(subquery.parentRelationship == "SubPlan")
        #expect(subquery.subplanName == "Select #2 (subquery in projection; dependent)")
    }

    @Test func mysql57EndMarkersAndMaterializedDerivedTables() throws {
        let plan = try plan("plans/mysql-json/soar-mysql57-json-03.json", format: .mysqlJSON)
        var scans: [String] = []
        plan.root.visit { if $0.operation == .seqScan { scans.append($0.relation ?? "?") } }
        #expect(scans == ["t2", "t1"])
        #expect(plan.root.operation == .subqueryScan && plan.root.relation == "a4" && plan.root.totalCost == 13.5)
    }

    @Test func mariaDBRefJoinLoops() throws {
        let plan = try plan("plans/mariadb-json/mariadb-analyze-ref-join-10-loops.json", format: .mariadbJSON)
        #expect(plan.hasActuals && !plan.hasTiming)
        let lookup = plan.root.children[1]
        #expect(lookup.relation == "t1" && lookup.loops == 10 && lookup.actualRows == 0.4)
        #expect(lookup.actualFilteredPercent == 40 && lookup.filter == "t1.b < 4")
    }

    @Test func mariaDBNeverExecutedTable() throws {
        let plan = try plan("plans/mariadb-json/mariadb-analyze-ref-never-executed.json", format: .mariadbJSON)
        let lookup = plan.root.children[1]
        #expect(lookup.neverExecuted && lookup.loops == 0 && lookup.actualRows == 0)
    }
}

/// Says why the corpus tests did not run, where the corpus is absent.
@Test func mySQLCorpusPresence() {
    if !RepositoryPaths.corpusIsPresent {
        print("Skipping MySQLCorpusTests: no corpus at \(RepositoryPaths.corpus.path) (set DBADVISOR_CORPUS)")
    }
}
