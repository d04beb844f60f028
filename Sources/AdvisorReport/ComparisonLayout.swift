import AdvisorCore

/// The rows of a plan comparison as people read them, formatted once for the text, Markdown and HTML reports.
struct ComparisonLayout {
    struct Row {
        var comparison: NodeComparison
        /// `=` same, `~` changed, `+` appeared, `-` disappeared.
        var mark: String
        /// "Seq Scan on orders → Index Scan using orders_status_created_at_idx on orders" for a changed node.
        var name: String
        var depth: Int
        var selfBefore: String
        var selfAfter: String
        var selfChange: String
        var rows: String
        var loops: String
        var buffers: String
    }

    let rows: [Row]
    /// Paired nodes left out of a large comparison because nothing about them changed much.
    let foldedCount: Int
    let hasBuffers: Bool
    /// "self time" or "self cost".
    let selfHeading: String

    init(_ comparison: PlanComparison, maxRows: Int) {
        let basis = comparison.basis
        selfHeading = basis == .cost ? "self cost" : "self time"
        let all = comparison.nodes
        // A large plan keeps the rows that changed and those whose own work moved by 1 % of the statement or more.
        let scale = max(comparison.verdict.before ?? 0, comparison.verdict.after ?? 0)
        let shown =
            all.count <= maxRows
            ? all
            : all.filter { node in
                node.change != .same || abs(node.selfDelta(basis) ?? 0) >= scale / 100
            }
        foldedCount = all.count - shown.count
        hasBuffers = all.contains { $0.before?.buffers != nil || $0.after?.buffers != nil }
        rows = shown.map { node in
            Row(
                comparison: node, mark: Self.mark(node.change), name: Self.name(node, comparison, marked: false),
                depth: node.depth,
                selfBefore: node.before.flatMap { $0.selfAmount(basis) }.map { Self.amount($0, basis) } ?? "",
                selfAfter: node.after.flatMap { $0.selfAmount(basis) }.map { Self.amount($0, basis) } ?? "",
                selfChange: node.selfDelta(basis).map { Self.signed($0, basis) } ?? "",
                rows: Self.pair(node, Self.rows), loops: Self.pair(node) { $0.loops.map(Formatting.count) },
                buffers: Self.pair(node, Self.blocks))
        }
    }

    static func mark(_ change: NodeComparison.Change) -> String {
        switch change {
        case .same: "="
        case .changed: "~"
        case .appeared: "+"
        case .disappeared: "-"
        }
    }

    /// What each kind of row means, for the legend under the table.
    static let legend = "= same node · ~ changed (another access path or node type) · + appeared · - disappeared"

    /// A node as the verdict names it: "Seq Scan on orders → Index Scan using … on orders" when it changed, with
    /// "(appeared)" or "(disappeared)" when `marked` and only one plan has it.
    static func name(_ node: NodeComparison, _ comparison: PlanComparison, marked: Bool = true) -> String {
        let before = node.before.map { name($0, engine: comparison.before.engine) } ?? ""
        let after = node.after.map { name($0, engine: comparison.after.engine) } ?? ""
        switch node.change {
        case .changed: return "\(before) → \(after)"
        case .appeared: return after + (marked ? " (appeared)" : "")
        case .disappeared: return before + (marked ? " (disappeared)" : "")
        case .same: return after
        }
    }

    static func name(_ node: PlanNode, engine: Engine) -> String {
        let name = node.displayName(engine: engine)
        return node.subplanName.map { "[\($0)] " + name } ?? name
    }

    static func amount(_ value: Double, _ basis: PlanComparison.Basis) -> String {
        basis == .cost ? Formatting.decimal(value, digits: value < 100 ? 2 : 0) : Formatting.milliseconds(value)
    }

    /// "−34.6 ms", "+1.2 ms", "±0".
    static func signed(_ value: Double, _ basis: PlanComparison.Basis) -> String {
        guard value != 0 else { return "±0" }
        return (value < 0 ? "−" : "+") + amount(abs(value), basis)
    }

    /// "before → after" of one figure; the figure alone for a node only one plan has.
    private static func pair(_ node: NodeComparison, _ figure: (PlanNode) -> String?) -> String {
        let before = node.before.flatMap(figure)
        let after = node.after.flatMap(figure)
        switch (node.before, node.after) {
        case (nil, _): return after ?? ""
        case (_, nil): return before ?? ""
        default: return before == nil && after == nil ? "" : "\(before ?? "?") → \(after ?? "?")"
        }
    }

    /// Actual rows per loop, "never" for a node that never ran, the estimate with "~" when nothing ran.
    private static func rows(_ node: PlanNode) -> String? {
        if node.neverExecuted { return "never" }
        if let actual = node.actualRows { return Formatting.count(actual) }
        return node.estimatedRows.map { "~" + Formatting.count($0) }
    }

    /// Blocks the node touched (shared and local, hit and read), then temporary blocks read and written.
    private static func blocks(_ node: PlanNode) -> String? {
        guard let buffers = node.buffers else { return nil }
        let touched = buffers.sharedHit + buffers.sharedRead + buffers.localHit + buffers.localRead
        let temp = buffers.tempRead + buffers.tempWritten
        return Formatting.count(touched) + (temp > 0 ? " (temp \(Formatting.count(temp)))" : "")
    }

    /// "↑12×", "↓5.0×", "1.0×": actual rows against the estimate; nil without actuals.
    static func estimateError(_ node: PlanNode?) -> String? {
        guard let factor = node?.misestimate else { return nil }
        if factor >= 1.05 { return "↑" + Formatting.factor(factor) }
        if factor <= 1 / 1.05 { return "↓" + Formatting.factor(1 / factor) }
        return Formatting.factor(1)
    }

    /// "123.4 ms → 0.309 ms (−99 %)" for one statement-level figure; nil when either side lacks it.
    static func change(_ before: Double?, _ after: Double?, _ format: (Double) -> String) -> String? {
        guard let before, let after else { return nil }
        var text = "\(format(before)) → \(format(after))"
        if before > 0 {
            let change = (after - before) / before
            text += " (\(change < 0 ? "−" : "+")\(Formatting.percent(fraction: abs(change))))"
        }
        return text
    }

    /// "from Seq Scan on orders → Index Scan using … on orders: self time −34.6 ms", for the verdict.
    static func contributor(_ node: NodeComparison, _ comparison: PlanComparison) -> String {
        let heading = comparison.basis == .cost ? "self cost" : "self time"
        let delta = node.selfDelta(comparison.basis).map { ": \(heading) " + signed($0, comparison.basis) } ?? ""
        return "from " + name(node, comparison) + delta
    }

    /// "plan-seq-scan-filter · Seq Scan on orders".
    static func findingTitle(_ finding: Finding) -> String {
        "\(finding.ruleId) · \(finding.object.name)"
    }
}
