import AdvisorCore
import Testing

struct PlanningTimeRuleTests {
    typealias B = RulePlanBuilder

    private func lookup() -> PlanNode {
        B.node("Index Scan", timeMs: 0.05, rows: 1) {
            $0.relation = "orders"
            $0.index = "orders_pkey"
            $0.indexCondition = "(id = 12345)"
        }
    }

    @Test func planningAboveExecutionAndTheFloorIsReportedOnThePlan() throws {
        let plan = B.plan(lookup(), executionTimeMs: 2, planningTimeMs: 12)
        let finding = try #require(B.findings(PlanningTimeRule(), plan).first)
        #expect(finding.object.name == "plan 1")
        #expect(finding.object.kind == .plan)
        #expect(finding.impact.timeMs == 12)
        #expect(abs((finding.impact.share ?? 0) - 12.0 / 14) < 1e-9)
        #expect(finding.severity == .high)
        #expect(finding.recommendation.hasPrefix("Plan once and reuse the plan with a prepared statement"))
    }

    @Test func thresholds() {
        // A fast lookup: planning dwarfs execution but is far below the floor.
        #expect(B.findings(PlanningTimeRule(), B.plan(lookup(), executionTimeMs: 0.05, planningTimeMs: 0.2)).isEmpty)
        // Above the floor but below execution time.
        #expect(B.findings(PlanningTimeRule(), B.plan(lookup(), executionTimeMs: 30, planningTimeMs: 12)).isEmpty)
        // Plain EXPLAIN (SUMMARY): no execution to compare with.
        #expect(B.findings(PlanningTimeRule(), B.plan(lookup(), planningTimeMs: 40, hasTiming: false)).isEmpty)
    }

    @Test func manyPartitionsAreNamedAsTheCause() throws {
        let partitions = (1...120).map { number in
            B.node("Index Scan", timeMs: 0.01, rows: 0) { $0.relation = "events_\(number)" }
        }
        let append = B.node("Append", timeMs: 1.3, rows: 2, children: partitions)
        let finding = try #require(
            B.findings(PlanningTimeRule(), B.plan(append, executionTimeMs: 1.98, planningTimeMs: 8.77)).first)
        #expect(finding.evidence("relation scans in the plan") == 120)
        #expect(finding.message.contains("120 relations to plan"))
        #expect(finding.recommendation.contains("pruned at plan time"))
    }

    @Test func partitionsPrunedOnlyAtExecutionCount() throws {
        let survivor = B.node("Index Scan", timeMs: 0.9, rows: 42) { $0.relation = "events_p199" }
        let append = B.node("Append", timeMs: 1.9, rows: 42, children: [survivor]) {
            $0.properties = [PlanProperty("Subplans Removed", "199")]
        }
        let finding = try #require(
            B.findings(PlanningTimeRule(), B.plan(append, executionTimeMs: 2.1, planningTimeMs: 84)).first)
        #expect(finding.evidence("subplans removed at execution") == 199)
        #expect(finding.message.contains("200 relations to plan, 199 of them pruned only at execution"))
    }

    @Test func hugeInListsAndJoinsAndCatalogReadsAreNamed() throws {
        let values = (1...1_500).map(String.init).joined(separator: ",")
        let scan = B.node("Index Scan", timeMs: 3, rows: 1_500) {
            $0.relation = "orders"
            $0.indexCondition = "(id = ANY ('{\(values)}'::integer[]))"
        }
        var joined = scan
        for _ in 0..<8 { joined = B.node("Nested Loop", timeMs: 3, rows: 1_500, children: [joined, scan]) }
        var plan = B.plan(joined, executionTimeMs: 3, planningTimeMs: 45)
        var buffers = Buffers()
        buffers.sharedHit = 15_000
        buffers.sharedRead = 800
        plan.planningBuffers = buffers
        let finding = try #require(B.findings(PlanningTimeRule(), plan).first)
        #expect(finding.evidence("largest IN list") == 1_500)
        #expect(finding.evidence("joins in the plan") == 8)
        #expect(finding.evidence("planning shared blocks read") == 800)
        #expect(finding.message.contains("an IN list of 1,500 values"))
        #expect(finding.message.contains("8 joins"))
        #expect(finding.message.contains("15,800 blocks read while planning"))
        #expect(finding.recommendation.contains("= ANY($1)"))
        #expect(finding.recommendation.contains("join_collapse_limit"))
    }

    @Test func callsPerDayScaleTheScore() throws {
        var snapshot = Snapshot(plans: [B.plan(lookup(), executionTimeMs: 2, planningTimeMs: 12)], source: "test")
        snapshot.plans[0].callsPerDay = 1_000
        let finding = try #require(RuleEngine(rules: [PlanningTimeRule()]).run(snapshot).findings.first)
        #expect(finding.impact.score == 12_000)
        #expect(finding.impact.summary.contains("per day"))
    }
}
