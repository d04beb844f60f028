import AdvisorCore
import Foundation
import TestSupport
import Testing

/// The problems planted in `Fixtures/*/plans/` (captured from our own servers, see Fixtures/README.md)
/// are found by the rule meant for each, in every format the scenario was captured in, and by no other
/// rule of this set; the other scenarios (the healthy lookup among them) leave these rules silent.
struct PlanRuleFixtureTests {
    static let rules: [any Rule] = [
        FilesortTemporaryRule(), DiskSpillRule(), HeapFetchesRule(), JITOverheadRule(), LossyBitmapRule(),
        PlanningTimeRule(), WorkersNotLaunchedRule(),
    ]

    /// Scenario → the findings (rule id and object name) expected in each of its files.
    static let expected: [String: [String]] = [
        "postgres/plans/sort_spill": ["plan-disk-spill: Sort"],
        "postgres/plans/hash_spill": ["plan-disk-spill: Hash"],
        "postgres/plans/heap_fetches": [
            "plan-heap-fetches: Index Only Scan using warehouse_stock_quantity_idx on warehouse_stock"
        ],
        "postgres/plans/lossy_bitmap": ["plan-lossy-bitmap: Parallel Bitmap Heap Scan on order_items"],
        "postgres/plans/workers_not_launched": ["plan-workers-not-launched: Gather"],
        "postgres/plans/planning_heavy": ["plan-planning-time: plan 1"],
        "postgres/plans/jit_heavy": ["plan-jit-overhead: plan 1"],
        "mysql/plans/filesort_temporary": ["mysql-filesort-temporary: Sort"],
    ]

    static var fixtureFiles: [String] {
        ["postgres/plans", "mysql/plans"].flatMap { folder in
            let url = RepositoryPaths.fixtures.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.filter { $0.hasSuffix(".txt") || $0.hasSuffix(".json") }.sorted().map { "\(folder)/\($0)" }
        }
    }

    @Test(arguments: fixtureFiles)
    func plantedProblemIsFoundByItsRuleOnly(file: String) throws {
        let url = RepositoryPaths.fixtures.appendingPathComponent(file)
        let plans = try PlanReader.read(PlanInput(bytes: Array(try Data(contentsOf: url)), name: file))
        let findings = RuleEngine(rules: Self.rules).run(Snapshot(plans: plans, source: file)).findings
        let scenario = String(file.prefix { $0 != "." })
        #expect(findings.map { "\($0.ruleId): \($0.object.name)" } == Self.expected[scenario] ?? [], "\(file)")
        // Planning time has no statement to run, and these filesorts are on an aggregate: no index fits.
        let withoutFix: Set<String> = ["plan-planning-time", "mysql-filesort-temporary"]
        for finding in findings where !withoutFix.contains(finding.ruleId) {
            #expect(finding.fixSQL != nil, "\(file): \(finding.ruleId)")
        }
    }
}
