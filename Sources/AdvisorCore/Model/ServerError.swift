/// A statement the server rejected: a missing privilege or extension, a timeout, a read-only violation.
///
/// The command line turns it into exit code 3; collectors may turn known SQLSTATEs (such as a missing
/// extension) into notices instead.
public struct ServerError: Error, Equatable, Sendable, CustomStringConvertible {
    public var engine: Engine
    /// The five-character SQLSTATE, e.g. `42501` (insufficient privilege), `57014` (statement timeout).
    public var sqlState: String?
    /// The name of the query that failed (a `QueryText` raw value), or nil for an ad-hoc statement.
    public var query: String?
    /// The server's message.
    public var message: String

    public init(engine: Engine, sqlState: String?, query: String?, message: String) {
        self.engine = engine
        self.sqlState = sqlState
        self.query = query
        self.message = message
    }

    public var description: String {
        let state = sqlState.map { " [SQLSTATE \($0)]" } ?? ""
        let source = query.map { " in \($0)" } ?? ""
        return "\(engine.displayName) error\(source)\(state): \(message)"
    }
}
