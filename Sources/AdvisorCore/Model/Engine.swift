/// The database engine a plan, statement or finding belongs to.
public enum Engine: String, Codable, Sendable, CaseIterable, Comparable {
    case postgres
    case mysql
    case mariadb

    /// True for MySQL and MariaDB, which share most plan vocabulary and DDL syntax.
    public var isMySQLFamily: Bool { self != .postgres }

    /// The name users know the engine by.
    public var displayName: String {
        switch self {
        case .postgres: "PostgreSQL"
        case .mysql: "MySQL"
        case .mariadb: "MariaDB"
        }
    }

    public static func < (lhs: Engine, rhs: Engine) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A kind of data a snapshot may hold; rules declare the facets they need.
public enum Facet: String, Codable, Sendable, CaseIterable, Comparable {
    case plans
    case statements
    case databases
    case tables
    case indexes
    case foreignKeys = "foreign_keys"
    case connections
    case settings
    /// Statements in the order sessions ran them (history, logs): `Snapshot.queryBursts` is meaningful.
    case queryHistory = "query_history"
    /// Earlier runs of the same target from the history store: `Snapshot.statementBaselines` is meaningful.
    case history
    /// A PostgreSQL server log was read: `Snapshot.lockWaits` and `statementErrors` are meaningful (empty: none
    /// logged).
    case serverLogEvents = "server_log_events"
    /// Checkpoint counts were read (statistics or a log): `Snapshot.checkpoints` is set.
    case checkpoints
    /// Session counts were read (statistics or a log): `Snapshot.sessionActivity` is set.
    case sessions

    public static func < (lhs: Facet, rhs: Facet) -> Bool { lhs.rawValue < rhs.rawValue }
}
