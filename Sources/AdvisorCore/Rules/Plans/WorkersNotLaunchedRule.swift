/// Reports Gather / Gather Merge nodes that got fewer parallel workers than planned, so the parallel
/// part of the plan ran with fewer processes than the planner costed it for.
public struct WorkersNotLaunchedRule: Rule {
    public struct Options: RuleOptions {
        /// The time the missing workers explain must be at least this share of the statement.
        public var minShare = 0.05
        /// ... and at least this many milliseconds: a short query barely gains from workers anyway.
        public var minTimeMs = 10.0
        /// Severity by the share of the statement's time the missing workers explain.
        public var severityByShare = Levels(medium: 0.1, high: 0.3, critical: 0.6)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "plan-workers-not-launched",
        title: "Parallel workers not launched",
        category: .plans,
        engines: [.postgres],
        requires: [.plans],
        summary: "A Gather launched fewer parallel workers than planned; the query ran with less parallelism.",
        rationale: """
            The planner chose a parallel plan for `Workers Planned` workers, but at run time only `Workers \
            Launched` could start. Workers come from a server-wide pool: `max_worker_processes` (all background \
            workers, restart to change) and, within it, `max_parallel_workers`. When other queries hold them, \
            the leader does all the work alone (or with fewer helpers) and the query takes up to (planned + 1) / \
            (launched + 1) times as long as planned. Workers are also never launched when the query runs through \
            a cursor or a PL/pgSQL loop that fetches rows in batches. The time attributed to the problem is the \
            Gather's time × (1 − (launched + 1) / (planned + 1)), i.e. assuming a linear speed-up (an upper bound).

            **Fix:** check the limits and how many workers are busy (`SHOW max_parallel_workers;`, `SHOW \
            max_worker_processes;`, `SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'parallel \
            worker';`). If the pool is regularly exhausted and the server has idle CPU, raise \
            `max_parallel_workers` (and `max_worker_processes`, which needs a restart); if the CPUs are already \
            busy, reduce the number of concurrent parallel queries instead (lower \
            `max_parallel_workers_per_gather` for the sessions that run many of them). **Validate:** `EXPLAIN \
            ANALYZE` at a busy time should show `Workers Launched` equal to `Workers Planned`.
            """,
        examples: [
            RuleExample(
                "no worker launched out of two planned",
                plan: """
                    Gather  (cost=1000.00..107139.34 rows=1 width=97) (actual time=1203.412..1203.525 rows=1 loops=1)
                      Workers Planned: 2
                      Workers Launched: 0
                      ->  Parallel Seq Scan on orders  (cost=0.00..106139.24 rows=1 width=97) (actual time=1201.935..1201.936 rows=1 loops=1)
                            Filter: (id = 12345)
                            Rows Removed by Filter: 2999999
                    Planning Time: 0.102 ms
                    Execution Time: 1203.578 ms
                    """,
                expecting: ["Gather"]),
            RuleExample(
                "every planned worker launched",
                plan: """
                    Gather  (cost=1000.00..107139.34 rows=1 width=97) (actual time=402.118..405.301 rows=1 loops=1)
                      Workers Planned: 2
                      Workers Launched: 2
                      ->  Parallel Seq Scan on orders  (cost=0.00..106139.24 rows=1 width=97) (actual time=398.402..398.403 rows=0 loops=3)
                            Filter: (id = 12345)
                            Rows Removed by Filter: 1000000
                    Planning Time: 0.098 ms
                    Execution Time: 405.366 ms
                    """,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for nodeContext in context.planNodes where nodeContext.engine == .postgres {
            let node = nodeContext.node
            guard node.operation == .gather || node.operation == .gatherMerge, !node.neverExecuted,
                let planned = node.workersPlanned, let launched = node.workersLaunched, launched < planned,
                let gatherShare = nodeContext.plan.inclusiveShare(of: node)
            else { continue }
            let missingFraction = Self.missingFraction(planned: planned, launched: launched)
            let share = gatherShare * missingFraction
            let time = node.inclusiveTimeMs.map { $0 * missingFraction }
            guard share >= options.minShare else { continue }
            if let time, nodeContext.plan.hasTiming, time < options.minTimeMs { continue }
            findings.append(finding(nodeContext, planned: planned, launched: launched, share: share, timeMs: time))
        }
        return findings
    }

    /// The part of the Gather's time that planned-but-missing processes would have taken off, assuming
    /// the work splits evenly over the leader and its workers.
    static func missingFraction(planned: Int, launched: Int) -> Double {
        1 - Double(launched + 1) / Double(planned + 1)
    }

    private func finding(
        _ context: PlanNodeContext, planned: Int, launched: Int, share: Double, timeMs: Double?
    ) -> Finding {
        var evidence = [
            Evidence("workers planned", Double(planned), "count"),
            Evidence("workers launched", Double(launched), "count"),
        ]
        if let time = context.node.inclusiveTimeMs { evidence.append(Evidence("gather time", time, "ms")) }
        if let timeMs { evidence.append(Evidence("time the missing workers explain", timeMs, "ms")) }
        evidence.append(Evidence("share of statement", share * 100, "percent"))
        let current = Self.setting("max_parallel_workers", in: context.plan)
        let proposed = current.map { $0 * 2 } ?? 16
        return Finding(
            ruleId: Self.description.id,
            severity: options.severityByShare.severity(for: share),
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(context, planned: planned, launched: launched),
            evidence: evidence,
            impact: .plan(context.captured, timeMs: timeMs, share: share, confidence: .low),
            recommendation: "Check whether max_parallel_workers and max_worker_processes were exhausted by "
                + "concurrent queries and raise them if the server has spare CPU, or run fewer parallel queries "
                + "at once.",
            fixSQL: Self.fixSQL(proposed: proposed),
            risk: "More parallel workers use more CPU and memory at peak (each worker has its own work_mem per sort "
                + "and hash), which can slow everything down on a busy server; max_parallel_workers is capped by "
                + "max_worker_processes, which only a server restart can raise.",
            validation: "Run EXPLAIN ANALYZE again at a busy time: Workers Launched should equal Workers Planned "
                + "and the Gather's time should drop.")
    }

    /// A numeric setting from the plan's SETTINGS output.
    private static func setting(_ name: String, in plan: Plan) -> Int? {
        plan.settings[name].flatMap { Int($0.filter { $0 != "'" }) }
    }
}

// MARK: - Messages

extension WorkersNotLaunchedRule {
    fileprivate static func message(_ context: PlanNodeContext, planned: Int, launched: Int) -> String {
        "\(context.displayName) (node \(context.node.id)) launched \(launched) of \(planned) planned parallel "
            + "workers, so \(launched + 1) process\(launched == 0 ? "" : "es") did the work planned for \(planned + 1)."
    }

    fileprivate static func fixSQL(proposed: Int) -> String {
        """
        SHOW max_parallel_workers;
        SHOW max_worker_processes;
        SHOW max_parallel_workers_per_gather;
        SELECT count(*) AS parallel_workers_running FROM pg_stat_activity WHERE backend_type = 'parallel worker';
        ALTER SYSTEM SET max_parallel_workers = \(proposed);
        SELECT pg_reload_conf();
        """
    }
}
