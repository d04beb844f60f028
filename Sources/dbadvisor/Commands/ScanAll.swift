import AdvisorCore
import AdvisorReport
import ArgumentParser
import Foundation

extension DBAdvisor.Scan {
    /// A configured target ready to scan, or why it cannot be.
    private struct PreparedTarget: Sendable {
        var name: String
        var request: ScanRequest?
        var failure: String?
        var baseline: Baseline?
    }

    /// `scan --all`: every target, at most `--jobs` at once; a target that fails does not stop the others.
    /// Reports, baselines and the summary are written afterwards, in the configuration's order.
    func runAll(_ scanner: TargetScanner, engine: RuleEngine, configuration: AdvisorConfiguration) throws {
        guard !configuration.targets.isEmpty else {
            Terminal.printError("dbadvisor: \(selection.config ?? "configuration"): no targets: to scan")
            throw ExitCode(Terminal.Code.input.rawValue)
        }
        let files = try reportFiles(configuration, directory: output.output == "-" ? nil : output.output)
        if files == nil, output.format != .text || !configuration.output.formats.allSatisfy({ $0 == "text" }) {
            Terminal.printError(
                """
                dbadvisor: with --all only text reports go to standard output: set output.directory in \
                the configuration or give --output DIRECTORY
                """)
            throw ExitCode(Terminal.Code.input.rawValue)
        }
        // Baselines are read before any scan: a malformed one stops the run with nothing half done.
        var prepared: [PreparedTarget] = []
        for target in configuration.targets {
            var entry = PreparedTarget(name: target.name, baseline: try readBaseline(target: target.name))
            do {
                entry.request = try request(for: target)
            } catch {
                entry.failure = error.description
            }
            prepared.append(entry)
        }
        let scanned = prepared
        let outcomes = BoundedParallelism.map(count: scanned.count, jobs: jobs) { index in
            guard let request = scanned[index].request else {
                return Result<ScanOutcome, TargetFailure>.failure(
                    TargetFailure(scanned[index].failure ?? "not scanned"))
            }
            return scanner.scan(request)
        }

        var summary = ScanSummary(failOn: selection.failOn)
        var writeFailed = false
        let color = files == nil && output.color
        for (target, outcome) in zip(scanned, outcomes) {
            var result = TargetResult(name: target.name)
            var written: [String] = []
            switch outcome {
            case .failure(let failure):
                result.failure = failure.description
            case .success(let collected):
                result.interruption = collected.interruption
                result.timedOut = collected.timedOut
                do {
                    guard let request = target.request else { break }
                    if let saveSnapshot {
                        try write(collected.snapshot, to: Self.path(saveSnapshot, target: target.name))
                    }
                    let report = try report(
                        for: collected, request: request, engine: engine, ignore: configuration.ignore,
                        baseline: target.baseline)
                    result.report = report
                    if let files {
                        written = try files.write(report, target: target.name)
                    } else {
                        let text = try TextReporter.render(report, options: RenderOptions(color: color))
                        FileHandle.standardOutput.write(Data("== \(target.name) ==\n\n\(text)\n".utf8))
                    }
                    try writeBaseline(report, target: target.name)
                } catch {
                    // The message is out already (or here); the other targets still get their reports.
                    if !(error is ExitCode) { Terminal.printError("dbadvisor: \(target.name): \(error)") }
                    writeFailed = true
                    if result.report == nil { result.failure = "no report (see the error above)" }
                }
            }
            summary.add(result, counted: result.report.map(baselines.counted) ?? [], files: written)
        }
        FileHandle.standardOutput.write(Data(summary.text.utf8))
        if summary.anyFailed { throw ExitCode(Terminal.Code.connection.rawValue) }
        if writeFailed { throw ExitCode(Terminal.Code.input.rawValue) }
        if summary.anyTripped { throw ExitCode(Terminal.Code.findings.rawValue) }
    }
}

/// Runs blocking work (database sessions) on at most `jobs` threads of their own.
enum BoundedParallelism {
    /// `body(0..<count)`, results in index order.
    static func map<Output: Sendable>(
        count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> Output
    ) -> [Output] {
        let state = SharedState<Output>(count: count)
        let group = DispatchGroup()
        for _ in 0..<min(max(jobs, 1), count) {
            group.enter()
            // Threads, not the cooperative pool: each worker blocks in a client library for the whole scan.
            Thread.detachNewThread {
                while let index = state.claim() { state.store(body(index), at: index) }
                group.leave()
            }
        }
        group.wait()
        return state.results()
    }

    /// The next index to claim and the results so far, behind a lock.
    private final class SharedState<Output: Sendable>: @unchecked Sendable {
        // Safe: every access holds the lock.
        private let lock = NSLock()
        private let count: Int
        private var next = 0
        private var slots: [Output?]

        init(count: Int) {
            self.count = count
            slots = Array(repeating: nil, count: count)
        }

        func claim() -> Int? {
            lock.withLock {
                guard next < count else { return nil }
                defer { next += 1 }
                return next
            }
        }

        func store(_ result: Output, at index: Int) { lock.withLock { slots[index] = result } }

        func results() -> [Output] { lock.withLock { slots.compactMap { $0 } } }
    }
}
