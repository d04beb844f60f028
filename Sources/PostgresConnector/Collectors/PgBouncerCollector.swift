import AdvisorCore
import AdvisorQueries

/// PgBouncer's admin console (`SHOW POOLS`, `SHOW DATABASES`, `SHOW STATS`, `SHOW CONFIG`,
/// `SHOW VERSION`): `ConnectionState.pooler`.
///
/// Columns are read by name, so the columns later PgBouncer releases add are ignored. The console's own
/// pseudo-database `pgbouncer` is not a pool of the application and is left out.
///
/// The pooler is judged against the server's sessions, so it is stored only beside them: when the
/// server's activity could not be read, a notice summarises the pools instead.
enum PgBouncerCollector {
    /// The admin console's pseudo-database.
    static let consoleDatabase = "pgbouncer"

    /// Reads the console and adds the pooler to the snapshot (or a notice, see the type's description).
    static func collect(from console: LibPQSession, into snapshot: inout Snapshot) throws {
        let pooler = state(
            pools: try console.consoleRows(.pgbouncerPools),
            databases: try console.consoleRows(.pgbouncerDatabases),
            stats: try console.consoleRows(.pgbouncerStats),
            config: try console.consoleRows(.pgbouncerConfig),
            version: try console.consoleRows(.pgbouncerVersion))
        add(pooler, to: &snapshot)
    }

    /// The pooler as the console's rows describe it; apart from the queries so recorded rows can be
    /// checked without a PgBouncer.
    static func state(
        pools: [LibPQSession.Row], databases: [LibPQSession.Row], stats: [LibPQSession.Row],
        config: [LibPQSession.Row], version: [LibPQSession.Row]
    ) -> PoolerState {
        var settings: [String: String] = [:]
        for row in config.map(ConsoleFields.init) {
            if let key = row.text("key") { settings[key] = row.text("value") ?? "" }
        }
        let databasesByName = Dictionary(
            databases.map(ConsoleFields.init).compactMap { row in row.text("name").map { ($0, row) } },
            uniquingKeysWith: { first, _ in first })
        let statsByDatabase = Dictionary(
            stats.map(ConsoleFields.init).compactMap { row in row.text("database").map { ($0, row) } },
            uniquingKeysWith: { first, _ in first })
        let poolList = pools.map(ConsoleFields.init).compactMap { row -> PoolerState.Pool? in
            guard let database = row.text("database"), database != consoleDatabase, let user = row.text("user")
            else { return nil }
            let definition = databasesByName[database]
            var pool = PoolerState.Pool(
                database: database, user: user,
                clientsActive: row.int("cl_active") ?? 0, clientsWaiting: row.int("cl_waiting") ?? 0,
                serversActive: row.int("sv_active") ?? 0, serversIdle: row.int("sv_idle") ?? 0,
                serversUsed: row.int("sv_used") ?? 0,
                maxWaitSeconds: Double(row.int("maxwait") ?? 0) + Double(row.int("maxwait_us") ?? 0) / 1_000_000)
            // SHOW DATABASES prints the effective size (the database's own or default_pool_size) and
            // leaves pool_mode empty when the database follows the global setting.
            pool.size = definition?.int("pool_size") ?? settings["default_pool_size"].flatMap { Int($0) }
            pool.mode =
                [row.text("pool_mode"), definition?.text("pool_mode"), settings["pool_mode"]]
                .compactMap { $0 }.first { !$0.isEmpty }
            if let traffic = statsByDatabase[database] {
                if let transactions = traffic.double("total_xact_count"), transactions > 0,
                    let waitMicroseconds = traffic.double("total_wait_time")
                {
                    pool.averageWaitMs = waitMicroseconds / transactions / 1_000
                }
                pool.transactionsPerSecond = traffic.double("avg_xact_count")
            }
            return pool
        }
        let versionText = version.first.flatMap { ConsoleFields($0).text("version") }
        return PoolerState(
            kind: "pgbouncer", version: versionText.map(versionNumber), settings: settings, pools: poolList)
    }

    /// Puts the pooler beside the server's sessions, or into a notice when there are none to judge it by.
    static func add(_ pooler: PoolerState, to snapshot: inout Snapshot) {
        guard snapshot.connections != nil else {
            snapshot.notices.append(
                Notice(
                    level: .warning,
                    message: "PgBouncer was read but the server's sessions were not, so its pools are not judged: "
                        + poolSummary(pooler) + ".",
                    remedy: "Scan with a role that can read pg_stat_activity and current_setting()."))
            return
        }
        snapshot.connections?.pooler = pooler
    }

    // MARK: - Private helpers

    /// "1.18.0" from "PgBouncer 1.18.0".
    private static func versionNumber(_ text: String) -> String {
        let prefix = "PgBouncer "
        return text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }

    private static func poolSummary(_ pooler: PoolerState) -> String {
        guard !pooler.pools.isEmpty else { return "no pools" }
        return pooler.pools.map { pool in
            "\(pool.database)/\(pool.user) \(pool.clientsActive) clients active, \(pool.clientsWaiting) waiting "
                + "(longest \(Formatting.decimal(pool.maxWaitSeconds, digits: 1)) s), "
                + "\(pool.serversActive) of \(pool.size.map(String.init) ?? "?") server connections active"
        }.joined(separator: "; ")
    }
}

/// Lenient reads of one console row: NULL, absent and unparsable values are nil. Unlike
/// `PostgresRowReader`, a missing column is no error: PgBouncer adds and renames columns between releases,
/// and a pool read without one of them is still worth judging.
private struct ConsoleFields {
    let row: LibPQSession.Row

    init(_ row: LibPQSession.Row) {
        self.row = row
    }

    func text(_ column: String) -> String? { row[column] ?? nil }
    func int(_ column: String) -> Int? { text(column).flatMap { Int($0) } }
    func double(_ column: String) -> Double? { text(column).flatMap { Double($0) } }
}
