import AdvisorCore
import Foundation

/// A top statement whose plan changed since the previous run (both runs EXPLAINed it with `--explain-top`):
/// one notice each, with what the plan reads differently and the comparison's verdict, as
/// `explain --compare` would say it.
enum PlanChanges {
    static func notices(current: [CapturedPlan], previous: [CapturedPlan], previousAt: Date) -> [Notice] {
        var previousByStatement: [String: Plan] = [:]
        for captured in previous {
            guard let key = captured.statementFingerprint else { continue }
            previousByStatement[key] = previousByStatement[key] ?? captured.plan
        }
        var seen: Set<String> = []
        return current.compactMap { captured in
            guard let key = captured.statementFingerprint, seen.insert(key).inserted,
                let before = previousByStatement[key]
            else { return nil }
            let comparison = PlanComparison(before: before, after: captured.plan)
            let changed = comparison.nodes.filter { $0.change != .same }
            guard !changed.isEmpty else { return nil }
            let engine = captured.plan.engine
            let shown = changed.prefix(3).map { node -> String in
                let before = node.before?.displayName(engine: engine)
                let after = node.after?.displayName(engine: engine)
                switch node.change {
                case .appeared: return "+ \(after ?? "?")"
                case .disappeared: return "- \(before ?? "?")"
                default: return "\(before ?? "?") → \(after ?? "?")"
                }
            }
            let more = changed.count > 3 ? " and \(changed.count - 3) more" : ""
            let since = ISO8601DateFormatter().string(from: previousAt)
            return Notice(
                level: .info,
                message: "The plan of \(captured.label) changed since the run of \(since): "
                    + "\(shown.joined(separator: "; "))\(more). \(comparison.verdict.headline)",
                remedy: "compare the two plans node by node with dbadvisor explain --compare BEFORE AFTER")
        }
    }
}
