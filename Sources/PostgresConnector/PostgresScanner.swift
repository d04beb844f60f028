import AdvisorCore
import Foundation

/// Reads a live PostgreSQL server into a `Snapshot`: the collectors in order, then the optional
/// EXPLAINs of the top statements and the PgBouncer console.
public enum PostgresScanner {
    public struct Options: Sendable {
        public var limits: LibPQSession.Limits
        /// EXPLAIN this many statements, the most expensive by total time first (0: none).
        public var explainTop: Int
        /// Run the EXPLAINed SELECTs for real (`EXPLAIN (ANALYZE, BUFFERS)`, rolled back).
        public var analyze: Bool
        /// PgBouncer's admin console (`postgres://admin@host:6432/pgbouncer`), when given.
        public var pgbouncer: String?

        public init(
            limits: LibPQSession.Limits = LibPQSession.Limits(), explainTop: Int = 0, analyze: Bool = false,
            pgbouncer: String? = nil
        ) {
            self.limits = limits
            self.explainTop = explainTop
            self.analyze = analyze
            self.pgbouncer = pgbouncer
        }
    }

    /// The collectors, in the order they run; each adds its facet.
    static let collectors: [any PostgresCollector.Type] = [
        ServerCollector.self, SettingsCollector.self, DatabasesCollector.self, CheckpointsCollector.self,
        StatementsCollector.self, TablesCollector.self, IndexesCollector.self, ForeignKeysCollector.self,
        ActivityCollector.self,
    ]

    /// Connects and collects. Throws `ConnectionError` when no connection can be made at all; a
    /// connection lost later returns what was collected with `interruption` set.
    public static func scan(
        _ connectionString: String, options: Options, progress: (String) -> Void = { _ in }
    ) throws -> ScanOutcome {
        let session = try LibPQSession.open(connectionString, limits: options.limits)
        let server = PostgresServer(versionNumber: session.serverVersion)
        var snapshot = Snapshot(
            server: ServerInfo(
                engine: .postgres, versionNumber: server.versionNumber, target: session.target,
                collectedAt: Date()))
        var timedOut: [String] = []
        for collector in collectors {
            progress("reading \(collector.name)")
            do {
                try collector.collect(from: session, server: server, into: &snapshot)
            } catch let error as ServerError {
                if error.isTimeout { timedOut.append(collector.name) }
                snapshot.notices.append(
                    Notice(level: .warning, message: "could not read \(collector.name): \(error)"))
            } catch let error as UnexpectedRowError {
                snapshot.notices.append(
                    Notice(level: .warning, message: "could not read \(collector.name): \(error)"))
            } catch let error as ConnectionError {
                return ScanOutcome(snapshot: snapshot, interruption: error, timedOut: timedOut)
            }
        }
        if let notice = Notice.commitTimeNotInStatements(snapshot) { snapshot.notices.append(notice) }
        if options.explainTop > 0 {
            progress("explaining the top \(options.explainTop) statements")
            if snapshot.statements.isEmpty {
                snapshot.notices.append(
                    Notice(level: .info, message: "--explain-top: no statements were collected to EXPLAIN"))
            }
            do {
                try PostgresExplainer.explain(
                    snapshot.statements, top: options.explainTop, analyze: options.analyze, session: session,
                    server: server, into: &snapshot)
            } catch let error as ConnectionError {
                return ScanOutcome(snapshot: snapshot, interruption: error, timedOut: timedOut)
            }
        }
        if let pgbouncer = options.pgbouncer {
            progress("reading PgBouncer")
            readPgBouncer(pgbouncer, into: &snapshot)
        }
        return ScanOutcome(snapshot: snapshot, timedOut: timedOut)
    }

    // MARK: - Private helpers

    /// PgBouncer is optional to the scan: one that cannot be reached or read is a notice.
    private static func readPgBouncer(_ connectionString: String, into snapshot: inout Snapshot) {
        do {
            let console = try LibPQSession.openConsole(connectionString)
            try PgBouncerCollector.collect(from: console, into: &snapshot)
        } catch let error as ConnectionError {
            snapshot.notices.append(
                Notice(
                    level: .warning, message: "could not reach PgBouncer: \(error)",
                    remedy: "Pass the admin console's URI (database pgbouncer) as a login listed in PgBouncer's "
                        + "admin_users or stats_users."))
        } catch {
            snapshot.notices.append(
                Notice(
                    level: .warning, message: "could not read PgBouncer: \(error)",
                    remedy: "List the login in PgBouncer's admin_users or stats_users."))
        }
    }
}
