import Foundation
import TestSupport
import Testing

@testable import AdvisorCore

struct RuleEngineTests {
    private func snapshot(_ fixture: String) throws -> Snapshot {
        let url = RepositoryPaths.fixtures.appendingPathComponent(fixture)
        let plans = try PlanReader.read(PlanInput(bytes: [UInt8](try Data(contentsOf: url)), name: fixture))
        return Snapshot(plans: plans, source: fixture)
    }

    @Test func hotNodeGivesWayToASpecificFindingOnTheSameNode() throws {
        // The lossy Bitmap Heap Scan (node 4) is the hottest node; its own finding replaces the pointer.
        let snapshot = try snapshot("postgres/plans/lossy_bitmap.json")
        let alone = RuleEngine(rules: [HotNodeRule()]).run(snapshot).findings
        #expect(alone.map(\.object.node) == [4, 2])
        let all = RuleEngine.defaults.run(snapshot).findings
        #expect(all.map(\.ruleId) == ["plan-lossy-bitmap", "plan-hot-node"])
        #expect(all.map(\.object.node) == [4, 2])
    }

    @Test func severityIsCappedByTheStatementsTime() throws {
        // heap_fetches.json takes 0.6 ms: whatever share the fetches explain, that is not urgent.
        let findings = RuleEngine.defaults.run(try snapshot("postgres/plans/heap_fetches.json")).findings
        #expect(findings.map(\.ruleId) == ["plan-heap-fetches"])
        #expect(findings.allSatisfy { $0.severity == .low })
    }

    @Test func rankingIsBySeverityThenImpactThenFingerprint() {
        func finding(_ id: String, score: Double, severity: Severity) -> Finding {
            Finding(
                ruleId: id, severity: severity, category: .plans,
                object: FindingObject(kind: .plan, name: id, key: id), message: "m", evidence: [],
                impact: Impact(score: score, confidence: .high, summary: "s"), recommendation: "r", risk: "r",
                validation: "v")
        }
        let ranked = RuleEngine.rank([
            finding("a", score: 1, severity: .critical), finding("b", score: 5, severity: .low),
            finding("c", score: 5, severity: .high),
        ])
        // A low finding never ranks above a high one, whatever its score: the order agrees with the severities.
        #expect(ranked.map(\.ruleId) == ["a", "c", "b"])
    }

    /// No finding claims more database time a day than the server's connections can spend in one.
    @Test func dailyTimeAboveWhatTheServerCanSpendIsNoDailyFigure() {
        let server = ServerInfo(engine: .postgres)
        func ceiling(_ connections: String) -> Double? {
            RuleEngine.dailyCeilingMs(Snapshot(server: server, settings: ["max_connections": connections]))
        }
        let absurd = Finding(
            ruleId: "x", severity: .critical, category: .indexes,
            object: FindingObject(kind: .table, name: "t", key: "t"), message: "m", evidence: [],
            impact: .daily(msPerDay: 1_763_888_000 * 1_000, confidence: .high, summary: "~1,763,888 s per day"),
            recommendation: "r", risk: "r", validation: "v")
        let capped = RuleEngine.capDailyTime(absurd, at: ceiling("20"))
        #expect(capped.impact.score == 20 * 86_400_000)
        #expect(capped.impact.confidence == .low && capped.severity == .medium)
        #expect(capped.impact.summary.hasPrefix("not a daily figure"))
        let plausible = RuleEngine.capDailyTime(absurd, at: ceiling("100000"))
        #expect(plausible == absurd)
        #expect(RuleEngine.dailyCeilingMs(Snapshot(server: server)) == nil)
    }

    @Test func aScanLackingStatementsReportsTheStatementRulesAsSkipped() {
        let scan = Snapshot(server: ServerInfo(engine: .postgres), facets: [.settings, .tables])
        let skipped = RuleEngine.defaults.run(scan).skipped.map(\.id)
        #expect(skipped.contains("statement-top-time"))
        #expect(!skipped.contains { $0.hasPrefix("mysql-") })
        let plansOnly = Snapshot(plans: [], source: "file")
        #expect(RuleEngine.defaults.run(plansOnly).ran.allSatisfy { $0.category == .plans })
    }

    @Test func rulesForAnotherEngineAreNotReportedAsSkipped() throws {
        let outcome = RuleEngine.defaults.run(try snapshot("postgres/plans/healthy_lookup.json"))
        // Rules needing statistics a plan file lacks are skipped; MySQL-only rules are not even that.
        #expect(!outcome.skipped.map(\.id).contains("mysql-no-usable-key"))
        #expect(outcome.skipped.allSatisfy { $0.reason.hasPrefix("needs ") })
        #expect(!outcome.ran.map(\.id).contains("mysql-no-usable-key"))
    }
}

/// A finding that speaks for several nodes (a partition group) also replaces the hot-node pointers on them.
@Test func hotNodesGiveWayToAGroupFindingCoveringThem() throws {
    let example = try #require(
        SeqScanFilterRule.description.examples.first { $0.name.hasPrefix("four partitions") })
    guard case .plan(let text) = example.input else { return }
    let snapshot = Snapshot(plans: try PlanReader.read(PlanInput(text: text)), source: "example")
    let alone = RuleEngine(rules: [HotNodeRule()]).run(snapshot).findings
    let all = RuleEngine.defaults.run(snapshot).findings
    let group = try #require(all.first { $0.ruleId == "plan-seq-scan-filter" })
    let covered = Set(group.object.coveredNodes ?? [])
    #expect(covered.count == 4)
    #expect(!alone.isEmpty && alone.allSatisfy { covered.contains($0.object.node ?? 0) })
    #expect(!all.contains { $0.ruleId == "plan-hot-node" })
}
