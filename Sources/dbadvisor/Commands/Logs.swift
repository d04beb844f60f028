import AdvisorCore
import AdvisorReport
import ArgumentParser
import Foundation

extension QueryLogFormat: ExpressibleByArgument {}

extension DBAdvisor {
    /// `dbadvisor logs postgresql.log`: a digest of server or slow logs (the statements that cost the most, with
    /// percentiles and worst samples), the N+1 bursts the sessions' order shows, and the rules' findings on them.
    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Digest query logs: the statements that cost the most, N+1 bursts, ranked findings.",
            discussion: """
                Reads PostgreSQL logs (stderr with any log_line_prefix, csvlog, jsonlog; lines of \
                log_min_duration_statement, log_statement with log_duration, DETAIL parameters, auto_explain \
                plans) and MySQL/MariaDB slow and general query logs, plain or gzip-compressed; '-' reads \
                standard input. The format is detected (--log-format forces one); a PostgreSQL prefix is \
                detected too, or taken from --log-line-prefix or the log_line_prefix of --pg-config. Lines \
                that cannot be read are counted and reported, not fatal; a file that is no log is an error \
                (exit 2). Several files are read in parallel (--jobs).
                """)

        @Argument(
            help: "Log files (.gz read as such) or quoted patterns ('postgresql-*.log'); '-' reads standard input.")
        var files: [String]

        @Option(name: .customLong("log-format"), help: "Read the logs as this format instead of detecting it.")
        var logFormat: QueryLogFormat?

        @Option(
            name: .customLong("log-line-prefix"),
            help: "PostgreSQL's log_line_prefix as the server was configured ('%m [%p] %q%u@%d ').")
        var logLinePrefix: String?

        @Option(name: .customLong("pg-config"), help: "A postgresql.conf to take log_line_prefix from.")
        var pgConfig: String?

        @Option(name: .customLong("min-burst"), help: "Calls of one statement in a row that make an N+1 burst.")
        var minBurst = 5

        @Option(
            name: .customLong("burst-gap"),
            help: "The longest pause between two calls of one burst, seconds.")
        var burstGap = 1.0

        @Option(
            name: .customLong("ignore"),
            help: """
                Leave statements whose normalized text contains this (case-insensitive) out of N+1 detection; \
                repeat for several.
                """)
        var ignore: [String] = []

        @Option(
            help: """
                Threads: several logs are read in parallel, one per thread; one log is read on one thread and \
                digested on a second (default: the number of cores).
                """)
        var jobs = ProcessInfo.processInfo.activeProcessorCount

        @Flag(name: .shortAndLong, help: "No progress lines on standard error.")
        var quiet = false

        @OptionGroup var output: OutputOptions
        @OptionGroup var selection: RuleSelectionOptions

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("Give a log file, or '-' to read standard input.") }
            guard files.filter({ $0 == "-" }).count <= 1 else {
                throw ValidationError("Standard input can be read only once.")
            }
            guard minBurst >= 2 else { throw ValidationError("--min-burst takes a count of 2 or more.") }
            guard burstGap > 0 else { throw ValidationError("--burst-gap takes seconds greater than 0.") }
            guard jobs >= 1 else { throw ValidationError("--jobs takes a count of 1 or more.") }
            if logLinePrefix != nil, pgConfig != nil {
                throw ValidationError("Give the prefix with --log-line-prefix or --pg-config, not both.")
            }
        }

        func run() throws {
            let engine = try selection.makeEngine()
            let options = try analyzerOptions()
            let paths = try InputFile.expandingPatterns(files)
            let started = Date()
            let analysis: LogAnalyzer.Analysis
            do {
                analysis = try LogAnalyzer.analyze(paths.map(QueryLogInput.init(path:)), options: options)
            } catch let error as InputError {
                Terminal.printError("dbadvisor: \(error)")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
            if !quiet { progress(analysis, seconds: Date().timeIntervalSince(started)) }
            let snapshot = analysis.snapshot
            let outcome = engine.run(snapshot)
            let report = Report(
                command: "logs", source: paths.map(InputFile.displayName).joined(separator: ", "),
                toolVersion: DBAdvisor.version, generatedAt: Date(), snapshot: snapshot, findings: outcome.findings,
                rules: outcome.ran, skippedRules: outcome.skipped)
            try output.write(try output.format.reporter.render(report, options: RenderOptions(color: output.color)))
            try selection.enforceFailOn(report.findings)
        }

        private func analyzerOptions() throws -> LogAnalyzer.Options {
            var options = LogAnalyzer.Options()
            options.jobs = jobs
            options.reader.format = logFormat
            if let logLinePrefix {
                options.reader.logLinePrefix = PostgresLogLinePrefix(logLinePrefix)
            } else if let pgConfig {
                guard let text = try? String(contentsOfFile: pgConfig, encoding: .utf8) else {
                    Terminal.printError(
                        "dbadvisor: \(pgConfig): cannot read the file (does it exist, and may you read it?)")
                    throw ExitCode(Terminal.Code.input.rawValue)
                }
                guard let prefix = PostgresLogLinePrefix.fromConfiguration(text) else {
                    Terminal.printError("dbadvisor: \(pgConfig): sets no log_line_prefix")
                    throw ExitCode(Terminal.Code.input.rawValue)
                }
                options.reader.logLinePrefix = prefix
            }
            options.digest.bursts.minimumRun = minBurst
            options.digest.bursts.maximumGapSeconds = burstGap
            options.digest.ignoredPatterns = ignore
            return options
        }

        /// One line per log and the total rate, on standard error.
        private func progress(_ analysis: LogAnalyzer.Analysis, seconds: Double) {
            var bytes = 0
            for summary in analysis.summaries {
                bytes += summary.bytes
                var line = "dbadvisor: \(InputFile.displayName(summary.file)): \(summary.format.rawValue)"
                if let prefix = summary.logLinePrefix { line += " (prefix '\(prefix)')" }
                line += ", \(summary.statements) statements, \(summary.lines) lines"
                if summary.unparsableLines > 0 { line += ", \(summary.unparsableLines) unreadable" }
                Terminal.printError(line)
            }
            let digest = analysis.digest
            let elapsed = max(seconds, 1e-6)
            Terminal.printError(
                "dbadvisor: \(digest.statements) statements in \(digest.classes.count) classes, "
                    + "\(digest.bursts.count) N+1 pattern\(digest.bursts.count == 1 ? "" : "s") in "
                    + String(
                        format: "%.2f s (%.0f statements/s, %.1f MB/s)", seconds, Double(digest.statements) / elapsed,
                        Double(bytes) / 1e6 / elapsed))
        }
    }
}
