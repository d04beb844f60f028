/// The digest of query logs: statements grouped by fingerprint into ``LogStatementClass``es (calls, time
/// distribution, worst sample, who ran them), the time span covered, and the N+1 bursts the sessions' order shows.
///
/// Streaming: feed the statements of one log in order with ``add(_:)``, then ``finish()``; digests of several
/// logs (read in parallel) combine with ``merge(_:)``. Memory is bounded by the number of classes and the
/// sessions open within the burst gap, never by the number of statements.
public struct LogDigest: Sendable {
    /// What groups and what counts as a burst.
    public struct Options: Sendable {
        /// The N+1 detector's run length, gap and ignored prefixes.
        public var bursts = RepeatedQueryDetector.Options()
        /// Case-insensitive substrings of the normalized text: classes holding one are never part of a burst.
        public var ignoredPatterns: [String] = []

        /// The default options.
        public init() {}
    }

    public let options: Options
    /// The engine whose fingerprint rules apply; nil until the first log's format is known.
    public private(set) var engine: Engine?
    /// The classes, in the order first seen.
    public private(set) var classes: [LogStatementClass] = []
    /// The N+1 bursts, once ``finish()`` ran.
    public private(set) var bursts: [QueryBurst] = []
    /// Statements counted, and those without a session (which the N+1 detector cannot place).
    public private(set) var statements = 0
    public private(set) var statementsWithoutSession = 0
    /// Durations and header fields left out because no server could have written them.
    public private(set) var implausibleValues = 0
    /// The first and last timestamp seen, seconds since 1970.
    public private(set) var firstTime: Double?
    public private(set) var lastTime: Double?

    /// Fingerprints by PostgreSQL's rules until a log's format says otherwise.
    private var fingerprinter = StatementFingerprinter(engine: .postgres)
    private var classIndex: [UInt64: Int] = [:]
    private var detector: RepeatedQueryDetector
    private let lowercasedPatterns: [String]

    /// An empty digest.
    public init(options: Options = Options()) {
        self.options = options
        detector = RepeatedQueryDetector(options: options.bursts)
        lowercasedPatterns = options.ignoredPatterns.map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    /// The engine of the log about to be read (from its format). Throws when it differs from the engine of
    /// statements already counted: PostgreSQL and MySQL statements are never one class.
    public mutating func start(_ format: QueryLogFormat, file: String) throws {
        try adopt(format.engine, file: file, what: "a \(format.engine.displayName) log (\(format.rawValue))")
    }

    /// Counts one statement (after ``start(_:file:)``), in its log's order.
    public mutating func add(_ statement: LoggedStatement) {
        add(statement, hash: fingerprinter.hash(statement.text), fingerprinted: true)
    }

    /// `add` with the statement's class hash already computed (by `StatementFingerprinter.hash` for this
    /// digest's engine), so another thread can fingerprint while this one aggregates.
    public mutating func add(_ statement: LoggedStatement, hash: UInt64) {
        add(statement, hash: hash, fingerprinted: false)
    }

    /// `fingerprinted`: this digest's fingerprinter hashed the statement last, so it holds its normalized text.
    private mutating func add(_ statement: LoggedStatement, hash: UInt64, fingerprinted: Bool) {
        let position: Int
        if let known = classIndex[hash] {
            position = known
            classes[position].add(statement)
        } else {
            position = classes.count
            // A new class: its normalized text and tag come from fingerprinting it here once.
            if !fingerprinted { _ = fingerprinter.hash(statement.text) }
            var newClass = LogStatementClass(
                hash: hash, normalized: fingerprinter.normalized, tag: fingerprinter.tag, first: statement)
            newClass.burstRole = isIgnored(newClass.normalized) ? .ignored : detector.role(of: statement.text)
            newClass.add(statement)
            classes.append(newClass)
            classIndex[hash] = position
        }
        statements += 1
        implausibleValues += statement.implausibleValues
        if let duration = statement.durationMs, LogStatementClass.plausibleDuration(duration) == nil {
            implausibleValues += 1
        }
        if let time = statement.time {
            firstTime = min(firstTime ?? time, time)
            lastTime = max(lastTime ?? time, time)
        }
        guard let session = statement.session else {
            statementsWithoutSession += 1
            return
        }
        switch classes[position].burstRole {
        case .ignored: return
        case .transactionBoundary: return detector.endTransaction(session: session)
        case .kept: break
        }
        detector.addKept(
            QueryEvent(
                session: session, fingerprint: classes[position].id, text: statement.text, time: statement.time,
                durationMs: statement.durationMs, rows: statement.rowsSent, user: statement.user,
                database: statement.database, application: statement.application))
    }

    /// Closes the bursts still open: call once the log has been read.
    public mutating func finish() {
        bursts = Self.combine(bursts, detector.finish())
    }

    /// Adds another digest's classes, bursts and span (both finished).
    public mutating func merge(_ other: LogDigest) throws {
        if let engine = other.engine { try adopt(engine, file: "", what: "\(engine.displayName) logs") }
        for otherClass in other.classes {
            if let position = classIndex[otherClass.hash] {
                classes[position].merge(otherClass)
            } else {
                classIndex[otherClass.hash] = classes.count
                classes.append(otherClass)
            }
        }
        bursts = Self.combine(bursts, other.bursts)
        statements += other.statements
        implausibleValues += other.implausibleValues
        statementsWithoutSession += other.statementsWithoutSession
        if let first = other.firstTime { firstTime = min(firstTime ?? first, first) }
        if let last = other.lastTime { lastTime = max(lastTime ?? last, last) }
    }

    // MARK: - Private

    /// Whether an `--ignore` pattern leaves a class out of N+1 detection (its text lower-cased only when one is given).
    private func isIgnored(_ normalized: String) -> Bool {
        guard !lowercasedPatterns.isEmpty else { return false }
        let lowered = normalized.lowercased()
        return lowercasedPatterns.contains { lowered.contains($0) }
    }

    private mutating func adopt(_ engine: Engine, file: String, what: String) throws {
        if let current = self.engine, current != engine {
            throw InputError(
                file: file, reason: "\(what) among \(current.displayName) logs: give the logs of one engine at a time")
        }
        guard self.engine == nil else { return }
        self.engine = engine
        fingerprinter = StatementFingerprinter(engine: engine)
    }

    /// Bursts of the same (parent, child) pair from different logs become one; most child calls first.
    private static func combine(_ a: [QueryBurst], _ b: [QueryBurst]) -> [QueryBurst] {
        guard !a.isEmpty else { return b }
        var byKey: [String: QueryBurst] = [:]
        var order: [String] = []
        for burst in a + b {
            guard var known = byKey[burst.key] else {
                byKey[burst.key] = burst
                order.append(burst.key)
                continue
            }
            known.bursts += burst.bursts
            known.calls += burst.calls
            known.longestBurst = max(known.longestBurst, burst.longestBurst)
            if let time = burst.totalTimeMs { known.totalTimeMs = (known.totalTimeMs ?? 0) + time }
            known.burstsMatchingParentRows += burst.burstsMatchingParentRows
            known.burstsWithParentRows += burst.burstsWithParentRows
            // Logs of different files hold different sessions (a session cut by a log rotation counts twice).
            known.sessions += burst.sessions
            for (keyPath, values) in [
                (\QueryBurst.applications, burst.applications), (\QueryBurst.users, burst.users),
                (\QueryBurst.databases, burst.databases),
            ] {
                for value in values where known[keyPath: keyPath].count < 10 && !known[keyPath: keyPath].contains(value)
                {
                    known[keyPath: keyPath].append(value)
                }
            }
            if let first = burst.firstSeen { known.firstSeen = min(known.firstSeen ?? first, first) }
            if let last = burst.lastSeen { known.lastSeen = max(known.lastSeen ?? last, last) }
            byKey[burst.key] = known
        }
        return order.compactMap { byKey[$0] }.sorted {
            ($0.calls, $0.bursts, $1.key) > ($1.calls, $1.bursts, $0.key)
        }
    }
}
