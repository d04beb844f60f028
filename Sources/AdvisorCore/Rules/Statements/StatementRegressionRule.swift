/// Reports statements that got slower, or return more rows per call, than in the previous runs of the same
/// target: what changed since yesterday, before it becomes the top statement.
public struct StatementRegressionRule: Rule {
    public struct Options: RuleOptions {
        /// Growth of the mean time (or rows per call) that counts as a regression: 0.2 is +20 %, against
        /// the previous run and against the rolling baseline alike.
        public var minGrowth = 0.2
        /// Calls the statement needs in the current run and in the previous one: a mean over a handful of
        /// calls says little.
        public var minCalls = 10
        /// Runs of the rolling baseline (the previous run included). The history store fills at most this
        /// many; fewer are used while the history is short.
        public var baselineRuns = 7
        /// A mean time under this (milliseconds) is not reported as a time regression, whatever its growth:
        /// 0.02 ms becoming 0.03 ms is noise.
        public var minMeanTimeMs = 1.0
        /// Rows per call must grow by at least this many rows, besides `min_growth`, to be reported.
        public var minExtraRowsPerCall = 10.0

        public init() {}
    }

    public static let description = RuleDescription(
        id: "statement-regression",
        title: "Statement slower than in previous runs",
        category: .statements,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.statements, .history],
        summary: "A statement's mean time or rows per call grew against the previous run and the recent baseline.",
        rationale: """
            With a history store (`dbadvisor scan --history`), each run's statement figures are over the time \
            since the previous run, so a mean time is the mean of the calls of that period alone. A statement \
            whose mean time or rows per call grew by at least `min_growth` against the previous run **and** \
            against the rolling baseline of the last `baseline_runs` runs (both with at least `min_calls` \
            calls) is reported: a plan that flipped, an index dropped or no longer chosen, a table that grew \
            past what a scan handles, a parameter that now matches many more rows. Comparing with both the \
            previous run and the baseline keeps one odd day from raising a finding the next day too.

            The ranking score is the extra time per day: (current mean − baseline mean) × calls per day.

            **Fix:** read the statement's plan now (`dbadvisor scan --explain-top`, or `EXPLAIN (ANALYZE, \
            BUFFERS)`) and compare it with what it used to be (`auto_explain`, an old plan in the ticket); look \
            at what changed around the run where it started: a deployment, a migration, a data load, statistics \
            not refreshed (`ANALYZE` the tables it reads). **Validate:** the next runs show the mean back near \
            the baseline (`dbadvisor history --statement ID`).
            """,
        examples: [
            RuleExample(
                "a lookup three times slower than all week",
                snapshot: regressionExample(currentMeanMs: 12, previousMeanMs: 4, baselineMeanMs: 4.2),
                expecting: ["SELECT * FROM orders WHERE customer_id = $1"]),
            RuleExample(
                "a slow day yesterday, back to normal today",
                snapshot: regressionExample(currentMeanMs: 4.5, previousMeanMs: 12, baselineMeanMs: 5),
                expecting: []),
            RuleExample(
                "slower than yesterday but not than the week",
                snapshot: regressionExample(currentMeanMs: 6, previousMeanMs: 4, baselineMeanMs: 5.5),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let snapshot = context.snapshot
        let baselines = Dictionary(
            snapshot.statementBaselines.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let window = StatementWindow(snapshot)
        return snapshot.statements.compactMap { statement in
            guard statement.calls >= options.minCalls, let baseline = baselines[statement.findingKey],
                baseline.previousCalls >= options.minCalls, baseline.baselineRuns > 0
            else { return nil }
            let slower =
                regressed(
                    statement.meanTimeMs, previous: baseline.previousMeanTimeMs, baseline: baseline.baselineMeanTimeMs)
                && statement.meanTimeMs >= options.minMeanTimeMs
            let rowsPerCall = statement.rowsPerCall ?? 0
            let moreRows =
                regressed(rowsPerCall, previous: baseline.previousRowsPerCall, baseline: baseline.baselineRowsPerCall)
                && rowsPerCall - baseline.baselineRowsPerCall >= options.minExtraRowsPerCall
            guard slower || moreRows else { return nil }
            return finding(statement, baseline: baseline, slower: slower, moreRows: moreRows, window: window)
        }
    }

    private func regressed(_ current: Double, previous: Double, baseline: Double) -> Bool {
        current >= previous * (1 + options.minGrowth) && current >= baseline * (1 + options.minGrowth)
            && current > 0
    }

    private func finding(
        _ statement: StatementStats, baseline: StatementBaseline, slower: Bool, moreRows: Bool,
        window: StatementWindow
    ) -> Finding {
        let extraMs = max(statement.meanTimeMs - baseline.baselineMeanTimeMs, 0)
        let extraPerDay = window.perDayOrCumulative(extraMs * Double(statement.calls))
        let growth = baseline.baselineMeanTimeMs > 0 ? statement.meanTimeMs / baseline.baselineMeanTimeMs - 1 : 0
        var evidence = [
            Evidence("calls", Double(statement.calls), "count"),
            Evidence("mean time", statement.meanTimeMs, "ms"),
            Evidence("previous mean time", baseline.previousMeanTimeMs, "ms"),
            Evidence("baseline mean time", baseline.baselineMeanTimeMs, "ms"),
            Evidence("rows per call", statement.rowsPerCall ?? 0, "rows"),
            Evidence("previous rows per call", baseline.previousRowsPerCall, "rows"),
            Evidence("baseline rows per call", baseline.baselineRowsPerCall, "rows"),
            Evidence("baseline runs", Double(baseline.baselineRuns), "count"),
        ]
        if window.isKnown { evidence.append(Evidence("extra time per day", extraPerDay, "ms")) }
        let severity =
            slower ? window.severity(.savedTimePerDay, for: extraPerDay) : (moreRows ? .low : .info)
        return Finding(
            ruleId: Self.description.id,
            severity: max(severity, .low),
            category: Self.description.category,
            object: .statement(statement),
            message: Self.message(statement, baseline: baseline, slower: slower, moreRows: moreRows),
            evidence: evidence,
            impact: .daily(
                msPerDay: extraPerDay, share: nil, timeMs: extraMs, confidence: window.confidence(.medium),
                summary: slower
                    ? "+\(Formatting.percent(fraction: growth)) mean time, "
                        + "\(Formatting.milliseconds(extraPerDay)) more \(window.periodText)"
                    : "more rows per call than before"),
            recommendation: "Read its plan now (dbadvisor scan --explain-top, or EXPLAIN) and compare it with the "
                + "plan it used to have; look at what changed since the previous run: a deployment, a migration, "
                + "a data load, statistics not refreshed (ANALYZE the tables it reads).",
            risk: "None: this finding points at a change; the fix it leads to carries its own risk.",
            validation: "The next runs show the mean time and rows per call back near the baseline "
                + "(dbadvisor history --statement \(statement.id)).")
    }
}

// MARK: - Messages

extension StatementRegressionRule {
    fileprivate static func message(
        _ statement: StatementStats, baseline: StatementBaseline, slower: Bool, moreRows: Bool
    ) -> String {
        var parts: [String] = []
        if slower {
            parts.append(
                "mean time \(Formatting.milliseconds(statement.meanTimeMs)) against "
                    + "\(Formatting.milliseconds(baseline.previousMeanTimeMs)) in the previous run and "
                    + "\(Formatting.milliseconds(baseline.baselineMeanTimeMs)) over the last "
                    + "\(baseline.baselineRuns) run\(baseline.baselineRuns == 1 ? "" : "s")")
        }
        if moreRows {
            parts.append(
                "\(Formatting.decimal(statement.rowsPerCall ?? 0, digits: 1)) rows per call against "
                    + "\(Formatting.decimal(baseline.previousRowsPerCall, digits: 1)) and "
                    + "\(Formatting.decimal(baseline.baselineRowsPerCall, digits: 1))")
        }
        return "Statement regressed since the previous run: " + parts.joined(separator: "; ")
            + " (\(Formatting.count(Double(statement.calls))) calls)."
    }

    /// A scan with one statement now at `currentMeanMs` and its history.
    fileprivate static func regressionExample(
        currentMeanMs: Double, previousMeanMs: Double, baselineMeanMs: Double
    ) -> Snapshot {
        let statement = StatementRuleExamples.statement(
            "301", "SELECT * FROM orders WHERE customer_id = $1", calls: 50_000, totalTimeMs: 50_000 * currentMeanMs,
            rows: 50_000)
        var snapshot = StatementRuleExamples.snapshot(statements: [statement])
        snapshot.facets.insert(.history)
        snapshot.statementBaselines = [
            StatementBaseline(
                key: statement.findingKey, previousCalls: 48_000, previousMeanTimeMs: previousMeanMs,
                previousRowsPerCall: 1, baselineRuns: 7, baselineCalls: 330_000, baselineMeanTimeMs: baselineMeanMs,
                baselineRowsPerCall: 1)
        ]
        return snapshot
    }
}
