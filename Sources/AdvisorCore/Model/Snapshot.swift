import Foundation

/// Everything one collection gathered, in engine-neutral terms. What rules read and what
/// `dbadvisor report snapshot.json` re-reads.
public struct Snapshot: Codable, Equatable, Sendable {
    public var formatVersion = 1
    public var server: ServerInfo
    /// What was actually collected; rules needing anything else are reported as skipped.
    public var facets: Set<Facet>
    public var settings: [String: String]
    public var plans: [CapturedPlan]
    /// Things that could not be collected, and how to enable them.
    public var notices: [Notice]
    public var statements: [StatementStats]
    public var statementSource: StatementSource?
    public var databases: [DatabaseStats]
    public var tables: [TableStats]
    public var indexes: [IndexStats]
    public var foreignKeys: [ForeignKey]
    public var connections: ConnectionState?
    /// N+1 bursts found in the statements sessions ran in order (MySQL's statement history, a log).
    public var queryBursts: [QueryBurst]
    /// Seconds the statements behind `queryBursts` cover (the history ring from its oldest to its newest
    /// statement, a log from its first to its last line); nil when unknown. Burst rates per day use it.
    public var queryHistoryWindowSeconds: Double?
    /// Each statement's figures in earlier runs of the same target, filled by the history store
    /// (facet `.history`); empty otherwise.
    public var statementBaselines: [StatementBaseline] = []
    /// Lock waits and deadlocks a server log reported per statement class (facet `.serverLogEvents`).
    public var lockWaits: [StatementLockWaits] = []
    /// Errors a server log reported per statement class (facet `.serverLogEvents`).
    public var statementErrors: [StatementErrors] = []
    /// How often and why the server checkpointed (facet `.checkpoints`).
    public var checkpoints: CheckpointActivity?
    /// How many sessions the server started and how long they lasted (facet `.sessions`).
    public var sessionActivity: SessionActivity?

    public init(
        server: ServerInfo, facets: Set<Facet> = [], settings: [String: String] = [:], plans: [CapturedPlan] = [],
        notices: [Notice] = [], statements: [StatementStats] = [], statementSource: StatementSource? = nil,
        databases: [DatabaseStats] = [], tables: [TableStats] = [], indexes: [IndexStats] = [],
        foreignKeys: [ForeignKey] = [], connections: ConnectionState? = nil, queryBursts: [QueryBurst] = [],
        queryHistoryWindowSeconds: Double? = nil
    ) {
        self.server = server
        self.facets = facets
        self.settings = settings
        self.plans = plans
        self.notices = notices
        self.statements = statements
        self.statementSource = statementSource
        self.databases = databases
        self.tables = tables
        self.indexes = indexes
        self.foreignKeys = foreignKeys
        self.connections = connections
        self.queryBursts = queryBursts
        self.queryHistoryWindowSeconds = queryHistoryWindowSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case formatVersion, server, facets, settings, plans, notices, statements, statementSource, databases, tables,
            indexes, foreignKeys, connections, queryBursts, queryHistoryWindowSeconds, statementBaselines, lockWaits,
            statementErrors, checkpoints, sessionActivity
    }

    /// Every collection may be absent from the file: a snapshot of plans alone is a valid snapshot.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Every file dbadvisor writes says its format: one that does not is no snapshot of ours.
        formatVersion = try container.decode(Int.self, forKey: .formatVersion)
        server = try container.decode(ServerInfo.self, forKey: .server)
        facets = try container.decodeIfPresent(Set<Facet>.self, forKey: .facets) ?? []
        settings = try container.decodeIfPresent([String: String].self, forKey: .settings) ?? [:]
        plans = try container.decodeIfPresent([CapturedPlan].self, forKey: .plans) ?? []
        notices = try container.decodeIfPresent([Notice].self, forKey: .notices) ?? []
        statements = try container.decodeIfPresent([StatementStats].self, forKey: .statements) ?? []
        statementSource = try container.decodeIfPresent(StatementSource.self, forKey: .statementSource)
        databases = try container.decodeIfPresent([DatabaseStats].self, forKey: .databases) ?? []
        tables = try container.decodeIfPresent([TableStats].self, forKey: .tables) ?? []
        indexes = try container.decodeIfPresent([IndexStats].self, forKey: .indexes) ?? []
        foreignKeys = try container.decodeIfPresent([ForeignKey].self, forKey: .foreignKeys) ?? []
        connections = try container.decodeIfPresent(ConnectionState.self, forKey: .connections)
        queryBursts = try container.decodeIfPresent([QueryBurst].self, forKey: .queryBursts) ?? []
        queryHistoryWindowSeconds = try container.decodeIfPresent(Double.self, forKey: .queryHistoryWindowSeconds)
        statementBaselines =
            try container.decodeIfPresent([StatementBaseline].self, forKey: .statementBaselines) ?? []
        lockWaits = try container.decodeIfPresent([StatementLockWaits].self, forKey: .lockWaits) ?? []
        statementErrors = try container.decodeIfPresent([StatementErrors].self, forKey: .statementErrors) ?? []
        checkpoints = try container.decodeIfPresent(CheckpointActivity.self, forKey: .checkpoints)
        sessionActivity = try container.decodeIfPresent(SessionActivity.self, forKey: .sessionActivity)
    }

    /// A snapshot holding only plans read from a file (`dbadvisor explain`).
    public init(plans: [Plan], source: String) {
        let engine = plans.first?.engine ?? .postgres
        self.init(
            server: ServerInfo(engine: engine),
            facets: [.plans],
            plans: plans.enumerated().map { CapturedPlan(label: "\(source) plan \($0.offset + 1)", plan: $0.element) })
    }
}

/// The server a snapshot came from.
public struct ServerInfo: Codable, Equatable, Sendable {
    public var engine: Engine
    /// As the server reports it: "15.8 (Debian 15.8-0+deb12u1)", "10.11.6-MariaDB".
    public var version: String?
    /// The version as a number: PostgreSQL's `server_version_num` (150008), MySQL's 80036.
    public var versionNumber: Int?
    /// Where the snapshot came from, safe to print: "db.example.com:5432/shop as app".
    public var target: String?
    public var database: String?
    public var collectedAt: Date?
    /// When the server (postmaster, mysqld) started.
    public var startedAt: Date?
    /// When the table and index counters of the scanned database were last reset.
    public var statsResetAt: Date?

    public init(
        engine: Engine, version: String? = nil, versionNumber: Int? = nil, target: String? = nil,
        database: String? = nil, collectedAt: Date? = nil, startedAt: Date? = nil, statsResetAt: Date? = nil
    ) {
        self.engine = engine
        self.version = version
        self.versionNumber = versionNumber
        self.target = target
        self.database = database
        self.collectedAt = collectedAt
        self.startedAt = startedAt
        self.statsResetAt = statsResetAt
    }
}

extension Snapshot {
    /// Seconds the statement counters cover: from the statement source's reset (or, when it does not
    /// say, the server's start) to collection. Nil when neither end is known.
    public var statementWindowSeconds: Double? {
        window(since: statementSource?.resetAt ?? server.startedAt)
    }

    /// True when the statement counters run since the server started (not reset since, within a minute or 5 % of
    /// its uptime): only then do server-wide counters since start (MySQL's status) cover the same span.
    public var statementCountersStartWithServer: Bool {
        guard let started = server.startedAt else { return false }
        guard let reset = statementSource?.resetAt, let uptime = window(since: started) else { return true }
        return reset.timeIntervalSince(started) <= max(60, uptime * 0.05)
    }

    /// Seconds the table and index counters cover exactly (`tableCounterWindow`); nil when unknown.
    public var usageWindowSeconds: Double? { tableCounterWindow.seconds }

    /// Since when the table and index counters count.
    ///
    /// PostgreSQL writes them to disk at a clean shutdown and reads them back at start (every version since
    /// 8.4; PostgreSQL 15 keeps them in shared memory, saved the same way), so the server's start is not their
    /// start: only `pg_stat_database.stats_reset` is. Before 15 it is set when the database's entry is created;
    /// from 15 it stays NULL until someone resets the counters, and then nothing says since when they count
    /// — no rate is computed, and the server's start is only a lower bound. MySQL and MariaDB keep their
    /// counters in memory: they start with the server (`Uptime`).
    public var tableCounterWindow: CounterWindow {
        if let reset = server.statsResetAt {
            return CounterWindow(start: reset, basis: .reset, seconds: window(since: reset))
        }
        guard let started = server.startedAt else { return CounterWindow(start: nil, basis: .unknown, seconds: nil) }
        if server.engine == .postgres {
            return CounterWindow(
                start: started, basis: .notResetSinceServerStart, seconds: nil, minimumSeconds: window(since: started))
        }
        return CounterWindow(start: started, basis: .serverStart, seconds: window(since: started))
    }

    /// Statement calls (or time) per day from a cumulative counter, when the window is known. A window
    /// of minutes extrapolates the load it saw to a whole day: right for the rate, loud for a burst.
    public func perDay(_ cumulative: Double) -> Double? {
        guard let seconds = statementWindowSeconds, seconds >= 1 else { return nil }
        return cumulative * 86_400 / seconds
    }

    private func window(since start: Date?) -> Double? {
        guard let start, let end = server.collectedAt else { return nil }
        return max(end.timeIntervalSince(start), 0)
    }
}

/// Since when a family of cumulative counters counts, and how that is known.
public struct CounterWindow: Equatable, Sendable {
    public enum Basis: String, Equatable, Sendable {
        /// The counters were reset at `start` (a `stats_reset` column).
        case reset
        /// The counters start with the server, at `start` (MySQL's `Uptime`).
        case serverStart
        /// The counters were not reset since at least the server's start at `start`, and may be older.
        case notResetSinceServerStart
        case unknown
    }

    public var start: Date?
    public var basis: Basis
    /// Seconds covered, exactly; nil when unknown (then no rate may be computed from the counters).
    public var seconds: Double?
    /// Seconds covered at least: `seconds` when known, else the time since the server's start.
    public var minimumSeconds: Double?

    public init(start: Date?, basis: Basis, seconds: Double?, minimumSeconds: Double? = nil) {
        self.start = start
        self.basis = basis
        self.seconds = seconds
        self.minimumSeconds = minimumSeconds ?? seconds
    }

    /// "since statistics were reset at 2024-05-01T08:00:00Z (23 days)", "since an unknown time: never reset and
    /// kept across restarts, so older than the server's start at …; no per-day rates".
    public var text: String {
        let at = start.map { $0.formatted(.iso8601) } ?? "an unknown time"
        let span = seconds.map { " (\(Formatting.duration(seconds: $0)))" } ?? ""
        switch basis {
        case .reset: return "since statistics were reset at \(at)\(span)"
        case .serverStart: return "since the server started at \(at)\(span)"
        case .notResetSinceServerStart:
            return "since an unknown time: never reset and kept across restarts, so older than the server's start at "
                + "\(at); no per-day rates"
        case .unknown: return "since an unknown time: no per-day rates"
        }
    }
}

/// A plan with where it came from: a statement fingerprint for live scans, a file for offline review.
public struct CapturedPlan: Codable, Equatable, Sendable {
    public var label: String
    /// The statement's fingerprint when the plan belongs to a collected statement.
    public var statementFingerprint: String?
    /// How often the statement runs per day, when known; scales plan findings into daily time.
    public var callsPerDay: Double?
    public var plan: Plan
    /// The indexes suggested for this plan, checked by the planner (HypoPG); nil when they were not checked
    /// (no HypoPG, another engine, or a plan read from a file).
    public var indexValidations: [IndexValidation]?

    public init(label: String, statementFingerprint: String? = nil, callsPerDay: Double? = nil, plan: Plan) {
        self.label = label
        self.statementFingerprint = statementFingerprint
        self.callsPerDay = callsPerDay
        self.plan = plan
    }
}

/// Something the user should know that is not a finding about the database itself.
///
/// A notice with a `code` is a known gap in monitoring (an extension missing, I/O timing off): the
/// `monitoring-gap` rule turns it into a finding so it is ranked and tracked like any other.
public struct Notice: Codable, Equatable, Sendable {
    public enum Level: String, Codable, Sendable { case info, warning }
    public var level: Level
    public var message: String
    /// How to enable what was missing, when applicable.
    public var remedy: String?
    /// Stable name of a known gap, e.g. "pg_stat_statements_missing", "track_io_timing_off".
    public var code: String?
    /// SQL that closes the gap, when there is some (`CREATE EXTENSION pg_stat_statements;`).
    public var fixSQL: String?

    /// The message and its remedy as one text ("… is off: …. Turn it on …").
    public var text: String {
        guard let remedy else { return message }
        if message.last.map({ ".:;!?".contains($0) }) ?? true { return message + " " + remedy }
        // A new sentence: "… (line 11). If the prefix is wrong, …".
        return message + ". " + remedy.prefix(1).uppercased() + remedy.dropFirst()
    }

    public init(level: Level, message: String, remedy: String? = nil, code: String? = nil, fixSQL: String? = nil) {
        self.level = level
        self.message = message
        self.remedy = remedy
        self.code = code
        self.fixSQL = fixSQL
    }
}
