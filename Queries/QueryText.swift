/// The SQL dbadvisor runs, compiled into the binary from the `.sql` files beside this one.
///
/// Each case names one file (`<engine>_<what>[_v<major>].sql`); a test fails when the cases
/// and the files differ.
public enum QueryText: String, CaseIterable, Sendable {
    case pgServerVersion = "pg_server_version"
    case pgExplainContext = "pg_explain_context"
    case mysqlServerVersion = "mysql_server_version"

    /// The statement text, header comment included, exactly as in the file.
    public var sql: String {
        let bytes: [UInt8] =
            switch self {
            case .pgServerVersion: PackageResources.pg_server_version_sql
            case .pgExplainContext: PackageResources.pg_explain_context_sql
            case .mysqlServerVersion: PackageResources.mysql_server_version_sql
            }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The file the text comes from, relative to `Queries/`.
    public var path: String {
        let engineFolder = rawValue.hasPrefix("pg_") ? "postgres" : "mysql"
        return "\(engineFolder)/\(rawValue).sql"
    }
}
