/// Finds N+1 bursts in statement executions read in session order (a log, MySQL's statement
/// history): the same statement `minimumRun` or more times in a row in one session, each call within
/// `maximumGapSeconds` of the previous, after a parent — the statement run just before the burst in the same
/// transaction, one that returns rows (a loop runs over a result). A run after a write, after the start of a
/// transaction or at the start of a session has no parent and is no N+1 loop: a bulk insert, or a
/// transaction's independent lookups.
///
/// Streaming: feed events with `add` in the order each session ran them (sessions may interleave),
/// then call `finish`. Memory grows with the sessions active within the gap and the distinct
/// (parent, child) pairs found, not with the number of events: sessions idle longer than the gap are
/// closed as time passes.
public struct RepeatedQueryDetector: Sendable {
    public struct Options: Sendable {
        /// Calls in a row that make a burst.
        public var minimumRun = 5
        /// The longest pause between two calls of one burst, seconds (ignored for untimed events).
        public var maximumGapSeconds = 1.0
        /// Statements that never form or break a burst (savepoints, `SET`, health checks): case-insensitive
        /// prefixes of the normalized text.
        public var ignoredPrefixes = [
            "savepoint", "release", "set ", "show ", "select 1", "select ?", "select $1", "deallocate", "discard",
            "reset ", "use ",
        ]
        /// Transaction control: a burst ends there, and no parent is taken from across it.
        public var transactionBoundaryPrefixes = ["begin", "start transaction", "commit", "rollback", "end", "abort"]
        /// What a parent's text starts with: statements that return rows to loop over (or contain `returning`).
        public var parentPrefixes = ["select", "with", "values", "table"]

        public init() {}
    }

    public let options: Options
    private var sessions: [String: SessionState] = [:]
    private var pairs: [String: PairTotals] = [:]
    private var eventsSinceSweep = 0
    private var latestTime: Double?

    /// The options' prefixes as lower-case bytes, compared without making strings per event.
    private let ignoredPrefixBytes: [[UInt8]]
    private let boundaryPrefixBytes: [[UInt8]]
    private let parentPrefixBytes: [[UInt8]]

    public init(options: Options = Options()) {
        self.options = options
        ignoredPrefixBytes = options.ignoredPrefixes.map { Array($0.lowercased().utf8) }
        boundaryPrefixBytes = options.transactionBoundaryPrefixes.map { Array($0.lowercased().utf8) }
        parentPrefixBytes = options.parentPrefixes.map { Array($0.lowercased().utf8) }
    }

    /// What a statement is to the detector.
    public enum Role: Sendable {
        /// Neither forms nor breaks a burst (`Options.ignoredPrefixes`).
        case ignored
        /// Ends the session's burst and parent (`Options.transactionBoundaryPrefixes`).
        case transactionBoundary
        /// Forms bursts and may be a parent.
        case kept
    }

    /// One execution, in its session's order.
    public mutating func add(_ event: QueryEvent) {
        switch role(of: event.text) {
        case .ignored: return
        case .transactionBoundary: endTransaction(session: event.session)
        case .kept: addKept(event)
        }
    }

    /// The statement's role, from its first bytes.
    public func role(of text: String) -> Role {
        if Self.starts(text, withAnyOf: boundaryPrefixBytes) { return .transactionBoundary }
        return Self.starts(text, withAnyOf: ignoredPrefixBytes) ? .ignored : .kept
    }

    /// A transaction ended or began in `session`: its burst ends, and the next has no parent before it.
    public mutating func endTransaction(session: String) {
        guard let state = sessions.removeValue(forKey: session) else { return }
        if let run = state.run { close(run, session: session) }
    }

    /// True for a statement that returns rows a loop could run over.
    private func canBeParent(_ text: String) -> Bool {
        Self.starts(text, withAnyOf: parentPrefixBytes) || text.range(of: "returning", options: .caseInsensitive) != nil
    }

    private static func starts(_ text: String, withAnyOf prefixes: [[UInt8]]) -> Bool {
        let bytes = text.utf8.prefix(32).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D || $0 == 0x28 }
        return prefixes.contains { prefix in
            guard bytes.count >= prefix.count else { return false }
            var index = bytes.startIndex
            for expected in prefix {
                let byte = bytes[index]
                // ASCII letters compared without case; the prefixes are lower-case.
                let lowered = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                guard lowered == expected else { return false }
                index = bytes.index(after: index)
            }
            return true
        }
    }

    /// `add` for an event whose statement ``role(of:)`` says is kept: a log digest asks once per
    /// statement class rather than once per execution.
    mutating func addKept(_ event: QueryEvent) {
        if let time = event.time { latestTime = max(latestTime ?? time, time) }
        // The session's state is updated in place (one lookup); a run the event ends is closed after.
        let ended = Self.advance(
            &sessions[event.session, default: SessionState()], by: event, gap: options.maximumGapSeconds)
        if let ended { close(ended, session: event.session) }
        eventsSinceSweep += 1
        if eventsSinceSweep >= 50_000 { sweepIdleSessions() }
    }

    /// Closes every open burst and returns the bursts found, most child calls first.
    public mutating func finish() -> [QueryBurst] {
        for (session, state) in sessions {
            if let run = state.run { close(run, session: session) }
        }
        sessions = [:]
        return pairs.values.map(\.burst).sorted {
            ($0.calls, $0.bursts, $1.key) > ($1.calls, $1.bursts, $0.key)
        }
    }

    // MARK: - Private

    private struct Run: Sendable {
        var parent: QueryEvent?
        var child: QueryEvent
        var count: Int
        var firstTime: Double?
        var lastTime: Double?
        var timeMs: Double?
    }

    private struct SessionState: Sendable {
        var previous: QueryEvent?
        var run: Run?
    }

    private struct PairTotals: Sendable {
        var burst: QueryBurst
        var sessionNames: Set<String>
    }

    /// Moves a session on by one event: its run goes on, or a new one starts; returns the run that ended.
    private static func advance(_ state: inout SessionState, by event: QueryEvent, gap: Double) -> Run? {
        var ended: Run?
        if let run = state.run, run.child.fingerprint == event.fingerprint,
            isWithin(gap, from: run.lastTime, to: event.time)
        {
            state.run?.count += 1
            state.run?.lastTime = event.time ?? run.lastTime
            if let duration = event.durationMs { state.run?.timeMs = (run.timeMs ?? 0) + duration }
        } else {
            ended = state.run
            // The run's parent is the statement before it; a repeat of that parent has none new.
            let parent = state.previous.flatMap { $0.fingerprint == event.fingerprint ? nil : $0 }
            state.run = Run(
                parent: parent, child: event, count: 1, firstTime: event.time, lastTime: event.time,
                timeMs: event.durationMs)
        }
        state.previous = event
        return ended
    }

    private static func isWithin(_ gap: Double, from last: Double?, to time: Double?) -> Bool {
        guard let time, let last else { return true }
        return time - last <= gap
    }

    private func add(_ total: Double?, _ value: Double?) -> Double? {
        guard let value else { return total }
        return (total ?? 0) + value
    }

    private mutating func close(_ run: Run, session: String) {
        guard run.count >= options.minimumRun, let parent = run.parent, canBeParent(parent.text) else { return }
        let key = "\(run.parent?.fingerprint ?? "-")>\(run.child.fingerprint)"
        let matchesParent = run.parent?.rows == run.count ? 1 : 0
        let parentRowsKnown = run.parent?.rows == nil ? 0 : 1
        guard var totals = pairs[key] else {
            pairs[key] = PairTotals(
                burst: QueryBurst(
                    parentFingerprint: run.parent?.fingerprint, parentText: run.parent?.text,
                    childFingerprint: run.child.fingerprint, childText: run.child.text, bursts: 1, calls: run.count,
                    longestBurst: run.count, totalTimeMs: run.timeMs, burstsMatchingParentRows: matchesParent,
                    burstsWithParentRows: parentRowsKnown,
                    sessions: 1, applications: run.child.application.map { [$0] } ?? [],
                    users: run.child.user.map { [$0] } ?? [], databases: run.child.database.map { [$0] } ?? [],
                    firstSeen: run.firstTime, lastSeen: run.firstTime),
                sessionNames: [session])
            return
        }
        totals.burst.bursts += 1
        totals.burst.calls += run.count
        totals.burst.longestBurst = max(totals.burst.longestBurst, run.count)
        totals.burst.totalTimeMs = add(totals.burst.totalTimeMs, run.timeMs)
        totals.burst.burstsMatchingParentRows += matchesParent
        totals.burst.burstsWithParentRows += parentRowsKnown
        // Distinct sessions are counted exactly up to 10,000, then the count only grows.
        if totals.sessionNames.count < 10_000 {
            totals.sessionNames.insert(session)
            totals.burst.sessions = totals.sessionNames.count
        } else {
            totals.burst.sessions += 1
        }
        Self.remember(run.child.application, in: &totals.burst.applications)
        Self.remember(run.child.user, in: &totals.burst.users)
        Self.remember(run.child.database, in: &totals.burst.databases)
        if let start = run.firstTime {
            totals.burst.firstSeen = min(totals.burst.firstSeen ?? start, start)
            totals.burst.lastSeen = max(totals.burst.lastSeen ?? start, start)
        }
        pairs[key] = totals
    }

    private static func remember(_ value: String?, in list: inout [String]) {
        guard let value, !value.isEmpty, list.count < 10, !list.contains(value) else { return }
        list.append(value)
    }

    /// Closes the runs of sessions that have been quiet for longer than the gap.
    private mutating func sweepIdleSessions() {
        eventsSinceSweep = 0
        guard let latestTime else { return }
        for (session, state) in sessions {
            guard let last = state.previous?.time, latestTime - last > options.maximumGapSeconds else { continue }
            if let run = state.run { close(run, session: session) }
            sessions[session] = nil
        }
    }
}
