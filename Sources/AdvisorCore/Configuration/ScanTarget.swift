/// One database a nightly job scans (`targets:` in dbadvisor.yml), with the options of its scan.
/// Options left out take the command line's value, then the built-in default.
public struct ScanTarget: Equatable, Sendable {
    /// Where the connection string comes from.
    public enum Connection: Equatable, Sendable {
        /// Written in the file (`dsn:`).
        case literal(String)
        /// Read from this environment variable when the target is scanned (`dsn_env:`).
        case environment(String)
    }

    /// The name reports, file names and the summary use; unique within the file.
    public var name: String
    /// Given in the file, or nil to infer it from the DSN's scheme (mysql:// and mariadb:// → MySQL family).
    public var engine: Engine?
    public var connection: Connection
    public var explainTop: Int?
    public var analyze: Bool?
    public var statementTimeoutMs: Int?
    public var lockTimeoutMs: Int?
    /// PgBouncer's admin console, PostgreSQL targets only.
    public var pgbouncer: String?

    public init(
        name: String, engine: Engine? = nil, connection: Connection, explainTop: Int? = nil, analyze: Bool? = nil,
        statementTimeoutMs: Int? = nil, lockTimeoutMs: Int? = nil, pgbouncer: String? = nil
    ) {
        self.name = name
        self.engine = engine
        self.connection = connection
        self.explainTop = explainTop
        self.analyze = analyze
        self.statementTimeoutMs = statementTimeoutMs
        self.lockTimeoutMs = lockTimeoutMs
        self.pgbouncer = pgbouncer
    }

    /// The connection string, from the file or the environment. Throws when the variable is unset or
    /// empty, or when the DSN's scheme contradicts `engine`.
    public func resolveDSN(environment: [String: String]) throws(ConfigurationError) -> String {
        let dsn: String
        switch connection {
        case .literal(let value):
            dsn = value
        case .environment(let variable):
            guard let value = environment[variable], !value.isEmpty else {
                throw ConfigurationError("target \(name): the environment variable \(variable) (dsn_env) is not set")
            }
            dsn = value
        }
        if let engine, let inferred = Self.engine(ofDSN: dsn), inferred.isMySQLFamily != engine.isMySQLFamily {
            throw ConfigurationError(
                "target \(name): engine \(engine.rawValue) does not match the DSN's scheme (\(inferred.rawValue))")
        }
        return dsn
    }

    /// The engine family a DSN's scheme names: postgres:// and postgresql:// PostgreSQL, mysql:// MySQL,
    /// mariadb:// MariaDB; nil for a libpq keyword string or an empty DSN.
    public static func engine(ofDSN dsn: String) -> Engine? {
        guard let colon = dsn.firstIndex(of: ":"), dsn[colon...].hasPrefix("://") else { return nil }
        switch dsn[..<colon].lowercased() {
        case "postgres", "postgresql": return .postgres
        case "mysql": return .mysql
        case "mariadb": return .mariadb
        default: return nil
        }
    }

    /// True when the DSN carries a password: a URI's `user:password@`, or a keyword or query `password=`.
    public static func dsnHoldsPassword(_ dsn: String) -> Bool {
        if engine(ofDSN: dsn) != nil, let schemeEnd = dsn.range(of: "://") {
            let rest = dsn[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
            return rest.contains("password=")
        }
        return dsn.split(whereSeparator: \.isWhitespace).contains { $0.lowercased().hasPrefix("password=") }
    }
}
