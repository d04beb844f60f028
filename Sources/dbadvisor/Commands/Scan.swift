import AdvisorCore
import AdvisorReport
import ArgumentParser
import Foundation
import PostgresConnector

extension DBAdvisor {
    /// `dbadvisor scan postgres://…`: reads a live server's statistics and reports what to fix first.
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan a live database: statements, tables, indexes, foreign keys and connections, ranked.",
            discussion: """
                The connection is taken exactly as psql takes it: a URI (postgres://user@host:5432/db?sslmode=…), \
                a keyword string ("host=… dbname=…"), or nothing at all, with PGHOST, PGUSER, PGDATABASE, \
                PGSERVICE, PGSSLMODE … and ~/.pgpass supplying the rest. Every statement runs read-only with \
                statement and lock timeouts and application_name=dbadvisor. Progress goes to standard error, \
                the report alone to standard output.
                """)

        @Argument(
            help: "The database: a postgres:// URI or libpq keyword string; empty: libpq's PG* variables decide.")
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

        func validate() throws {
            guard explainTop >= 0 else { throw ValidationError("--explain-top takes a count of 0 or more.") }
            guard statementTimeoutMs > 0, lockTimeoutMs > 0 else {
                throw ValidationError("Timeouts are milliseconds greater than 0.")
            }
            if analyze, explainTop == 0 {
                throw ValidationError("--analyze applies to the statements --explain-top N chooses: give N.")
            }
            let scheme = connection.prefix { $0 != ":" }.lowercased()
            if ["mysql", "mariadb"].contains(scheme) {
                throw ValidationError("MySQL and MariaDB scans are not available yet; scan a PostgreSQL database.")
            }
        }

        func run() throws {
            let engine = try selection.makeEngine()
            let options = PostgresScanner.Options(
                limits: LibPQSession.Limits(statementTimeoutMs: statementTimeoutMs, lockTimeoutMs: lockTimeoutMs),
                explainTop: explainTop, analyze: analyze, pgbouncer: pgbouncer)
            let outcome: ScanOutcome
            do {
                outcome = try PostgresScanner.scan(connection, options: options) { step in
                    if !quiet { Terminal.printError("dbadvisor: \(step)") }
                }
            } catch let error as ConnectionError {
                Terminal.printError("dbadvisor: \(error)")
                throw ExitCode(Terminal.Code.connection.rawValue)
            } catch let error as ServerError {
                Terminal.printError("dbadvisor: \(error)")
                throw ExitCode(Terminal.Code.connection.rawValue)
            }
            let snapshot = outcome.snapshot
            if let saveSnapshot { try write(snapshot, to: saveSnapshot) }
            let run = engine.run(snapshot)
            let report = Report(
                command: "scan", source: snapshot.server.target ?? "PostgreSQL", toolVersion: DBAdvisor.version,
                generatedAt: Date(), snapshot: snapshot, findings: run.findings, rules: run.ran,
                skippedRules: run.skipped)
            try output.write(try output.format.reporter.render(report, options: RenderOptions(color: output.color)))
            if let interruption = outcome.interruption {
                Terminal.printError(
                    "dbadvisor: the scan stopped early, the report holds what was collected: \(interruption)")
                throw ExitCode(Terminal.Code.connection.rawValue)
            }
            try selection.enforceFailOn(report.findings)
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
