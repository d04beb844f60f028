import AdvisorCore
import AdvisorReport
import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PlanFormat: ExpressibleByArgument {}

extension DBAdvisor {
    /// `dbadvisor explain plan.txt`: offline review of EXPLAIN output pasted from a ticket or piped in.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Review EXPLAIN output offline: the plan as a tree with self times, and ranked findings.",
            discussion: """
                Reads PostgreSQL EXPLAIN (text or JSON, with or without ANALYZE/BUFFERS) and MySQL/MariaDB \
                EXPLAIN (FORMAT=JSON, FORMAT=TREE, EXPLAIN ANALYZE, ANALYZE FORMAT=JSON, tabular or \\G), \
                exactly as psql or the mysql client print them. The format is detected; --input-format forces \
                one. A file may hold several plans, one per statement; each is reviewed in turn. With --compare, two \
                files of one plan each are compared.
                """)

        @Argument(help: "Files holding EXPLAIN output; '-' reads standard input.")
        var files: [String]

        @Option(
            name: .customLong("input-format"),
            help: "Read the input as this format instead of detecting it.")
        var inputFormat: PlanFormat?

        @Flag(
            name: .customLong("full-tree"),
            help: "Show every node of large plans (by default nodes under 1 % are folded).")
        var fullTree = false

        @Flag(
            help: """
                Compare two plans of one statement, BEFORE and AFTER (an index, a setting, an upgrade): nodes side \
                by side, what appeared and disappeared, the findings fixed and introduced, and a verdict.
                """)
        var compare = false

        @Option(
            name: .customLong("fail-if-slower"),
            help: """
                With --compare: exit 1 when the after plan is slower than the before plan by more than this \
                percentage ('20%' or '20'), by execution time, or by estimated cost when a plan has no timing.
                """)
        var failIfSlower: SlowdownThreshold?

        @OptionGroup var output: OutputOptions
        @OptionGroup var selection: RuleSelectionOptions

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("Give a plan file, or '-' to read standard input.") }
            guard files.filter({ $0 == "-" }).count <= 1 else {
                throw ValidationError("Standard input can be read only once.")
            }
            if compare {
                guard files.count == 2 else {
                    throw ValidationError("--compare takes two plan files, BEFORE and AFTER (got \(files.count)).")
                }
                guard output.format.comparisonReporter != nil else {
                    throw ValidationError("--compare reports as text, markdown, json or html.")
                }
            } else if failIfSlower != nil {
                throw ValidationError("--fail-if-slower needs --compare BEFORE AFTER.")
            }
        }

        func run() throws {
            if compare { return try runComparison() }
            let engine = try selection.makeEngine()
            var plans: [CapturedPlan] = []
            for file in files {
                let input = try InputFile.read(file)
                do {
                    let parsed = try PlanReader.read(input, format: inputFormat)
                    for (offset, plan) in parsed.enumerated() {
                        let label = parsed.count == 1 ? input.name : "\(input.name) plan \(offset + 1)"
                        plans.append(CapturedPlan(label: label, plan: plan))
                    }
                } catch let error as InputError {
                    Terminal.printError("dbadvisor: \(error)")
                    throw ExitCode(Terminal.Code.input.rawValue)
                }
            }
            let snapshot = Snapshot(
                server: ServerInfo(engine: plans[0].plan.engine), facets: [.plans], plans: plans)
            let outcome = engine.run(snapshot)
            let report = Report(
                command: "explain", source: files.map(InputFile.displayName).joined(separator: ", "),
                toolVersion: DBAdvisor.version, generatedAt: Date(), snapshot: snapshot,
                findings: outcome.findings, rules: outcome.ran, skippedRules: outcome.skipped)
            let options = RenderOptions(color: output.color, maxTreeNodes: fullTree ? Int.max : 60)
            try output.write(try output.format.reporter.render(report, options: options))
            try selection.enforceFailOn(report.findings)
        }
    }
}

/// Reads a named file or standard input into a `PlanInput`, turning I/O problems into exit code 2.
enum InputFile {
    static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    /// The paths, each one that holds a wildcard (`*`, `?`, `[…]`) and names no file replaced by the files it
    /// matches, in sorted order (rotated logs in the order written): a quoted pattern, or one from a cron job's
    /// configuration, works as the shell's would. A pattern that matches nothing is an input error.
    static func expandingPatterns(_ paths: [String]) throws -> [String] {
        try paths.flatMap { path -> [String] in
            guard path != "-", path.contains(where: { "*?[".contains($0) }),
                !FileManager.default.fileExists(atPath: path)
            else { return [path] }
            var matches = glob_t()
            defer { globfree(&matches) }
            guard glob(path, 0, nil, &matches) == 0 else {
                Terminal.printError("dbadvisor: \(path): matches no file")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
            return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }
        }
    }

    /// The most an input may hold: plans and snapshots are far smaller, and a wrong input (a disk image piped in)
    /// is refused before it fills memory.
    static let maximumBytes = 256 << 20

    static func read(_ path: String) throws -> PlanInput {
        let tooLarge =
            "dbadvisor: \(displayName(path)): larger than \(maximumBytes >> 20) MB, more than any plan or "
            + "snapshot holds: is this the right input?"
        if path == "-" {
            // In chunks, so that an endless or huge stream stops at the limit instead of filling memory first.
            var bytes: [UInt8] = []
            while let chunk = try FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty {
                guard bytes.count + chunk.count <= maximumBytes else {
                    Terminal.printError(tooLarge)
                    throw ExitCode(Terminal.Code.input.rawValue)
                }
                bytes.append(contentsOf: chunk)
            }
            return PlanInput(bytes: bytes, name: displayName(path))
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            Terminal.printError("dbadvisor: \(path): is a directory, expected a file with EXPLAIN output")
            throw ExitCode(Terminal.Code.input.rawValue)
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maximumBytes {
            Terminal.printError(tooLarge)
            throw ExitCode(Terminal.Code.input.rawValue)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.printError("dbadvisor: \(path): cannot read the file (does it exist, and may you read it?)")
            throw ExitCode(Terminal.Code.input.rawValue)
        }
        return PlanInput(bytes: [UInt8](data), name: displayName(path))
    }
}
