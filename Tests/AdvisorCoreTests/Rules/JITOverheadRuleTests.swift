import AdvisorCore
import Testing

struct JITOverheadRuleTests {
    typealias B = RulePlanBuilder

    private func jitPlan(
        cost: Double?, execution: Double, inlining: Double, optimization: Double, generation: Double = 0.6,
        emission: Double = 58
    ) -> Plan {
        let total = generation + inlining + optimization + emission
        let scan = B.node("Seq Scan", timeMs: execution / 4, rows: 98_214, cost: cost) { $0.relation = "events" }
        let aggregate = B.node("Aggregate", timeMs: execution - 1, rows: 1, cost: cost, children: [scan])
        let jit = JITSummary(
            functions: 4, generationTimeMs: generation, inliningTimeMs: inlining, optimizationTimeMs: optimization,
            emissionTimeMs: emission, totalTimeMs: total)
        return B.plan(aggregate, executionTimeMs: execution, planningTimeMs: 0.2, jit: jit)
    }

    @Test func jitDominatingAShortQueryRaisesJitAboveCost() throws {
        let plan = jitPlan(cost: 617_450, execution: 262.9, inlining: 38.1, optimization: 106.4)
        let finding = try #require(B.findings(JITOverheadRule(), plan).first)
        #expect(finding.object.name == "plan 1")
        #expect(finding.evidence("JIT total time") == 0.6 + 38.1 + 106.4 + 58)
        // Generation and emission alone stay above 20 %: JIT itself has to go. 2 × 617,450 → 2,000,000.
        #expect(finding.fixSQL == "ALTER SYSTEM SET jit_above_cost = 2000000;\nSELECT pg_reload_conf();")
        #expect(finding.recommendation.contains("jit_above_cost to 2,000,000"))
        #expect(finding.severity == .high)
    }

    @Test func expensivePassesAloneRaiseTheirThresholds() throws {
        // Without inlining and optimization JIT would take 6 ms of 500 ms.
        let plan = jitPlan(cost: 617_450, execution: 500, inlining: 60, optimization: 110, emission: 5)
        let finding = try #require(B.findings(JITOverheadRule(), plan).first)
        let expected = """
            ALTER SYSTEM SET jit_inline_above_cost = 2000000;
            ALTER SYSTEM SET jit_optimize_above_cost = 2000000;
            SELECT pg_reload_conf();
            """
        #expect(finding.fixSQL == expected)
    }

    @Test func aCostBelowTheDefaultThresholdsMeansTheyWereLowered() throws {
        let plan = jitPlan(
            cost: 92.48, execution: 102.9, inlining: 34.5, optimization: 26.5, generation: 0.35, emission: 20.2)
        let finding = try #require(B.findings(JITOverheadRule(), plan).first)
        let sql = try #require(finding.fixSQL)
        #expect(sql.hasPrefix("SELECT name, setting, source FROM pg_settings"))
        #expect(sql.contains("ALTER SYSTEM RESET jit_above_cost;"))
        #expect(finding.recommendation.contains("below the default JIT thresholds"))
    }

    @Test func withoutACostJITIsTurnedOffForTheQuery() throws {
        let plan = jitPlan(cost: nil, execution: 262.9, inlining: 38.1, optimization: 106.4)
        let finding = try #require(B.findings(JITOverheadRule(), plan).first)
        #expect(finding.fixSQL == "SET LOCAL jit = off;")
    }

    @Test func thresholds() {
        // 2 % of a long query.
        #expect(
            B.findings(JITOverheadRule(), jitPlan(cost: 617_450, execution: 10_000, inlining: 38, optimization: 106))
                .isEmpty)
        // Most of a very short query, but under 10 ms.
        #expect(
            B.findings(
                JITOverheadRule(),
                jitPlan(cost: 150_000, execution: 12, inlining: 0, optimization: 0, generation: 1, emission: 7)
            ).isEmpty)
        // No JIT.
        #expect(B.findings(JITOverheadRule(), B.plan(B.node("Result", timeMs: 1), executionTimeMs: 1)).isEmpty)
    }
}
