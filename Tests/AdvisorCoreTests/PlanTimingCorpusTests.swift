import AdvisorCore
import Foundation
import TestSupport
import Testing

/// Exclusive and inclusive times checked against what PEV2 and Pg::Explain assert for the same
/// plans (`../shared/corpus/expected/*.assert.txt`, restated here as numbers).
@Suite(.enabled(if: RepositoryPaths.corpusIsPresent, "shared corpus not present: timing expectations skipped"))
struct PlanTimingCorpusTests {
    private func plan(_ name: String) throws -> Plan {
        let url = RepositoryPaths.corpus.appendingPathComponent("plans/postgres-text/\(name).txt")
        let plans = try PlanReader.read(PlanInput(bytes: [UInt8](try Data(contentsOf: url)), name: name))
        return try #require(plans.first)
    }

    /// PEV2 cte-exclusive-time.spec.ts: the exclusive times of the main tree and every CTE add up to the
    /// root's time within 1 %, i.e. each millisecond is counted once.
    @Test(arguments: [
        ("pev2-cte-exclusive-01", 2999.096), ("pev2-cte-exclusive-02", 504.954),
        ("pev2-cte-exclusive-03", 136606.664), ("pev2-cte-exclusive-04", 0.080),
        ("pev2-cte-exclusive-05", 1938.292),
    ])
    func cteTimeIsCountedOnce(name: String, rootTimeMs: Double) throws {
        let plan = try plan(name)
        var sum = 0.0
        plan.root.visit { sum += $0.exclusiveTimeMs ?? 0 }
        #expect(abs(sum - rootTimeMs) <= rootTimeMs * 0.01, "\(name): \(sum) vs \(rootTimeMs)")
    }

    /// Pg::Explain t/11-exclusive-3: a SubPlan's time × loops is subtracted from its parent.
    @Test func subPlanLoops() throws {
        let plan = try plan("pgexplain-subplan-loops-exclusive")
        #expect(abs(plan.root.exclusiveTimeMs! - 14.114) < 0.001)
    }

    /// Pg::Explain t/12-exclusive-4: the CTE body is inside the first CTE Scan, not subtracted again above.
    @Test func cteNotSubtractedTwice() throws {
        let plan = try plan("pgexplain-cte-exclusive")
        #expect(abs(plan.root.exclusiveTimeMs! - 0.002) < 0.001)
    }

    /// Pg::Explain t/08-inclusive and t/09-exclusive on plans 10 and 13, t/10-exclusive-2 on plan 18.
    @Test func inclusiveAndExclusiveOfPgExplainPlans() throws {
        let ten = try plan("pev2-fromtext-10")
        #expect(abs(ten.root.inclusiveTimeMs! - 126.517) < 0.001)
        #expect(abs(ten.root.exclusiveTimeMs! - 0.029) < 0.001)
        let inner = ten.root.children[0].children[1]
        #expect(inner.loops == 588)
        #expect(abs(inner.inclusiveTimeMs! - 4.116) < 0.001)
        #expect(abs(inner.exclusiveTimeMs! - 4.116) < 0.001)
        #expect(abs(try plan("pev2-fromtext-13").root.exclusiveTimeMs! - 1.694) < 0.001)
        #expect(abs(try plan("pev2-fromtext-18").root.exclusiveTimeMs!) < 0.001)
    }

    /// Plain EXPLAIN has no times at all (not zero); TIMING OFF keeps rows and loops and "never executed".
    @Test func untimedPlans() throws {
        let plain = try plan("pev2-fromtext-01")
        #expect(!plain.hasTiming)
        #expect(plain.root.inclusiveTimeMs == nil && plain.root.exclusiveTimeMs == nil)
        #expect(plain.root.inclusiveCost != nil)
        for name in ["pgexplain-analyze-timing-off-1", "pgexplain-analyze-timing-off-2"] {
            let plan = try plan(name)
            #expect(plan.hasActuals && !plan.hasTiming)
            #expect(plan.root.actualRows != nil && plan.root.loops != nil)
        }
        var neverExecuted = false
        try plan("pgexplain-analyze-timing-off-2").root.visit { neverExecuted = neverExecuted || $0.neverExecuted }
        #expect(neverExecuted)
    }
}
