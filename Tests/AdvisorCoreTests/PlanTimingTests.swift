import AdvisorCore
import Testing

/// Exclusive time as explain.depesz.com and PEV2 compute it.
struct PlanTimingTests {
    private func node(
        _ type: String, time: Double?, loops: Double = 1, rows: Double = 1, cost: Double = 10,
        relationship: String? = nil, subplan: String? = nil, children: [PlanNode] = []
    ) -> PlanNode {
        var node = PlanNode(nodeType: type, children: children)
        node.actualTotalTimeMs = time
        node.loops = loops
        node.actualRows = rows
        node.estimatedRows = rows
        node.totalCost = cost
        node.parentRelationship = relationship
        node.subplanName = subplan
        return node
    }

    private func timed(_ root: PlanNode) -> Plan {
        var plan = Plan(engine: .postgres, format: .postgresJSON, root: root, hasActuals: true, hasTiming: true)
        plan.number()
        PlanTiming.apply(to: &plan)
        return plan
    }

    @Test func loopsMultiplyPerLoopTime() {
        // Pg::Explain t/plans/10: the inner index scan runs 588 times at 0.007 ms.
        let plan = timed(
            node(
                "Nested Loop", time: 10,
                children: [
                    node("Seq Scan", time: 1, relationship: "Outer"),
                    node("Index Scan", time: 0.007, loops: 588, relationship: "Inner"),
                ]))
        let inner = plan.node(withID: 3)!
        #expect(abs(inner.inclusiveTimeMs! - 4.116) < 1e-9)
        #expect(abs(inner.exclusiveTimeMs! - 4.116) < 1e-9)
        #expect(abs(plan.root.exclusiveTimeMs! - (10 - 1 - 4.116)) < 1e-9)
    }

    @Test func subPlansAreSubtractedTimesTheirLoops() {
        // Pg::Explain t/11-exclusive-3: 4004.334 − 0.745 × 5356 = 14.114.
        let plan = timed(
            node(
                "Seq Scan", time: 4004.334,
                children: [
                    node("Result", time: 0.745, loops: 5356, relationship: "SubPlan", subplan: "SubPlan 1")
                ]))
        #expect(abs(plan.root.exclusiveTimeMs! - 14.114) < 0.001)
    }

    @Test func parallelWorkersDivideByProcesses() {
        var gather = node(
            "Gather", time: 100,
            children: [
                node("Seq Scan", time: 90, loops: 3, relationship: "Outer")
            ])
        gather.workersPlanned = 2
        gather.workersLaunched = 2
        let plan = timed(gather)
        #expect(plan.node(withID: 2)!.inclusiveTimeMs == 90)
        #expect(plan.root.exclusiveTimeMs == 10)
    }

    @Test func cteTimeIsChargedToTheScansThatReadIt() {
        var scan = node("CTE Scan", time: 70, relationship: "Outer")
        scan.cteName = "recent"
        let plan = timed(
            node(
                "Hash Join", time: 100,
                children: [
                    node("Seq Scan", time: 60, relationship: "InitPlan", subplan: "CTE recent"),
                    scan,
                    node("Hash", time: 5, relationship: "Inner"),
                ]))
        #expect(plan.root.exclusiveTimeMs == 25)  // 100 − 70 − 5: the CTE is inside the CTE Scan's time
        #expect(plan.node(withID: 3)!.exclusiveTimeMs == 10)  // 70 − 60
        var sum = 0.0
        plan.root.visit { sum += $0.exclusiveTimeMs ?? 0 }
        #expect(abs(sum - 100) < 1e-9)
    }

    @Test func neverExecutedNodesCostNothing() {
        var skipped = node("Index Scan", time: nil, relationship: "Inner")
        skipped.neverExecuted = true
        let plan = timed(node("Nested Loop", time: 1, children: [node("Seq Scan", time: 0.5), skipped]))
        #expect(plan.node(withID: 3)!.inclusiveTimeMs == 0)
        #expect(plan.root.exclusiveTimeMs == 0.5)
    }

    @Test func untimedPlansShareByCostWithInnerLoopsScaled() {
        var root = node(
            "Nested Loop", time: nil, cost: 1000,
            children: [
                node("Seq Scan", time: nil, rows: 100, cost: 10, relationship: "Outer"),
                node("Index Scan", time: nil, cost: 5, relationship: "Inner"),
            ])
        root.actualRows = nil
        var plan = Plan(engine: .postgres, format: .postgresText, root: root)
        plan.number()
        PlanTiming.apply(to: &plan)
        #expect(plan.root.exclusiveTimeMs == nil)
        #expect(plan.node(withID: 3)!.inclusiveCost == 500)
        #expect(plan.root.exclusiveCost == 490)
        #expect(plan.exclusiveShare(of: plan.root) == 0.49)
    }

    /// A Limit costs a fraction of its children, which run only until it has its rows: cost shares are relative to
    /// the nodes' exclusive costs added up, so they add up to 100 % (they were 55 % + 55 % + 32 % of the Limit's).
    @Test func untimedSharesUnderALimitAddUpToTheWhole() {
        let scan = node("Seq Scan", time: nil, rows: 100_000, cost: 5_000)
        let sort = node("Sort", time: nil, cost: 8_000, children: [scan])
        let gather = node("Gather Merge", time: nil, cost: 13_000, children: [sort])
        var plan = Plan(
            engine: .postgres, format: .postgresText, root: node("Limit", time: nil, cost: 9_000, children: [gather]))
        plan.number()
        PlanTiming.apply(to: &plan)
        var shares: [Double] = []
        plan.root.visit { shares.append(plan.exclusiveShare(of: $0) ?? 0) }
        let total = shares.reduce(0, +)
        let expected: [Double] = [0, 5 / 13.0, 3 / 13.0, 5 / 13.0]
        #expect(abs(total - 1) < 1e-9, "\(shares)")
        #expect(zip(shares, expected).allSatisfy { abs($0 - $1) < 1e-9 }, "\(shares)")
    }

    @Test func initPlanTimeIsChargedToTheNodeUsingItsValue() {
        // PEV2 cte-exclusive-04: the index scan evaluates $0, so the InitPlan's 0.060 ms is inside it.
        var scan = node("Index Scan", time: 0.063, relationship: "Outer")
        scan.indexCondition = "(pond_user = $0)"
        let plan = timed(
            node(
                "Limit", time: 0.080,
                children: [
                    node("Limit", time: 0.060, relationship: "InitPlan", subplan: "InitPlan 1 (returns $0)"),
                    node("Sort", time: 0.078, relationship: "Outer", children: [scan]),
                ]))
        #expect(abs(plan.root.exclusiveTimeMs! - 0.002) < 1e-9)
        #expect(abs(plan.node(withID: 4)!.exclusiveTimeMs! - 0.003) < 1e-9)
        var sum = 0.0
        plan.root.visit { sum += $0.exclusiveTimeMs ?? 0 }
        #expect(abs(sum - 0.080) < 1e-9)
    }

    @Test func parameterReferencesMatchWholeTokens() {
        var scan = node("Index Scan", time: 1, relationship: "Outer")
        scan.indexCondition = "(id = $10)"
        let plan = timed(
            node(
                "Result", time: 2,
                children: [
                    node("Result", time: 0.5, relationship: "InitPlan", subplan: "InitPlan 1 (returns $1)"), scan,
                ]))
        #expect(plan.root.exclusiveTimeMs == 0.5)  // $10 is not $1: the InitPlan stays charged to its parent
    }
}
