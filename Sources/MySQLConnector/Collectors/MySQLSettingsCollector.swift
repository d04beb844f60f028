import AdvisorCore
import AdvisorQueries
import Foundation

/// The global variables and status counters the rules read (`mysql_variables.sql`, `mysql_status.sql`),
/// the server's start, a `DatabaseStats` for the server as a whole, and whether performance_schema
/// records what the scan needs (`mysql_consumers.sql`).
///
/// Key convention in `Snapshot.settings`: variables under their own lower-case names
/// (`max_connections`, `innodb_buffer_pool_size`, as the server prints them: bytes as integers); status
/// counters under `status.` and their name as `SHOW GLOBAL STATUS` prints it (`status.Max_used_connections`,
/// `status.Created_tmp_disk_tables`). A name is never both.
///
/// The server's one `DatabaseStats` (named `server`: MySQL counts the buffer pool for the whole server)
/// has `blocksHit` = `Innodb_buffer_pool_read_requests` − `Innodb_buffer_pool_reads` and `blocksRead` =
/// `Innodb_buffer_pool_reads` (pages: logical reads served from the pool, and those that went to disk),
/// `tempFiles` = `Created_tmp_disk_tables`, `deadlocks` = `Innodb_deadlocks` (MariaDB), `commits` and
/// `rollbacks` = `Com_commit` / `Com_rollback`; its counters run since the server started.
///
/// Gaps become notices with codes: `performance_schema_off` (no statement digests, no table and index
/// usage; needs a restart), `performance_schema_consumer_off` (a consumer the scan reads is disabled) and
/// `prepared_statements_not_in_digests` (MariaDB: server-side prepared statements ran, and its digests leave
/// them out).
enum MySQLSettingsCollector: MySQLCollector {
    static let name = "settings and status"

    /// The prefix of status counters in `Snapshot.settings`.
    static let statusPrefix = "status."

    /// The name of the server's `DatabaseStats`.
    static let serverDatabaseName = "server"

    /// The consumers the collectors depend on; performance_schema records nothing for a consumer that is
    /// off, or one whose parent (`global_instrumentation`, `thread_instrumentation`) is off.
    static let requiredConsumers: [(name: String, purpose: String)] = [
        ("global_instrumentation", "all statement, table and index statistics"),
        ("thread_instrumentation", "per-connection statistics"),
        ("statements_digest", "statement digests"),
    ]

    static func collect(from session: MySQLSession, server: MySQLServer, into snapshot: inout Snapshot) throws {
        let variables = try MySQLRowReader.nameValuePairs(of: session.rows(.mysqlVariables), query: .mysqlVariables)
        let status = try MySQLRowReader.nameValuePairs(of: session.rows(.mysqlStatus), query: .mysqlStatus)
        add(variables: variables, status: status, to: &snapshot)
        if isPerformanceSchemaOn(snapshot.settings) {
            snapshot.notices += try preparedStatementNotices(from: session, engine: server.engine)
            let consumers = try parseConsumers(rows: session.rows(.mysqlConsumers))
            snapshot.notices += consumerNotices(enabled: consumers)
        } else {
            snapshot.notices.append(performanceSchemaOffNotice)
        }
    }

    /// Stores variables and status in the snapshot with the server's start and its `DatabaseStats`.
    static func add(variables: [String: String], status: [String: String], to snapshot: inout Snapshot) {
        snapshot.settings.merge(variables) { _, collected in collected }
        for (name, value) in status { snapshot.settings[statusPrefix + name] = value }
        if let uptime = status["Uptime"].flatMap(Double.init), let collectedAt = snapshot.server.collectedAt {
            snapshot.server.startedAt = collectedAt.addingTimeInterval(-uptime)
        }
        let counter = { (name: String) in status[name].flatMap { Int($0) } }
        var database = DatabaseStats(name: serverDatabaseName)
        if let requests = counter("Innodb_buffer_pool_read_requests"), let reads = counter("Innodb_buffer_pool_reads") {
            database.blocksHit = max(requests - reads, 0)
            database.blocksRead = reads
        }
        database.tempFiles = counter("Created_tmp_disk_tables")
        database.deadlocks = counter("Innodb_deadlocks")
        database.commits = counter("Com_commit")
        database.rollbacks = counter("Com_rollback")
        snapshot.databases.removeAll { $0.name == serverDatabaseName }
        snapshot.databases.append(database)
        snapshot.facets.formUnion([.settings, .databases])
        // Connections counts every connection attempt since the server started.
        if let connections = counter("Connections"), let uptime = status["Uptime"].flatMap(Double.init) {
            snapshot.sessionActivity = SessionActivity(
                source: "SHOW GLOBAL STATUS", sessions: connections, windowSeconds: uptime)
            snapshot.facets.insert(.sessions)
        }
    }

    /// True unless the server says performance_schema is off (`OFF` or `0`).
    static func isPerformanceSchemaOn(_ settings: [String: String]) -> Bool {
        guard let value = settings["performance_schema"]?.uppercased() else { return true }
        return !["OFF", "0"].contains(value)
    }

    /// Consumer name → enabled.
    static func parseConsumers(rows: [MySQLSession.Row]) throws(UnexpectedRowError) -> [String: Bool] {
        var consumers: [String: Bool] = [:]
        for row in MySQLRowReader.readers(of: rows, query: .mysqlConsumers) {
            consumers[try row.text("consumer_name")] = try row.text("enabled").uppercased() == "YES"
        }
        return consumers
    }

    /// One notice naming every required consumer that is off (a consumer missing from the table is not judged).
    static func consumerNotices(enabled: [String: Bool]) -> [Notice] {
        let disabled = requiredConsumers.filter { enabled[$0.name] == false }
        guard !disabled.isEmpty else { return [] }
        let names = disabled.map(\.name)
        let list = names.map { "'\($0)'" }.joined(separator: ", ")
        return [
            Notice(
                level: .warning,
                message: "performance_schema consumer\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")) "
                    + "\(names.count == 1 ? "is" : "are") disabled: no "
                    + disabled.map(\.purpose).joined(separator: ", no ") + " are recorded",
                remedy: "Enable the consumers now with UPDATE (as a user with UPDATE on performance_schema), and "
                    + "for the next restart in my.cnf: "
                    + names.map { "performance-schema-consumer-\($0.replacingOccurrences(of: "_", with: "-"))=ON" }
                    .joined(separator: ", ") + ".",
                code: "performance_schema_consumer_off",
                fixSQL: "UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME IN (\(list));")
        ]
    }

    /// MariaDB's statement digests leave out statements run as server-side prepared statements (`COM_STMT_EXECUTE`,
    /// sysbench's and many drivers' default): seen on 10.11, 98,760 executions of sysbench left the digest table
    /// unchanged. The statement/com/Execute class of the global summary (`mysql_prepared_executions.sql`) counts
    /// them and their time over the digests' own window (since the server started or performance_schema's
    /// summaries were truncated), for the whole server.
    static func preparedStatementNotices(from session: MySQLSession, engine: Engine) throws -> [Notice] {
        guard engine == .mariadb else { return [] }
        let rows = try session.rows(.mysqlPreparedExecutions)
        guard let row = MySQLRowReader.readers(of: rows, query: .mysqlPreparedExecutions).first else { return [] }
        return preparedStatementNotices(
            executions: try row.number("executions"), totalMs: try row.optionalNumber("total_ms"))
    }

    /// The notice for `executions` prepared-statement executions that took `totalMs`; none when none ran.
    static func preparedStatementNotices(executions: Double, totalMs: Double?) -> [Notice] {
        guard executions > 0 else { return [] }
        let time = totalMs.map { " taking \(Formatting.milliseconds($0))" } ?? ""
        return [
            Notice(
                level: .warning,
                message: "\(Formatting.count(executions)) executions of server-side prepared statements\(time) since "
                    + "the server started or performance_schema's statement summaries were last truncated are not in "
                    + "the statement profile: MariaDB's statement digests do not count them, so their time is in no "
                    + "finding. The count is server-wide: performance_schema does not say which database ran them",
                remedy: "See them while their clients are connected in performance_schema.prepared_statements_"
                    + "instances (COUNT_EXECUTE, SUM_TIMER_EXECUTE in picoseconds, SQL_TEXT), or read the slow log "
                    + "(dbadvisor logs), which records them; drivers can also send plain statements (e.g. "
                    + "sysbench --db-ps-mode=disable, JDBC useServerPrepStmts=false).",
                code: "prepared_statements_not_in_digests")
        ]
    }

    /// performance_schema is off: no digests, no table and index usage, no statement history.
    static let performanceSchemaOffNotice = Notice(
        level: .warning,
        message: "performance_schema is off: no statement digests, no table and index usage counters, no "
            + "statement history",
        remedy: "Set performance_schema=ON in the [mysqld] section of my.cnf and restart the server (it cannot "
            + "be turned on at run time); it costs a few percent of throughput and some memory.",
        code: "performance_schema_off")
}
