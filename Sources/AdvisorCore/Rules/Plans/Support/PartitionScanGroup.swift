/// Sequential scans of the partitions of one PostgreSQL table: the children of one Append, Merge Append
/// or Parallel Append (directly, or each under its own single-input node such as a partial aggregate)
/// that apply the same filter once the partition's alias is taken out of it.
///
/// Each partition of a large table may be small enough to look harmless on its own while the
/// partitions together read the whole table; rules judge the group as one scan of the parent.
struct PartitionScanGroup {
    /// A sequential scan that could belong to a group, with the rows it read and its filter.
    struct Scan {
        var path: PlanNodePath
        var rows: ScanRows
        var condition: String
    }

    /// The partitioned table the scans read, as far as the plan tells it.
    struct Parent {
        /// The table's name; nil when neither the aliases nor the partition names tell it.
        var table: String?
        var schema: String?
        /// False when the name is a guess from the partitions' common prefix.
        var isCertain: Bool
    }

    /// The Append (or Merge Append) node the scans hang under.
    let append: PlanNode
    /// The scans, in plan order.
    let scans: [Scan]
    /// The filter every scan applies, without the partition's qualification.
    let filter: String
    let parent: Parent

    /// The rows of all the scans together.
    var rows: ScanRows {
        ScanRows(
            readPerLoop: scans.map(\.rows.totalRead).reduce(0, +),
            keptPerLoop: scans.map(\.rows.totalKept).reduce(0, +),
            loops: 1, isMeasured: scans.allSatisfy(\.rows.isMeasured))
    }

    /// The scans' time together, when every scan is timed.
    var timeMs: Double? {
        let times = scans.compactMap(\.path.node.inclusiveTimeMs)
        return times.count == scans.count ? times.reduce(0, +) : nil
    }

    /// The scans' share of the statement together, when every scan has one.
    var share: Double? {
        let shares = scans.compactMap { $0.path.context.plan.inclusiveShare(of: $0.path.node) }
        return shares.count == scans.count ? min(1, shares.reduce(0, +)) : nil
    }

    /// How the scans are named: "Seq Scan", or "Parallel Seq Scan" when they all are.
    var scanName: String {
        let names = Set(scans.map { $0.path.node.isParallelAware ? "Parallel Seq Scan" : "Seq Scan" })
        return names.count == 1 ? names.first ?? "Seq Scan" : "Seq Scan"
    }

    /// The groups of two or more partition scans among `scans` (PostgreSQL plans only); scans of the
    /// same table twice, or of a table with its inheritance children, are not partitions of one table.
    static func groups(of scans: [Scan]) -> [PartitionScanGroup] {
        var order: [GroupKey] = []
        var members: [GroupKey: [Scan]] = [:]
        for scan in scans where scan.path.context.engine == .postgres {
            guard let append = appendAbove(scan.path) else { continue }
            let node = scan.path.node
            let names = Set([node.alias, node.relation].compactMap { $0?.lowercased() })
            let filter = ConditionTokenizer.removingQualifiers(names, from: scan.condition, engine: .postgres)
            let key = GroupKey(
                plan: scan.path.context.planNumber, append: append.id, filter: filter, aliasStem: aliasStem(node))
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(scan)
        }
        return order.compactMap { key in
            guard let scans = members[key], scans.count >= 2, let append = appendAbove(scans[0].path) else {
                return nil
            }
            let relations = scans.compactMap(\.path.node.relation)
            let parent = Self.parent(of: scans, aliasStem: key.aliasStem)
            guard Set(relations).count == relations.count, !relations.contains(where: { $0 == parent.table }) else {
                return nil
            }
            return PartitionScanGroup(append: append, scans: scans, filter: key.filter, parent: parent)
        }
    }

    // MARK: - Grouping

    private struct GroupKey: Hashable {
        var plan: Int
        var append: Int
        var filter: String
        var aliasStem: String?
    }

    // Nodes PostgreSQL puts between an Append and each partition's scan when it works partition by
    // partition (partitionwise aggregation, per-partition sorts for Merge Append, UNION ALL branches).
    private static let perPartitionOperations: Set<PlanOperation> = [
        .aggregate, .sort, .incrementalSort, .result, .materialize, .limit, .unique, .subqueryScan, .gather,
        .gatherMerge,
    ]

    /// The Append or Merge Append right above the scan, or above a chain of single-input nodes over it.
    private static func appendAbove(_ path: PlanNodePath) -> PlanNode? {
        var below = path.node
        for ancestor in path.ancestors.reversed() {
            if [.append, .mergeAppend].contains(ancestor.operation) { return below.isSubPlan ? nil : ancestor }
            let inputs = ancestor.children.filter { !$0.isSubPlan }
            guard perPartitionOperations.contains(ancestor.operation), inputs.count == 1, !below.isSubPlan else {
                return nil
            }
            below = ancestor
        }
        return nil
    }

    /// `events` for `events_12`: PostgreSQL names each partition's alias after the parent's alias.
    private static func aliasStem(_ node: PlanNode) -> String? {
        guard let alias = node.alias, let separator = alias.lastIndex(of: "_") else { return nil }
        let number = alias[alias.index(after: separator)...]
        guard !number.isEmpty, number.allSatisfy(\.isNumber), separator > alias.startIndex else { return nil }
        return String(alias[..<separator])
    }

    // MARK: - The parent's name

    private static func parent(of scans: [Scan], aliasStem: String?) -> Parent {
        let schemas = Set(scans.map(\.path.node.schema))
        let schema = schemas.count == 1 ? schemas.first ?? nil : nil
        let relations = scans.compactMap(\.path.node.relation)
        if let aliasStem {
            let plan = scans[0].path.context.plan
            if let query = plan.queryText,
                let resolved = TableReference.resolve(alias: aliasStem, in: query, engine: .postgres)
            {
                return Parent(table: resolved.table, schema: resolved.schema ?? schema, isCertain: true)
            }
            // The stem is the parent's name unless the query gave the table an alias.
            if relations.allSatisfy({ startsWithWord($0, aliasStem) }) {
                return Parent(table: aliasStem, schema: schema, isCertain: true)
            }
        }
        let prefix = commonNamePrefix(relations)
        return Parent(table: prefix, schema: schema, isCertain: false)
    }

    /// True when `name` starts with `stem` followed by something other than a letter
    /// (`events_2024_01` and `ta1` for `events` and `ta`, but not `events_2024_01` for `e`).
    private static func startsWithWord(_ name: String, _ stem: String) -> Bool {
        guard name.lowercased().hasPrefix(stem.lowercased()), name.count > stem.count else { return false }
        let next = name[name.index(name.startIndex, offsetBy: stem.count)]
        return !next.isLetter
    }

    /// The names' common prefix cut at its last `_` when it has one, without trailing numeric parts
    /// (`events_2024_0` → `events`, `tprt_` → `tprt`, `ta` stays); nil when nothing is left.
    private static func commonNamePrefix(_ names: [String]) -> String? {
        guard var prefix = names.first else { return nil }
        for name in names.dropFirst() {
            prefix = String(zip(prefix, name).prefix { $0 == $1 }.map(\.0))
        }
        if let separator = prefix.lastIndex(of: "_") { prefix = String(prefix[..<separator]) }
        while let separator = prefix.lastIndex(of: "_"),
            prefix[prefix.index(after: separator)...].allSatisfy(\.isNumber)
        {
            prefix = String(prefix[..<separator])
        }
        return prefix.isEmpty ? nil : prefix
    }
}
