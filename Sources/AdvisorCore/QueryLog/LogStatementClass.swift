/// What a log digest keeps about one statement class (one fingerprint): counters, the time distribution,
/// the slowest execution as a sample, and capped lists of who ran it. Its size does not grow with the
/// number of executions.
public struct LogStatementClass: Sendable {
    /// The slowest execution seen (the first one when nothing is timed).
    public struct Sample: Sendable {
        /// The statement as it ran, bind parameters filled in.
        public var text: String
        public var durationMs: Double?
        public var time: Double?
        public var session: String?
        public var origin: LoggedStatement.Origin
    }

    /// How many distinct users, databases and applications are kept per class.
    public static let listLimit = 10
    /// Distinct sessions are counted exactly up to this many, then no more.
    public static let sessionLimit = 1_000

    /// The fingerprint's hash, and as 16 hex digits (the statement's id in snapshots and reports).
    public let hash: UInt64
    public let id: String
    /// The normalized text (built once, with the class).
    public let normalized: String
    /// The attribution tag (sqlcommenter / marginalia) first seen on the class.
    public var tag: String?
    public var calls = 0
    /// Executions with a duration, and their total, sum of squares and distribution.
    public var timedCalls = 0
    public var totalTimeMs = 0.0
    var sumOfSquares = 0.0
    public var histogram = LatencyHistogram()
    /// MySQL slow log: rows sent and examined, lock time, over the calls that logged them.
    public var rowsSent: Int?
    public var rowsExamined: Int?
    public var lockTimeMs: Double?
    /// PostgreSQL log: bytes of temporary files written, over the calls that logged them (`log_temp_files`).
    public var tempFileBytes: Int?
    /// MySQL-family slow log: full scans, temporary tables and merge passes, over the calls that logged them.
    public var executionCounters: LoggedStatement.ExecutionCounters?
    public var sample: Sample
    /// The auto_explain plan of the slowest execution that logged one, and that execution's time.
    public var plan: String?
    public var planDurationMs: Double?
    public var users: [String] = []
    public var databases: [String] = []
    public var applications: [String] = []
    /// Distinct sessions, up to `sessionLimit`.
    public private(set) var sessions: Set<String> = []
    /// First and last execution time, seconds since 1970.
    public var firstSeen: Double?
    public var lastSeen: Double?
    /// What the class is to N+1 detection: `--ignore` makes it ignored, else the detector's prefixes decide (once).
    var burstRole = RepeatedQueryDetector.Role.kept

    /// A class started by its first execution.
    init(hash: UInt64, normalized: String, tag: String?, first statement: LoggedStatement) {
        self.hash = hash
        id = Self.hex(hash)
        self.normalized = normalized
        self.tag = tag
        sample = Sample(
            text: statement.sampleText, durationMs: statement.durationMs, time: statement.time,
            session: statement.session, origin: statement.origin)
    }

    /// 16 lower-case hex digits.
    static func hex(_ hash: UInt64) -> String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Mean time per timed call, milliseconds.
    public var meanTimeMs: Double { timedCalls > 0 ? totalTimeMs / Double(timedCalls) : 0 }

    /// Standard deviation of the time per timed call (population), milliseconds.
    public var stddevTimeMs: Double? {
        guard timedCalls > 0 else { return nil }
        let mean = meanTimeMs
        return max(sumOfSquares / Double(timedCalls) - mean * mean, 0).squareRoot()
    }

    /// A duration a statement could have taken; nil for NaN, infinite, negative or past 30 years (counted as
    /// untimed, and as an implausible value in the digest).
    static func plausibleDuration(_ milliseconds: Double) -> Double? {
        milliseconds.isFinite && milliseconds >= 0 && milliseconds < 1e12 ? milliseconds : nil
    }

    /// Counts one execution.
    mutating func add(_ statement: LoggedStatement) {
        calls += 1
        let duration = statement.durationMs.flatMap(Self.plausibleDuration)
        if let duration {
            timedCalls += 1
            totalTimeMs += duration
            sumOfSquares += duration * duration
            histogram.record(duration)
            if duration > (sample.durationMs ?? -1) {
                sample = Sample(
                    text: statement.sampleText, durationMs: duration, time: statement.time,
                    session: statement.session, origin: statement.origin)
            }
        }
        if let plan = statement.plan, (duration ?? 0) >= (planDurationMs ?? -1) {
            self.plan = plan
            planDurationMs = duration ?? 0
        }
        if let rows = statement.rowsSent { rowsSent = (rowsSent ?? 0) + rows }
        if let rows = statement.rowsExamined { rowsExamined = (rowsExamined ?? 0) + rows }
        if let lock = statement.lockTimeMs { lockTimeMs = (lockTimeMs ?? 0) + lock }
        if let bytes = statement.tempFileBytes { tempFileBytes = (tempFileBytes ?? 0) + bytes }
        if let counters = statement.executionCounters { executionCounters = (executionCounters ?? .init()) + counters }
        Self.remember(statement.user, in: &users)
        Self.remember(statement.database, in: &databases)
        Self.remember(statement.application, in: &applications)
        if let session = statement.session, sessions.count < Self.sessionLimit { sessions.insert(session) }
        if let time = statement.time {
            firstSeen = min(firstSeen ?? time, time)
            lastSeen = max(lastSeen ?? time, time)
        }
    }

    /// Adds the executions another digest counted for the same class.
    mutating func merge(_ other: LogStatementClass) {
        calls += other.calls
        timedCalls += other.timedCalls
        totalTimeMs += other.totalTimeMs
        sumOfSquares += other.sumOfSquares
        histogram.merge(other.histogram)
        if (other.sample.durationMs ?? -1) > (sample.durationMs ?? -1) { sample = other.sample }
        if let otherPlan = other.plan, (other.planDurationMs ?? 0) >= (planDurationMs ?? -1) {
            plan = otherPlan
            planDurationMs = other.planDurationMs
        }
        rowsSent = Self.sum(rowsSent, other.rowsSent)
        rowsExamined = Self.sum(rowsExamined, other.rowsExamined)
        lockTimeMs = Self.sum(lockTimeMs, other.lockTimeMs)
        tempFileBytes = Self.sum(tempFileBytes, other.tempFileBytes)
        if let counters = other.executionCounters { executionCounters = (executionCounters ?? .init()) + counters }
        tag = tag ?? other.tag
        for user in other.users { Self.remember(user, in: &users) }
        for database in other.databases { Self.remember(database, in: &databases) }
        for application in other.applications { Self.remember(application, in: &applications) }
        for session in other.sessions where sessions.count < Self.sessionLimit { sessions.insert(session) }
        if let first = other.firstSeen { firstSeen = min(firstSeen ?? first, first) }
        if let last = other.lastSeen { lastSeen = max(lastSeen ?? last, last) }
    }

    // MARK: - Private

    private static func remember(_ value: String?, in list: inout [String]) {
        guard let value, !value.isEmpty, list.count < listLimit, !list.contains(value) else { return }
        list.append(value)
    }

    private static func sum<Value: AdditiveArithmetic>(_ a: Value?, _ b: Value?) -> Value? {
        guard let b else { return a }
        return (a ?? .zero) + b
    }
}
