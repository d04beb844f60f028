import Foundation

/// One table with its size and its access counters (cumulative since `ServerInfo.statsResetAt`).
public struct TableStats: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case table, partitioned, partition
    }

    public var schema: String
    public var name: String
    public var kind: Kind
    /// For a partition: its parent as `schema.name`.
    public var partitionOf: String?
    /// The planner's row estimate (`reltuples`, InnoDB's `TABLE_ROWS`).
    public var estimatedRows: Double?
    public var seqScans: Int?
    /// Rows read by sequential scans.
    public var seqRowsRead: Int?
    public var indexScans: Int?
    /// Rows fetched through indexes.
    public var indexRowsFetched: Int?
    public var liveRows: Int?
    public var deadRows: Int?
    public var rowsInserted: Int?
    public var rowsUpdated: Int?
    public var rowsDeleted: Int?
    public var rowsHotUpdated: Int?
    /// The table's own data (heap), its indexes, and everything (data, indexes, TOAST).
    public var dataBytes: Int?
    public var indexBytes: Int?
    public var totalBytes: Int?
    /// Data blocks found in and read into the buffer cache (`pg_statio_user_tables`).
    public var blocksHit: Int?
    public var blocksRead: Int?
    public var lastVacuumAt: Date?
    public var lastAutovacuumAt: Date?
    public var lastAnalyzeAt: Date?
    public var lastAutoanalyzeAt: Date?
    /// The last sequential scan (PostgreSQL 16+).
    public var lastSeqScanAt: Date?

    public init(schema: String, name: String, kind: Kind = .table) {
        self.schema = schema
        self.name = name
        self.kind = kind
    }

    /// `schema.name`, as findings name tables and keys use them.
    public var qualifiedName: String { "\(schema).\(name)" }
}

/// One index with its definition, what it backs, its size and how often it was used.
public struct IndexStats: Codable, Equatable, Sendable {
    public var schema: String
    public var table: String
    public var name: String
    /// The statement that recreates it (`pg_get_indexdef`, or one built from `information_schema`).
    public var definition: String
    /// "btree", "hash", "gin", "gist", "brin", "FULLTEXT", …
    public var method: String
    /// Key columns in order; an expression key is its text, e.g. "lower(email)".
    public var columns: [String]
    /// Non-key columns carried in the index (`INCLUDE`).
    public var includedColumns: [String]
    /// The WHERE clause of a partial index.
    public var predicate: String?
    public var isUnique: Bool
    public var isPrimary: Bool
    /// The constraint the index enforces (primary key, unique, exclusion), if any.
    public var constraint: String?
    /// False for an index a failed `CREATE INDEX CONCURRENTLY` left behind.
    public var isValid: Bool
    public var sizeBytes: Int?
    /// Scans since the statistics window began; nil when the server does not count them.
    public var scans: Int?
    public var tuplesRead: Int?
    public var tuplesFetched: Int?
    /// The last scan (PostgreSQL 16+).
    public var lastScanAt: Date?

    public init(
        schema: String, table: String, name: String, definition: String, method: String = "btree",
        columns: [String], includedColumns: [String] = [], predicate: String? = nil, isUnique: Bool = false,
        isPrimary: Bool = false, constraint: String? = nil, isValid: Bool = true
    ) {
        self.schema = schema
        self.table = table
        self.name = name
        self.definition = definition
        self.method = method
        self.columns = columns
        self.includedColumns = includedColumns
        self.predicate = predicate
        self.isUnique = isUnique
        self.isPrimary = isPrimary
        self.constraint = constraint
        self.isValid = isValid
    }

    public var qualifiedName: String { "\(schema).\(name)" }
    public var qualifiedTable: String { "\(schema).\(table)" }
}

/// A foreign key: `columns` of `table` reference `referencedColumns` of `referencedTable`.
public struct ForeignKey: Codable, Equatable, Sendable {
    public var schema: String
    public var table: String
    public var name: String
    public var columns: [String]
    public var referencedSchema: String
    public var referencedTable: String
    public var referencedColumns: [String]
    /// "CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT".
    public var onDelete: String?
    public var onUpdate: String?

    public init(
        schema: String, table: String, name: String, columns: [String], referencedSchema: String,
        referencedTable: String, referencedColumns: [String], onDelete: String? = nil, onUpdate: String? = nil
    ) {
        self.schema = schema
        self.table = table
        self.name = name
        self.columns = columns
        self.referencedSchema = referencedSchema
        self.referencedTable = referencedTable
        self.referencedColumns = referencedColumns
        self.onDelete = onDelete
        self.onUpdate = onUpdate
    }

    public var qualifiedTable: String { "\(schema).\(table)" }
}

/// One database's counters (`pg_stat_database`; MySQL: the server as a whole).
public struct DatabaseStats: Codable, Equatable, Sendable {
    public var name: String
    public var sizeBytes: Int?
    public var blocksHit: Int?
    public var blocksRead: Int?
    public var tempFiles: Int?
    public var tempBytes: Int?
    public var deadlocks: Int?
    public var commits: Int?
    public var rollbacks: Int?
    /// Sessions started, and the time spent in them (PostgreSQL 14 and later).
    public var sessions: Int?
    public var sessionTimeMs: Double?
    public var statsResetAt: Date?

    public init(name: String) {
        self.name = name
    }
}
