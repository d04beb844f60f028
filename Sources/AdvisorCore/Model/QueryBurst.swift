/// One statement execution in the order a session ran it: a log line, a row of MySQL's
/// `events_statements_history_long`. What the N+1 detector reads.
/// A class: the detector keeps each event as a session's previous statement and a run's first, and a
/// reference makes that one retain instead of one per string.
public final class QueryEvent: Sendable {
    /// The session it ran in: PostgreSQL `%c` (or `%p`), a MySQL thread id.
    public let session: String
    /// The statement class: the same for the same statement with other literals.
    public let fingerprint: String
    /// The statement as it ran (literals kept) or normalized; shown as the burst's sample.
    public let text: String
    /// Seconds on any clock that only moves forward within a session; nil when unknown.
    public let time: Double?
    public let durationMs: Double?
    /// Rows the statement returned, when known: a parent whose rows match the burst's length is the
    /// loop's source.
    public let rows: Int?
    public let user: String?
    public let database: String?
    public let application: String?

    public init(
        session: String, fingerprint: String, text: String, time: Double? = nil, durationMs: Double? = nil,
        rows: Int? = nil, user: String? = nil, database: String? = nil, application: String? = nil
    ) {
        self.session = session
        self.fingerprint = fingerprint
        self.text = text
        self.time = time
        self.durationMs = durationMs
        self.rows = rows
        self.user = user
        self.database = database
        self.application = application
    }
}

/// The N+1 bursts of one (parent, child) pair, over every session that ran them: the same child
/// statement repeated in a row, after the same parent statement.
public struct QueryBurst: Codable, Equatable, Sendable {
    /// The statement run just before each burst (nil when the bursts started a session's history).
    public var parentFingerprint: String?
    public var parentText: String?
    public var childFingerprint: String
    /// A sample of the child statement (the first burst's first call).
    public var childText: String
    /// How many bursts, how many child calls in them, and the longest burst.
    public var bursts: Int
    public var calls: Int
    public var longestBurst: Int
    /// Time of the child calls inside bursts, when the source times statements.
    public var totalTimeMs: Double?
    /// Bursts whose length equals the rows the parent returned: the loop runs once per parent row.
    public var burstsMatchingParentRows: Int
    /// Bursts whose parent's row count the source gave (a MySQL slow log does, a PostgreSQL log does not).
    public var burstsWithParentRows: Int
    /// Distinct sessions, and up to ten applications and users the bursts came from.
    public var sessions: Int
    public var applications: [String]
    public var users: [String]
    public var databases: [String]
    /// The first and last burst's start (`QueryEvent.time`), when known.
    public var firstSeen: Double?
    public var lastSeen: Double?

    public init(
        parentFingerprint: String?, parentText: String?, childFingerprint: String, childText: String, bursts: Int,
        calls: Int, longestBurst: Int, totalTimeMs: Double?, burstsMatchingParentRows: Int,
        burstsWithParentRows: Int? = nil, sessions: Int, applications: [String] = [], users: [String] = [],
        databases: [String] = [], firstSeen: Double? = nil, lastSeen: Double? = nil
    ) {
        self.parentFingerprint = parentFingerprint
        self.parentText = parentText
        self.childFingerprint = childFingerprint
        self.childText = childText
        self.bursts = bursts
        self.calls = calls
        self.longestBurst = longestBurst
        self.totalTimeMs = totalTimeMs
        self.burstsMatchingParentRows = burstsMatchingParentRows
        self.burstsWithParentRows = burstsWithParentRows ?? bursts
        self.sessions = sessions
        self.applications = applications
        self.users = users
        self.databases = databases
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// Identity for findings: the pair of fingerprints.
    public var key: String { "\(parentFingerprint ?? "-")>\(childFingerprint)" }
}
