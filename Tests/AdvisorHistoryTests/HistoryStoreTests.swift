import AdvisorCore
import AdvisorHistory
import Foundation
import TestSupport
import Testing

@Suite struct HistoryStoreTests {
    /// A scan on `day`: statement 1 ran 1,000 times a day, at 2 ms per call on day 1 and 6 ms from day 2 on.
    private func scan(day: Double) -> Snapshot {
        let calls = Int(day) * 1_000
        let time = day >= 2 ? 2_000 + 6_000 * (day - 1) : 2_000 * day
        var snapshot = HistoryScans.scan(
            day: day, statements: [HistoryScans.statement("1", calls: calls, totalTimeMs: time, rows: calls)])
        snapshot.server.target = "db:5432/shop as app"
        return snapshot
    }

    @Test func runsAreComparedWithThePreviousOnesAndRecorded() throws {
        let store = try HistoryStore(path: HistoryScans.temporaryStorePath())
        let engine = RuleEngine(rules: [StatementRegressionRule(), StatementTopTimeRule()])
        let first = try store.evaluate(scan(day: 1), target: "shop", engine: engine, baselineRuns: 7)
        #expect(first.newFingerprints == nil)
        #expect(first.outcome.skipped.map(\.id) == ["statement-regression"])
        let second = try store.evaluate(scan(day: 2), target: "shop", engine: engine, baselineRuns: 7)
        #expect(second.snapshot.statements.first?.calls == 1_000)
        #expect(second.snapshot.statements.first?.meanTimeMs == 6)
        let regression = try #require(second.outcome.findings.first { $0.ruleId == "statement-regression" })
        #expect(regression.object.key == "shop|app|1")
        #expect(second.newFingerprints?.contains(regression.fingerprint) == true)
        let third = try store.evaluate(scan(day: 3), target: "shop", engine: engine, baselineRuns: 7)
        // Still 6 ms: no longer worse than the previous run, so the regression is resolved.
        #expect(!third.outcome.findings.contains { $0.ruleId == "statement-regression" })
        #expect(third.resolvedFindings?.map(\.fingerprint) == [regression.fingerprint])

        let runs = try store.runs(target: "shop")
        #expect(runs.count == 3)
        #expect(try store.runs(target: "other").isEmpty)
        let trend = try store.statementTrend("1", target: "shop")
        #expect(trend.map(\.counters.windowCalls) == [1_000, 1_000, 1_000])
        #expect(trend.map(\.counters.windowMeanTimeMs) == [2, 6, 6])
    }

    @Test func aMissingStoreIsAnErrorWhenNotCreating() {
        #expect(throws: HistoryError.self) {
            try HistoryStore(path: HistoryScans.temporaryStorePath(), create: false)
        }
    }

    @Test func theDefaultPathFollowsXDG() {
        #expect(
            HistoryStore.defaultPath(environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/u"])
                == "/data/dbadvisor/history.sqlite")
        #expect(
            HistoryStore.defaultPath(environment: ["HOME": "/home/u"])
                == "/home/u/.local/share/dbadvisor/history.sqlite")
    }

    /// A run killed inside its write transaction leaves the store with the runs before it, readable and
    /// writable.
    @Test func aKilledWriterLeavesThePreviousRunsIntact() throws {
        let path = HistoryScans.temporaryStorePath()
        let snapshotFile = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("scan.json")
        try FileManager.default.createDirectory(
            at: snapshotFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try scan(day: 1).jsonData().write(to: snapshotFile)
        let arguments = ["report", snapshotFile.path, "--history", path, "--target", "shop", "--format", "json"]
        let first = try CommandRunner.run(arguments)
        #expect(first.exitCode == 0, "\(first.stderr)")
        try scan(day: 2).jsonData().write(to: snapshotFile)

        let process = Process()
        process.executableURL = CommandRunner.binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DBADVISOR_TEST_PAUSE_BEFORE_COMMIT"] = "60"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var said = ""
        let deadline = Date().addingTimeInterval(30)
        while !said.contains("pausing inside the history transaction"), Date() < deadline, process.isRunning {
            said += String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(said.contains("pausing inside the history transaction"), "\(said)")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let store = try HistoryStore(path: path, create: false)
        let runs = try store.runs(target: "shop")
        #expect(runs.count == 1)
        #expect(try store.recentRuns(target: "shop", limit: 1).first?.statements.count == 1)
        let again = try CommandRunner.run(arguments)
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(try store.runs(target: "shop").count == 2)
    }
}
