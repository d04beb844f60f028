import AdvisorCore

/// A run evaluated against the history of its target.
public struct TrackedEvaluation: Sendable {
    /// What the rules ran on: statements since the previous run, with their baselines.
    public var snapshot: Snapshot
    public var outcome: RuleEngine.Outcome
    /// Nil on the first run of the target: there is nothing to compare with.
    public var newFingerprints: Set<String>?
    public var resolvedFindings: [ResolvedFinding]?
}

extension HistoryStore {
    /// Runs `engine` on `snapshot` turned into figures since the previous run of `target`, compares the
    /// findings with that run's, and records the run unless `record` is false (a scan cut short would make
    /// the next run's deltas wrong).
    public func evaluate(
        _ snapshot: Snapshot, target: String, engine: RuleEngine, baselineRuns: Int, record: Bool = true,
        beforeCommit: (@Sendable () -> Void)? = nil
    ) throws -> TrackedEvaluation {
        let previous = try recentRuns(target: target, limit: max(baselineRuns, 1))
        let deltas = StatementDeltas(current: snapshot, previous: previous.first)
        var evaluated = deltas.snapshot
        if !previous.isEmpty, evaluated.facets.contains(.statements) {
            evaluated.facets.insert(.history)
            evaluated.statementBaselines = HistoryComparison.baselines(previous, limit: baselineRuns)
        }
        let outcome = engine.run(evaluated)
        var evaluation = TrackedEvaluation(snapshot: evaluated, outcome: outcome)
        if let last = previous.first {
            let changes = HistoryComparison.changes(outcome.findings, previous: last.findings)
            evaluation.newFingerprints = changes.newFingerprints
            evaluation.resolvedFindings = changes.resolved
        }
        if record {
            try self.record(
                snapshot, target: target, counters: deltas.counters, findings: outcome.findings,
                beforeCommit: beforeCommit)
        }
        return evaluation
    }
}
