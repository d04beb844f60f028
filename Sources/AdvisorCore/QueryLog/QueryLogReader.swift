/// Reads a query log in chunks and hands out its statements one by one: the entry point of the log
/// readers. Memory stays bounded whatever the file size: one chunk, the entry being read (at most
/// `Options.maximumEntryBytes`) and per-session state.
public enum QueryLogReader {
    /// How to read.
    public struct Options: Sendable {
        /// The format; nil to detect it from the first lines.
        public var format: QueryLogFormat?
        /// The PostgreSQL `log_line_prefix`; nil to try the common ones.
        public var logLinePrefix: PostgresLogLinePrefix?
        /// The longest entry (statement, plan) kept; longer ones are cut and counted.
        public var maximumEntryBytes = 16 << 20
        /// Bytes read at a time.
        public var chunkBytes = 1 << 20

        /// Options for detecting everything.
        public init(format: QueryLogFormat? = nil, logLinePrefix: PostgresLogLinePrefix? = nil) {
            self.format = format
            self.logLinePrefix = logLinePrefix
        }
    }

    /// Lines looked at to detect the format.
    static let detectionLines = 200

    /// Reads `input`, calling `each` per statement in log order; returns what was read. Throws an
    /// `InputError` when the input cannot be opened or read, or is no log of a known format (the
    /// error names the formats tried), and rethrows what `each` throws. `formatChosen` is told the
    /// format once it is known, before the first statement (a digest fingerprints by its engine).
    @discardableResult
    public static func read(
        _ input: QueryLogInput, options: Options = Options(), formatChosen: (QueryLogFormat) throws -> Void = { _ in },
        each: (LoggedStatement) throws -> Void
    ) throws -> QueryLogSummary {
        let source = try input.openSource()
        var splitter = LogLineSplitter(maximumLineBytes: options.maximumEntryBytes)
        var chunk = [UInt8](repeating: 0, count: max(options.chunkBytes, 4096))
        var sample: [(bytes: [UInt8], number: Int, offset: Int)] = []
        var sampleBytes = 0
        var reader: (any QueryLogLineReader)?
        var summary = QueryLogSummary(file: input.name, format: options.format ?? .postgresStderr)

        func startReading() throws {
            let chosen = try choose(sample.map(\.bytes), options: options, name: input.name)
            summary.format = chosen.format
            summary.logLinePrefix = (chosen.reader as? PostgresStderrLogReader)?.prefix.text
            summary.otherFittingPrefixes = chosen.alternatives
            reader = chosen.reader
            try formatChosen(chosen.format)
            for line in sample {
                try line.bytes.withUnsafeBufferPointer { bytes in
                    try chosen.reader.read(
                        LogLine(bytes: bytes, number: line.number, offset: line.offset), &summary, each)
                }
            }
            sample = []
        }

        func take(_ line: LogLine) throws {
            if let reader {
                try reader.read(line, &summary, each)
                return
            }
            sample.append((Array(line.bytes), line.number, line.offset))
            sampleBytes += line.count
            if sample.count >= detectionLines || sampleBytes >= 1 << 20 { try startReading() }
        }

        while true {
            let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { break }
            summary.bytes += count
            try chunk.withUnsafeBufferPointer { buffer in
                try splitter.split(UnsafeBufferPointer(rebasing: buffer[0..<count]), take)
            }
        }
        try splitter.finish(take)
        if reader == nil { try startReading() }
        try reader?.finish(&summary, each)
        summary.lines = splitter.lineNumber
        summary.truncatedEntries += splitter.truncatedLines
        return summary
    }

    /// Reads every statement of an input into an array (tests and small inputs).
    public static func readAll(_ input: QueryLogInput, options: Options = Options()) throws -> (
        statements: [LoggedStatement], summary: QueryLogSummary
    ) {
        var statements: [LoggedStatement] = []
        let summary = try read(input, options: options) { statements.append($0) }
        return (statements, summary)
    }

    // MARK: - Private

    private static func choose(_ lines: [[UInt8]], options: Options, name: String) throws -> (
        format: QueryLogFormat, reader: any QueryLogLineReader, alternatives: [String]
    ) {
        let maximum = options.maximumEntryBytes
        let format: QueryLogFormat
        var prefix = options.logLinePrefix
        var alternatives: [String] = []
        if let forced = options.format {
            format = forced
            if forced == .postgresStderr && prefix == nil {
                let best = QueryLogFormatDetector.bestPrefix(lines)
                prefix = best?.prefix ?? PostgresLogLinePrefix("%m [%p] ")
                alternatives = best?.alternatives ?? []
            }
        } else {
            let detected = try QueryLogFormatDetector.detect(lines, prefix: options.logLinePrefix, name: name)
            format = detected.format
            prefix = detected.prefix ?? prefix
            alternatives = detected.alternatives
        }
        let reader: any QueryLogLineReader
        switch format {
        case .postgresStderr:
            reader = PostgresStderrLogReader(
                prefix: prefix ?? PostgresLogLinePrefix("%m [%p] "), file: name, maximumEntryBytes: maximum)
        case .postgresCSV: reader = PostgresCSVLogReader(file: name, maximumEntryBytes: maximum)
        case .postgresJSON: reader = PostgresJSONLogReader(file: name, maximumEntryBytes: maximum)
        case .mysqlSlow: reader = MySQLSlowLogReader(file: name, maximumEntryBytes: maximum)
        case .mysqlGeneral: reader = MySQLGeneralLogReader(file: name, maximumEntryBytes: maximum)
        }
        return (format, reader, alternatives)
    }
}
