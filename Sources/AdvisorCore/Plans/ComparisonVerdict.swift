/// Which of two plans is faster, by how much, and which nodes make the difference.
public struct ComparisonVerdict: Sendable {
    public enum Direction: String, Codable, Sendable {
        case faster, slower
        /// Within `sameBand` of each other: timings of one statement vary that much from run to run.
        case same
        /// Neither time nor cost to compare.
        case unknown
    }

    /// Changes smaller than this fraction are reported as no change.
    public static let sameBand = 0.05

    public var basis: PlanComparison.Basis
    /// The statement's execution time (ms) or estimated total cost in each plan.
    public var before: Double?
    public var after: Double?
    public var planningBeforeMs: Double?
    public var planningAfterMs: Double?
    public var direction: Direction
    /// (after − before) ÷ before; nil when before is zero or unknown.
    public var change: Double?
    /// The nodes whose own work changed most, largest first (at most three, each at least a tenth of the
    /// largest change).
    public var contributors: [NodeComparison]

    init(before: Plan, after: Plan, basis: PlanComparison.Basis, nodes: [NodeComparison]) {
        self.basis = basis
        planningBeforeMs = before.planningTimeMs
        planningAfterMs = after.planningTimeMs
        switch basis {
        case .time:
            self.before = before.totalTimeMs
            self.after = after.totalTimeMs
        case .cost:
            self.before = before.root.totalCost
            self.after = after.root.totalCost
        case .none:
            self.before = nil
            self.after = nil
        }
        if let old = self.before, let new = self.after, old >= 0, new >= 0 {
            change = old > 0 ? (new - old) / old : nil
            if let change {
                direction = abs(change) < Self.sameBand ? .same : change < 0 ? .faster : .slower
            } else {
                direction = new > 0 ? .slower : .same
            }
        } else {
            change = nil
            direction = .unknown
        }
        let deltas = nodes.compactMap { node in node.selfDelta(basis).map { (node, abs($0)) } }
            .filter { $0.1 > 0 }
            .sorted { $0.1 > $1.1 }
        let largest = deltas.first?.1 ?? 0
        contributors = deltas.prefix(3).filter { $0.1 >= largest / 10 }.map(\.0)
    }

    /// True when the after plan is slower than before by more than `percent` (20 = 20 %).
    public func isSlower(byMoreThan percent: Double) -> Bool {
        guard let before, let after else { return false }
        if before == 0 { return after > 0 }
        return (after - before) / before > percent / 100
    }

    /// "113× faster", "23 % slower", "about the same (+2 %)".
    public var ratioText: String {
        guard let before, let after else { return "cannot tell: neither plan has timing or costs in both" }
        guard let change else { return direction == .same ? "the same" : "slower (from nothing)" }
        let signed = (change == 0 ? "±" : change > 0 ? "+" : "−") + Formatting.percent(fraction: abs(change))
        switch direction {
        case .same: return "about the same (\(signed))"
        case .faster:
            return before / after >= 2 && after > 0
                ? "\(Formatting.factor(before / after)) faster" : "\(Formatting.percent(fraction: -change)) faster"
        case .slower:
            return after / before >= 2 ? "\(Formatting.factor(after / before)) slower" : "\(signed.dropFirst()) slower"
        case .unknown: return "cannot tell"
        }
    }

    /// A figure on the verdict's basis: "34.9 ms" or "8,277" (cost).
    public func amountText(_ value: Double) -> String {
        basis == .cost ? Formatting.decimal(value, digits: value < 100 ? 2 : 0) : Formatting.milliseconds(value)
    }

    /// One line: "113× faster: execution 34.9 ms → 0.309 ms; planning 0.324 ms → 0.351 ms".
    public var headline: String {
        guard let before, let after else {
            return "Cannot compare: the plans have neither timing nor estimated costs in both."
        }
        let what = basis == .time ? "execution" : "estimated cost"
        var text = "\(ratioText.prefix(1).uppercased() + ratioText.dropFirst()): \(what) "
        text += "\(amountText(before)) → \(amountText(after))"
        if let planningBeforeMs, let planningAfterMs {
            text +=
                "; planning \(Formatting.milliseconds(planningBeforeMs)) → \(Formatting.milliseconds(planningAfterMs))"
        }
        return text
    }

    /// Where the basis is stated: the plans were measured, or only estimated.
    public var basisText: String {
        switch basis {
        case .time: "by execution time (both plans are EXPLAIN ANALYZE with timing)"
        case .cost: "by the planner's estimated cost: a plan lacks timing, so nothing was measured"
        case .none: "no basis: the plans have neither timing nor costs in both"
        }
    }
}
