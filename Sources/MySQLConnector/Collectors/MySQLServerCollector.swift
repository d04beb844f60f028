import AdvisorCore
import AdvisorQueries
import Foundation

/// The server's version, flavour and clock, the connection's default database and the authenticated
/// account (`Queries/mysql/mysql_server.sql`). The scanner reads it first: the other collectors pick
/// their SQL by its flavour and name its account in remedies.
///
/// `collectedAt` is the server's `NOW()`, not the local clock, so counter windows are measured on one
/// clock; `startedAt` follows from the `Uptime` status counter (`MySQLSettingsCollector`).
enum MySQLServerCollector {
    static let name = "server"

    /// The server as the snapshot describes it (`target` left to the scanner) and as collectors see it.
    static func read(from session: MySQLSession) throws -> (info: ServerInfo, server: MySQLServer) {
        try parse(rows: session.rows(.mysqlServer))
    }

    static func parse(rows: [MySQLSession.Row]) throws(UnexpectedRowError) -> (info: ServerInfo, server: MySQLServer) {
        let row = try MySQLRowReader.single(of: rows, query: .mysqlServer)
        let version = try row.text("version")
        let server = MySQLServer(
            engine: version.contains("MariaDB") ? .mariadb : .mysql, version: version,
            login: try row.optionalText("login").map(grantee))
        let info = ServerInfo(
            engine: server.engine, version: version, versionNumber: server.versionNumber,
            database: try row.optionalText("database_name").flatMap { $0.isEmpty ? nil : $0 },
            collectedAt: try row.optionalDate("collected_at_epoch"))
        return (info, server)
    }

    /// `monitor@10.0.%` → `'monitor'@'10.0.%'` (the user name may itself hold an `@`: the host follows the last).
    static func grantee(_ account: String) -> String {
        let quoted = { (text: Substring) in "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        guard let separator = account.lastIndex(of: "@") else { return quoted(account[...]) }
        return quoted(account[..<separator]) + "@" + quoted(account[account.index(after: separator)...])
    }
}
