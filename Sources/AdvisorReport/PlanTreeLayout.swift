import AdvisorCore

/// The rows of a plan tree as shown to people: tree glyphs, and for big plans only the nodes that
/// matter (those at or above a share of the statement, the nodes findings name, and their ancestors),
/// with a summary row where children were hidden.
struct PlanTreeLayout {
    enum Row {
        /// `detailPrefix` continues the tree lines for text printed under the node.
        case node(PlanNode, prefix: String, detailPrefix: String, share: Double?)
        /// Folded siblings: how many nodes, what they are ("112 Seq Scan"), their time and share together.
        case hidden(count: Int, kinds: String, timeMs: Double?, share: Double?, prefix: String)
    }

    let rows: [Row]

    /// "… 112 more nodes under 1 % each (112 Seq Scan): 20.4 ms, 88 % together".
    static func foldedText(_ count: Int, _ kinds: String, _ timeMs: Double?, _ share: Double?) -> String {
        var text = "… \(Formatting.count(Double(count))) more nodes under 1 % each (\(kinds))"
        let together = [timeMs.map(Formatting.milliseconds), share.map { Formatting.percent(fraction: $0) }]
            .compactMap { $0 }
        if !together.isEmpty { text += ": " + together.joined(separator: ", ") + " together" }
        return text
    }

    init(plan: Plan, highlighted: Set<Int>, maxNodes: Int) {
        let total = plan.root.nodeCount
        // Small plans show everything; big ones keep nodes worth ≥ 1 % of the statement.
        let minShare = total <= maxNodes ? -1.0 : 0.01
        var keep: Set<Int> = []
        Self.mark(plan.root, plan: plan, minShare: minShare, highlighted: highlighted, keep: &keep)
        var rows: [Row] = []
        Self.layout(plan.root, plan: plan, keep: keep, prefix: "", childPrefix: "", rows: &rows)
        self.rows = rows
    }

    /// Marks nodes to keep; returns whether anything in the subtree is kept.
    @discardableResult
    private static func mark(
        _ node: PlanNode, plan: Plan, minShare: Double, highlighted: Set<Int>, keep: inout Set<Int>
    ) -> Bool {
        var keepsChild = false
        for child in node.children
        where mark(child, plan: plan, minShare: minShare, highlighted: highlighted, keep: &keep) {
            keepsChild = true
        }
        let share = plan.inclusiveShare(of: node) ?? 0
        let kept = keepsChild || node.id == plan.root.id || highlighted.contains(node.id) || share >= minShare
        if kept { keep.insert(node.id) }
        return kept
    }

    private static func layout(
        _ node: PlanNode, plan: Plan, keep: Set<Int>, prefix: String, childPrefix: String, rows: inout [Row]
    ) {
        let shown = node.children.filter { keep.contains($0.id) }
        let hidden = node.children.filter { !keep.contains($0.id) }
        let detailPrefix = childPrefix + (node.children.isEmpty ? "   " : "│  ")
        rows.append(.node(node, prefix: prefix, detailPrefix: detailPrefix, share: plan.exclusiveShare(of: node)))
        let entries = shown.count + (hidden.isEmpty ? 0 : 1)
        for (index, child) in shown.enumerated() {
            let last = index == entries - 1
            layout(
                child, plan: plan, keep: keep, prefix: childPrefix + (last ? "└─ " : "├─ "),
                childPrefix: childPrefix + (last ? "   " : "│  "), rows: &rows)
        }
        if !hidden.isEmpty {
            let nodes = hidden.reduce(0) { $0 + $1.nodeCount }
            let shares = hidden.compactMap { plan.inclusiveShare(of: $0) }
            let times = hidden.compactMap(\.inclusiveTimeMs)
            rows.append(
                .hidden(
                    count: nodes, kinds: kinds(of: hidden), timeMs: times.isEmpty ? nil : times.reduce(0, +),
                    share: shares.isEmpty ? nil : shares.reduce(0, +), prefix: childPrefix + "└─ "))
        }
    }
}

/// "112 Seq Scan, 3 Index Scan": the folded subtrees' top node types, most frequent first.
private func kinds(of nodes: [PlanNode]) -> String {
    var counts: [String: Int] = [:]
    for node in nodes { counts[node.nodeType, default: 0] += 1 }
    return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        .prefix(3).map { "\($0.value) \($0.key)" }.joined(separator: ", ")
}
