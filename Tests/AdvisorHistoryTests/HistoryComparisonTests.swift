import AdvisorCore
import Foundation
import Testing

@testable import AdvisorHistory

@Suite struct HistoryComparisonTests {
    private func run(id: Int64, calls: Int, totalTimeMs: Double, rows: Int) -> RecordedRun {
        var run = HistoryScans.recorded(HistoryScans.scan(day: Double(id), statements: []))
        run.id = id
        run.statements["shop|app|1"] = StatementCounters(
            statementId: "1", text: "SELECT 1", calls: 0, totalTimeMs: 0, rows: 0, windowCalls: calls,
            windowTotalTimeMs: totalTimeMs, windowRows: rows, windowSeconds: 86_400)
        return run
    }

    @Test func baselinesWeighTheRunsByTheirCalls() throws {
        let runs = [
            run(id: 3, calls: 100, totalTimeMs: 400, rows: 100),
            run(id: 2, calls: 300, totalTimeMs: 600, rows: 300),
            run(id: 1, calls: 100, totalTimeMs: 1_000, rows: 100),
        ]
        let baseline = try #require(HistoryComparison.baselines(runs, limit: 2).first)
        #expect(baseline.previousMeanTimeMs == 4)
        #expect(baseline.baselineRuns == 2)
        #expect(baseline.baselineCalls == 400)
        #expect(baseline.baselineMeanTimeMs == 2.5)
        #expect(HistoryComparison.baselines(runs, limit: 7).first?.baselineRuns == 3)
    }

    @Test func newAndResolvedFindingsAreFoundByFingerprint() {
        let object = FindingObject(kind: .table, name: "public.orders", key: "public.orders")
        let current = Finding(
            ruleId: "table-seq-scan-heavy", severity: .high, category: .tables, object: object, message: "",
            evidence: [], impact: .daily(msPerDay: 1, confidence: .low, summary: ""), recommendation: "", risk: "",
            validation: "")
        let kept = RecordedFinding(
            fingerprint: current.fingerprint, ruleId: current.ruleId, severity: .high, objectName: "public.orders")
        let gone = RecordedFinding(fingerprint: "00ff", ruleId: "index-unused", severity: .low, objectName: "idx")
        let none = HistoryComparison.changes([current], previous: [kept, gone])
        #expect(none.newFingerprints.isEmpty)
        #expect(none.resolved.map(\.fingerprint) == ["00ff"])
        let fresh = HistoryComparison.changes([current], previous: [])
        #expect(fresh.newFingerprints == [current.fingerprint])
    }

    @Test func trendsFollowTheMostExpensiveStatementsRunByRun() throws {
        let runs = [
            run(id: 2, calls: 100, totalTimeMs: 300, rows: 100), run(id: 1, calls: 100, totalTimeMs: 100, rows: 100),
        ]
        let current = HistoryScans.scan(
            day: 3, statements: [HistoryScans.statement("1", calls: 50, totalTimeMs: 250, rows: 50)])
        let trend = try #require(HistoryStore.meanTimeTrends(current, previous: runs).first)
        #expect(trend.key == "shop|app|1")
        #expect(trend.unit == "ms")
        // Oldest first: run 1 (1 ms), run 2 (3 ms), this run (5 ms).
        #expect(trend.points.map(\.value) == [1, 3, 5])
    }
}
