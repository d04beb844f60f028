import Foundation

/// Reads query logs into one ``LogDigest`` and its snapshot: what `dbadvisor logs` runs. Several logs are read in
/// parallel, one per job, each into its own digest (and N+1 detector: a session lives in one log), merged at the
/// end. One log is read by one job, in order: the N+1 detector needs each session's statements in sequence.
public enum LogAnalyzer {
    /// How to read and digest.
    public struct Options: Sendable {
        public var reader = QueryLogReader.Options()
        public var digest = LogDigest.Options()
        /// Logs read at the same time (at least 1).
        public var jobs = ProcessInfo.processInfo.activeProcessorCount
        /// Classes whose auto_explain plan is reviewed.
        public var planLimit = LogDigest.defaultPlanLimit

        /// The default options.
        public init() {}
    }

    /// The digest of every log, the snapshot made of it, and each log's summary (in input order).
    public struct Analysis: Sendable {
        public var digest: LogDigest
        public var snapshot: Snapshot
        public var summaries: [QueryLogSummary]
    }

    /// Reads and digests `inputs`. Throws the first input's error (in input order) when one cannot be read or is
    /// no log, or when logs of different engines are mixed; an empty input is skipped with a notice when others
    /// are read, and is an error when every input is empty.
    public static func analyze(_ inputs: [QueryLogInput], options: Options = Options()) throws -> Analysis {
        let results = ResultSlots(count: inputs.count)
        let workers = max(1, min(options.jobs, inputs.count))
        if workers == 1 {
            // One file at a time: a second core aggregates while the first reads, when there is one.
            let pipelined = options.jobs >= 2
            for (position, input) in inputs.enumerated() {
                results.set(position, digest(input, options: options, pipelined: pipelined))
            }
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let position = results.claim() {
                    results.set(position, digest(inputs[position], options: options))
                }
            }
        }
        var merged = LogDigest(options: options.digest)
        var summaries: [QueryLogSummary] = []
        var emptyInputs: [InputError] = []
        for outcome in results.outcomes() {
            // An empty file among others (a log just rotated) is skipped and said; alone it is an input error.
            if case .failure(let error as InputError) = outcome, error.reason == QueryLogFormatDetector.emptyInputReason
            {
                emptyInputs.append(error)
                continue
            }
            let (digest, summary) = try outcome.get()
            try merged.merge(digest)
            summaries.append(summary)
        }
        if summaries.isEmpty, let first = emptyInputs.first { throw first }
        var snapshot = merged.snapshot(summaries: summaries, planLimit: options.planLimit)
        snapshot.notices += emptyInputs.map { Notice(level: .warning, message: "\($0.file): empty, nothing to read") }
        return Analysis(digest: merged, snapshot: snapshot, summaries: summaries)
    }

    /// One log into its own finished digest.
    private static func digest(_ input: QueryLogInput, options: Options, pipelined: Bool = false)
        -> Swift.Result<
            (LogDigest, QueryLogSummary), any Error
        >
    {
        Swift.Result {
            var digest = LogDigest(options: options.digest)
            var pipeline: DigestPipeline?
            let read = Swift.Result {
                try QueryLogReader.read(
                    input, options: options.reader,
                    formatChosen: { format in
                        try digest.start(format, file: input.name)
                        if pipelined { pipeline = DigestPipeline(digest: digest) }
                    },
                    each: { statement in
                        if let pipeline {
                            pipeline.add(statement)
                        } else {
                            digest.add(statement)
                        }
                    })
            }
            // The pipeline's thread ends either way; its digest holds what was read.
            if let pipeline { digest = pipeline.finish() }
            let summary = try read.get()
            // A forced format (or prefix) that fits no line reads nothing: say so rather than report nothing.
            if options.reader.format != nil, summary.lines == 0 {
                throw InputError(file: input.name, reason: QueryLogFormatDetector.emptyInputReason)
            }
            // Statement lines with no entry header anywhere: prose, source code, random bytes, not a slow log.
            if summary.format == .mysqlSlow, summary.statements > 0, summary.entriesWithoutHeader == summary.statements
            {
                throw InputError(
                    file: input.name,
                    reason: "no entry of a mysql-slow log (# Time:, # User@Host:, # Query_time: lines) in "
                        + "\(summary.lines) lines; leave out --log-format to detect the format")
            }
            if summary.statements == 0, summary.lines > 0,
                summary.unparsableLines == summary.lines || options.reader.format != nil
            {
                throw InputError(
                    file: input.name,
                    reason: "no line reads as a \(summary.format.rawValue) log"
                        + (summary.logLinePrefix.map { " with the prefix '\($0)'" } ?? "")
                        + " (\(summary.lines) lines); leave out --log-format to detect the format")
            }
            digest.finish()
            return (digest, summary)
        }
    }
}

/// The outcome of each input, filled by the workers, and the next input to claim.
private final class ResultSlots: @unchecked Sendable {
    // Guarded by `lock`.
    private var slots: [Result<(LogDigest, QueryLogSummary), any Error>?]
    private var next = 0
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        lock.withLock {
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }
    }

    func set(_ position: Int, _ outcome: Result<(LogDigest, QueryLogSummary), any Error>) {
        lock.withLock { slots[position] = outcome }
    }

    func outcomes() -> [Result<(LogDigest, QueryLogSummary), any Error>] {
        lock.withLock { slots.compactMap { $0 } }
    }
}
