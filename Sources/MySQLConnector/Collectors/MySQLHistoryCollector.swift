import AdvisorCore
import AdvisorQueries

/// N+1 bursts from `performance_schema.events_statements_history_long`: each thread's top-level
/// statements, in the order it ran them, through `RepeatedQueryDetector` into `Snapshot.queryBursts`
/// (facet `.queryHistory`).
///
/// The history is a ring shared by all threads (`performance_schema_events_statements_history_long_size`
/// statements, often 10,000): on a busy server it covers seconds, so a full ring is said in a notice. A
/// consumer it needs that is disabled becomes a `statement_history_consumer_off` notice with the UPDATE
/// that enables it, and the collector adds nothing else.
public enum MySQLHistoryCollector: MySQLCollector {
    /// For progress lines and notices.
    public static let name = "statement history"

    /// The consumers the history needs, top of the hierarchy first, with the column that reports each.
    static let requiredConsumers = [
        ("global_instrumentation", "global_instrumentation"),
        ("thread_instrumentation", "thread_instrumentation"),
        ("events_statements_current", "statements_current"),
        ("events_statements_history_long", "statements_history_long"),
    ]

    /// Reads the history and adds its bursts, window, facet and notices to the snapshot.
    public static func collect(
        from session: MySQLSession, server: MySQLServer, into snapshot: inout Snapshot
    ) throws {
        let info = try session.rows(.mysqlStatementHistoryInfo).first ?? [:]
        if let notice = unavailableNotice(info) {
            snapshot.notices.append(notice)
            return
        }
        let rows = try session.rows(.mysqlStatementHistory)
        var detector = RepeatedQueryDetector()
        for event in events(from: rows) { detector.add(event) }
        snapshot.queryBursts = detector.finish()
        snapshot.queryHistoryWindowSeconds = windowSeconds(rows)
        snapshot.facets.insert(.queryHistory)
        if let notice = fullRingNotice(info, events: rows) { snapshot.notices.append(notice) }
    }

    /// Seconds from the oldest to the newest statement start in the history; nil with fewer than two.
    static func windowSeconds(_ rows: [MySQLSession.Row]) -> Double? {
        let starts = rows.compactMap { value($0, "timer_start").flatMap(Double.init) }
        guard let first = starts.min(), let last = starts.max(), last > first else { return nil }
        return (last - first) / 1e12
    }

    /// The executions in `mysql_statement_history` rows, in their order; rows without a thread or digest
    /// (which the query does not return) are passed over.
    static func events(from rows: [MySQLSession.Row]) -> [QueryEvent] {
        rows.compactMap { row in
            guard let thread = value(row, "thread_id"), let digest = value(row, "digest") else { return nil }
            let text = value(row, "sql_text") ?? value(row, "digest_text") ?? digest
            // Picoseconds: TIMER_START counts from the server's start, TIMER_WAIT is the duration.
            let start = value(row, "timer_start").flatMap(Double.init).map { $0 / 1e12 }
            let wait = value(row, "timer_wait").flatMap(Double.init).map { $0 / 1e9 }
            return QueryEvent(
                session: thread, fingerprint: digest, text: text, time: start, durationMs: wait,
                rows: value(row, "rows_sent").flatMap { Int($0) }, user: value(row, "user_name"),
                database: value(row, "current_schema") ?? value(row, "thread_database"),
                application: value(row, "program_name"))
        }
    }

    /// Why the history cannot be read, as a notice; nil when it can.
    static func unavailableNotice(_ info: MySQLSession.Row) -> Notice? {
        if value(info, "performance_schema") != "1" {
            return Notice(
                level: .warning,
                message: "performance_schema is off: no statement history, so N+1 bursts cannot be found",
                remedy: "set performance_schema = ON in the server's option file and restart it")
        }
        let disabled = requiredConsumers.filter { value(info, $0.1)?.uppercased() != "YES" }.map(\.0)
        guard !disabled.isEmpty else { return nil }
        let names = requiredConsumers.map { "'\($0.0)'" }.joined(separator: ", ")
        return Notice(
            level: .warning,
            message: """
                the statement history is not recorded (performance_schema consumer\(disabled.count == 1 ? "" : "s") \
                \(disabled.joined(separator: ", ")) disabled): N+1 bursts cannot be found
                """,
            remedy: """
                enable the consumers now with the UPDATE (until the next restart), and for good with \
                performance-schema-consumer-<name> = ON in the option file
                """,
            code: "statement_history_consumer_off",
            fixSQL: "UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME IN (\(names));")
    }

    /// A notice when the ring is full: older statements were overwritten, so bursts are counted over
    /// a short, recent stretch only.
    static func fullRingNotice(_ info: MySQLSession.Row, events rows: [MySQLSession.Row]) -> Notice? {
        guard let size = value(info, "history_size").flatMap({ Int($0) }), size > 0,
            let held = value(info, "history_rows").flatMap({ Int($0) }), held >= size
        else { return nil }
        let covered = windowSeconds(rows).map { " (about \(Formatting.duration(seconds: $0)))" } ?? ""
        return Notice(
            level: .info,
            message: """
                the statement history is full: it holds only the last \(size) statements of all threads\(covered), \
                so N+1 bursts are counted over that stretch alone
                """,
            remedy: """
                raise performance_schema_events_statements_history_long_size (takes effect after a restart), \
                or scan when the workload of interest is running
                """)
    }

    private static func value(_ row: MySQLSession.Row, _ column: String) -> String? {
        row[column] ?? nil
    }
}
