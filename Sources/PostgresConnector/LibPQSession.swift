import AdvisorCore
import AdvisorQueries
import CLibPQ
import Foundation

/// The libpq client library this binary is linked against, e.g. 150020 for 15.20.
public var libpqVersion: Int { Int(PQlibVersion()) }

/// One PostgreSQL connection through libpq, set up for safe, read-only inspection.
///
/// The only place that touches libpq: results are copied into Swift values before a call returns.
/// Not `Sendable`: one connection serves one task.
public final class LibPQSession {
    /// One result row: column name → text value, nil for SQL NULL.
    public typealias Row = [String: String?]

    /// Limits applied to the session in `open`.
    public struct Limits: Sendable {
        /// `statement_timeout`: the longest a statement may run.
        public var statementTimeoutMs: Int
        /// `lock_timeout`: the longest a statement may wait for a lock.
        public var lockTimeoutMs: Int

        public init(statementTimeoutMs: Int = 30_000, lockTimeoutMs: Int = 5_000) {
            self.statementTimeoutMs = statementTimeoutMs
            self.lockTimeoutMs = lockTimeoutMs
        }
    }

    private let connection: OpaquePointer
    /// The password in use, known only to scrub it from messages.
    private let password: String?
    /// How long a statement may go without a byte from the server before the server is taken for gone:
    /// the statement timeout, which the server enforces itself, plus a grace. A stopped backend or host
    /// enforces nothing, and libpq would wait for it forever.
    private var answerTimeoutMs = Limits().statementTimeoutMs + LibPQSession.answerGraceMs
    /// Set when the server stopped answering mid-statement: the protocol state is unknown, so the
    /// connection takes no further statements.
    private var abandoned: ConnectionError?

    /// What the client adds to the statement timeout before it gives the server up.
    static let answerGraceMs = 10_000

    private init(connection: OpaquePointer, password: String?) {
        self.connection = connection
        self.password = password
    }

    deinit {
        PQfinish(connection)
    }

    /// Connects and makes the session read-only with the given limits and `application_name=dbadvisor`.
    ///
    /// - Parameter connectionString: a URI (`postgres://user@host/db`) or keyword string
    ///   (`host=… dbname=…`), passed to libpq as given, so `PG*` variables and `.pgpass` work too.
    /// - Throws: `ConnectionError` when the server cannot be reached or refuses the login,
    ///   `ServerError` when it rejects the session settings.
    public static func open(_ connectionString: String, limits: Limits = Limits()) throws -> LibPQSession {
        let session = try connect(connectionString)
        session.answerTimeoutMs = limits.statementTimeoutMs + answerGraceMs
        _ = try session.rows(
            .pgSessionSettings, [String(limits.statementTimeoutMs), String(limits.lockTimeoutMs)])
        return session
    }

    /// Connects to PgBouncer's admin console (`postgres://admin@host:6432/pgbouncer`) without session
    /// settings, which the console rejects like any SET or transaction. Use `consoleRows` on it: the
    /// console does not speak the extended protocol `rows` uses.
    ///
    /// - Throws: `ConnectionError` when PgBouncer cannot be reached or refuses the login.
    public static func openConsole(_ connectionString: String) throws -> LibPQSession {
        try connect(connectionString)
    }

    /// Runs one of PgBouncer's console commands (`SHOW POOLS;`) through the simple query protocol,
    /// without the file's `--` header lines: the console parses a bare command only.
    public func consoleRows(_ query: QueryText) throws -> [Row] {
        let command = query.sql.split(separator: "\n")
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
            .joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return try simpleRows(command, queryName: query.rawValue)
    }

    /// Runs one of dbadvisor's queries with positional parameters (`$1`, `$2`, …; nil is NULL), marked as
    /// dbadvisor's own (`PostgresStatementText.marked`) so scans leave it out.
    public func rows(_ query: QueryText, _ parameters: [String?] = []) throws -> [Row] {
        try rows(PostgresStatementText.marked(query.sql, as: query.rawValue), parameters, queryName: query.rawValue)
    }

    /// Runs one statement through the simple query protocol, which takes no parameters: for a text whose
    /// `$n` placeholders are not parameters to bind, such as `EXPLAIN (GENERIC_PLAN) …`, which the extended
    /// protocol refuses without a value for each (SQLSTATE 08P01). The protocol runs every statement of a
    /// `;`-separated list: give it one.
    public func simpleRows(_ sql: String) throws -> [Row] {
        try simpleRows(sql, queryName: nil)
    }

    /// Runs one statement (no `;`-separated lists) with positional parameters (`$1`, … ; nil is NULL).
    public func rows(_ sql: String, _ parameters: [String?] = []) throws -> [Row] {
        try rows(sql, parameters, queryName: nil)
    }

    /// Runs `body` between `BEGIN READ ONLY` and `ROLLBACK`: nothing it does is kept, also when it throws.
    ///
    /// Session-level state outlives the rollback: prepared statements made inside must be deallocated.
    /// Both commands carry dbadvisor's mark, so scans leave them out.
    public func inReadOnlyTransaction<Value>(_ body: () throws -> Value) throws -> Value {
        try execute(Self.begin)
        let value: Value
        do {
            value = try body()
        } catch {
            // The body's error is the one to report; only a lost connection is worse. A ROLLBACK the
            // server refuses for another reason cannot keep anything: the transaction never commits.
            do {
                try execute(Self.rollback)
            } catch let lost as ConnectionError {
                throw lost
            } catch {}
            throw error
        }
        try execute(Self.rollback)
        return value
    }

    /// Transaction control, marked as dbadvisor's own.
    public static let begin = PostgresStatementText.marked("BEGIN READ ONLY", as: "pg_transaction")
    public static let commit = PostgresStatementText.marked("COMMIT", as: "pg_transaction")
    public static let rollback = PostgresStatementText.marked("ROLLBACK", as: "pg_transaction")

    /// The server's version number, e.g. 150018.
    public var serverVersion: Int { Int(PQserverVersion(connection)) }

    /// Host, port, database and user of the connection: a description safe to print.
    public var target: String {
        func text(_ value: UnsafeMutablePointer<CChar>?) -> String { value.map { String(cString: $0) } ?? "" }
        let host = text(PQhost(connection))
        let port = text(PQport(connection))
        let place = port.isEmpty ? host : "\(host):\(port)"
        return "\(place)/\(text(PQdb(connection))) as \(text(PQuser(connection)))"
    }

    // MARK: - Private helpers

    /// A connection with no settings applied yet.
    private static func connect(_ connectionString: String) throws -> LibPQSession {
        // A server that accepts and never answers (a stopped process, another protocol on the port) would hold
        // the connection attempt forever: 10 s unless the string or PGCONNECT_TIMEOUT says otherwise. Keywords
        // before `dbname` are defaults its connection string overrides.
        let timeout = (ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] ?? "").isEmpty ? "10" : nil
        let keywords: [String] = (timeout == nil ? [] : ["connect_timeout"]) + ["dbname"]
        let values: [String] = (timeout.map { [$0] } ?? []) + [connectionString]
        let opened = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection = opened else {
            throw ConnectionError(
                engine: .postgres, target: "PostgreSQL", reason: "libpq could not allocate a connection")
        }
        let passwordInString = passwordParsed(from: connectionString)
        // A failed connection still owns a handle; the session's deinit frees it either way.
        let session = LibPQSession(connection: connection, password: PQpass(connection).map { String(cString: $0) })
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = scrubbed(session.connectionMessage, secrets: [session.password, passwordInString])
            // libpq's words for a connection string it rejects before connecting anywhere.
            let invalid = ["invalid ", "missing \"=\"", "unrecognized ", "unterminated quoted string"].contains {
                reason.hasPrefix($0)
            }
            throw ConnectionError(engine: .postgres, target: session.target, reason: reason, isInvalidTarget: invalid)
        }
        return session
    }

    /// `strings` as a NULL-terminated array of C strings, valid inside `body`.
    private static func withCStrings<Result>(
        _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result
    ) -> Result {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    private func rows(_ sql: String, _ parameters: [String?], queryName: String?) throws -> [Row] {
        // strdup'd copies stay valid for the whole call, unlike pointers from nested withCString.
        let values: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { for value in values { free(value) } }
        try checkUsable()
        let sent = values.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            PQsendQueryParams(connection, sql, Int32(buffer.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        let result = sent == 1 ? try awaitResult() : nil
        defer { PQclear(result) }
        try check(result, queryName: queryName)
        guard let result, PQresultStatus(result) == PGRES_TUPLES_OK else { return [] }
        return Self.copyRows(of: result)
    }

    /// Runs statements that return no rows; the simple protocol allows a `;`-separated list.
    private func execute(_ sql: String) throws {
        _ = try simpleRows(sql, queryName: nil)
    }

    private func simpleRows(_ sql: String, queryName: String?) throws -> [Row] {
        try checkUsable()
        let result = PQsendQuery(connection, sql) == 1 ? try awaitResult() : nil
        defer { PQclear(result) }
        try check(result, queryName: queryName)
        guard let result, PQresultStatus(result) == PGRES_TUPLES_OK else { return [] }
        return Self.copyRows(of: result)
    }

    private func checkUsable() throws {
        if let abandoned { throw abandoned }
    }

    /// The sent statement's result, as `PQexec` gives it (the first error, else the last result), read
    /// without blocking past `answerTimeoutMs` of silence from the server.
    private func awaitResult() throws -> OpaquePointer? {
        var kept: OpaquePointer?
        while true {
            while PQisBusy(connection) == 1 {
                do {
                    try waitForInput()
                } catch {
                    PQclear(kept)
                    throw error
                }
                // Fails only when the connection broke; the next PQgetResult then says how.
                guard PQconsumeInput(connection) == 1 else { break }
            }
            guard let next = PQgetResult(connection) else { return kept }
            if let current = kept {
                // The first error stays; otherwise a later result replaces an earlier one.
                if PQresultStatus(current) == PGRES_FATAL_ERROR {
                    PQclear(next)
                    continue
                }
                PQclear(current)
            }
            kept = next
        }
    }

    /// Waits until the server sends something, at most `answerTimeoutMs`.
    private func waitForInput() throws {
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        guard descriptor.fd >= 0 else { return }
        while true {
            let ready = poll(&descriptor, 1, Int32(clamping: answerTimeoutMs))
            if ready > 0 { return }
            if ready < 0, errno == EINTR { continue }
            guard ready == 0 else { return }
            let seconds = Formatting.count(Double(answerTimeoutMs) / 1000)
            let lost = ConnectionError(
                engine: .postgres, target: target,
                reason: "the server sent nothing for \(seconds) s (the statement timeout plus "
                    + "\(Self.answerGraceMs / 1000) s): it or its backend stopped answering")
            abandoned = lost
            throw lost
        }
    }

    private func check(_ result: OpaquePointer?, queryName: String?) throws {
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK { return }
        if PQstatus(connection) != CONNECTION_OK {
            throw ConnectionError(
                engine: .postgres, target: target, reason: scrubbed(connectionMessage, secrets: [password]))
        }
        func field(_ code: Int32) -> String? {
            result.flatMap { PQresultErrorField($0, code) }.map { String(cString: $0) }
        }
        let message = field(CLibPQ_DIAG_MESSAGE_PRIMARY) ?? connectionMessage
        throw ServerError(
            engine: .postgres, sqlState: field(CLibPQ_DIAG_SQLSTATE), query: queryName,
            message: scrubbed(message, secrets: [password]))
    }

    private var connectionMessage: String {
        let message = PQerrorMessage(connection).map { String(cString: $0) } ?? ""
        return message.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func copyRows(of result: OpaquePointer) -> [Row] {
        let columnCount = PQnfields(result)
        let names = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        return (0..<PQntuples(result)).map { row in
            var values = Row(minimumCapacity: Int(columnCount))
            for column in 0..<columnCount {
                let name = names[Int(column)]
                values[name] =
                    PQgetisnull(result, row, column) == 1
                    ? .some(nil) : String(cString: PQgetvalue(result, row, column))
            }
            return values
        }
    }

    /// The password written in the connection string, if any, so it can be kept out of messages even
    /// when libpq quotes the string back (for instance when it cannot parse it).
    private static func passwordParsed(from connectionString: String) -> String? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &error) else {
            PQfreemem(error)
            return uriPassword(in: connectionString)
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                return String(cString: value)
            }
            option += 1
        }
        return nil
    }

    /// `postgres://user:PASSWORD@host/…`, for strings libpq rejects before naming their parts.
    private static func uriPassword(in connectionString: String) -> String? {
        guard let scheme = connectionString.range(of: "://") else { return nil }
        let rest = connectionString[scheme.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return nil }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return nil }
        return String(userInfo[userInfo.index(after: colon)...])
    }
}

/// The message with every non-empty secret replaced by `***`.
private func scrubbed(_ message: String, secrets: [String?]) -> String {
    secrets.compactMap { $0 }.filter { !$0.isEmpty }.reduce(message) { text, secret in
        text.replacingOccurrences(of: secret, with: "***")
    }
}
