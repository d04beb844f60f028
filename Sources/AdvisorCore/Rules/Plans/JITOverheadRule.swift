/// Reports statements where JIT compilation takes a large share of the execution time: the plan's
/// estimated cost crossed the JIT thresholds but the query runs too briefly for compiled code to pay off.
public struct JITOverheadRule: Rule {
    public struct Options: RuleOptions {
        /// JIT time must be at least this share of the execution time.
        public var minShare = 0.2
        /// ... and at least this many milliseconds.
        public var minJitTimeMs = 10.0
        /// Severity by JIT time's share of the execution time.
        public var severityByShare = Levels(medium: 0.3, high: 0.5, critical: 0.8)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "plan-jit-overhead",
        title: "JIT compilation overhead",
        category: .plans,
        engines: [.postgres],
        requires: [.plans],
        summary: "JIT compilation takes a large share of the statement's execution time.",
        rationale: """
            PostgreSQL (11+, on by default from 12) compiles expressions with LLVM when the plan's estimated \
            total cost exceeds `jit_above_cost` (100,000 by default), and also inlines and optimizes the code \
            above `jit_inline_above_cost` / `jit_optimize_above_cost` (500,000). Compilation happens during \
            execution and is included in `Execution Time`. It pays off for long analytical queries; for a \
            query that runs in tens of milliseconds but is estimated as expensive (large tables, a misestimate), \
            the compilation can cost more than it saves. The `JIT:` block shows the functions compiled and the \
            time spent generating, inlining, optimizing and emitting code.

            **Fix:** raise the thresholds above this plan's estimated cost so queries like it run without JIT \
            (or without its expensive inlining and optimization passes), e.g. `ALTER SYSTEM SET jit_above_cost = \
            1000000; SELECT pg_reload_conf();`, or for this query alone `SET LOCAL jit = off;` inside its \
            transaction. Many OLTP systems turn JIT off entirely (`jit = off`). If the cost estimate is far \
            from reality, fixing the estimate (ANALYZE, extended statistics) also keeps JIT away. **Validate:** \
            `EXPLAIN (ANALYZE)` should show no `JIT:` block (or only generation and emission) and a lower \
            execution time.
            """,
        examples: [
            RuleExample(
                "JIT takes most of a short query",
                plan: """
                    Aggregate  (cost=617450.20..617450.21 rows=1 width=8) (actual time=262.101..262.103 rows=1 loops=1)
                      ->  Seq Scan on events  (cost=0.00..592450.10 rows=10000040 width=0) (actual time=3.112..58.240 rows=98214 loops=1)
                            Filter: (created_at > (now() - '1 day'::interval))
                            Rows Removed by Filter: 1902
                    Planning Time: 0.184 ms
                    JIT:
                      Functions: 4
                      Options: Inlining true, Optimization true, Expressions true, Deforming true
                      Timing: Generation 0.612 ms, Inlining 38.117 ms, Optimization 106.402 ms, Emission 58.415 ms, Total 203.546 ms
                    Execution Time: 262.893 ms
                    """,
                expecting: ["plan 1"]),
            RuleExample(
                "JIT paying off in a long analytical query",
                plan: """
                    Aggregate  (cost=617450.20..617450.21 rows=1 width=8) (actual time=6120.331..6120.333 rows=1 loops=1)
                      ->  Seq Scan on events  (cost=0.00..592450.10 rows=10000040 width=0) (actual time=2.870..5311.020 rows=9998214 loops=1)
                            Filter: (created_at > (now() - '1 year'::interval))
                            Rows Removed by Filter: 1826
                    Planning Time: 0.191 ms
                    JIT:
                      Functions: 4
                      Options: Inlining true, Optimization true, Expressions true, Deforming true
                      Timing: Generation 0.640 ms, Inlining 37.802 ms, Optimization 104.116 ms, Emission 57.994 ms, Total 200.552 ms
                    Execution Time: 6121.004 ms
                    """,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for (offset, captured) in context.snapshot.plans.enumerated() where captured.plan.engine == .postgres {
            let plan = captured.plan
            guard let jit = plan.jit, let jitTime = jit.totalTimeMs, jitTime >= options.minJitTimeMs,
                let execution = plan.executionTimeMs, execution > 0
            else { continue }
            let share = min(1, jitTime / execution)
            guard share >= options.minShare else { continue }
            findings.append(finding(captured, number: offset + 1, jit: jit, jitTime: jitTime, share: share))
        }
        return findings
    }

    private func finding(_ captured: CapturedPlan, number: Int, jit: JITSummary, jitTime: Double, share: Double)
        -> Finding
    {
        let plan = captured.plan
        var evidence: [Evidence] = []
        if let functions = jit.functions { evidence.append(Evidence("functions compiled", Double(functions), "count")) }
        let phases: [(String, Double?)] = [
            ("generation time", jit.generationTimeMs), ("inlining time", jit.inliningTimeMs),
            ("optimization time", jit.optimizationTimeMs), ("emission time", jit.emissionTimeMs),
        ]
        for case (let name, let value?) in phases { evidence.append(Evidence(name, value, "ms")) }
        evidence.append(Evidence("JIT total time", jitTime, "ms"))
        if let execution = plan.executionTimeMs { evidence.append(Evidence("execution time", execution, "ms")) }
        evidence.append(Evidence("JIT share of execution time", share * 100, "percent"))
        let cost = plan.root.totalCost
        if let cost { evidence.append(Evidence("plan estimated cost", cost, "count")) }
        // When generation and emission alone would stay under the threshold, raising only the inlining and
        // optimization thresholds is enough and keeps the cheap part of JIT.
        let expensivePasses = (jit.inliningTimeMs ?? 0) + (jit.optimizationTimeMs ?? 0)
        let remainingShare = (jitTime - expensivePasses) / max(plan.executionTimeMs ?? jitTime, jitTime)
        let targetsPasses = expensivePasses > 0 && remainingShare < options.minShare
        let advice = Advice(cost: cost, expensivePassesRan: expensivePasses > 0, targetsExpensivePasses: targetsPasses)
        return Finding(
            ruleId: Self.description.id,
            severity: options.severityByShare.severity(for: share),
            category: Self.description.category,
            object: .plan(captured, number: number),
            message: Self.message(number: number, jit: jit, jitTime: jitTime, share: share, cost: cost),
            evidence: evidence,
            impact: .plan(captured, timeMs: jitTime, share: share, confidence: .medium),
            recommendation: advice.recommendation(cost: cost),
            fixSQL: advice.fixSQL,
            risk: advice.risk,
            validation: "Run EXPLAIN (ANALYZE) again: the JIT block should be gone (or show only generation and "
                + "emission) and the execution time should drop by about the JIT time.")
    }

    /// PostgreSQL's defaults for `jit_above_cost` and for `jit_inline_above_cost` / `jit_optimize_above_cost`.
    static let defaultJITAboveCost = 100_000.0
    static let defaultExpensivePassesAboveCost = 500_000.0

    /// Which settings to change, and to what.
    fileprivate enum Advice {
        /// Raise the thresholds to a round value comfortably above the plan's cost (at least twice it), so
        /// plans of the same shape with slightly different estimates stay below them too.
        case raise(settings: [String], threshold: Double)
        /// The plan's cost is below the default thresholds, so someone lowered them: put them back.
        case restoreDefaults
        /// Without the plan's cost there is no threshold to compute: switch JIT off for the query.
        case turnOffForQuery

        static let settingNames = ["jit_above_cost", "jit_inline_above_cost", "jit_optimize_above_cost"]

        init(cost: Double?, expensivePassesRan: Bool, targetsExpensivePasses: Bool) {
            guard let cost else {
                self = .turnOffForQuery
                return
            }
            if cost < JITOverheadRule.defaultJITAboveCost
                || (expensivePassesRan && cost < JITOverheadRule.defaultExpensivePassesAboveCost)
            {
                self = .restoreDefaults
                return
            }
            var magnitude = 1.0
            while magnitude * 10 <= cost * 2 { magnitude *= 10 }
            let round = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= cost * 2 } ?? magnitude * 10
            self =
                targetsExpensivePasses
                ? .raise(
                    settings: ["jit_inline_above_cost", "jit_optimize_above_cost"],
                    threshold: max(round, JITOverheadRule.defaultExpensivePassesAboveCost))
                : .raise(settings: ["jit_above_cost"], threshold: max(round, JITOverheadRule.defaultJITAboveCost))
        }

        var fixSQL: String {
            switch self {
            case .raise(let settings, let threshold):
                let value = Formatting.decimal(threshold, digits: 0).filter { $0 != "," }
                return settings.map { "ALTER SYSTEM SET \($0) = \(value);" }.joined(separator: "\n")
                    + "\nSELECT pg_reload_conf();"
            case .restoreDefaults:
                let names = Self.settingNames.map { "'\($0)'" }.joined(separator: ", ")
                return "SELECT name, setting, source FROM pg_settings WHERE name IN (\(names));\n"
                    + Self.settingNames.map { "ALTER SYSTEM RESET \($0);" }.joined(separator: "\n")
                    + "\nSELECT pg_reload_conf();"
            case .turnOffForQuery:
                return "SET LOCAL jit = off;"
            }
        }

        var risk: String {
            switch self {
            case .raise(let settings, let threshold):
                let what = settings.count > 1 ? "JIT inlining and optimization" : "JIT"
                return "Queries with an estimated cost below \(Formatting.count(threshold)) lose \(what) server-wide; "
                    + "long analytical queries among them may run slower, so compare their times after the change."
            case .restoreDefaults:
                return "Queries that relied on the lowered thresholds lose JIT; long analytical queries among them may "
                    + "run slower, so compare their times after the change."
            case .turnOffForQuery:
                return "None beyond this query: SET LOCAL only lasts until the end of its transaction."
            }
        }

        func recommendation(cost: Double?) -> String {
            switch self {
            case .raise(let settings, let threshold):
                return "Raise \(settings.joined(separator: " and ")) to \(Formatting.count(threshold)), above this "
                    + "plan's cost, or turn JIT off for this query with SET LOCAL jit = off."
            case .restoreDefaults:
                let costText = cost.map { " (\(Formatting.count($0)))" } ?? ""
                return "This plan's cost\(costText) is below the default JIT thresholds, so they were lowered: "
                    + "restore the defaults where they were set (server, database, role or session), or turn JIT off "
                    + "for this query with SET LOCAL jit = off."
            case .turnOffForQuery:
                return "Turn JIT off for this query with SET LOCAL jit = off inside its transaction."
            }
        }
    }
}

// MARK: - Messages

extension JITOverheadRule {
    fileprivate static func message(
        number: Int, jit: JITSummary, jitTime: Double, share: Double, cost: Double?
    ) -> String {
        let functions = jit.functions.map { " compiling \($0) functions" } ?? ""
        let costText =
            cost.map { " because its estimated cost (\(Formatting.count($0))) crossed the JIT thresholds" } ?? ""
        return "Plan \(number) spent \(Formatting.milliseconds(jitTime)) (\(Formatting.percent(fraction: share)) of "
            + "execution time) in JIT\(functions)\(costText)."
    }
}
