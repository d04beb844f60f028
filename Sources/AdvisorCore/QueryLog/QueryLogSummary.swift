/// What reading one log found besides its statements: its format, its size, and what could not be read.
public struct QueryLogSummary: Sendable {
    /// A line no format rule accepted, kept to show the user.
    public struct UnparsableLine: Sendable, Equatable {
        /// 1-based line number.
        public var line: Int
        /// The line, cut to 200 characters.
        public var text: String

        /// A line as kept.
        public init(line: Int, text: String) {
            self.line = line
            self.text = text
        }
    }

    /// How many unparsable lines are kept as samples.
    public static let sampleLimit = 5

    /// The input as the user named it.
    public var file: String
    /// The format read (detected or forced).
    public var format: QueryLogFormat
    /// The `log_line_prefix` used for a PostgreSQL stderr log (given, or the one detected).
    public var logLinePrefix: String?
    /// Guessed prefixes that read as many lines as `logLinePrefix` but the fields differently: the guess may be
    /// wrong, and the report says so.
    public var otherFittingPrefixes: [String] = []
    /// Statements handed out.
    public var statements = 0
    /// Statements the server reported as failed (`ERROR` then `STATEMENT:`), not handed out.
    public var failedStatements = 0
    /// Lines and (decompressed) bytes read.
    public var lines = 0
    public var bytes = 0
    /// Lines that fit no rule of the format, and the first few of them.
    public var unparsableLines = 0
    public var unparsableSamples: [UnparsableLine] = []
    /// Entries cut because they were longer than the reader keeps (`QueryLogReader.Options.maximumEntryBytes`).
    public var truncatedEntries = 0
    /// MySQL slow log: statements read without any header line of their own (`# Time:`, `# Query_time:` …), as
    /// at the start of a file cut mid-entry. When every statement is one, the input is no slow log.
    public var entriesWithoutHeader = 0
    /// PostgreSQL: lock waits and deadlocks per statement class hash (as the digest fingerprints them).
    public var lockWaits: [UInt64: StatementLockWaits] = [:]
    /// PostgreSQL: errors per statement class hash.
    public var statementErrors: [UInt64: StatementErrors] = [:]
    /// PostgreSQL: the checkpoints logged (`log_checkpoints`).
    public var checkpoints = CheckpointLog()
    /// PostgreSQL: sessions started (`connection authorized`, `log_connections`) and ended with their length
    /// (`disconnection: session time: 0:00:00.012`, `log_disconnections`).
    public var connections = 0
    public var disconnections = 0
    public var sessionSeconds = 0.0

    /// What `checkpoint starting:`, `checkpoint complete:` and `checkpoints are occurring too frequently` lines say.
    public struct CheckpointLog: Sendable, Equatable {
        public var timed = 0
        /// Started because WAL neared max_wal_size (`wal`, `xlog` before PostgreSQL 11).
        public var requested = 0
        /// Forced or immediate (CHECKPOINT, backups), shutdown, end of recovery.
        public var other = 0
        public var tooFrequentWarnings = 0
        public var shortestSecondsApart: Double?
        /// `distance=` of completed checkpoints: their sum (kB) and how many said it.
        public var distanceKilobytes = 0.0
        public var distances = 0
        /// When the first and the last checkpoint started, seconds since 1970.
        public var firstStart: Double?
        public var lastStart: Double?

        public var isEmpty: Bool { timed + requested + other + tooFrequentWarnings == 0 }

        mutating func merge(_ other: CheckpointLog) {
            timed += other.timed
            requested += other.requested
            self.other += other.other
            tooFrequentWarnings += other.tooFrequentWarnings
            if let seconds = other.shortestSecondsApart {
                shortestSecondsApart = min(shortestSecondsApart ?? seconds, seconds)
            }
            distanceKilobytes += other.distanceKilobytes
            distances += other.distances
            if let first = other.firstStart { firstStart = min(firstStart ?? first, first) }
            if let last = other.lastStart { lastStart = max(lastStart ?? last, last) }
        }
    }

    /// An empty summary for a file about to be read.
    public init(file: String, format: QueryLogFormat, logLinePrefix: String? = nil) {
        self.file = file
        self.format = format
        self.logLinePrefix = logLinePrefix
    }

    mutating func unparsable(_ line: LogLine) {
        unparsableLines += 1
        if unparsableSamples.count < Self.sampleLimit {
            unparsableSamples.append(UnparsableLine(line: line.number, text: String(line.text().prefix(200))))
        }
    }
}

/// Reads the lines of one log format into statements. Readers are classes so that the state they
/// keep (open entries, sessions) is never copied while lines stream through.
protocol QueryLogLineReader: AnyObject {
    /// One line, in input order.
    func read(_ line: LogLine, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows
    /// The input ended: hands out what is still open.
    func finish(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows
}
