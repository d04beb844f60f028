/// What a live scan returns: the snapshot, the connection error that cut it short, if one did (the
/// snapshot then holds what was collected before), and the collectors the scan's timeouts cut short.
public struct ScanOutcome: Sendable {
    public var snapshot: Snapshot
    public var interruption: ConnectionError?
    /// Collectors whose query the statement or lock timeout cancelled, by name ("statements", "tables").
    public var timedOut: [String]

    public init(snapshot: Snapshot, interruption: ConnectionError? = nil, timedOut: [String] = []) {
        // Every scan's statement texts leave the connector with their secrets redacted.
        var snapshot = snapshot.redactingSecrets()
        if !timedOut.isEmpty {
            snapshot.notices.insert(Self.incompleteNotice(timedOut), at: 0)
        }
        self.snapshot = snapshot
        self.interruption = interruption
        self.timedOut = timedOut
    }

    /// True when every collector ran to the end: only then may the run enter the history.
    public var isComplete: Bool { interruption == nil && timedOut.isEmpty }

    private static func incompleteNotice(_ timedOut: [String]) -> Notice {
        Notice(
            level: .warning,
            message: "incomplete report: the statement timeout cut short \(timedOut.count) "
                + "\(timedOut.count == 1 ? "collector" : "collectors") (\(timedOut.joined(separator: ", ")))",
            remedy: "what they read is missing; scan again with a larger --statement-timeout (or lock timeout).")
    }
}
