import AdvisorCore
import AdvisorReport
import ArgumentParser
import Foundation

extension DBAdvisor {
    /// `dbadvisor scan postgres://…` or `mysql://…`: reads a live server's statistics and reports what to fix first.
    /// `scan TARGET` and `scan --all` do the same for the targets of a configuration file.
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

                With --config, the argument may name one of the file's targets instead, and --all scans \
                every target, several at once: one report per target (files in the configured output \
                directory, or text sections on standard output) and a summary. Exit codes with --all: 3 when \
                any target could not be scanned, else 1 when --fail-on trips for any, else 0.
                """)

        @Argument(
            help: """
                The database: a postgres:// URI or libpq keyword string (empty: libpq's PG* variables decide), \
                a mysql:// / mariadb:// URI, or the name of a target of --config.
                """)
        var connection: String = ""

        @Flag(help: "Scan every target of --config.")
        var all = false

        @Option(help: "How many targets --all scans at once.")
        var jobs = 4

        @Option(
            name: .customLong("explain-top"),
            help: "EXPLAIN the N statements with the most total time and review their plans (default 0, at most 100).")
        var explainTop: SaturatingCount?

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
            help: "The longest any statement of the scan may run, milliseconds (default 5000).")
        var statementTimeoutMs: Int?

        @Option(
            name: .customLong("lock-timeout"),
            help: "The longest any statement of the scan may wait for a lock, milliseconds (default 1000).")
        var lockTimeoutMs: Int?

        @Option(
            name: .customLong("save-snapshot"),
            help: """
                Also write what was collected to this file (JSON), for `dbadvisor report` later (with --all, \
                the path must hold {target}).
                """)
        var saveSnapshot: String?

        @Flag(name: .shortAndLong, help: "No progress lines on standard error.")
        var quiet = false

        @OptionGroup var output: OutputOptions
        @OptionGroup var selection: RuleSelectionOptions
        @OptionGroup var history: HistoryOptions
        @OptionGroup var baselines: BaselineOptions

        func validate() throws {
            guard (statementTimeoutMs ?? 1) > 0, (lockTimeoutMs ?? 1) > 0 else {
                throw ValidationError("Timeouts are milliseconds greater than 0.")
            }
            guard jobs > 0 else { throw ValidationError("--jobs takes a count of 1 or more.") }
            if all {
                guard selection.config != nil else {
                    throw ValidationError("--all scans the targets of a configuration file: give --config FILE.")
                }
                guard connection.isEmpty else {
                    throw ValidationError("--all scans every configured target: leave out '\(connection)'.")
                }
                guard pgbouncer == nil else {
                    throw ValidationError("--pgbouncer names one pool; with --all, give each target its pgbouncer.")
                }
                guard history.target == nil else {
                    throw ValidationError("--target names one run; with --all, each target is recorded under its name.")
                }
                if let saveSnapshot, !saveSnapshot.contains("{target}") {
                    throw ValidationError("--save-snapshot with --all needs {target} in the path (\(saveSnapshot)).")
                }
            }
            try baselines.validate(perTarget: all)
            if baselines.onlyNew, baselines.baseline == nil, history.noHistory {
                throw ValidationError("--only-new needs --baseline FILE, or the history, to know what is new.")
            }
        }

        func run() throws {
            let (engine, configuration) = try selection.load()
            let scanner = TargetScanner(quiet: quiet, labelProgress: all)
            if all {
                try runAll(scanner, engine: engine, configuration: configuration)
                return
            }
            let request: ScanRequest
            do {
                request = try singleRequest(configuration)
            } catch {
                Terminal.printError("dbadvisor: \(error)")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
            let baseline = try readBaseline(target: request.name)
            let outcome: ScanOutcome
            let scanStart = Date()
            switch scanner.scan(request) {
            case .success(let collected): outcome = collected
            case .failure(let failure):
                Terminal.printError("dbadvisor: \(failure)")
                throw ExitCode((failure.isUsage ? Terminal.Code.input : Terminal.Code.connection).rawValue)
            }
            if let saveSnapshot { try write(outcome.snapshot, to: Self.path(saveSnapshot, target: request.name)) }
            var report = try report(
                for: outcome, request: request, engine: engine, ignore: configuration.ignore, baseline: baseline)
            // For the Prometheus format's dbadvisor_scan_duration_seconds.
            report.scanDurationSeconds = report.generatedAt.timeIntervalSince(scanStart)
            if let name = request.name, output.output == "-", let files = try reportFiles(configuration) {
                do {
                    _ = try files.write(report, target: name)
                } catch {
                    Terminal.printError("dbadvisor: \(error)")
                    throw ExitCode(Terminal.Code.input.rawValue)
                }
            } else {
                try output.write(try output.format.reporter.render(report, options: RenderOptions(color: output.color)))
            }
            try writeBaseline(report, target: request.name)
            if let interruption = outcome.interruption {
                Terminal.printError(
                    "dbadvisor: the scan stopped early, the report holds what was collected: \(interruption)")
                throw ExitCode(Terminal.Code.connection.rawValue)
            }
            if !outcome.timedOut.isEmpty {
                Terminal.printError(
                    "dbadvisor: the report is incomplete: the statement timeout (\(request.statementTimeoutMs) ms) "
                        + "cut short \(outcome.timedOut.joined(separator: ", ")); scan again with a larger "
                        + "--statement-timeout")
                throw ExitCode(Terminal.Code.connection.rawValue)
            }
            try selection.enforceFailOn(baselines.counted(report))
        }

        /// Every scanned target passes here, whichever way the scan was asked for (`scan URL`, `scan TARGET`,
        /// each target of `--all`), one at a time: the rules against the history (recording the run when it
        /// was complete, under the target's name), then the ignored objects, then what is new.
        func report(
            for outcome: ScanOutcome, request: ScanRequest, engine: RuleEngine, ignore: IgnoreRules,
            baseline: Baseline?
        ) throws -> Report {
            let snapshot = outcome.snapshot
            var report = try history.report(
                snapshot, with: engine, command: "scan",
                source: snapshot.server.target ?? snapshot.server.engine.displayName,
                record: outcome.isComplete, target: request.name)
            report.findings = ignore.apply(to: report.findings, in: report.snapshot)
            // An explicit baseline says what is known; without one, the history's previous run does.
            if let baseline { report.newFingerprints = baseline.newFingerprints(in: report.findings) }
            return report
        }

        // MARK: - Targets

        /// `scan TARGET` when the configuration has a target of that name, `scan URL` otherwise.
        private func singleRequest(_ configuration: AdvisorConfiguration) throws(ConfigurationError) -> ScanRequest {
            if let target = configuration.target(named: connection) { return try request(for: target) }
            let looksLikeAName = !connection.isEmpty && !connection.contains(where: { ":=/ ".contains($0) })
            if selection.config != nil, looksLikeAName {
                let names = configuration.targets.map(\.name).joined(separator: ", ")
                throw ConfigurationError(
                    "\(selection.config ?? ""): no target named '\(connection)' (targets: \(names.isEmpty ? "none" : names))"
                )
            }
            let isMySQL = ScanTarget.engine(ofDSN: connection)?.isMySQLFamily ?? false
            return try request(name: nil, connection: connection, isMySQL: isMySQL, target: nil)
        }

        /// A configured target with the command line's options over its own.
        func request(for target: ScanTarget) throws(ConfigurationError) -> ScanRequest {
            let dsn = try target.resolveDSN(environment: ProcessInfo.processInfo.environment)
            let engine = target.engine ?? ScanTarget.engine(ofDSN: dsn) ?? .postgres
            return try request(name: target.name, connection: dsn, isMySQL: engine.isMySQLFamily, target: target)
        }

        private func request(name: String?, connection: String, isMySQL: Bool, target: ScanTarget?)
            throws(ConfigurationError) -> ScanRequest
        {
            let request = ScanRequest(
                name: name, connection: connection, isMySQL: isMySQL,
                explainTop: explainTop?.value ?? target?.explainTop ?? 0, analyze: analyze || target?.analyze == true,
                statementTimeoutMs: statementTimeoutMs ?? target?.statementTimeoutMs ?? 5_000,
                lockTimeoutMs: lockTimeoutMs ?? target?.lockTimeoutMs ?? 1_000,
                pgbouncer: pgbouncer ?? target?.pgbouncer)
            let subject = name.map { "target \($0): " } ?? ""
            if request.analyze, request.explainTop == 0 {
                throw ConfigurationError(
                    "\(subject)--analyze applies to the statements --explain-top N chooses: give N.")
            }
            if request.isMySQL, request.pgbouncer != nil {
                throw ConfigurationError(
                    "\(subject)--pgbouncer reads PgBouncer in front of PostgreSQL; it does not apply to MySQL.")
            }
            return request
        }

        // MARK: - Files

        /// The configured report files, when the configuration names an output directory (or `--all` an
        /// `--output` one). Unknown formats are input errors.
        func reportFiles(_ configuration: AdvisorConfiguration, directory: String? = nil) throws -> ReportFiles? {
            guard let directory = directory ?? configuration.output.directory else { return nil }
            var formats: [OutputFormat] = []
            for name in configuration.output.formats {
                guard let format = OutputFormat(rawValue: name) else {
                    let known = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
                    Terminal.printError(
                        "dbadvisor: \(selection.config ?? "configuration"): output.formats: unknown format '\(name)' (known: \(known))"
                    )
                    throw ExitCode(Terminal.Code.input.rawValue)
                }
                formats.append(format)
            }
            return ReportFiles(
                directory: directory, fileName: configuration.output.fileName,
                formats: formats.isEmpty ? [output.format] : formats)
        }

        func readBaseline(target: String?) throws -> Baseline? {
            do {
                return try baselines.read(target: target)
            } catch {
                Terminal.printError("dbadvisor: \(error)")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
        }

        func writeBaseline(_ report: Report, target: String?) throws {
            do {
                try baselines.write(report, target: target)
            } catch {
                Terminal.printError("dbadvisor: \(error)")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
        }

        func write(_ snapshot: Snapshot, to path: String) throws {
            do {
                try AtomicFile.write(snapshot.jsonData(), to: path)
            } catch {
                Terminal.printError("dbadvisor: cannot write the snapshot to \(path): \(error.localizedDescription)")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
        }

        /// A per-target path: `{target}` replaced by the target's name.
        static func path(_ pattern: String, target: String?) -> String {
            guard let target else { return pattern }
            return pattern.replacingOccurrences(of: "{target}", with: target)
        }
    }
}
