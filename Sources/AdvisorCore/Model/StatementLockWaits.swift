/// The lock waits a PostgreSQL server log reported for one statement class: `log_lock_waits` entries
/// (`process 4882 still waiting for ShareLock on transaction 259635360 after 1000.119 ms`, then `acquired …`)
/// and `deadlock detected` errors, each tied to its statement by the `STATEMENT:` line that follows.
public struct StatementLockWaits: Codable, Equatable, Sendable {
    /// The statement class, as `StatementStats.id` names it in the same report.
    public var statementId: String
    /// The normalized text.
    public var text: String
    /// One statement as logged, literals kept.
    public var sampleText: String?
    /// Waits reported (`still waiting … after N ms`: each had lasted `deadlock_timeout`, 1 s by default), and
    /// the times they had lasted when reported.
    public var waits = 0
    public var reportedWaitMs = 0.0
    /// Waits that ended with `acquired … after N ms`, and their total time.
    public var acquiredWaits = 0
    public var acquiredWaitMs = 0.0
    /// The longest wait reported, milliseconds.
    public var longestWaitMs = 0.0
    /// Deadlocks this statement was cancelled in.
    public var deadlocks = 0
    /// The locks waited for, most seen first (`ShareLock on transaction`: a row another transaction changed).
    public var lockKinds: [String] = []

    /// How many lock kinds are kept.
    public static let kindLimit = 5

    public init(statementId: String, text: String, sampleText: String? = nil) {
        self.statementId = statementId
        self.text = text
        self.sampleText = sampleText
    }

    /// Time spent waiting, milliseconds (at least): the waits that ended with `acquired`, plus for the others the
    /// time they had lasted when reported.
    public var waitedMs: Double {
        let unresolved = max(waits - acquiredWaits, 0)
        return acquiredWaitMs + (waits > 0 ? Double(unresolved) * reportedWaitMs / Double(waits) : 0)
    }

    /// Adds the waits of the same statement class read elsewhere (another log).
    public mutating func merge(_ other: StatementLockWaits) {
        waits += other.waits
        reportedWaitMs += other.reportedWaitMs
        acquiredWaits += other.acquiredWaits
        acquiredWaitMs += other.acquiredWaitMs
        longestWaitMs = max(longestWaitMs, other.longestWaitMs)
        deadlocks += other.deadlocks
        for kind in other.lockKinds { remember(kind) }
        if sampleText == nil { sampleText = other.sampleText }
    }

    mutating func remember(_ kind: String) {
        guard !kind.isEmpty, !lockKinds.contains(kind), lockKinds.count < Self.kindLimit else { return }
        lockKinds.append(kind)
    }
}
