/// What a live scan returns: the snapshot, and the connection error that cut it short, if one did
/// (the snapshot then holds what was collected before).
public struct ScanOutcome: Sendable {
    public var snapshot: Snapshot
    public var interruption: ConnectionError?

    public init(snapshot: Snapshot, interruption: ConnectionError? = nil) {
        // Every scan's statement texts leave the connector with their secrets redacted.
        self.snapshot = snapshot.redactingSecrets()
        self.interruption = interruption
    }
}
