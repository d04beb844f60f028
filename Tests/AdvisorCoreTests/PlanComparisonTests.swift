import AdvisorCore
import Foundation
import TestSupport
import Testing

/// `PlanComparison` on before/after pairs captured from our own servers (`Fixtures/*/compare/`, see
/// Fixtures/README.md), and on small hand-built trees for what captures cannot pin down.
struct PlanComparisonTests {
    static func plan(_ fixture: String) throws -> Plan {
        let url = RepositoryPaths.fixtures.appendingPathComponent(fixture)
        let plans = try PlanReader.read(PlanInput(bytes: [UInt8](try Data(contentsOf: url)), name: fixture))
        return try #require(plans.count == 1 ? plans.first : nil)
    }

    static func compare(_ before: String, _ after: String) throws -> PlanComparison {
        PlanComparison.compare(try plan(before), try plan(after), rules: .defaults)
    }

    static func names(_ comparison: PlanComparison) -> [String] {
        comparison.nodes.map { node in
            let before = node.before.map { $0.displayName(engine: comparison.before.engine) }
            let after = node.after.map { $0.displayName(engine: comparison.after.engine) }
            return "\(node.change.rawValue): \([before, after].compactMap { $0 }.joined(separator: " → "))"
        }
    }

    @Test(arguments: [
        ("orders_index.before.txt", "orders_index.after.txt"), ("orders_index.before.json", "orders_index.after.json"),
        ("orders_index.before.txt", "orders_index.after.json"),
    ])
    func anIndexTurnsTheSeqScanIntoAnIndexScan(before: String, after: String) throws {
        let comparison = try Self.compare("postgres/compare/\(before)", "postgres/compare/\(after)")
        #expect(
            Self.names(comparison) == [
                "changed: Seq Scan on orders → Index Scan using orders_status_created_at_idx on orders"
            ])
        #expect(comparison.nodes[0].isAccessChange)
        #expect(comparison.basis == .time)
        let verdict = comparison.verdict
        #expect(verdict.direction == .faster)
        #expect(
            verdict.before == comparison.before.executionTimeMs && verdict.after == comparison.after.executionTimeMs)
        // Tens of milliseconds of scanning against a fraction of one: physically a large factor, never negative.
        let before = try #require(verdict.before)
        let after = try #require(verdict.after)
        #expect(before / after > 20 && after > 0)
        #expect(verdict.ratioText == Formatting.factor(before / after) + " faster")
        #expect(verdict.contributors.map(\.change) == [.changed])
        #expect(!verdict.isSlower(byMoreThan: 0))
        #expect(comparison.fixedFindings.map(\.ruleId).contains("plan-seq-scan-filter"))
        #expect(!comparison.introducedFindings.map(\.ruleId).contains("plan-seq-scan-filter"))
        #expect(verdict.headline.hasPrefix("\(verdict.ratioText.prefix(1).uppercased())"))
    }

    /// A plan compared with itself shows no change; plans of two different statements are compared but marked.
    @Test func aPlanAgainstItselfAndAgainstAnotherStatement() throws {
        let same = try Self.compare("postgres/plans/cte.txt", "postgres/plans/cte.txt")
        #expect(same.nodes.allSatisfy { $0.change == .same })
        #expect(same.verdict.direction == .same)
        #expect(same.unrelatedBecause == nil)
        let before = try Self.plan("postgres/compare/orders_index.before.txt")
        let other = try Self.plan("postgres/plans/hash_spill.txt")
        #expect(PlanComparison(before: before, after: before).unrelatedBecause == nil)
        var texts = (before, before)
        texts.0.queryText = "SELECT * FROM orders WHERE status = 'a'"
        texts.1.queryText = "SELECT * FROM orders WHERE status = 'b'"
        #expect(PlanComparison(before: texts.0, after: texts.1).unrelatedBecause == nil)
        texts.1.queryText = "SELECT count(*) FROM customers"
        #expect(PlanComparison(before: texts.0, after: texts.1).unrelatedBecause?.contains("statements differ") == true)
        let orders = try #require(
            try PlanReader.read(PlanInput(text: "Seq Scan on orders  (cost=0.00..10.00 rows=5 width=4)")).first)
        let customers = try #require(
            try PlanReader.read(PlanInput(text: "Seq Scan on customers  (cost=0.00..10.00 rows=5 width=4)")).first)
        #expect(PlanComparison(before: orders, after: customers).unrelatedBecause == "they read no table in common")
        #expect(PlanComparison(before: before, after: other).unrelatedBecause != nil || other.queryText == nil)
    }

    @Test func theSwappedPairIsSlowerAndTripsTheThreshold() throws {
        let comparison = try Self.compare(
            "postgres/compare/orders_index.after.txt", "postgres/compare/orders_index.before.txt")
        #expect(comparison.verdict.direction == .slower)
        #expect(comparison.verdict.isSlower(byMoreThan: 20))
        #expect(comparison.verdict.ratioText.hasSuffix("× slower"))
        #expect(comparison.introducedFindings.map(\.ruleId).contains("plan-seq-scan-filter"))
        #expect(comparison.fixedFindings.isEmpty)
    }

    @Test func aHashJoinReplacesTheNestedLoopAndItsMaterialize() throws {
        let comparison = try Self.compare(
            "postgres/compare/join_method.before.json", "postgres/compare/join_method.after.json")
        #expect(
            Self.names(comparison) == [
                "changed: Nested Loop → Hash Join",
                "same: Index Scan using customers_pkey on customers c → Index Scan using customers_pkey on customers c",
                "disappeared: Materialize",
                "appeared: Hash",
                "same: Seq Scan on promotions p → Seq Scan on promotions p",
            ])
        #expect(comparison.nodes.map(\.depth) == [0, 1, 1, 1, 2])
        #expect(!comparison.nodes[0].isAccessChange)
        #expect(comparison.verdict.direction == .faster)
        // The loop's own time and the rescanned Materialize are where the time went.
        #expect(
            comparison.verdict.contributors.prefix(2).map(\.change).sorted { $0.rawValue < $1.rawValue } == [
                .changed, .disappeared,
            ])
        #expect(comparison.fixedFindings.map(\.ruleId).contains("plan-nested-loop-inner-scan"))
    }

    @Test func moreWorkMemKeepsTheHashInMemory() throws {
        let comparison = try Self.compare(
            "postgres/compare/hash_work_mem.before.json", "postgres/compare/hash_work_mem.after.json")
        #expect(comparison.nodes.allSatisfy { $0.change == .same })
        #expect(comparison.nodes.count == 5)
        #expect(comparison.fixedFindings.map { "\($0.ruleId): \($0.object.name)" }.contains("plan-disk-spill: Hash"))
        // Both runs read every row; which one was faster is the clock's call, and the verdict follows it.
        let before = try #require(comparison.before.executionTimeMs)
        let after = try #require(comparison.after.executionTimeMs)
        let change = (after - before) / before
        #expect(comparison.verdict.change.map { abs($0 - change) < 1e-9 } == true)
        #expect(comparison.verdict.isSlower(byMoreThan: change * 100 - 1))
        #expect(!comparison.verdict.isSlower(byMoreThan: max(change, 0) * 100 + 1))
        let deltas = comparison.nodes.compactMap { $0.selfDelta(.time) }
        #expect(abs(deltas.reduce(0, +) - (after - before)) < max(before, after) * 0.05, "self times add up")
    }

    @Test func plansWithoutTimingAreComparedByCost() throws {
        let comparison = try Self.compare(
            "postgres/compare/orders_index.before.plain.txt", "postgres/compare/orders_index.after.plain.txt")
        #expect(comparison.basis == .cost)
        #expect(comparison.verdict.direction == .faster)
        #expect(comparison.verdict.before == comparison.before.root.totalCost)
        #expect(comparison.verdict.headline.contains("estimated cost"))
        #expect(comparison.verdict.basisText.contains("estimated cost"))
        let mixed = try Self.compare(
            "postgres/compare/orders_index.before.plain.txt", "postgres/compare/orders_index.after.json")
        #expect(mixed.basis == .cost, "one plan without timing: both by cost")
    }

    @Test func mariaDBRangeScanReplacesTheFullScan() throws {
        let comparison = try Self.compare(
            "mysql/compare/orders_index.before.json", "mysql/compare/orders_index.after.json")
        #expect(comparison.nodes.count == 1)
        #expect(comparison.nodes[0].isAccessChange)
        #expect(comparison.nodes[0].after?.index == "orders_status_created_at_idx")
        #expect(comparison.verdict.direction == .faster)
        #expect(Set(comparison.fixedFindings.map(\.ruleId)).isSuperset(of: ["mysql-no-usable-key"]))
        #expect(comparison.introducedFindings.isEmpty)
    }

    @Test func tabularPlansHaveNeitherTimeNorCost() throws {
        let plan = try Self.plan("mysql/plans/full_scan_filter.table.txt")
        let comparison = PlanComparison(before: plan, after: plan)
        #expect(comparison.basis == .none)
        #expect(comparison.verdict.direction == .unknown)
        #expect(!comparison.verdict.isSlower(byMoreThan: 0))
        #expect(comparison.verdict.headline.hasPrefix("Cannot compare"))
    }

    // MARK: - Hand-built trees

    static func scan(_ type: String, _ relation: String, alias: String? = nil, index: String? = nil) -> PlanNode {
        var node = PlanNode(nodeType: type)
        node.relation = relation
        node.alias = alias
        node.index = index
        return node
    }

    static func plan(_ root: PlanNode) -> Plan {
        var plan = Plan(engine: .postgres, format: .postgresJSON, root: root)
        plan.number()
        PlanTiming.apply(to: &plan)
        return plan
    }

    @Test func aSelfJoinPairsEachSideByItsAlias() {
        let before = Self.plan(
            PlanNode(
                nodeType: "Hash Join",
                children: [
                    Self.scan("Seq Scan", "orders", alias: "a"),
                    PlanNode(nodeType: "Hash", children: [Self.scan("Seq Scan", "orders", alias: "b")]),
                ]))
        let after = Self.plan(
            PlanNode(
                nodeType: "Nested Loop",
                children: [
                    Self.scan("Seq Scan", "orders", alias: "a"),
                    Self.scan("Index Scan", "orders", alias: "b", index: "orders_pkey"),
                ]))
        let comparison = PlanComparison(before: before, after: after)
        #expect(
            Self.names(comparison) == [
                "changed: Hash Join → Nested Loop", "same: Seq Scan on orders a → Seq Scan on orders a",
                "disappeared: Hash",
                "changed: Seq Scan on orders b → Index Scan using orders_pkey on orders b",
            ])
    }

    @Test func aBitmapIndexScanFollowsItsHeapScan() {
        let before = Self.plan(Self.scan("Seq Scan", "orders"))
        let after = Self.plan(
            {
                var heap = Self.scan("Bitmap Heap Scan", "orders")
                var index = PlanNode(nodeType: "Bitmap Index Scan")
                index.index = "orders_status_idx"
                heap.children = [index]
                return heap
            }())
        let comparison = PlanComparison(before: before, after: after)
        #expect(
            Self.names(comparison) == [
                "changed: Seq Scan on orders → Bitmap Heap Scan on orders",
                "appeared: Bitmap Index Scan on orders_status_idx",
            ])
    }

    @Test func estimateErrorsThatCrossTenfoldAreListed() {
        func scan(estimated: Double, actual: Double) -> PlanNode {
            var node = Self.scan("Seq Scan", "customers")
            node.estimatedRows = estimated
            node.actualRows = actual
            node.loops = 1
            return node
        }
        let before = Self.plan(scan(estimated: 2, actual: 107))
        let after = Self.plan(scan(estimated: 100, actual: 107))
        let comparison = PlanComparison(before: before, after: after)
        #expect(comparison.estimateChanges.count == 1)
        #expect(PlanComparison(before: after, after: after).estimateChanges.isEmpty)
    }

    @Test func deepPlansAreComparedWithoutRecursingPastTheReadersLimit() {
        var root = Self.scan("Seq Scan", "leaf")
        for level in 1..<Plan.maxDepth {
            root = PlanNode(nodeType: level.isMultiple(of: 2) ? "Sort" : "Materialize", children: [root])
        }
        let plan = Self.plan(root)
        let comparison = PlanComparison(before: plan, after: plan)
        #expect(comparison.nodes.count == Plan.maxDepth)
        #expect(comparison.nodes.allSatisfy { $0.change == .same })
        #expect(comparison.nodes.map(\.depth) == Array(0..<Plan.maxDepth))
    }
}
