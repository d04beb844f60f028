/// Reports statements a PostgreSQL log shows failing: cancelled by a timeout or a recovery conflict, running out of
/// resources, or rejected again and again (unique violations, serialization failures, errors in the statement).
public struct StatementErrorsRule: Rule {
    public struct Options: RuleOptions {
        /// A statement failing for other reasons is reported from this many failures.
        public var minFailures = 5
        /// From this many failures of the costly kinds (timeouts, cancellations, resource limits), the severity is high.
        public var highFailures = 100

        public init() {}
    }

    public static let description = RuleDescription(
        id: "statement-errors",
        title: "Statement fails",
        category: .statements,
        engines: [.postgres],
        requires: [.serverLogEvents],
        summary: "A statement is cancelled by a timeout, runs out of a resource, or fails again and again.",
        rationale: """
            A PostgreSQL log names each failing statement: the `ERROR:` line, then `STATEMENT:`. A statement \
            cancelled by `statement_timeout`, `lock_timeout`, the client or a conflict with recovery on a \
            replica did all its work until then for nothing, and the application saw an error; one stopped by \
            `temp_file_limit` or memory had outgrown its settings. Those are reported from the first failure; \
            a statement failing for other reasons (a unique violation, a serialization failure, an error in \
            the statement itself) from `min_failures`. Deadlocks are reported by `statement-lock-waits`.

            **Fix:** by what the message says. A timeout: make the statement faster (its plan, an index), or \
            give a report its own longer timeout on a replica. A lock timeout: find the transaction holding the \
            lock (see `statement-lock-waits`). A conflict with recovery on a replica: `hot_standby_feedback`, \
            or a larger `max_standby_streaming_delay` for the replica that runs long reports. A unique \
            violation the application expects: `INSERT … ON CONFLICT DO NOTHING` (or `DO UPDATE`) instead of \
            failing. Serialization failures: retry the transaction, keep it short. **Validate:** the error no \
            longer appears in the next log.
            """,
        examples: [
            RuleExample(
                "a report query cancelled by statement_timeout",
                snapshot: StatementRuleExamples.errors([
                    StatementRuleExamples.failing(
                        "SELECT customer_id, sum(total) FROM orders GROUP BY 1",
                        ["canceling statement due to statement timeout": 12])
                ]),
                expecting: ["SELECT customer_id, sum(total) FROM orders GROUP BY 1"]),
            RuleExample(
                "two unique violations: below min_failures",
                snapshot: StatementRuleExamples.errors([
                    StatementRuleExamples.failing(
                        "INSERT INTO carts (id) VALUES ($1)",
                        ["duplicate key value violates unique constraint \"carts_pkey\"": 2])
                ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// What a failure message says happened.
    enum Kind {
        case statementTimeout, lockTimeout, clientCancel, recoveryConflict, resourceLimit, uniqueViolation
        case serializationFailure, other

        init(_ message: String) {
            let text = message.lowercased()
            switch true {
            case text.hasPrefix("canceling statement due to statement timeout"): self = .statementTimeout
            case text.hasPrefix("canceling statement due to lock timeout"): self = .lockTimeout
            case text.hasPrefix("canceling statement due to user request"): self = .clientCancel
            case text.hasPrefix("canceling statement due to conflict with recovery"): self = .recoveryConflict
            case text.hasPrefix("temporary file size exceeds"), text.hasPrefix("out of memory"),
                text.hasPrefix("could not resize shared memory"), text.hasPrefix("out of shared memory"):
                self = .resourceLimit
            case text.hasPrefix("duplicate key value violates unique constraint"): self = .uniqueViolation
            case text.hasPrefix("could not serialize access"): self = .serializationFailure
            default: self = .other
            }
        }

        /// Work done for nothing, or a limit reached: reported from the first failure.
        var isCostly: Bool {
            switch self {
            case .statementTimeout, .lockTimeout, .clientCancel, .recoveryConflict, .resourceLimit: true
            case .uniqueViolation, .serializationFailure, .other: false
            }
        }
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        context.snapshot.statementErrors.compactMap { errors in
            let costly = errors.messages.filter { Kind($0.text).isCostly }.reduce(0) { $0 + $1.count }
            guard costly > 0 || errors.count >= options.minFailures else { return nil }
            return finding(errors, costly: costly, snapshot: context.snapshot)
        }
    }

    private func finding(_ errors: StatementErrors, costly: Int, snapshot: Snapshot) -> Finding {
        let severity: Severity = costly >= options.highFailures ? .high : (costly > 0 ? .medium : .low)
        let (object, statement) = FindingObject.loggedStatement(
            id: errors.statementId, text: errors.text, in: snapshot)
        var evidence = [Evidence("failures", Double(errors.count), "count")]
        if costly > 0 { evidence.append(Evidence("cancelled or out of resources", Double(costly), "count")) }
        if let statement { evidence.append(Evidence("completed calls logged", Double(statement.calls), "count")) }
        let listed = errors.messages.map { "\($0.text) (\(Formatting.count(Double($0.count))))" }
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: object,
            message: "It failed \(Formatting.count(Double(errors.count))) time\(errors.count == 1 ? "" : "s"): "
                + listed.joined(separator: "; ") + ".",
            evidence: evidence,
            impact: Impact(
                score: Impact.riskScore(severity), confidence: .high,
                summary: costly > 0
                    ? "\(Self.executions(costly)) cancelled or stopped after doing their work"
                    : "\(Self.executions(errors.count)) rejected"),
            recommendation: Self.recommendation(errors.messages.map { Kind($0.text) }),
            risk: "None in itself: the change is in the statement, its settings or the application's handling.",
            validation: "The error no longer appears for this statement in the next log.")
    }

    private static func executions(_ count: Int) -> String {
        "\(Formatting.count(Double(count))) execution\(count == 1 ? "" : "s")"
    }

    /// Advice for each kind of failure seen, most frequent first.
    private static func recommendation(_ kinds: [Kind]) -> String {
        var advice: [String] = []
        for kind in kinds {
            let text: String
            switch kind {
            case .statementTimeout:
                text =
                    "It runs into statement_timeout: each failure ran for the whole timeout and was thrown away. "
                    + "Make it faster (read its plan; an index on what it filters), or give a report its own, longer "
                    + "timeout (SET statement_timeout in its session) on a replica"
            case .lockTimeout:
                text =
                    "It gives up waiting for a lock (lock_timeout): find the transaction that holds it "
                    + "(statement-lock-waits, blocked-queries) and keep it short"
            case .clientCancel:
                text =
                    "The client cancelled it, usually on an application-side timeout: make it faster, or align "
                    + "the application's timeout with what the statement needs"
            case .recoveryConflict:
                text =
                    "A replica cancelled it to apply changes from the primary: turn on hot_standby_feedback, or "
                    + "give the replica that runs long queries a larger max_standby_streaming_delay"
            case .resourceLimit:
                text =
                    "It ran out of a resource (temp_file_limit, memory): make it sort or hash fewer rows, or raise "
                    + "the limit for this statement's role only"
            case .uniqueViolation:
                text =
                    "It inserts rows that already exist: INSERT … ON CONFLICT DO NOTHING (or DO UPDATE) does the "
                    + "same without an error and the aborted transaction"
            case .serializationFailure:
                text =
                    "Its transaction conflicts with concurrent ones at REPEATABLE READ or SERIALIZABLE: retry it "
                    + "with a short backoff and keep it short, or use READ COMMITTED where that is safe"
            case .other:
                text = "The server rejects it: fix the statement (or the application code that sends it)"
            }
            if !advice.contains(text) { advice.append(text) }
        }
        return advice.joined(separator: ". ") + "."
    }
}
