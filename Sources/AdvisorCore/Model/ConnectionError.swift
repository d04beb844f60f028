/// A database that could not be reached, refused the login, or dropped the connection.
///
/// Never carries a password: connectors describe the target by host, port, database and user only
/// and scrub the password from the client library's message. The command line turns it into exit code 3.
public struct ConnectionError: Error, Equatable, Sendable, CustomStringConvertible {
    public var engine: Engine
    /// Where the connection went, e.g. `127.0.0.1:5432/shop as monitor`.
    public var target: String
    /// The client library's explanation.
    public var reason: String
    /// The connection string or URL itself is wrong (an unknown option or value, a missing file): a usage error
    /// (exit 2), not a database that could not be reached (exit 3).
    public var isInvalidTarget: Bool

    public init(engine: Engine, target: String, reason: String, isInvalidTarget: Bool = false) {
        self.engine = engine
        self.target = target
        self.reason = reason
        self.isInvalidTarget = isInvalidTarget
    }

    public var description: String {
        "cannot use the \(engine.displayName) connection to \(target): \(reason)"
    }
}
