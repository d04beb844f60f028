/// One node of one plan, with what rules need around it.
public struct PlanNodeContext: Sendable {
    public var captured: CapturedPlan
    /// 1-based position of the plan in the snapshot.
    public var planNumber: Int
    public var node: PlanNode
    public var parent: PlanNode?

    public var plan: Plan { captured.plan }
    public var engine: Engine { captured.plan.engine }

    /// The node as its engine names it.
    public var displayName: String { node.displayName(engine: engine) }
}

extension Impact {
    /// The impact of a plan problem that accounts for `timeMs` of execution time (when timed) or
    /// `share` of the plan (by cost otherwise). The score is that time, scaled to a day when the
    /// statement's call rate is known, so plan findings rank with the other findings.
    public static func plan(_ captured: CapturedPlan, timeMs: Double?, share: Double?, confidence: Confidence) -> Impact
    {
        let plan = captured.plan
        if let timeMs, plan.hasTiming {
            let perDay = captured.callsPerDay.map { timeMs * $0 }
            let shareText = share.map { "\(Formatting.percent(fraction: $0)) of execution time, " } ?? ""
            let dayText = perDay.map { "; \(Formatting.milliseconds($0)) per day" } ?? ""
            return Impact(
                score: perDay ?? timeMs, share: share, timeMs: timeMs, confidence: confidence,
                summary: "\(shareText)\(Formatting.milliseconds(timeMs)) per execution\(dayText)")
        }
        guard let share else {
            return Impact(
                score: 0, confidence: .low,
                summary: "size unknown: the plan has neither timing nor costs (run it with ANALYZE to measure)")
        }
        return Impact(
            score: share, share: share, confidence: .low,
            summary: "\(Formatting.percent(fraction: share)) of the estimated cost (the plan has no timing)")
    }
}

extension FindingObject {
    /// A plan node as a finding's object. The key ignores run-to-run numbers: the statement (when
    /// known) or plan label, the node's name and its conditions.
    public static func planNode(_ context: PlanNodeContext) -> FindingObject {
        let node = context.node
        let statement = context.captured.statementFingerprint ?? context.captured.label
        let conditions = [node.indexCondition, node.filter, node.hashCondition, node.joinFilter]
            .compactMap { $0 }.joined(separator: " ")
        return FindingObject(
            kind: .planNode, name: context.displayName,
            key: "\(statement)|\(context.displayName)|\(conditions)",
            plan: context.planNumber, node: node.id)
    }

    /// A whole plan as a finding's object (planning time, JIT).
    public static func plan(_ captured: CapturedPlan, number: Int) -> FindingObject {
        FindingObject(
            kind: .plan, name: "plan \(number)", key: captured.statementFingerprint ?? captured.label, plan: number)
    }
}
