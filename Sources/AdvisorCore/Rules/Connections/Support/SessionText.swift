/// How connection rules describe sessions, in engine-neutral words, and the engine's statements that end
/// them (the only place connection rules speak an engine's dialect).
enum SessionText {
    /// "45 s", "12 min", "3.5 h", "2.1 d".
    static func age(_ seconds: Double) -> String {
        if seconds < 60 { return Formatting.decimal(seconds, digits: 0) + " s" }
        if seconds < 3_600 { return Formatting.decimal(seconds / 60, digits: seconds < 600 ? 1 : 0) + " min" }
        if seconds < 86_400 { return Formatting.decimal(seconds / 3_600, digits: 1) + " h" }
        return Formatting.decimal(seconds / 86_400, digits: 1) + " d"
    }

    /// The statement on one line, cut to `limit` characters with "…".
    static func statement(_ text: String?, limit: Int = 80) -> String? {
        guard let text else { return nil }
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !words.isEmpty else { return nil }
        return words.count > limit ? String(words.prefix(limit)) + "…" : words
    }

    /// "billing-worker as app on shop": who a session belongs to.
    static func owner(_ session: ConnectionState.Session) -> String {
        let application = session.application.map { "\($0) as " } ?? ""
        let database = session.database.map { " on \($0)" } ?? ""
        return application + (session.user ?? "an unknown user") + database
    }

    /// A grouping key that survives restarts (no session ids): database, user and application.
    static func ownerKey(_ session: ConnectionState.Session) -> String {
        [session.database, session.user, session.application].map { $0 ?? "" }.joined(separator: "|")
    }

    /// Statements that end the sessions (rolling back their transactions).
    static func terminate(_ ids: [Int], engine: Engine) -> String {
        ids.map { engine.isMySQLFamily ? "KILL \($0);" : "SELECT pg_terminate_backend(\($0));" }
            .joined(separator: "\n")
    }

    /// Statements that cancel the sessions' running statements and leave the sessions connected.
    static func cancel(_ ids: [Int], engine: Engine) -> String {
        ids.map { engine.isMySQLFamily ? "KILL QUERY \($0);" : "SELECT pg_cancel_backend(\($0));" }
            .joined(separator: "\n")
    }

    /// The setting that ends transactions left idle longer than `seconds`, for one role in one database
    /// where they are known (PostgreSQL) or server-wide. Nil for MySQL, which has no such setting.
    static func idleTransactionTimeout(seconds: Double, user: String?, database: String?, engine: Engine) -> String? {
        let wholeSeconds = Int(seconds.rounded(.up))
        switch engine {
        case .postgres:
            let value = wholeSeconds % 60 == 0 ? "'\(wholeSeconds / 60)min'" : "'\(wholeSeconds)s'"
            let setting = "idle_in_transaction_session_timeout = \(value)"
            guard let user else { return "ALTER SYSTEM SET \(setting);\nSELECT pg_reload_conf();" }
            let scope = database.map { " IN DATABASE \(PlanFixSQL.quote($0, engine: .postgres))" } ?? ""
            return "ALTER ROLE \(PlanFixSQL.quote(user, engine: .postgres))\(scope) SET \(setting);"
        case .mariadb: return "SET GLOBAL idle_transaction_timeout = \(wholeSeconds);"
        case .mysql: return nil
        }
    }
}

extension ConnectionState.Session {
    /// In a transaction but not running a statement ("idle in transaction", "… (aborted)").
    var isIdleInTransaction: Bool { state?.hasPrefix("idle in transaction") ?? false }

    /// Running a statement.
    var isActive: Bool { state == "active" }

    /// Waiting on a heavyweight lock another session holds.
    var isBlocked: Bool { !blockedBy.isEmpty }

    /// Slowed by contention or storage rather than working: waiting on a lock, a latch or I/O.
    var isWaitingOnLockOrIO: Bool {
        isBlocked || ["Lock", "LWLock", "BufferPin", "IO"].contains(waitEventType ?? "")
    }

    /// How long the session has been idle in its transaction (falling back to the transaction's age).
    var idleInTransactionSeconds: Double? { stateSeconds ?? transactionSeconds }
}

extension Severity {
    /// One level higher, critical staying critical: many sessions make the same problem worse.
    var raised: Severity {
        let all = Severity.allCases
        guard let index = all.firstIndex(of: self), index + 1 < all.count else { return self }
        return all[index + 1]
    }
}
