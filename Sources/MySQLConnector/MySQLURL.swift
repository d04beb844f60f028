import AdvisorCore
import Foundation

/// A MySQL/MariaDB connection URL taken apart into what `mysql_real_connect` needs:
/// `mysql://[user[:password]@]host[:port][/database][?ssl-mode=…&ssl-ca=…]` (`mariadb://` too).
///
/// User, password and database may be left out; the client library then takes them from the
/// `[client]` group of the option files (`~/.my.cnf`), as the `mysql` client does.
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
    public var host: String
    public var port: Int?
    public var database: String?
    public var tlsMode: TLSMode
    /// A CA certificate file for verifying the server (`ssl-ca`).
    public var tlsCAFile: String?

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
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
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
            default:
                throw Self.error("unknown URL parameter '\(item.name)'; known: ssl-mode, ssl-ca")
            }
        }
    }

    /// Host, port, database and user: a description safe to print.
    public var target: String {
        let place = port.map { "\(host):\($0)" } ?? host
        return "\(place)/\(database ?? "") as \(user ?? "(option file user)")"
    }

    private static func error(_ reason: String) -> ConnectionError {
        ConnectionError(engine: .mysql, target: "MySQL URL", reason: reason)
    }
}
