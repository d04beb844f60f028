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

    /// True when the scan's own statement or lock timeout cancelled the statement: the server is slower than
    /// the timeout allows, not refusing the query, so what it would have returned is missing from the report.
    public var isTimeout: Bool {
        switch engine {
        case .postgres:
            // 57014 is any cancellation; only the timeouts say so in the message.
            (sqlState == "57014" && message.contains("timeout")) || sqlState == "55P03" && message.contains("timeout")
        case .mysql, .mariadb:
            ["max_statement_time exceeded", "maximum statement execution time exceeded", "Lock wait timeout exceeded"]
                .contains { message.localizedCaseInsensitiveContains($0) }
        }
    }
}
