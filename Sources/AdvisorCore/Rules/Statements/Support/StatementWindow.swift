/// The period statement counters cover, and how the statement rules turn cumulative counters into the
/// daily figures findings rank by.
///
/// When the window is unknown (no reset time and no server start), rates cannot be computed: the
/// rules then rank by the cumulative numbers, say so, and lower their confidence.
struct StatementWindow {
    /// Seconds the counters cover; nil when unknown or under a second (nothing to extrapolate from).
    let seconds: Double?
    private let snapshot: Snapshot

    init(_ snapshot: Snapshot) {
        self.snapshot = snapshot
        seconds = snapshot.perDay(1) == nil ? nil : snapshot.statementWindowSeconds
    }

    var isKnown: Bool { seconds != nil }

    /// Under an hour: the daily figures extrapolate a sample that may have been a burst (a short log, counters
    /// reset minutes ago), so they rank findings but are said as such and decide no severity above medium.
    static let shortSeconds = 3_600.0
    var isShort: Bool { seconds.map { $0 < Self.shortSeconds } ?? false }

    /// The daily rate of a cumulative counter, or the counter itself when the window is unknown.
    func perDayOrCumulative(_ cumulative: Double) -> Double {
        snapshot.perDay(cumulative) ?? cumulative
    }

    /// Calls per minute over the window, when known.
    func perMinute(_ cumulative: Double) -> Double? {
        seconds.map { cumulative * 60 / $0 }
    }

    /// "per day", or what the cumulative figure covers when the window is unknown.
    var periodText: String {
        guard let seconds else { return "since the counters started (window unknown: cumulative, not per day)" }
        return isShort ? "per day, extrapolated from \(Formatting.duration(seconds: seconds))" : "per day"
    }

    /// " over 2.5 days" or "" when unknown, for messages.
    var spanText: String {
        seconds.map { " over \(Formatting.duration(seconds: $0))" } ?? ""
    }

    /// The confidence a rule states: `known` when the window is known and not short, low otherwise.
    func confidence(_ known: Confidence) -> Confidence { isKnown && !isShort ? known : .low }

    /// A severity from daily figures; without a window the cumulative figure may cover years, and a short one
    /// extrapolates minutes to a day, so the severity is capped at medium then.
    func severity(_ levels: Levels, for value: Double) -> Severity {
        let severity = levels.severity(for: value)
        return isKnown && !isShort ? severity : min(severity, .medium)
    }
}

extension Levels {
    /// Severity by database time saved per day, matching `Impact.riskScore`'s equivalents: one minute a
    /// day is medium, ten minutes high, an hour critical.
    static let savedTimePerDay = Levels(medium: 60_000, high: 600_000, critical: 3_600_000)
}

extension FindingObject {
    /// A statement as a finding's object: keyed by `StatementStats.findingKey`, named by its text on one line.
    static func statement(_ statement: StatementStats) -> FindingObject {
        FindingObject(kind: .statement, name: statement.oneLineText(), key: statement.findingKey)
    }

    /// A statement class a server log's events name (lock waits, errors), keyed as its profile entry is when the
    /// log also timed it, so that findings about one statement share its key; and that entry, when there is one.
    static func loggedStatement(id: String, text: String, in snapshot: Snapshot) -> (FindingObject, StatementStats?) {
        let statement = snapshot.statements.first { $0.id == id }
        return (
            FindingObject(kind: .statement, name: StatementStats.oneLine(text), key: statement?.findingKey ?? id),
            statement
        )
    }
}

extension Snapshot {
    /// The 1-based number of the captured plan of `statement`, when the scan explained it.
    func planNumber(of statement: StatementStats) -> Int? {
        plans.firstIndex { $0.statementFingerprint == statement.findingKey }.map { $0 + 1 }
    }

    /// What the statement's text reads, in the dialect of the scanned server.
    func shape(of statement: StatementStats) -> StatementShape {
        StatementShape(statement.text, engine: server.engine)
    }
}
