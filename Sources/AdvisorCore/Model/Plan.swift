/// The text formats `dbadvisor explain` reads. Detected from the input; `--input-format` forces one.
public enum PlanFormat: String, Codable, Sendable, CaseIterable {
    /// PostgreSQL `EXPLAIN (FORMAT JSON)`, bare, in psql frames, CSV-quoted or in an auto_explain log line.
    case postgresJSON = "postgres-json"
    /// PostgreSQL text-format EXPLAIN as psql prints it.
    case postgresText = "postgres-text"
    /// MySQL `EXPLAIN FORMAT=JSON` (5.7 and 8, with or without end markers).
    case mysqlJSON = "mysql-json"
    /// MySQL `EXPLAIN FORMAT=TREE` and `EXPLAIN ANALYZE`.
    case mysqlTree = "mysql-tree"
    /// MariaDB `EXPLAIN FORMAT=JSON` and `ANALYZE FORMAT=JSON`.
    case mariadbJSON = "mariadb-json"
    /// The classic tabular EXPLAIN as the mysql client prints it, bordered or `\G` vertical.
    case mysqlTable = "mysql-table"

    /// The engine whose output this format is.
    public var engine: Engine {
        switch self {
        case .postgresJSON, .postgresText: .postgres
        case .mysqlJSON, .mysqlTree, .mysqlTable: .mysql
        case .mariadbJSON: .mariadb
        }
    }
}

/// One EXPLAIN result: a tree of nodes plus the statement-level facts around it.
public struct Plan: Codable, Equatable, Sendable {
    public var engine: Engine
    public var format: PlanFormat
    /// The statement, when the input carries it (auto_explain "Query Text", a psql prompt, MySQL tabular input).
    public var queryText: String?
    /// True when the plan holds actual rows/loops (EXPLAIN ANALYZE, MariaDB ANALYZE).
    public var hasActuals: Bool
    /// True when the actuals include times (false for TIMING OFF and masked test output).
    public var hasTiming: Bool
    public var planningTimeMs: Double?
    public var executionTimeMs: Double?
    public var planningBuffers: Buffers?
    public var triggers: [TriggerTime]
    public var jit: JITSummary?
    /// `SETTINGS` output: non-default planner settings in effect.
    public var settings: [String: String]
    public var root: PlanNode
    /// Statement-level facts the input has and no field holds ("Query Identifier", "Serialization"…),
    /// in input order, for display.
    public var properties: [PlanProperty]
    /// Where in the input the plan started (1-based line), to name it in messages.
    public var sourceLine: Int
    /// The nodes' exclusive costs added up (`PlanTiming`): what cost shares are relative to, so that they add up
    /// to 100 % even where the root's cost is not its subtree's (a Limit stops its children early).
    public var exclusiveCostSum: Double?

    public init(
        engine: Engine, format: PlanFormat, root: PlanNode, queryText: String? = nil,
        hasActuals: Bool = false, hasTiming: Bool = false, planningTimeMs: Double? = nil,
        executionTimeMs: Double? = nil, planningBuffers: Buffers? = nil, triggers: [TriggerTime] = [],
        jit: JITSummary? = nil, settings: [String: String] = [:], properties: [PlanProperty] = [],
        sourceLine: Int = 1
    ) {
        self.engine = engine
        self.format = format
        self.root = root
        self.queryText = queryText
        self.hasActuals = hasActuals
        self.hasTiming = hasTiming
        self.planningTimeMs = planningTimeMs
        self.executionTimeMs = executionTimeMs
        self.planningBuffers = planningBuffers
        self.triggers = triggers
        self.jit = jit
        self.settings = settings
        self.properties = properties
        self.sourceLine = sourceLine
    }
}

/// Time spent in one trigger (PostgreSQL `Triggers` section of EXPLAIN ANALYZE).
public struct TriggerTime: Codable, Equatable, Sendable {
    public var name: String
    public var relation: String?
    public var timeMs: Double?
    public var calls: Double?

    public init(name: String, relation: String? = nil, timeMs: Double? = nil, calls: Double? = nil) {
        self.name = name
        self.relation = relation
        self.timeMs = timeMs
        self.calls = calls
    }
}

/// PostgreSQL JIT summary; times in milliseconds.
public struct JITSummary: Codable, Equatable, Sendable {
    public var functions: Int?
    public var generationTimeMs: Double?
    public var inliningTimeMs: Double?
    public var optimizationTimeMs: Double?
    public var emissionTimeMs: Double?
    public var totalTimeMs: Double?

    public init(
        functions: Int? = nil, generationTimeMs: Double? = nil, inliningTimeMs: Double? = nil,
        optimizationTimeMs: Double? = nil, emissionTimeMs: Double? = nil, totalTimeMs: Double? = nil
    ) {
        self.functions = functions
        self.generationTimeMs = generationTimeMs
        self.inliningTimeMs = inliningTimeMs
        self.optimizationTimeMs = optimizationTimeMs
        self.emissionTimeMs = emissionTimeMs
        self.totalTimeMs = totalTimeMs
    }
}

/// Block counters from `BUFFERS` (PostgreSQL), summed over all loops as the server prints them.
public struct Buffers: Codable, Equatable, Sendable {
    public var sharedHit: Double = 0
    public var sharedRead: Double = 0
    public var sharedDirtied: Double = 0
    public var sharedWritten: Double = 0
    public var localHit: Double = 0
    public var localRead: Double = 0
    public var localDirtied: Double = 0
    public var localWritten: Double = 0
    public var tempRead: Double = 0
    public var tempWritten: Double = 0
    /// I/O timing (`track_io_timing`), milliseconds: shared+local reads and writes, then temp.
    public var readTimeMs: Double?
    public var writeTimeMs: Double?
    public var tempReadTimeMs: Double?
    public var tempWriteTimeMs: Double?

    public init() {}
}
