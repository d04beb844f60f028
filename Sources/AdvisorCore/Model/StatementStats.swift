import Foundation

/// One normalized statement as the server's statement statistics count it (`pg_stat_statements`,
/// `performance_schema.events_statements_summary_by_digest`). Counters are cumulative since
/// `Snapshot.statementSource.resetAt`.
public struct StatementStats: Codable, Equatable, Sendable {
    /// The server's identity for the statement (PostgreSQL `queryid`, MySQL `DIGEST`), stable across
    /// scans of the same server; with `database` and `user` it keys findings.
    public var id: String
    /// The normalized text the server keeps, with placeholders (`$1`, `?`) for literals.
    public var text: String
    public var database: String?
    public var user: String?
    public var calls: Int
    public var totalTimeMs: Double
    public var minTimeMs: Double?
    public var maxTimeMs: Double?
    public var stddevTimeMs: Double?
    /// Rows returned or affected, over all calls; nil when the source does not count them (a PostgreSQL log,
    /// a MySQL general log).
    public var rows: Int?
    /// Total planning time, when the server tracks it (`pg_stat_statements.track_planning`).
    public var planningTimeMs: Double?
    public var sharedBlocksHit: Int?
    public var sharedBlocksRead: Int?
    public var sharedBlocksDirtied: Int?
    public var sharedBlocksWritten: Int?
    public var localBlocksHit: Int?
    public var localBlocksRead: Int?
    public var tempBlocksRead: Int?
    public var tempBlocksWritten: Int?
    /// Time spent reading and writing data blocks; nil when the server does not time I/O.
    public var blockReadTimeMs: Double?
    public var blockWriteTimeMs: Double?
    public var walBytes: Int?
    /// MySQL family: rows the storage engine read to answer (`SUM_ROWS_EXAMINED`).
    public var rowsExamined: Int?
    /// MySQL family: calls that scanned a table without an index (`SUM_NO_INDEX_USED`).
    public var noIndexUsedCalls: Int?
    /// MySQL family: calls for which no good index was found (`SUM_NO_GOOD_INDEX_USED`).
    public var noGoodIndexUsedCalls: Int?
    /// MySQL family: internal temporary tables created, and how many of them went to disk.
    public var tempTables: Int?
    public var tempDiskTables: Int?
    public var sortMergePasses: Int?
    /// A real execution with its literals (MySQL 8 `QUERY_SAMPLE_TEXT`), when the server keeps one.
    public var sampleText: String?
    /// Percentiles of the time per call, milliseconds, when the source keeps the distribution (a log's digest).
    public var p50TimeMs: Double?
    public var p95TimeMs: Double?
    public var p99TimeMs: Double?
    /// Time spent waiting for locks over all calls, milliseconds (MySQL slow log `Lock_time`, `SUM_LOCK_TIME`).
    public var lockTimeMs: Double?
    /// The sqlcommenter / marginalia attribution the statement carried (`controller=orders,action=show`).
    public var tag: String?
    /// The other ids counted into this one: entries with the same text, database and user, which the server kept
    /// apart (`StatementStats.mergingIdenticalTexts`).
    public var mergedIds: [String]?

    public init(
        id: String, text: String, database: String? = nil, user: String? = nil, calls: Int, totalTimeMs: Double,
        rows: Int?
    ) {
        self.id = id
        self.text = text
        self.database = database
        self.user = user
        self.calls = calls
        self.totalTimeMs = totalTimeMs
        self.rows = rows
    }

    /// Mean time per call in milliseconds (0 for a statement never called).
    public var meanTimeMs: Double { calls > 0 ? totalTimeMs / Double(calls) : 0 }

    /// Rows per call (0 for a statement never called); nil when rows are not counted.
    public var rowsPerCall: Double? { rows.map { calls > 0 ? Double($0) / Double(calls) : 0 } }

    /// The key findings about this statement use: the same on every scan of the same server.
    public var findingKey: String { [database ?? "", user ?? "", id].joined(separator: "|") }
}

/// Where statement statistics come from and how complete they are.
public struct StatementSource: Codable, Equatable, Sendable {
    /// "pg_stat_statements", "performance_schema".
    public var name: String
    /// How many distinct statements it keeps (`pg_stat_statements.max`, `performance_schema_digests_size`).
    public var capacity: Int?
    /// Entries evicted since `resetAt` to make room (`pg_stat_statements_info.dealloc`,
    /// `Performance_schema_digest_lost`): statistics of evicted statements are lost.
    public var evictions: Int?
    /// When the counters started; nil when the server does not say (PostgreSQL before 14).
    public var resetAt: Date?
    /// Settings of the source that matter to the rules ("track" → "top", "track_planning" → "off").
    public var settings: [String: String]

    public init(
        name: String, capacity: Int? = nil, evictions: Int? = nil, resetAt: Date? = nil,
        settings: [String: String] = [:]
    ) {
        self.name = name
        self.capacity = capacity
        self.evictions = evictions
        self.resetAt = resetAt
        self.settings = settings
    }

    /// The name of the source `dbadvisor logs` builds from query logs.
    public static let logName = "log"

    /// Whether the statements were read from query logs rather than the server's statistics.
    public var isLog: Bool { name == Self.logName }
}
