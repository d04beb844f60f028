import AdvisorCore
import AdvisorHistory
import Foundation
import Testing

/// `scan --history` with `--explain-top`: a top statement whose plan changed since the last run gets the
/// comparison's summary in the report; an unchanged plan gets none.
@Suite struct PlanChangesTests {
    private func scan(day: Double, plan: String) throws -> Snapshot {
        var snapshot = HistoryScans.scan(
            day: day, statements: [HistoryScans.statement("1", calls: Int(day) * 100, totalTimeMs: 50 * day, rows: 10)])
        let parsed = try #require(try PlanReader.read(PlanInput(text: plan)).first)
        snapshot.plans = [
            CapturedPlan(label: "statement 1", statementFingerprint: snapshot.statements[0].findingKey, plan: parsed)
        ]
        snapshot.facets.insert(.plans)
        return snapshot
    }

    static let seqScan = """
        Seq Scan on orders  (cost=0.00..6245.00 rows=12 width=64)
          Filter: (status = 'refunded'::text)
        """
    static let indexScan = """
        Index Scan using orders_status_idx on orders  (cost=0.42..950.00 rows=12 width=64)
          Index Cond: (status = 'refunded'::text)
        """

    @Test func aChangedPlanIsSummarisedAndAnUnchangedOneIsNot() throws {
        let store = try HistoryStore(path: HistoryScans.temporaryStorePath())
        let engine = RuleEngine(rules: [HotNodeRule()])
        _ = try store.evaluate(try scan(day: 1, plan: Self.seqScan), target: "shop", engine: engine, baselineRuns: 7)
        let changed = try store.evaluate(
            try scan(day: 2, plan: Self.indexScan), target: "shop", engine: engine, baselineRuns: 7)
        let notice = try #require(
            changed.snapshot.notices.first { $0.message.hasPrefix("The plan of statement 1 changed") })
        #expect(
            notice.message.contains("Seq Scan on orders → Index Scan using orders_status_idx on orders"),
            "\(notice.message)")
        #expect(notice.message.contains("estimated cost 6,245 → 950"), "\(notice.message)")
        let same = try store.evaluate(
            try scan(day: 3, plan: Self.indexScan), target: "shop", engine: engine, baselineRuns: 7)
        #expect(!same.snapshot.notices.contains { $0.message.hasPrefix("The plan of") })
    }
}
