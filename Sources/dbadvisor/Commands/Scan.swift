import AdvisorCore
import AdvisorReport
import ArgumentParser
import Foundation
import MySQLConnector
import PostgresConnector

extension DBAdvisor {
    /// `dbadvisor scan postgres://…` or `mysql://…`: reads a live server's statistics and reports what to fix first.
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan a live database: statements, tables, indexes, foreign keys and connections, ranked.",
            discussion: """
                The connection is taken exactly as psql takes it: a URI (postgres://user@host:5432/db?sslmode=…), \
                a keyword string ("host=… dbname=…"), or nothing at all, with PGHOST, PGUSER, PGDATABASE, \
                PGSERVICE, PGSSLMODE … and ~/.pgpass supplying the rest. MySQL and MariaDB take a \
                mysql:// or mariadb:// URI (mysql://user@host:3306/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=…, \
                socket=/path, defaults-file=/path/my.cnf), with the [client] group of the option files \
                (~/.my.cnf) supplying what it leaves out, as the mysql client does. Every statement runs \
                read-only with statement and lock timeouts, named dbadvisor (application_name, program_name). \
                Progress goes to standard error, the report alone to standard output.
                """)

        @Argument(
            help: """
                The database: a postgres:// URI or libpq keyword string (empty: libpq's PG* variables decide), \
                or a mysql:// / mariadb:// URI.
                """)
        var connection: String = ""

        @Option(
            name: .customLong("explain-top"),
            help: "EXPLAIN the N statements with the most total time and review their plans.")
        var explainTop = 0

        @Flag(
            help: """
                Run the EXPLAINed statements for real (EXPLAIN ANALYZE): only plain SELECTs without \
                parameters, in a read-only transaction that is rolled back.
                """)
        var analyze = false

        @Option(help: "PgBouncer's admin console (postgres://user@host:6432/pgbouncer) to read pool saturation from.")
        var pgbouncer: String?

        @Option(
            name: .customLong("statement-timeout"),
            help: "The longest any statement of the scan may run, milliseconds.")
        var statementTimeoutMs = 5_000

        @Option(
            name: .customLong("lock-timeout"),
            help: "The longest any statement of the scan may wait for a lock, milliseconds.")
        var lockTimeoutMs = 1_000

        @Option(
            name: .customLong("save-snapshot"),
            help: "Also write what was collected to this file (JSON), for `dbadvisor report` later.")
        var saveSnapshot: String?

        @Flag(name: .shortAndLong, help: "No progress lines on standard error.")
        var quiet = false

        @OptionGroup var output: OutputOptions
        @OptionGroup var selection: RuleSelectionOptions
        @OptionGroup var history: HistoryOptions

        func validate() throws {
            guard explainTop >= 0 else { throw ValidationError("--explain-top takes a count of 0 or more.") }
            guard statementTimeoutMs > 0, lockTimeoutMs > 0 else {
                throw ValidationError("Timeouts are milliseconds greater than 0.")
            }
            if analyze, explainTop == 0 {
                throw ValidationError("--analyze applies to the statements --explain-top N chooses: give N.")
            }
            if isMySQL {
                if pgbouncer != nil {
                    throw ValidationError(
                        "--pgbouncer reads PgBouncer in front of PostgreSQL; it does not apply to MySQL.")
                }
            }
        }

        /// True for a mysql:// or mariadb:// URI.
        private var isMySQL: Bool {
            ["mysql", "mariadb"].contains(connection.prefix { $0 != ":" }.lowercased())
        }

        func run() throws {
            let engine = try selection.makeEngine()
            let outcome: ScanOutcome
            let scanStart = Date()
            do {
                outcome = try scan()
            } catch let error as ConnectionError {
                Terminal.printError("dbadvisor: \(error)")
                throw ExitCode(Terminal.Code.connection.rawValue)
            } catch let error as ServerError {
                Terminal.printError("dbadvisor: \(error)")
                throw ExitCode(Terminal.Code.connection.rawValue)
            }
            let snapshot = outcome.snapshot
            if let saveSnapshot { try write(snapshot, to: saveSnapshot) }
            var report = try history.report(
                snapshot, with: engine, command: "scan",
                source: snapshot.server.target ?? snapshot.server.engine.displayName,
                record: outcome.interruption == nil)
            // For the Prometheus format's dbadvisor_scan_duration_seconds.
            report.scanDurationSeconds = Date().timeIntervalSince(scanStart)
            try output.write(try output.format.reporter.render(report, options: RenderOptions(color: output.color)))
            if let interruption = outcome.interruption {
                Terminal.printError(
                    "dbadvisor: the scan stopped early, the report holds what was collected: \(interruption)")
                throw ExitCode(Terminal.Code.connection.rawValue)
            }
            try selection.enforceFailOn(report.findings)
        }

        private func scan() throws -> ScanOutcome {
            let progress = { (step: String) in
                if !quiet { Terminal.printError("dbadvisor: \(step)") }
            }
            if isMySQL {
                // MySQL waits for locks in whole seconds.
                let limits = MySQLSession.Limits(
                    statementTimeoutMs: statementTimeoutMs, lockTimeoutSeconds: max((lockTimeoutMs + 999) / 1000, 1))
                return try MySQLScanner.scan(
                    connection, options: MySQLScanner.Options(limits: limits, explainTop: explainTop, analyze: analyze),
                    progress: progress)
            }
            let options = PostgresScanner.Options(
                limits: LibPQSession.Limits(statementTimeoutMs: statementTimeoutMs, lockTimeoutMs: lockTimeoutMs),
                explainTop: explainTop, analyze: analyze, pgbouncer: pgbouncer)
            return try PostgresScanner.scan(connection, options: options, progress: progress)
        }

        private func write(_ snapshot: Snapshot, to path: String) throws {
            do {
                try snapshot.jsonData().write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                Terminal.printError("dbadvisor: cannot write the snapshot to \(path): \(error.localizedDescription)")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
        }
    }
}
