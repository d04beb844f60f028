/// Pairs the nodes of two plans of one statement: the same relation read the same way, the same relation read
/// another way (a changed access path), then the nodes without a relation (joins, sorts, aggregates) by what
/// they sit above, their kind and their place in the tree. A node left without a partner appeared or
/// disappeared.
struct PlanNodeMatcher {
    /// One node with what matching needs; `node` is without its children.
    struct Entry {
        var node: PlanNode
        /// Pre-order position, 0-based.
        var position: Int
        var depth: Int
        var parent: Int?
        /// The relation, CTE or function it reads; a bitmap index scan takes its heap scan's.
        var target: String?
        /// Node types that do the same job (every join method, every sort) share a family.
        var family: String
        /// The targets read in its subtree, itself included.
        var targets: Set<String>
    }

    let before: [Entry]
    let after: [Entry]
    /// Position in `before` → position in `after`.
    private(set) var pairs: [Int: Int] = [:]

    init(before: Plan, after: Plan) {
        self.before = Self.entries(of: before.root)
        self.after = Self.entries(of: after.root)
        var taken = Set<Int>()
        // Strongest evidence first: a weaker pass must not take a node a stronger one would have paired.
        match(taken: &taken) { b, a in
            b.target != nil && b.target == a.target && b.node.nodeType == a.node.nodeType
                && b.node.index == a.node.index && b.node.alias == a.node.alias
        }
        match(taken: &taken) { b, a in b.target != nil && b.target == a.target && b.family == a.family }
        match(taken: &taken) { b, a in
            b.target == nil && a.target == nil && b.family == a.family
                && (b.targets.isEmpty == a.targets.isEmpty)
                && (b.targets.isEmpty || !b.targets.isDisjoint(with: a.targets))
        }
    }

    /// For each unpaired node of `before` in pre-order, the acceptable unpaired node of `after` that is most
    /// alike: most shared targets, the same alias, a paired parent, the same node type, then the nearest place in
    /// the tree.
    private mutating func match(taken: inout Set<Int>, _ acceptable: (Entry, Entry) -> Bool) {
        for b in before where pairs[b.position] == nil {
            var best: (entry: Entry, score: [Double])?
            for a in after where !taken.contains(a.position) && acceptable(b, a) {
                let score = similarity(b, a)
                if best.map({ score.lexicographicallyPrecedes($0.score) }) ?? true { best = (a, score) }
            }
            if let best {
                pairs[b.position] = best.entry.position
                taken.insert(best.entry.position)
            }
        }
    }

    /// Smaller is more alike, compared in order.
    private func similarity(_ b: Entry, _ a: Entry) -> [Double] {
        let union = b.targets.union(a.targets).count
        let shared = union == 0 ? 1 : Double(b.targets.intersection(a.targets).count) / Double(union)
        let parentPaired = b.parent.flatMap { pairs[$0] } == a.parent && a.parent != nil
        let relativeBefore = Double(b.position) / Double(max(before.count, 1))
        let relativeAfter = Double(a.position) / Double(max(after.count, 1))
        return [
            -shared, b.node.alias == a.node.alias ? 0 : 1, parentPaired ? 0 : 1,
            b.node.nodeType == a.node.nodeType ? 0 : 1, Double(abs(b.depth - a.depth)),
            abs(relativeBefore - relativeAfter),
        ]
    }

    /// The nodes in pre-order, without recursion.
    static func entries(of root: PlanNode) -> [Entry] {
        var entries: [Entry] = []
        var pending: [(node: PlanNode, depth: Int, parent: Int?)] = [(root, 0, nil)]
        while let (node, depth, parent) = pending.popLast() {
            var bare = node
            bare.children = []
            var target = node.relation ?? node.cteName ?? node.functionName
            if target == nil, [.bitmapIndexScan, .bitmapAnd, .bitmapOr].contains(node.operation) {
                target = parent.flatMap { entries[$0].target }
            }
            if target == nil, [.subqueryScan, .valuesScan].contains(node.operation) { target = node.alias }
            let position = entries.count
            entries.append(
                Entry(
                    node: bare, position: position, depth: depth, parent: parent, target: target,
                    family: family(of: node), targets: target.map { [$0] } ?? []))
            pending.append(contentsOf: node.children.reversed().map { ($0, depth + 1, position) })
        }
        // Children follow their parents in pre-order, so one backward pass gathers every subtree's targets.
        for position in entries.indices.reversed() {
            if let parent = entries[position].parent { entries[parent].targets.formUnion(entries[position].targets) }
        }
        return entries
    }

    private static func family(of node: PlanNode) -> String {
        switch node.operation {
        case .seqScan, .indexScan, .indexOnlyScan, .fullIndexScan, .bitmapHeapScan, .tidScan: "scan"
        case .bitmapIndexScan, .bitmapAnd, .bitmapOr: "bitmap"
        case .nestedLoop, .hashJoin, .mergeJoin: "join"
        case .sort, .incrementalSort: "sort"
        case .gather, .gatherMerge: "gather"
        case .append, .mergeAppend: "append"
        case .materialize, .memoize: "cache"
        case .other: "other " + node.nodeType
        default: node.operation.rawValue
        }
    }
}
