import AdvisorCore
import Testing

struct WorkersNotLaunchedRuleTests {
    typealias B = RulePlanBuilder

    private func gatherPlan(
        planned: Int, launched: Int?, gatherTime: Double = 1_200, execution: Double = 1_203,
        settings: [String: String] = [:], nodeType: String = "Gather"
    ) -> Plan {
        let processes = Double((launched ?? planned) + 1)
        let scan = B.node("Seq Scan", timeMs: gatherTime, rows: 1, loops: processes) {
            $0.relation = "orders"
            $0.isParallelAware = true
        }
        let gather = B.node(nodeType, timeMs: gatherTime, rows: 1, children: [scan]) {
            $0.workersPlanned = planned
            $0.workersLaunched = launched
        }
        return B.plan(gather, executionTimeMs: execution, settings: settings)
    }

    @Test func noWorkerLaunched() throws {
        let finding = try #require(B.findings(WorkersNotLaunchedRule(), gatherPlan(planned: 2, launched: 0)).first)
        #expect(finding.object.name == "Gather")
        // Two of three planned processes missing: 2/3 of the Gather's 1,200 ms.
        #expect(abs((finding.impact.timeMs ?? 0) - 800) < 0.001)
        #expect(finding.severity == .critical)
        #expect(finding.message.contains("launched 0 of 2"))
        #expect(finding.message.contains("1 process did the work planned for 3"))
        let sql = try #require(finding.fixSQL)
        #expect(sql.contains("SHOW max_parallel_workers;"))
        #expect(sql.contains("SHOW max_worker_processes;"))
        #expect(sql.contains("ALTER SYSTEM SET max_parallel_workers = 16;"))
        #expect(!sql.contains("--"))
    }

    @Test func someWorkersLaunched() throws {
        let finding = try #require(B.findings(WorkersNotLaunchedRule(), gatherPlan(planned: 4, launched: 2)).first)
        // 3 of 5 planned processes: 2/5 of the time.
        #expect(abs((finding.impact.timeMs ?? 0) - 480) < 0.001)
        #expect(finding.severity == .high)
    }

    @Test func allWorkersLaunchedOrNoActualsIsSilent() {
        #expect(B.findings(WorkersNotLaunchedRule(), gatherPlan(planned: 2, launched: 2)).isEmpty)
        #expect(B.findings(WorkersNotLaunchedRule(), gatherPlan(planned: 2, launched: nil)).isEmpty)
    }

    @Test func shortGathersAreNoise() {
        // 2/3 of 12 ms is 8 ms, under the 10 ms floor.
        #expect(
            B.findings(WorkersNotLaunchedRule(), gatherPlan(planned: 2, launched: 0, gatherTime: 12, execution: 12))
                .isEmpty)
    }

    @Test func gatherMergeAndTheCurrentSettingAreUsed() throws {
        let plan = gatherPlan(
            planned: 2, launched: 1, settings: ["max_parallel_workers": "'4'"], nodeType: "Gather Merge")
        let finding = try #require(B.findings(WorkersNotLaunchedRule(), plan).first)
        #expect(finding.object.name == "Gather Merge")
        #expect(finding.fixSQL?.contains("ALTER SYSTEM SET max_parallel_workers = 8;") == true)
    }
}
