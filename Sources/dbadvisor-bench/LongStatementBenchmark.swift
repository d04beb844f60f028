import AdvisorCore
import AdvisorReport
import Foundation

/// `dbadvisor-bench long-statements [--megabytes N] [--only TEXT]`: one statement of N MB (10 by default) per log,
/// in each shape of `LongStatements` and each log format. Times what `dbadvisor logs` runs on it: reading,
/// fingerprinting and digesting into a snapshot (secrets redacted), the rules, then each report format; prints MB/s of
/// statement text per stage. A statement should cost no more per byte than reading the log. Asserts nothing.
enum LongStatementBenchmark {
    static let formats: [OutputFormat] = [.text, .json, .markdown, .html]

    static func run(arguments: [String]) throws {
        func value(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.dropFirst($0 + 1).first }
        }
        let megabytes = value("--megabytes").flatMap(Double.init) ?? 10
        let only = value("--only")
        print("dbadvisor-bench long-statements: one statement of \(fixed(megabytes, 1)) MB per log, one core;")
        print("MB/s of statement text, median of ≥ 3 passes filling ≥ 0.5 s (a pass of a format includes the rules).\n")
        print(row(["shape", "log", "MB", "read + digest MB/s"] + formats.map { "\($0.rawValue) MB/s" }))
        print(row(["---", "---", "--:", "--:"] + formats.map { _ in "--:" }))
        var options = LogAnalyzer.Options()
        options.jobs = 1
        let engine = RuleEngine.defaults
        for shape in LongStatements.Shape.allCases {
            let statement = LongStatements.statement(shape, bytes: Int(megabytes * 1e6))
            let statementMegabytes = Double(statement.utf8.count) / 1e6
            for log in LongStatements.Log.allCases {
                let name = "\(shape.rawValue) \(log.rawValue)"
                if let only, !name.contains(only) { continue }
                let input = QueryLogInput(bytes: LongStatements.log(log, holding: statement), name: name)
                var snapshot: Snapshot?
                let digestSeconds = secondsPerPass(repetitions: 3) {
                    snapshot = try? LogAnalyzer.analyze([input], options: options).snapshot
                }
                guard let snapshot else {
                    print(row([shape.rawValue, log.rawValue, "cannot be read"]))
                    continue
                }
                let rates = formats.map { format in
                    let seconds = secondsPerPass(repetitions: 3) {
                        let outcome = engine.run(snapshot)
                        let report = Report(
                            command: "logs", source: name, toolVersion: "bench", generatedAt: Date(),
                            snapshot: snapshot, findings: outcome.findings, rules: outcome.ran,
                            skippedRules: outcome.skipped)
                        _ = try? format.reporter.render(report, options: RenderOptions())
                    }
                    return fixed(statementMegabytes / seconds, 1)
                }
                print(
                    row(
                        [
                            shape.rawValue, log.rawValue, fixed(statementMegabytes, 1),
                            fixed(statementMegabytes / digestSeconds, 1),
                        ] + rates))
            }
        }
    }
}
