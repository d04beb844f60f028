import AdvisorCore
import AdvisorQueries
import CMySQL
import Foundation

/// The MySQL/MariaDB client library this binary is linked against, e.g. "3.3.20".
public var mysqlClientVersion: String { String(cString: mysql_get_client_info()) }

/// One MySQL or MariaDB connection through the client library, set up for safe, read-only inspection.
///
/// The only place that touches the client library: results are copied into Swift values before a
/// call returns. Not `Sendable`: one connection serves one task.
public final class MySQLSession {
    /// One result row: column name → text value, nil for SQL NULL.
    public typealias Row = [String: String?]

    /// Limits applied to the session in `open`.
    public struct Limits: Sendable {
        /// `max_statement_time` (MariaDB) / `max_execution_time` (MySQL): the longest a statement may run.
        public var statementTimeoutMs: Int
        /// `lock_wait_timeout` and `innodb_lock_wait_timeout`, in whole seconds (at least 1).
        public var lockTimeoutSeconds: Int
        /// How long to wait for the server to answer the connection attempt.
        public var connectTimeoutSeconds: Int

        public init(statementTimeoutMs: Int = 30_000, lockTimeoutSeconds: Int = 5, connectTimeoutSeconds: Int = 10) {
            self.statementTimeoutMs = statementTimeoutMs
            self.lockTimeoutSeconds = lockTimeoutSeconds
            self.connectTimeoutSeconds = connectTimeoutSeconds
        }
    }

    private let handle: UnsafeMutablePointer<MYSQL>
    private let url: MySQLURL

    // The client library must be initialised once before connections are made from several threads.
    private static let libraryStatus: Int32 = mysql_server_init(0, nil, nil)

    private init(handle: UnsafeMutablePointer<MYSQL>, url: MySQLURL) {
        self.handle = handle
        self.url = url
    }

    deinit {
        mysql_close(handle)
    }

    /// Connects and makes the session read-only with the given limits.
    ///
    /// - Parameter url: `mysql://user:password@host:port/database?ssl-mode=REQUIRED` (see `MySQLURL`);
    ///   what it leaves out comes from the `[client]` group of the option files.
    /// - Throws: `ConnectionError` when the URL is unusable, the server cannot be reached or refuses
    ///   the login; `ServerError` when it rejects the session settings.
    public static func open(_ url: String, limits: Limits = Limits()) throws -> MySQLSession {
        let parsed = try MySQLURL(url)
        // The client library skips an option file it cannot read, and the login then fails for another reason.
        if let file = parsed.defaultsFile, !FileManager.default.isReadableFile(atPath: file) {
            throw ConnectionError(
                engine: .mysql, target: parsed.target,
                reason: "defaults-file '\(file)' cannot be read (does it exist, and may you read it?)",
                isInvalidTarget: true)
        }
        guard libraryStatus == 0, let handle = mysql_init(nil) else {
            throw ConnectionError(
                engine: .mysql, target: parsed.target, reason: "the client library did not initialise")
        }
        // From here the session owns the handle and its deinit closes it, also after a failed connect.
        let session = MySQLSession(handle: handle, url: parsed)
        session.setClientOptions(limits: limits)
        let connected = mysql_real_connect(
            handle, parsed.host, parsed.user, parsed.password, parsed.database, UInt32(parsed.port ?? 0),
            parsed.socket, 0)
        guard connected != nil else {
            throw ConnectionError(engine: .mysql, target: parsed.target, reason: session.scrubbed(session.lastError))
        }
        try session.requireEncryption()
        try session.applySessionSettings(limits: limits)
        return session
    }

    /// Runs one of dbadvisor's queries.
    public func rows(_ query: QueryText) throws -> [Row] {
        try rows(query.sql, queryName: query.rawValue)
    }

    /// Runs one statement (no `;`-separated lists).
    public func rows(_ sql: String) throws -> [Row] {
        try rows(sql, queryName: nil)
    }

    /// The server's version string, e.g. "10.11.19-MariaDB-0+deb12u1".
    public var serverVersion: String { mysql_get_server_info(handle).map { String(cString: $0) } ?? "" }

    /// Host, port, database and user as the URL names them: a description safe to print.
    public var target: String { url.target }

    /// MariaDB or MySQL, told apart by the server's version string.
    public var engine: Engine { serverVersion.contains("MariaDB") ? .mariadb : .mysql }

    // MARK: - Private helpers

    private func setClientOptions(limits: Limits) {
        // Read the [client] group of the option files (~/.my.cnf …) like the mysql client does; with a
        // defaults file, that file alone (mysql --defaults-file).
        if let defaultsFile = url.defaultsFile {
            mysql_options(handle, MYSQL_READ_DEFAULT_FILE, defaultsFile)
        }
        mysql_options(handle, MYSQL_READ_DEFAULT_GROUP, "client")
        var connectTimeout = UInt32(max(limits.connectTimeoutSeconds, 1))
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        // A frozen server answers no query, and the server-side statement timeout cannot fire: the client gives up
        // on a read or write that waits longer than any statement may run, plus a margin.
        var ioTimeout = UInt32(max(limits.statementTimeoutMs / 1000, 1) + 30)
        mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &ioTimeout)
        mysql_options(handle, MYSQL_OPT_WRITE_TIMEOUT, &ioTimeout)
        mysql_options4(handle, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", "dbadvisor")
        // mysql_ssl_set decides use_ssl from its arguments, so it goes before the enforcing options.
        if let caFile = url.tlsCAFile, url.tlsMode != .disabled {
            mysql_ssl_set(handle, nil, nil, caFile, nil, nil)
        }
        // MariaDB Connector/C 3.3: SSL_ENFORCE asks for TLS but connects in plain text to a server
        // without it (verified), so `requireEncryption` checks the result after connecting.
        var yes: my_bool = 1
        switch url.tlsMode {
        case .disabled:
            break
        case .preferred, .required:
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &yes)
        case .verifyCA, .verifyIdentity:
            // The library checks the certificate chain and the host name together.
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &yes)
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes)
        }
    }

    private func requireEncryption() throws {
        guard ![.disabled, .preferred].contains(url.tlsMode), mysql_get_ssl_cipher(handle) == nil else { return }
        throw ConnectionError(
            engine: engine, target: url.target,
            reason: "ssl-mode=\(url.tlsMode.rawValue) but the server does not offer TLS; the connection was closed")
    }

    private func applySessionSettings(limits: Limits) throws {
        // Integers only: nothing from the caller is spliced into SQL.
        let statementTimeout =
            engine == .mariadb
            ? "SET SESSION max_statement_time = \(Double(limits.statementTimeoutMs) / 1000)"
            : "SET SESSION max_execution_time = \(limits.statementTimeoutMs)"
        let lockTimeout = max(limits.lockTimeoutSeconds, 1)
        for statement in [
            "SET SESSION TRANSACTION READ ONLY",
            statementTimeout,
            "SET SESSION lock_wait_timeout = \(lockTimeout)",
            "SET SESSION innodb_lock_wait_timeout = \(lockTimeout)",
        ] {
            _ = try rows(statement, queryName: nil)
        }
    }

    private func rows(_ sql: String, queryName: String?) throws -> [Row] {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else {
            throw failure(queryName: queryName)
        }
        guard let result = mysql_store_result(handle) else {
            // No result set: either a statement that returns none, or an error while reading it.
            if mysql_field_count(handle) == 0 { return [] }
            throw failure(queryName: queryName)
        }
        defer { mysql_free_result(result) }
        let columnCount = Int(mysql_num_fields(result))
        guard let fields = mysql_fetch_fields(result) else { return [] }
        let names = (0..<columnCount).map { String(cString: fields[$0].name) }
        var rows: [Row] = []
        while let values = mysql_fetch_row(result), let lengths = mysql_fetch_lengths(result) {
            var row = Row(minimumCapacity: columnCount)
            for column in 0..<columnCount {
                // Lengths, not NUL terminators: values may hold any bytes.
                row[names[column]] = .some(
                    values[column].map { value in
                        String(
                            decoding: UnsafeRawBufferPointer(start: value, count: Int(lengths[column])), as: UTF8.self)
                    })
            }
            rows.append(row)
        }
        if mysql_errno(handle) != 0 { throw failure(queryName: queryName) }
        return rows
    }

    /// The error of the last call: a lost connection or the server's rejection of the statement.
    private func failure(queryName: String?) -> any Error {
        let number = mysql_errno(handle)
        // CR_SERVER_GONE_ERROR, CR_SERVER_LOST, CR_SERVER_LOST_EXTENDED (errmsg.h).
        if [2006, 2013, 2055].contains(number) {
            return ConnectionError(engine: engine, target: url.target, reason: scrubbed(lastError))
        }
        let state = mysql_sqlstate(handle).map { String(cString: $0) }
        return ServerError(
            engine: engine, sqlState: state == "00000" ? nil : state, query: queryName,
            message: scrubbed(lastError))
    }

    private var lastError: String { mysql_error(handle).map { String(cString: $0) } ?? "unknown error" }

    /// The message with the password, should the library ever quote it, replaced by `***`.
    private func scrubbed(_ message: String) -> String {
        guard let password = url.password, !password.isEmpty else { return message }
        return message.replacingOccurrences(of: password, with: "***")
    }
}
