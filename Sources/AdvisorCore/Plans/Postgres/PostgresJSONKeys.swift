/// Members of one statement's object in `EXPLAIN (FORMAT JSON)` output (PostgreSQL 9.0–17).
enum PostgresJSONDocumentKey: String, CaseIterable, Sendable {
    case plan = "Plan"
    case queryText = "Query Text"
    case planningTime = "Planning Time"
    case executionTime = "Execution Time"
    /// PostgreSQL 9.6 and older.
    case totalRuntime = "Total Runtime"
    /// `BUFFERS` (13+) and `MEMORY` (17+) during planning.
    case planning = "Planning"
    case triggers = "Triggers"
    case jit = "JIT"
    case settings = "Settings"
    // Not mapped to a field, but telling a plan document from other JSON when scanning text.
    case queryParameters = "Query Parameters"
    case queryIdentifier = "Query Identifier"

    static let table = JSONKeyTable(allCases.map { ($0.rawValue, $0) })
}

/// Members of a plan node object, and of the `Planning` object which shares the buffer counters.
enum PostgresJSONNodeKey: String, CaseIterable, Sendable {
    case nodeType = "Node Type"
    case parentRelationship = "Parent Relationship"
    case subplanName = "Subplan Name"
    case joinType = "Join Type"
    case strategy = "Strategy"
    case scanDirection = "Scan Direction"
    case partialMode = "Partial Mode"
    case parallelAware = "Parallel Aware"
    case relationName = "Relation Name"
    case schema = "Schema"
    case alias = "Alias"
    case indexName = "Index Name"
    case cteName = "CTE Name"
    case functionName = "Function Name"

    case startupCost = "Startup Cost"
    case totalCost = "Total Cost"
    case planRows = "Plan Rows"
    case planWidth = "Plan Width"
    case actualStartupTime = "Actual Startup Time"
    case actualTotalTime = "Actual Total Time"
    case actualRows = "Actual Rows"
    case actualLoops = "Actual Loops"

    case filter = "Filter"
    case indexCond = "Index Cond"
    case recheckCond = "Recheck Cond"
    case joinFilter = "Join Filter"
    case hashCond = "Hash Cond"
    case mergeCond = "Merge Cond"
    case rowsRemovedByFilter = "Rows Removed by Filter"
    case rowsRemovedByIndexRecheck = "Rows Removed by Index Recheck"
    case rowsRemovedByJoinFilter = "Rows Removed by Join Filter"
    case heapFetches = "Heap Fetches"

    case sortKey = "Sort Key"
    case sortMethod = "Sort Method"
    case sortSpaceUsed = "Sort Space Used"
    case sortSpaceType = "Sort Space Type"
    case hashBuckets = "Hash Buckets"
    case originalHashBuckets = "Original Hash Buckets"
    case hashBatches = "Hash Batches"
    case originalHashBatches = "Original Hash Batches"
    /// HashAggregate spilling to disk (13+); the text format prints it as `Batches:`.
    case hashAggBatches = "HashAgg Batches"
    case peakMemoryUsage = "Peak Memory Usage"
    case diskUsage = "Disk Usage"
    case exactHeapBlocks = "Exact Heap Blocks"
    case lossyHeapBlocks = "Lossy Heap Blocks"
    case workersPlanned = "Workers Planned"
    case workersLaunched = "Workers Launched"
    case output = "Output"
    case workers = "Workers"
    case plans = "Plans"

    case sharedHitBlocks = "Shared Hit Blocks"
    case sharedReadBlocks = "Shared Read Blocks"
    case sharedDirtiedBlocks = "Shared Dirtied Blocks"
    case sharedWrittenBlocks = "Shared Written Blocks"
    case localHitBlocks = "Local Hit Blocks"
    case localReadBlocks = "Local Read Blocks"
    case localDirtiedBlocks = "Local Dirtied Blocks"
    case localWrittenBlocks = "Local Written Blocks"
    case tempReadBlocks = "Temp Read Blocks"
    case tempWrittenBlocks = "Temp Written Blocks"
    /// Shared and local block I/O time, PostgreSQL 9.2–16.
    case ioReadTime = "I/O Read Time"
    case ioWriteTime = "I/O Write Time"
    /// PostgreSQL 17 splits the old I/O times into shared and local.
    case sharedIOReadTime = "Shared I/O Read Time"
    case sharedIOWriteTime = "Shared I/O Write Time"
    case localIOReadTime = "Local I/O Read Time"
    case localIOWriteTime = "Local I/O Write Time"
    /// PostgreSQL 15+.
    case tempIOReadTime = "Temp I/O Read Time"
    case tempIOWriteTime = "Temp I/O Write Time"

    static let table = JSONKeyTable(allCases.map { ($0.rawValue, $0) })

    /// Adds a buffer counter or I/O time to `buffers`; false when this key is not one.
    func apply(_ value: Double, to buffers: inout Buffers) -> Bool {
        switch self {
        case .sharedHitBlocks: buffers.sharedHit = value
        case .sharedReadBlocks: buffers.sharedRead = value
        case .sharedDirtiedBlocks: buffers.sharedDirtied = value
        case .sharedWrittenBlocks: buffers.sharedWritten = value
        case .localHitBlocks: buffers.localHit = value
        case .localReadBlocks: buffers.localRead = value
        case .localDirtiedBlocks: buffers.localDirtied = value
        case .localWrittenBlocks: buffers.localWritten = value
        case .tempReadBlocks: buffers.tempRead = value
        case .tempWrittenBlocks: buffers.tempWritten = value
        // `readTimeMs`/`writeTimeMs` cover shared and local blocks, whichever release's names carry them.
        case .ioReadTime, .sharedIOReadTime, .localIOReadTime: buffers.readTimeMs = (buffers.readTimeMs ?? 0) + value
        case .ioWriteTime, .sharedIOWriteTime, .localIOWriteTime:
            buffers.writeTimeMs = (buffers.writeTimeMs ?? 0) + value
        case .tempIOReadTime: buffers.tempReadTimeMs = value
        case .tempIOWriteTime: buffers.tempWriteTimeMs = value
        default: return false
        }
        return true
    }

    /// True for the buffer counters and I/O times `apply(_:to:)` takes.
    var isBufferCounter: Bool {
        switch self {
        case .sharedHitBlocks, .sharedReadBlocks, .sharedDirtiedBlocks, .sharedWrittenBlocks, .localHitBlocks,
            .localReadBlocks, .localDirtiedBlocks, .localWrittenBlocks, .tempReadBlocks, .tempWrittenBlocks,
            .ioReadTime, .ioWriteTime, .sharedIOReadTime, .sharedIOWriteTime, .localIOReadTime, .localIOWriteTime,
            .tempIOReadTime, .tempIOWriteTime:
            true
        default: false
        }
    }
}

/// Members of the `JIT` object and of its `Timing` object.
enum PostgresJSONJITKey: String, CaseIterable, Sendable {
    case functions = "Functions"
    case timing = "Timing"
    case generation = "Generation"
    case inlining = "Inlining"
    case optimization = "Optimization"
    case emission = "Emission"
    case total = "Total"

    static let table = JSONKeyTable(allCases.map { ($0.rawValue, $0) })
}

/// Members of one entry of `Triggers`.
enum PostgresJSONTriggerKey: String, CaseIterable, Sendable {
    case triggerName = "Trigger Name"
    case relation = "Relation"
    case time = "Time"
    case calls = "Calls"

    static let table = JSONKeyTable(allCases.map { ($0.rawValue, $0) })
}
