/// The errors a PostgreSQL server log reported for one statement class: each `ERROR:` tied to its statement by the
/// `STATEMENT:` line after it (deadlocks are counted with the lock waits instead).
public struct StatementErrors: Codable, Equatable, Sendable {
    /// One error message and how often the statement failed with it.
    public struct Message: Codable, Equatable, Sendable {
        public var text: String
        public var count: Int

        public init(text: String, count: Int) {
            self.text = text
            self.count = count
        }
    }

    /// The statement class, as `StatementStats.id` names it in the same report.
    public var statementId: String
    /// The normalized text, and one failing statement as logged.
    public var text: String
    public var sampleText: String?
    /// Failures in all, and the most frequent messages (at most `messageLimit`; the rest are in `count` only).
    public var count = 0
    public var messages: [Message] = []

    public static let messageLimit = 5

    public init(statementId: String, text: String, sampleText: String? = nil) {
        self.statementId = statementId
        self.text = text
        self.sampleText = sampleText
    }

    /// Counts one failure with `message`.
    mutating func add(_ message: String, count added: Int = 1) {
        count += added
        if let known = messages.firstIndex(where: { $0.text == message }) {
            messages[known].count += added
        } else if messages.count < Self.messageLimit {
            messages.append(Message(text: message, count: added))
        }
    }

    /// Adds the failures of the same statement class read elsewhere (another log).
    public mutating func merge(_ other: StatementErrors) {
        let unlisted = other.count - other.messages.reduce(0) { $0 + $1.count }
        for message in other.messages { add(message.text, count: message.count) }
        count += unlisted
        if sampleText == nil { sampleText = other.sampleText }
        messages.sort { ($0.count, $1.text) > ($1.count, $0.text) }
    }
}
