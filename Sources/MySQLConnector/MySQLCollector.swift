import AdvisorCore

/// What every collector knows about the server before it runs: which flavour and SQL variant to use.
public struct MySQLServer: Sendable {
    /// `.mysql` or `.mariadb`.
    public var engine: Engine
    /// As `@@version` says it: "8.0.36", "10.11.6-MariaDB-0+deb12u1".
    public var version: String
    /// The account the server authenticated, as `GRANT … TO` names it: `'monitor'@'10.0.%'`; nil when unknown.
    public var login: String?

    public init(engine: Engine, version: String, login: String? = nil) {
        self.engine = engine
        self.version = version
        self.login = login
    }

    /// Major and minor version numbers: (8, 0), (10, 11), (11, 4).
    public var release: (major: Int, minor: Int) {
        let numbers = version.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        return (numbers.first ?? 0, numbers.dropFirst().first ?? 0)
    }

    /// major × 10,000 + minor × 100 + patch, as MySQL's `MYSQL_VERSION_ID`: 80036, 101119.
    public var versionNumber: Int {
        let numbers = version.split(whereSeparator: { !$0.isNumber }).prefix(3).compactMap { Int($0) }
        let parts = numbers + Array(repeating: 0, count: max(0, 3 - numbers.count))
        return parts[0] * 10_000 + parts[1] * 100 + parts[2]
    }

    /// MySQL 8.0 or later (not MariaDB, whose 10.x and 11.x numbers mean something else): the flavour
    /// with `QUERY_SAMPLE_TEXT`, functional key parts and `performance_schema.data_lock_waits`.
    public var isMySQL8: Bool { engine == .mysql && release.major >= 8 }
}

/// One part of a MySQL/MariaDB scan: runs its queries from `Queries/mysql` and adds what they return to
/// the snapshot (data, the facet it provides, notices for what it could not read).
///
/// A `ServerError` thrown from `collect` becomes a notice and the scan goes on; a `ConnectionError`
/// ends the scan with what was collected so far.
protocol MySQLCollector: Sendable {
    /// For progress lines and notices: "statement digests", "indexes".
    static var name: String { get }
    static func collect(from session: MySQLSession, server: MySQLServer, into snapshot: inout Snapshot) throws
}
