import Foundation
import Testing

@testable import AdvisorCore

struct NPlusOneBurstRuleTests {
    typealias E = StatementRuleExamples

    private func findings(_ snapshot: Snapshot, _ rule: NPlusOneBurstRule = NPlusOneBurstRule()) -> [Finding] {
        RuleEngine(rules: [rule]).run(snapshot).findings
    }

    /// 40 bursts of 25 customer lookups after an order list, 400 ms in all.
    private let loop = QueryBurst(
        parentFingerprint: "d1", parentText: "SELECT id, customer_id FROM orders WHERE shop_id = 7",
        childFingerprint: "d2", childText: "SELECT id, name FROM customers WHERE id = 42", bursts: 40, calls: 1_000,
        longestBurst: 25, totalTimeMs: 400, burstsMatchingParentRows: 38, sessions: 6, applications: ["shop-web"],
        users: ["app"])

    @Test func loopAfterItsParentIsAFindingWithItsNumbers() throws {
        let finding = try #require(findings(E.history(bursts: [loop])).first)
        #expect(finding.object.key == "d1>d2")
        #expect(finding.impact.confidence == .high)
        // (400 ms × (1 − 1/25) + 960 calls × 0.3 ms) over one hour, × 24.
        let expected = (400 * (1 - 1.0 / 25) + 960 * 0.3) * 24
        #expect(abs(finding.impact.score - expected) < 1e-6)
        #expect(finding.evidence("bursts") == 40)
        #expect(finding.evidence("longest burst") == 25)
        #expect(finding.evidence("bursts matching the parent's rows") == 38)
        #expect(finding.message.contains("ran 1,000 times in 40 bursts"))
        #expect(finding.message.contains("after \"SELECT id, customer_id FROM orders WHERE shop_id = 7\""))
        #expect(finding.message.contains("38 of 40 bursts had as many calls as it returned rows"))
        #expect(finding.recommendation.contains("WHERE id IN (…)"))
        #expect(finding.recommendation.contains("(from shop-web, user app)"))
        #expect(finding.impact.summary.contains("per day (extrapolated from"))
    }

    @Test func theDigestTextGivesTheBatchedRewrite() throws {
        let digest = E.statement(
            "d2", "SELECT `id` , `name` FROM `customers` WHERE `id` = ?", calls: 5_000, totalTimeMs: 500, rows: 5_000)
        let finding = try #require(findings(E.history(bursts: [loop], statements: [digest])).first)
        #expect(finding.fixSQL == "SELECT `id` , `name` FROM `customers` WHERE `id` IN (...)")
        #expect(finding.object.name == "SELECT id, name FROM customers WHERE id = 42")
    }

    @Test func postgresGetsAnArrayParameter() throws {
        var burst = loop
        burst.childText = "SELECT id, name FROM customers WHERE id = $1"
        let finding = try #require(findings(E.history(engine: .postgres, bursts: [burst])).first)
        #expect(finding.fixSQL == "SELECT id, name FROM customers WHERE id = ANY($1)")
        #expect(finding.recommendation.contains("WHERE id = ANY($1) with an array of keys"))
    }

    @Test func fewCallsAndFewBurstsAreSilentEitherThresholdReports() {
        var rare = loop
        rare.bursts = 2
        rare.calls = 40
        #expect(findings(E.history(bursts: [rare])).isEmpty)
        rare.calls = 50
        #expect(findings(E.history(bursts: [rare])).count == 1)
        rare.calls = 15
        rare.bursts = 3
        #expect(findings(E.history(bursts: [rare])).count == 1)
    }

    @Test func shortOrUnknownWindowIsNotExtrapolated() throws {
        let short = try #require(findings(E.history(windowSeconds: 5, bursts: [loop])).first)
        #expect(abs(short.impact.score - (400 * 0.96 + 960 * 0.3)) < 1e-6)
        #expect(short.impact.confidence == .low)
        #expect(short.impact.summary.contains("too short to extrapolate"))
        let unknown = try #require(findings(E.history(windowSeconds: nil, bursts: [loop])).first)
        #expect(unknown.impact.summary.contains("span is unknown"))
        #expect(unknown.severity <= .medium)
    }

    @Test func untimedBurstsCountRoundTripsAndFewMatchesLowerConfidence() throws {
        var untimed = loop
        untimed.totalTimeMs = nil
        untimed.burstsMatchingParentRows = 3
        let finding = try #require(findings(E.history(bursts: [untimed])).first)
        #expect(abs(finding.impact.score - 960 * 0.3 * 24) < 1e-6)
        #expect(finding.impact.confidence == .medium)
        #expect(finding.evidence("time in bursts") == nil)
    }

    /// A PostgreSQL log counts no rows: "bursts matching the parent's rows = 0" would read as evidence against the
    /// loop, so it is left out; where the source counts them, it is there.
    @Test func parentRowMatchesAreEvidenceOnlyWhereRowsAreCounted() throws {
        var uncounted = loop
        uncounted.burstsMatchingParentRows = 0
        uncounted.burstsWithParentRows = 0
        let finding = try #require(findings(E.history(bursts: [uncounted])).first)
        #expect(finding.evidence("bursts matching the parent's rows") == nil)
        #expect(
            try #require(findings(E.history(bursts: [loop])).first).evidence("bursts matching the parent's rows") != nil
        )
    }

    @Test func withoutHistoryTheRuleIsSkipped() {
        let report = RuleEngine(rules: [NPlusOneBurstRule()]).run(E.snapshot(engine: .mysql))
        #expect(report.findings.isEmpty)
    }
}
