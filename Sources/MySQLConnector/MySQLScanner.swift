import AdvisorCore
import Foundation

/// Reads a live MySQL or MariaDB server into a `Snapshot`: the server first (its flavour picks the SQL),
/// then the collectors in order.
public enum MySQLScanner {
    public struct Options: Sendable {
        public var limits: MySQLSession.Limits
        /// EXPLAIN this many digests, the most expensive by total latency first (0: none).
        public var explainTop: Int
        /// Run the EXPLAINed SELECTs for real (`EXPLAIN ANALYZE` / `ANALYZE FORMAT=JSON`, rolled back).
        public var analyze: Bool

        public init(limits: MySQLSession.Limits = MySQLSession.Limits(), explainTop: Int = 0, analyze: Bool = false) {
            self.limits = limits
            self.explainTop = explainTop
            self.analyze = analyze
        }
    }

    /// The collectors, in the order they run after the server is read; each adds its facet. Settings come
    /// first: the others read `performance_schema` and `max_connections` from them.
    static let collectors: [any MySQLCollector.Type] = [
        MySQLSettingsCollector.self, MySQLStatementsCollector.self, MySQLTablesCollector.self,
        MySQLIndexesCollector.self, MySQLForeignKeysCollector.self, MySQLConnectionsCollector.self,
        MySQLHistoryCollector.self,
    ]

    /// The least privileges a scan needs, as GRANT statements for `login`.
    public static func grants(to login: String) -> String {
        "GRANT PROCESS, SHOW VIEW ON *.* TO \(login);\nGRANT SELECT ON performance_schema.* TO \(login);"
    }

    /// Connects and collects. Throws `ConnectionError` when no connection can be made at all; a
    /// connection lost later returns what was collected with `interruption` set.
    public static func scan(
        _ url: String, options: Options = Options(), progress: (String) -> Void = { _ in }
    ) throws -> ScanOutcome {
        let session = try MySQLSession.open(url, limits: options.limits)
        var snapshot = Snapshot(
            server: ServerInfo(
                engine: session.engine, version: session.serverVersion, target: session.target, collectedAt: Date()))
        var server = MySQLServer(engine: session.engine, version: session.serverVersion)
        var timedOut: [String] = []
        progress("reading \(MySQLServerCollector.name)")
        do {
            let read = try MySQLServerCollector.read(from: session)
            snapshot.server = read.info
            snapshot.server.target = session.target
            server = read.server
        } catch let error as ConnectionError {
            return ScanOutcome(snapshot: snapshot, interruption: error, timedOut: timedOut)
        } catch {
            if (error as? ServerError)?.isTimeout == true { timedOut.append(MySQLServerCollector.name) }
            snapshot.notices.append(Notice(level: .warning, message: "could not read the server's clock: \(error)"))
        }
        for collector in collectors {
            progress("reading \(collector.name)")
            do {
                try collector.collect(from: session, server: server, into: &snapshot)
            } catch let error as ServerError {
                if error.isTimeout { timedOut.append(collector.name) }
                record(error, of: collector.name, server: server, into: &snapshot)
            } catch let error as UnexpectedRowError {
                snapshot.notices.append(
                    Notice(level: .warning, message: "could not read \(collector.name): \(error)"))
            } catch let error as ConnectionError {
                return ScanOutcome(snapshot: snapshot, interruption: error, timedOut: timedOut)
            }
        }
        scope(&snapshot)
        if options.explainTop > 0 {
            progress("explaining the top \(options.explainTop) statements")
            do {
                try MySQLExplainer.explain(
                    snapshot.statements, top: options.explainTop, analyze: options.analyze, session: session,
                    server: server, into: &snapshot)
            } catch let error as ConnectionError {
                return ScanOutcome(snapshot: snapshot, interruption: error, timedOut: timedOut)
            } catch {
                snapshot.notices.append(Notice(level: .warning, message: "could not EXPLAIN statements: \(error)"))
            }
        }
        return ScanOutcome(snapshot: snapshot, timedOut: timedOut)
    }

    /// Keeps the statements, tables, indexes, foreign keys and statement history of the URL's database
    /// (`snapshot.server.database`) only, and says what the scan covers in a notice: that database, or with
    /// none in the URL the whole server. Settings, status and connections are always the server's.
    static func scope(_ snapshot: inout Snapshot) {
        guard let database = snapshot.server.database else {
            snapshot.notices.append(
                Notice(
                    level: .info,
                    message: "Scope: the whole server (the URL names no database): statements, tables and indexes "
                        + "of every database are read; name one (mysql://…/shop) to scan it alone"))
            return
        }
        let statements = snapshot.statements.count
        let tables = snapshot.tables.count
        snapshot.statements.removeAll { $0.database != database }
        snapshot.tables.removeAll { $0.schema != database }
        snapshot.indexes.removeAll { $0.schema != database }
        snapshot.foreignKeys.removeAll { $0.schema != database }
        snapshot.queryBursts.removeAll { !$0.databases.isEmpty && !$0.databases.contains(database) }
        let left = [
            (statements - snapshot.statements.count, "statement"), (tables - snapshot.tables.count, "table"),
        ].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        snapshot.notices.append(
            Notice(
                level: .info,
                message: "Scope: database \(database) only (the URL's): statements, tables, indexes and foreign keys "
                    + "of other databases are left out"
                    + (left.isEmpty ? "" : " (\(left.joined(separator: ", ")))")
                    + "; settings, status counters and connections are the server's"))
    }

    // MARK: - Private helpers

    /// A refused statement becomes a notice; a missing privilege the one coded notice that lists the
    /// grants (once, however many collectors it stopped).
    private static func record(
        _ error: ServerError, of collector: String, server: MySQLServer, into snapshot: inout Snapshot
    ) {
        guard error.message.localizedCaseInsensitiveContains("denied") else {
            snapshot.notices.append(Notice(level: .warning, message: "could not read \(collector): \(error)"))
            return
        }
        let code = "mysql_privilege_missing"
        let message = "could not read \(collector): the login lacks a privilege (\(error.message))"
        if let index = snapshot.notices.firstIndex(where: { $0.code == code }) {
            snapshot.notices[index].message += "; \(message)"
            return
        }
        let login = server.login ?? "'monitor'@'%'"
        snapshot.notices.append(
            Notice(
                level: .warning, message: message,
                remedy: "Grant the scanning login PROCESS (the processlist and InnoDB transactions), SHOW VIEW "
                    + "(table and index definitions, without reading any data) and SELECT on performance_schema "
                    + "(statement digests, table and index usage).",
                code: code, fixSQL: grants(to: login)))
    }
}
