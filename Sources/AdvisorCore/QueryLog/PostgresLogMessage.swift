/// One PostgreSQL log message, whatever the destination it was read from (stderr, csvlog, jsonlog):
/// its level, its text with continuation lines joined by line breaks, and the session fields.
struct PostgresLogMessage {
    var level: PostgresLogLevel
    /// The message text as bytes (a statement is made a `String` only when it is one).
    var text: [UInt8]
    /// The `DETAIL` that csvlog and jsonlog carry in their own field.
    var detail: String?
    var session: String?
    var time: Double?
    var user: String?
    var database: String?
    var application: String?
    var host: String?
    var origin: LoggedStatement.Origin
    /// True when continuation lines were dropped to keep the entry within bounds.
    var truncated = false

    /// Whether a message at this level with this start of text can matter for statements; the others are
    /// skipped without building their fields.
    static func isRelevant(_ level: PostgresLogLevel, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch level {
        case .log:
            return startsWith(text, "duration:") || startsWith(text, "statement:") || startsWith(text, "execute ")
                || startsWith(text, "temporary file:") || startsWith(text, "process ") || startsWith(text, "checkpoint")
                || startsWith(text, "connection authorized") || startsWith(text, "disconnection:")
        case .detail: return startsWith(text, "parameters:") || startsWith(text, "Parameters:")
        case .error, .statement: return true
        case .other: return false
        }
    }

    /// The level an irrelevant message is handed on with (text left out): a `DETAIL`, `CONTEXT` or `HINT` stays a
    /// detail, so that what the message before it started (a lock wait waiting for its `STATEMENT:`) goes on.
    static func skippedLevel(_ level: PostgresLogLevel) -> PostgresLogLevel { level == .detail ? .detail : .other }

    static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString, at start: Int = 0) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard start + count <= bytes.count else { return false }
        let pattern = prefix.utf8Start
        for index in 0..<count where bytes[start + index] != pattern[index] { return false }
        return true
    }
}
