import AdvisorCore
import AdvisorHistory
import Foundation
import Testing

@Suite struct StatementDeltasTests {
    @Test func firstRunKeepsTheCumulativeCounters() {
        let scan = HistoryScans.scan(
            day: 0, statements: [HistoryScans.statement("1", calls: 100, totalTimeMs: 50, rows: 100)])
        let deltas = StatementDeltas(current: scan, previous: nil)
        #expect(deltas.snapshot == scan)
        #expect(deltas.counters["shop|app|1"]?.windowCalls == 100)
    }

    @Test func countersBecomeDifferencesOverTheTimeSinceThePreviousRun() throws {
        let before = HistoryScans.scan(
            day: 0,
            statements: [
                HistoryScans.statement("1", calls: 1_000, totalTimeMs: 2_000, rows: 1_000),
                HistoryScans.statement("2", calls: 10, totalTimeMs: 10, rows: 10),
            ])
        let now = HistoryScans.scan(
            day: 1,
            statements: [
                HistoryScans.statement("1", calls: 1_500, totalTimeMs: 4_000, rows: 1_600),
                HistoryScans.statement("2", calls: 10, totalTimeMs: 10, rows: 10),
                HistoryScans.statement("3", calls: 7, totalTimeMs: 70, rows: 0),
            ])
        let deltas = StatementDeltas(current: now, previous: HistoryScans.recorded(before))
        let statements = Dictionary(uniqueKeysWithValues: deltas.snapshot.statements.map { ($0.id, $0) })
        // Statement 2 was not called in between; statement 3 is new, so all of it is in the window.
        #expect(statements.keys.sorted() == ["1", "3"])
        let first = try #require(statements["1"])
        #expect(first.calls == 500)
        #expect(first.totalTimeMs == 2_000)
        #expect(first.rows == 600)
        #expect(first.meanTimeMs == 4)
        #expect(statements["3"]?.calls == 7)
        #expect(deltas.snapshot.statementWindowSeconds == 86_400)
        #expect(deltas.snapshot.perDay(500) == 500)
        #expect(deltas.counters["shop|app|1"]?.calls == 1_500)
        #expect(deltas.counters["shop|app|1"]?.windowCalls == 500)
        #expect(deltas.counters["shop|app|2"]?.windowCalls == 0)
        #expect(deltas.snapshot.notices.contains { $0.message.contains("since the previous run") })
    }

    @Test(arguments: ["restart", "reset"])
    func aRestartOrResetUsesTheCurrentCountersOverTheirOwnWindow(_ cause: String) {
        let before = HistoryScans.scan(
            day: 0, statements: [HistoryScans.statement("1", calls: 1_000, totalTimeMs: 2_000, rows: 1_000)])
        let restartedAt = HistoryScans.day0.addingTimeInterval(86_400 / 2)
        let now = HistoryScans.scan(
            day: 1, statements: [HistoryScans.statement("1", calls: 1_200, totalTimeMs: 600, rows: 1_200)],
            startedAt: cause == "restart" ? restartedAt : HistoryScans.started,
            resetAt: cause == "restart" ? nil : restartedAt)
        let deltas = StatementDeltas(current: now, previous: HistoryScans.recorded(before))
        // Counters that went up are no proof they were not reset: 1,200 calls since the reset, not 200.
        #expect(deltas.snapshot.statements.first?.calls == 1_200)
        #expect(abs((deltas.snapshot.statementWindowSeconds ?? 0) - 43_200) < 0.01)
        #expect(deltas.snapshot.notices.contains { $0.message.contains("restarted since the previous run") })
    }

    /// A fast job: the previous run read counters reset half a second before it, and a new reset comes a
    /// quarter of a second after it — the two reset times are within a second, yet the counters restarted.
    @Test func aResetAfterThePreviousRunIsOneEvenWithinASecondOfTheLastReset() {
        let firstReset = HistoryScans.day0.addingTimeInterval(-0.5)
        let before = HistoryScans.scan(
            day: 0, statements: [HistoryScans.statement("1", calls: 10, totalTimeMs: 20, rows: 10)],
            resetAt: firstReset)
        let now = HistoryScans.scan(
            day: 0.6 / 86_400, statements: [HistoryScans.statement("1", calls: 20, totalTimeMs: 40, rows: 20)],
            resetAt: HistoryScans.day0.addingTimeInterval(0.25))
        let deltas = StatementDeltas(current: now, previous: HistoryScans.recorded(before))
        #expect(deltas.snapshot.statements.first?.calls == 20)
        #expect(deltas.snapshot.notices.contains { $0.message.contains("restarted since the previous run") })
    }

    @Test func aCounterThatWentDownIsTakenAsItIs() {
        let before = HistoryScans.scan(
            day: 0,
            statements: [
                HistoryScans.statement("1", calls: 1_000, totalTimeMs: 2_000, rows: 1_000),
                HistoryScans.statement("2", calls: 100, totalTimeMs: 100, rows: 100),
            ])
        let now = HistoryScans.scan(
            day: 1,
            statements: [
                HistoryScans.statement("1", calls: 30, totalTimeMs: 60, rows: 30),
                HistoryScans.statement("2", calls: 150, totalTimeMs: 150, rows: 150),
            ], evictions: 12)
        let deltas = StatementDeltas(current: now, previous: HistoryScans.recorded(before))
        let calls = Dictionary(uniqueKeysWithValues: deltas.snapshot.statements.map { ($0.id, $0.calls) })
        #expect(calls == ["1": 30, "2": 50])
        #expect(deltas.snapshot.statementSource?.evictions == 12)
        #expect(deltas.snapshot.notices.contains { $0.message.contains("1 statement's counters went down") })
        #expect(
            deltas.snapshot.notices.contains { $0.level == .warning && $0.message.contains("12 statement entries") })
    }

    @Test func aSnapshotOlderThanThePreviousRunIsNotSubtracted() {
        let later = HistoryScans.scan(
            day: 2, statements: [HistoryScans.statement("1", calls: 1_000, totalTimeMs: 2_000, rows: 1_000)])
        let older = HistoryScans.scan(
            day: 1, statements: [HistoryScans.statement("1", calls: 900, totalTimeMs: 1_800, rows: 900)])
        let deltas = StatementDeltas(current: older, previous: HistoryScans.recorded(later))
        #expect(deltas.snapshot.statements.first?.calls == 900)
    }
}
