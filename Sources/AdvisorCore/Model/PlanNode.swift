/// One node of a plan tree, in engine-neutral terms.
///
/// Numbers are as the server printed them: estimates per loop, `actualRows` and the actual times
/// per loop (PostgreSQL, MySQL `EXPLAIN ANALYZE`, MariaDB `r_rows`), block counters summed over
/// loops. The derived times and costs are filled by `PlanTiming` for the whole query (loops,
/// parallel workers, CTEs and sub-plans accounted for).
public struct PlanNode: Codable, Equatable, Sendable {
    /// 1-based pre-order position in the plan, assigned by `Plan.numbered()`; names the node in findings.
    public var id: Int = 0
    /// The operation as the engine prints it: "Seq Scan", "Hash Join", "Table scan", "ALL".
    public var nodeType: String
    public var operation: PlanOperation
    /// PostgreSQL "Parent Relationship": Outer, Inner, InitPlan, SubPlan, Member, Subquery.
    public var parentRelationship: String?
    /// "InitPlan 1 (returns $0)", "SubPlan 2", "CTE recent_orders".
    public var subplanName: String?
    public var joinType: String?
    /// Aggregate/SetOp strategy (Plain, Sorted, Hashed, Mixed) or the scan direction.
    public var strategy: String?
    public var relation: String?
    public var schema: String?
    public var alias: String?
    public var index: String?
    /// The CTE a "CTE Scan" reads.
    public var cteName: String?
    public var functionName: String?
    public var isParallelAware: Bool = false

    // MARK: Estimates
    public var startupCost: Double?
    public var totalCost: Double?
    /// Estimated rows produced per loop.
    public var estimatedRows: Double?
    public var estimatedWidth: Double?

    // MARK: Actuals (per loop)
    public var actualStartupTimeMs: Double?
    public var actualTotalTimeMs: Double?
    public var actualRows: Double?
    public var loops: Double?
    /// PostgreSQL "never executed".
    public var neverExecuted: Bool = false

    // MARK: Conditions and what they discarded
    public var filter: String?
    public var indexCondition: String?
    public var recheckCondition: String?
    public var joinFilter: String?
    public var hashCondition: String?
    public var mergeCondition: String?
    public var rowsRemovedByFilter: Double?
    public var rowsRemovedByIndexRecheck: Double?
    public var rowsRemovedByJoinFilter: Double?
    public var heapFetches: Double?

    // MARK: Sort, hash, bitmap, parallel
    public var sortKey: [String]?
    public var sortMethod: String?
    public var sortSpaceUsedKB: Double?
    /// "Memory" or "Disk".
    public var sortSpaceType: String?
    public var hashBuckets: Double?
    public var originalHashBuckets: Double?
    public var hashBatches: Double?
    public var originalHashBatches: Double?
    public var peakMemoryUsageKB: Double?
    /// HashAggregate (PostgreSQL 13+) disk usage and batches.
    public var diskUsageKB: Double?
    public var exactHeapBlocks: Double?
    public var lossyHeapBlocks: Double?
    public var workersPlanned: Int?
    public var workersLaunched: Int?
    public var buffers: Buffers?
    public var output: [String]?

    // MARK: MySQL and MariaDB
    /// The join access type: ALL, index, range, ref, eq_ref, const, system, fulltext, index_merge.
    public var accessType: String?
    public var possibleKeys: [String]?
    public var usedKeyParts: [String]?
    /// Estimated rows read per scan of the table (MySQL `rows_examined_per_scan`, MariaDB `rows`).
    public var rowsExaminedPerScan: Double?
    /// Estimated percentage of examined rows that pass the table's conditions (`filtered`).
    public var filteredPercent: Double?
    /// Measured percentage (MariaDB `r_filtered`).
    public var actualFilteredPercent: Double?
    public var usingFilesort: Bool = false
    public var usingTemporary: Bool = false
    /// The `Extra` notes of tabular EXPLAIN, e.g. "Using where", "Using join buffer (hash join)".
    public var notes: [String] = []

    /// Every property the parser did not map to a field, in input order, for display.
    public var properties: [PlanProperty] = []
    public var children: [PlanNode] = []

    // MARK: Derived by PlanTiming
    /// Wall time spent in this node and below, over all its loops, in milliseconds.
    public var inclusiveTimeMs: Double?
    /// Wall time spent in this node alone.
    public var exclusiveTimeMs: Double?
    /// Estimated cost of this node and below over its expected loops (inner sides of nested loops scaled).
    public var inclusiveCost: Double?
    /// Estimated cost of this node alone; what shares are based on when the plan has no timing.
    public var exclusiveCost: Double?

    public init(nodeType: String, operation: PlanOperation? = nil, children: [PlanNode] = []) {
        self.nodeType = nodeType
        self.operation = operation ?? PlanOperation(postgresNodeType: nodeType)
        self.children = children
    }
}

/// A name/value pair the parser kept verbatim.
public struct PlanProperty: Codable, Equatable, Sendable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What a node does, classified across engines so rules need not know each engine's words.
public enum PlanOperation: String, Codable, Sendable, CaseIterable {
    case seqScan, indexScan, indexOnlyScan, fullIndexScan, bitmapIndexScan, bitmapHeapScan, tidScan
    case subqueryScan, functionScan, valuesScan, cteScan, workTableScan, foreignScan, customScan
    case nestedLoop, hashJoin, mergeJoin, hash
    case sort, incrementalSort, aggregate, windowAgg, unique, setOp, limit, lockRows
    case materialize, memoize, gather, gatherMerge, append, mergeAppend, recursiveUnion
    case bitmapAnd, bitmapOr, result, projectSet, modifyTable, filter, other

    /// Classifies a PostgreSQL node type ("Seq Scan", "Parallel Seq Scan", "HashAggregate"…).
    public init(postgresNodeType raw: String) {
        var name = Substring(raw)
        if name.hasPrefix("Parallel ") { name = name.dropFirst("Parallel ".count) }
        self = Self.postgresNodeTypes[name] ?? .other
    }

    // A table rather than a switch: every parsed node is classified, and a switch compares the name with
    // each case in turn.
    private static let postgresNodeTypes: [Substring: PlanOperation] = [
        "Seq Scan": .seqScan, "Sample Scan": .seqScan,
        "Index Scan": .indexScan, "Index Scan Backward": .indexScan,
        "Index Only Scan": .indexOnlyScan, "Index Only Scan Backward": .indexOnlyScan,
        "Bitmap Index Scan": .bitmapIndexScan,
        "Bitmap Heap Scan": .bitmapHeapScan,
        "Tid Scan": .tidScan, "Tid Range Scan": .tidScan,
        "Subquery Scan": .subqueryScan,
        "Function Scan": .functionScan, "Table Function Scan": .functionScan,
        "Values Scan": .valuesScan,
        "CTE Scan": .cteScan, "Named Tuplestore Scan": .cteScan,
        "WorkTable Scan": .workTableScan,
        "Foreign Scan": .foreignScan,
        "Custom Scan": .customScan,
        "Nested Loop": .nestedLoop,
        "Hash Join": .hashJoin,
        "Merge Join": .mergeJoin,
        "Hash": .hash,
        "Sort": .sort,
        "Incremental Sort": .incrementalSort,
        "Aggregate": .aggregate, "GroupAggregate": .aggregate, "HashAggregate": .aggregate,
        "MixedAggregate": .aggregate, "Group": .aggregate, "Partial Aggregate": .aggregate,
        "Finalize Aggregate": .aggregate, "Partial HashAggregate": .aggregate, "Finalize HashAggregate": .aggregate,
        "Partial GroupAggregate": .aggregate, "Finalize GroupAggregate": .aggregate,
        "WindowAgg": .windowAgg,
        "Unique": .unique,
        "SetOp": .setOp, "HashSetOp": .setOp,
        "Limit": .limit,
        "LockRows": .lockRows,
        "Materialize": .materialize,
        "Memoize": .memoize, "Result Cache": .memoize,
        "Gather": .gather,
        "Gather Merge": .gatherMerge,
        "Append": .append,
        "Merge Append": .mergeAppend,
        "Recursive Union": .recursiveUnion,
        "BitmapAnd": .bitmapAnd,
        "BitmapOr": .bitmapOr,
        "Result": .result,
        "ProjectSet": .projectSet,
        "ModifyTable": .modifyTable, "Insert": .modifyTable, "Update": .modifyTable, "Delete": .modifyTable,
        "Merge": .modifyTable,
    ]

    /// True for nodes that read a relation (table or index) directly.
    public var isRelationScan: Bool {
        switch self {
        case .seqScan, .indexScan, .indexOnlyScan, .fullIndexScan, .bitmapHeapScan, .bitmapIndexScan, .tidScan:
            true
        default: false
        }
    }
}
