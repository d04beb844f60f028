import AdvisorCore

/// A run evaluated against the history of its target.
public struct TrackedEvaluation: Sendable {
    /// What the rules ran on: statements since the previous run, with their baselines.
    public var snapshot: Snapshot
    public var outcome: RuleEngine.Outcome
    /// Nil on the first run of the target: there is nothing to compare with.
    public var newFingerprints: Set<String>?
    public var resolvedFindings: [ResolvedFinding]?
    /// The mean time of the most expensive statements over the recent runs and this one, oldest first;
    /// empty on the first run.
    public var trends: [ReportTrend] = []
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
        if let last = previous.first, !snapshot.plans.isEmpty {
            evaluated.notices += PlanChanges.notices(
                current: snapshot.plans, previous: try capturedPlans(ofRun: last.id), previousAt: last.collectedAt)
        }
        let outcome = engine.run(evaluated)
        var evaluation = TrackedEvaluation(snapshot: evaluated, outcome: outcome)
        if let last = previous.first {
            let changes = HistoryComparison.changes(outcome.findings, previous: last.findings)
            evaluation.newFingerprints = changes.newFingerprints
            evaluation.resolvedFindings = changes.resolved
            evaluation.trends = Self.meanTimeTrends(evaluated, previous: previous)
        }
        if record {
            try self.record(
                snapshot, target: target, counters: deltas.counters, findings: outcome.findings,
                beforeCommit: beforeCommit)
        }
        return evaluation
    }

    /// Mean time per call of the five statements with the most time in this run, run by run (each run's
    /// own window), for the reports that draw trends.
    static func meanTimeTrends(_ current: Snapshot, previous: [RecordedRun], count: Int = 5) -> [ReportTrend] {
        guard let collectedAt = current.server.collectedAt else { return [] }
        let top = current.statements.sorted { ($0.totalTimeMs, $1.findingKey) > ($1.totalTimeMs, $0.findingKey) }
        return top.prefix(count).compactMap { statement in
            var points = previous.reversed().compactMap { run -> ReportTrend.Point? in
                guard let counters = run.statements[statement.findingKey], counters.windowCalls > 0 else { return nil }
                return ReportTrend.Point(
                    at: run.collectedAt, value: counters.windowTotalTimeMs / Double(counters.windowCalls))
            }
            guard !points.isEmpty, statement.calls > 0 else { return nil }
            points.append(ReportTrend.Point(at: collectedAt, value: statement.meanTimeMs))
            return ReportTrend(
                title: "mean time of \(StatementDeltas.shortText(statement))", unit: "ms", key: statement.findingKey,
                points: points)
        }
    }
}
