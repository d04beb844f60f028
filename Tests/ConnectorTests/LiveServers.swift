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

    /// The PostgreSQL servers the main live suites run on, one test case each: 15 (the one the other live
    /// tests use) and 18. Under CI both, so a missing one fails; elsewhere those that answer, with a message
    /// for each that does not.
    static let postgresServers: [PostgresTestServer] = {
        let all = [
            PostgresTestServer(major: 15, variablePrefix: "DBADVISOR_TEST_PG", logVariable: "DBADVISOR_TEST_PG_LOG"),
            PostgresTestServer(
                major: 18, variablePrefix: "DBADVISOR_TEST_PG18", logVariable: "DBADVISOR_TEST_PG18_LOG"),
        ]
        if isCI { return all }
        return all.filter { server in
            let usable = server.url.map { (try? LibPQSession.open($0)) != nil } ?? false
            if !usable {
                print("skipped: PostgreSQL \(server.major) live cases: no test server at \(server.variablePrefix)_URL")
            }
            return usable
        }
    }()

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

    fileprivate static func variable(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// One PostgreSQL test server, as `scripts/test-servers.sh env` names it: `<prefix>_URL`, `_MONITOR_URL`,
/// `_READER_URL` and its log.
struct PostgresTestServer: Sendable, CustomTestStringConvertible {
    let major: Int
    let variablePrefix: String
    let logVariable: String

    /// The owner (a superuser).
    var url: String? { LiveServers.variable("\(variablePrefix)_URL") }
    /// The least-privilege pg_monitor login.
    var monitorURL: String? { LiveServers.variable("\(variablePrefix)_MONITOR_URL") }
    /// pg_monitor and pg_read_all_data, for --explain-top.
    var readerURL: String? { LiveServers.variable("\(variablePrefix)_READER_URL") }
    /// The file the server logs to.
    var logPath: String? { LiveServers.variable(logVariable) }

    var testDescription: String { "PostgreSQL \(major)" }

    func require(_ url: String?, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(
            url, "\(variablePrefix)_… is not set (scripts/test-servers.sh env)", sourceLocation: sourceLocation)
    }
}
