/// The query log formats the readers understand; the raw values are what `--log-format` takes.
public enum QueryLogFormat: String, CaseIterable, Sendable {
    /// PostgreSQL's stderr (or syslog/Heroku logplex) log, lines starting with `log_line_prefix`.
    case postgresStderr = "postgres"
    /// PostgreSQL's `csvlog`.
    case postgresCSV = "postgres-csv"
    /// PostgreSQL's `jsonlog` (15+), and JSON exports that wrap its fields (CloudNativePG, Cloud SQL).
    case postgresJSON = "postgres-json"
    /// The MySQL/MariaDB/Percona slow query log.
    case mysqlSlow = "mysql-slow"
    /// The MySQL/MariaDB general query log.
    case mysqlGeneral = "mysql-general"
}

extension QueryLogFormat {
    /// The engine whose statements the format logs (MariaDB's logs read as MySQL's).
    public var engine: Engine {
        switch self {
        case .postgresStderr, .postgresCSV, .postgresJSON: .postgres
        case .mysqlSlow, .mysqlGeneral: .mysql
        }
    }
}
