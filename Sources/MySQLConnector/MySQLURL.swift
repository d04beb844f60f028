import AdvisorCore
import Foundation

/// A MySQL/MariaDB connection URL taken apart into what `mysql_real_connect` needs:
/// `mysql://[user[:password]@][host][:port][/database][?ssl-mode=…&ssl-ca=…&socket=…&defaults-file=…]`
/// (`mariadb://` too).
///
/// Host, port, user, password and database may be left out; the client library then takes them from the
/// `[client]` group of the option files (`/etc/mysql/my.cnf`, `~/.my.cnf`, or only the file
/// `defaults-file=` names), as the `mysql` client does, and connects to `localhost` through the Unix
/// socket when no host is named anywhere. `socket=/path` connects through that socket.
public struct MySQLURL: Sendable, Equatable {
    /// How hard the connection insists on TLS, with the `mysql` client's `--ssl-mode` names.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disabled = "DISABLED"
        case preferred = "PREFERRED"
        case required = "REQUIRED"
        case verifyCA = "VERIFY_CA"
        case verifyIdentity = "VERIFY_IDENTITY"
    }

    public var user: String?
    public var password: String?
    /// Nil: the option files' host, else `localhost` (the Unix socket).
    public var host: String?
    public var port: Int?
    public var database: String?
    public var tlsMode: TLSMode
    /// A CA certificate file for verifying the server (`ssl-ca`).
    public var tlsCAFile: String?
    /// The Unix socket to connect through (`socket`), instead of the option files' or the default one.
    public var socket: String?
    /// The only option file to read (`defaults-file`, like `mysql --defaults-file`).
    public var defaultsFile: String?

    /// Reads a URL; percent-escapes in the user, password and database are decoded.
    /// - Throws: `ConnectionError` naming the part that is wrong (never the password).
    public init(_ text: String) throws {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), ["mysql", "mariadb"].contains(scheme)
        else {
            throw Self.error("not a MySQL URL; expected mysql://user:password@host:port/database")
        }
        user = components.user.flatMap { $0.isEmpty ? nil : $0 }
        password = components.password
        host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        port = components.port
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        tlsMode = .preferred
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name.lowercased().replacingOccurrences(of: "_", with: "-") {
            case "ssl-mode", "sslmode":
                guard let mode = TLSMode(rawValue: value.uppercased().replacingOccurrences(of: "-", with: "_")) else {
                    let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw Self.error("unknown ssl-mode '\(value)'; expected one of \(modes)")
                }
                tlsMode = mode
            case "ssl-ca", "sslrootcert":
                tlsCAFile = value
            case "socket":
                socket = value
            case "defaults-file":
                defaultsFile = value
            default:
                throw Self.error(
                    "unknown URL parameter '\(item.name)'; known: ssl-mode, ssl-ca, socket, defaults-file")
            }
        }
    }

    /// Host, port, database and user: a description safe to print.
    public var target: String {
        let name = socket ?? host ?? "localhost"
        let place = port.map { "\(name):\($0)" } ?? name
        return "\(place)/\(database ?? "") as \(user ?? "(option file user)")"
    }

    private static func error(_ reason: String) -> ConnectionError {
        ConnectionError(engine: .mysql, target: "MySQL URL", reason: reason, isInvalidTarget: true)
    }
}
