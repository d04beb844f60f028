import Foundation
import MySQLConnector
import PostgresConnector
import Testing

/// The private test servers `scripts/test-servers.sh start` runs, as `scripts/test-servers.sh env` names them.
///
/// Live tests run when their server answers. Under CI they always run, so a missing variable or an
/// unreachable server fails them instead of passing silently as skipped.
enum LiveServers {
    static let postgresURL = variable("DBADVISOR_TEST_PG_URL")
    static let postgresMonitorURL = variable("DBADVISOR_TEST_PG_MONITOR_URL")
    static let mysqlURL = variable("DBADVISOR_TEST_MYSQL_URL")
    static let mysqlMonitorURL = variable("DBADVISOR_TEST_MYSQL_MONITOR_URL")

    static var isCI: Bool {
        guard let value = variable("CI")?.lowercased() else { return false }
        return !["", "0", "false", "no"].contains(value)
    }

    static var postgresIsUsable: Bool {
        isCI || postgresURL.map { (try? LibPQSession.open($0)) != nil } ?? false
    }

    static var mysqlIsUsable: Bool {
        isCI || mysqlURL.map { (try? MySQLSession.open($0)) != nil } ?? false
    }

    static let postgresSkipMessage: Comment = """
        no PostgreSQL test server: run `scripts/test-servers.sh start` and \
        `eval "$(scripts/test-servers.sh env)"` to set DBADVISOR_TEST_PG_URL
        """
    static let mysqlSkipMessage: Comment = """
        no MariaDB test server: run `scripts/test-servers.sh start` and \
        `eval "$(scripts/test-servers.sh env)"` to set DBADVISOR_TEST_MYSQL_URL
        """

    /// The URL with its password replaced, for testing a refused login.
    static func withPassword(_ password: String, in url: String) throws -> String {
        var components = try #require(URLComponents(string: url))
        components.password = password
        return try #require(components.string)
    }

    private static func variable(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
