import AdvisorCore

/// What the current run is compared with: the statement baselines the regression rule reads, and the
/// findings that are new or resolved since the previous run.
public enum HistoryComparison {
    /// Each statement's figures in `runs` (most recent first, the previous run first of all), over at most
    /// `limit` runs: the previous run's window, and all the windows together where it was called.
    public static func baselines(_ runs: [RecordedRun], limit: Int) -> [StatementBaseline] {
        guard let previous = runs.first else { return [] }
        let recent = runs.prefix(max(limit, 1))
        return previous.statements.keys.sorted().compactMap { key in
            guard let last = previous.statements[key], last.windowCalls > 0 else { return nil }
            var runCount = 0
            var calls = 0
            var time = 0.0
            var rows = 0
            for run in recent {
                guard let counters = run.statements[key], counters.windowCalls > 0 else { continue }
                runCount += 1
                calls += counters.windowCalls
                time += counters.windowTotalTimeMs
                rows += counters.windowRows
            }
            return StatementBaseline(
                key: key, previousCalls: last.windowCalls, previousMeanTimeMs: last.windowMeanTimeMs,
                previousRowsPerCall: last.windowRowsPerCall, baselineRuns: runCount, baselineCalls: calls,
                baselineMeanTimeMs: time / Double(calls), baselineRowsPerCall: Double(rows) / Double(calls))
        }
    }

    /// The fingerprints of `findings` the previous run did not have, and the previous run's findings that
    /// are gone (sorted by severity, then rule and object).
    public static func changes(
        _ findings: [Finding], previous: [RecordedFinding]
    ) -> (newFingerprints: Set<String>, resolved: [ResolvedFinding]) {
        let before = Set(previous.map(\.fingerprint))
        let now = Set(findings.map(\.fingerprint))
        var seen = Set<String>()
        let resolved =
            previous
            .filter { !now.contains($0.fingerprint) && seen.insert($0.fingerprint).inserted }
            .sorted { a, b in
                if a.severity != b.severity { return a.severity > b.severity }
                if a.ruleId != b.ruleId { return a.ruleId < b.ruleId }
                return a.objectName < b.objectName
            }
            .map {
                ResolvedFinding(
                    fingerprint: $0.fingerprint, ruleId: $0.ruleId, severity: $0.severity, objectName: $0.objectName)
            }
        return (now.subtracting(before), resolved)
    }
}
