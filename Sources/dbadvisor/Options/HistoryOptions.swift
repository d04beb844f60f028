import AdvisorCore
import AdvisorHistory
import ArgumentParser
import Foundation

/// `--history`, `--no-history` and `--target`: where runs are remembered, so that a scan reports figures
/// since the previous run, regressions, and new and resolved findings.
struct HistoryOptions: ParsableArguments {
    @Option(
        name: .customLong("history"),
        help: """
            The history store (SQLite) to compare with and record the run in. Default: \
            $XDG_DATA_HOME/dbadvisor/history.sqlite, else ~/.local/share/dbadvisor/history.sqlite.
            """)
    var historyPath: String?

    @Flag(name: .customLong("no-history"), help: "Neither compare with earlier runs nor record this one.")
    var noHistory = false

    @Option(help: "The name the run is recorded under. Default: the server's description (host:port/db as user).")
    var target: String?

    func validate() throws {
        if noHistory, historyPath != nil || target != nil {
            throw ValidationError("--no-history cannot be combined with --history or --target.")
        }
    }

    /// Runs the rules on `snapshot` and builds the report: against the history of its target unless
    /// `--no-history` (or, when `byDefault` is false, unless `--history` or `--target` was given), recording
    /// the run when `record` is true, under `--target`, else `target` (a configured target's name), else the
    /// server's description.
    func report(
        _ snapshot: Snapshot, with engine: RuleEngine, command: String, source: String, byDefault: Bool = true,
        record: Bool = true, target configuredTarget: String? = nil
    ) throws -> Report {
        guard !noHistory, byDefault || historyPath != nil || target != nil else {
            let outcome = engine.run(snapshot)
            return Report(
                command: command, source: source, toolVersion: DBAdvisor.version, generatedAt: Date(),
                snapshot: snapshot, findings: outcome.findings, rules: outcome.ran, skippedRules: outcome.skipped)
        }
        let evaluation: TrackedEvaluation
        do {
            let store = try HistoryStore(path: historyPath ?? HistoryStore.defaultPath())
            evaluation = try store.evaluate(
                snapshot, target: target ?? configuredTarget ?? snapshot.server.target ?? source, engine: engine,
                baselineRuns: Self.baselineRuns(in: engine), record: record, beforeCommit: Self.testPause)
        } catch let error as HistoryError {
            Terminal.printError("dbadvisor: \(error) (--no-history skips it)")
            throw ExitCode(Terminal.Code.input.rawValue)
        }
        var report = Report(
            command: command, source: source, toolVersion: DBAdvisor.version, generatedAt: Date(),
            snapshot: evaluation.snapshot, findings: evaluation.outcome.findings, rules: evaluation.outcome.ran,
            skippedRules: evaluation.outcome.skipped)
        report.newFingerprints = evaluation.newFingerprints
        report.resolvedFindings = evaluation.resolvedFindings
        report.trends = evaluation.trends
        return report
    }

    /// The number of runs `statement-regression` compares with, as configured.
    private static func baselineRuns(in engine: RuleEngine) -> Int {
        engine.rules.lazy.compactMap { $0 as? StatementRegressionRule }.first?.options.baselineRuns
            ?? StatementRegressionRule.Options().baselineRuns
    }

    /// For the store's crash test only: DBADVISOR_TEST_PAUSE_BEFORE_COMMIT=SECONDS makes the run wait inside
    /// its write transaction, so that the test can kill it there.
    private static var testPause: (@Sendable () -> Void)? {
        guard let value = ProcessInfo.processInfo.environment["DBADVISOR_TEST_PAUSE_BEFORE_COMMIT"],
            let seconds = Double(value)
        else { return nil }
        return {
            Terminal.printError("dbadvisor: pausing inside the history transaction")
            Thread.sleep(forTimeInterval: seconds)
        }
    }
}
