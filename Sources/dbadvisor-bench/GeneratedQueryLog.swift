import Foundation

/// Writes the generated workload (`LogWorkload`) as a query log of a given number of statements: a PostgreSQL
/// stderr log as `log_min_duration_statement = 0` and `log_connections`/`log_disconnections`/`log_checkpoints`
/// produce it, or a MySQL 8 slow log (`long_query_time = 0`) with its header. The one generator of benchmark
/// logs: `dbadvisor-bench logs` times the readers on it and `scripts/bench-logs.sh` runs the other tools on it.
enum GeneratedQueryLog {
    /// The log format to write.
    enum Format {
        /// PostgreSQL stderr with this `log_line_prefix`.
        case postgresStderr(PostgresPrefixRenderer)
        case mysqlSlow
    }

    /// Writes `statements` statements to `url` (through a `.partial` file renamed at the end, so a file
    /// under the final name is always complete).
    static func write(_ format: Format, statements: Int, to url: URL) throws {
        let partial = url.appendingPathExtension("partial")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial.path])
        }
        let handle = try FileHandle(forWritingTo: partial)
        var workload = LogWorkload(dialect: format.dialect)
        var writer = LogEntryWriter(format: format)
        var written = 0
        var restarted = false
        while written < statements {
            if writer.write(workload.next(), at: workload.now) { written += 1 }
            // A restarted server writes the header again in the middle of the slow log.
            if case .mysqlSlow = format, written == statements / 2, !restarted {
                writer.writeMySQLHeader()
                restarted = true
            }
            if writer.text.utf8.count >= 4 << 20 { try writer.flush(to: handle) }
        }
        try writer.flush(to: handle)
        try handle.close()
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: partial, to: url)
    }
}

extension GeneratedQueryLog.Format {
    var dialect: WorkloadDialect {
        if case .mysqlSlow = self { return .mysql }
        return .postgres
    }
}

/// Formats workload events as log lines into a buffer.
private struct LogEntryWriter {
    let format: GeneratedQueryLog.Format
    var text = ""
    /// The database the slow log named last (`use db;` is written when it changes).
    private var loggedDatabase = ""

    init(format: GeneratedQueryLog.Format) {
        self.format = format
        text.reserveCapacity(5 << 20)
        if case .mysqlSlow = format { writeMySQLHeader() }
    }

    mutating func flush(to handle: FileHandle) throws {
        try handle.write(contentsOf: Data(text.utf8))
        text.removeAll(keepingCapacity: true)
    }

    /// Appends the event's lines; true when it was a statement.
    mutating func write(_ event: LogWorkload.Event, at now: Int64) -> Bool {
        switch format {
        case .postgresStderr(let prefix): return writePostgres(event, at: now, prefix: prefix)
        case .mysqlSlow:
            guard case .statement(let session, let statement) = event else { return false }
            writeMySQL(statement, session: session, at: now)
            return true
        }
    }

    // MARK: - PostgreSQL

    private mutating func writePostgres(
        _ event: LogWorkload.Event, at now: Int64, prefix: PostgresPrefixRenderer
    ) -> Bool {
        let time = LogTime(microseconds: now)
        switch event {
        case .statement(let session, let statement):
            prefix.render(.session(session), time: time, into: &text)
            text += "LOG:  duration: \(Self.milliseconds(statement.durationMicroseconds)) ms  "
            text += statement.parameters.isEmpty ? "statement: " : "execute <unnamed>: "
            // PostgreSQL starts each further line of a message with a tab.
            text += statement.text.replacingOccurrences(of: "\n", with: "\n\t")
            text += "\n"
            if !statement.parameters.isEmpty {
                prefix.render(.session(session), time: time, into: &text)
                text += "DETAIL:  parameters: "
                for (index, value) in statement.parameters.enumerated() {
                    text += index == 0 ? "$1 = \(value)" : ", $\(index + 1) = \(value)"
                }
                text += "\n"
            }
            return true
        case .connected(let session):
            prefix.render(.connecting(session), time: time, into: &text)
            text += "LOG:  connection received: host=\(session.host) port=\(session.port)\n"
            prefix.render(.session(session), time: time, into: &text)
            text += "LOG:  connection authorized: user=\(session.user) database=\(session.database) "
            text += "application_name=\(session.application)\n"
        case .disconnected(let session):
            let milliseconds = Int((now - session.startMicroseconds) / 1000)
            let duration =
                "\(milliseconds / 3_600_000):\(padded(milliseconds / 60_000 % 60, 2)):"
                + "\(padded(milliseconds / 1000 % 60, 2)).\(padded(milliseconds % 1000, 3))"
            prefix.render(.session(session), time: time, into: &text)
            text += "LOG:  disconnection: session time: \(duration) "
            text += "user=\(session.user) database=\(session.database) host=\(session.host) port=\(session.port)\n"
        case .checkpoint:
            prefix.render(.background(processID: 20_412), time: time, into: &text)
            text += "LOG:  checkpoint starting: time\n"
            prefix.render(.background(processID: 20_412), time: time, into: &text)
            text += "LOG:  checkpoint complete: wrote 2113 buffers (12.9%); 0 WAL file(s) added, 0 removed, "
            text += "2 recycled; write=269.912 s, sync=0.006 s, total=269.951 s; sync files=61, longest=0.002 s, "
            text += "average=0.001 s; distance=34127 kB, estimate=35012 kB\n"
        }
        return false
    }

    private static func milliseconds(_ microseconds: Int) -> String {
        "\(microseconds / 1000).\(padded(microseconds % 1000, 3))"
    }

    // MARK: - MySQL

    mutating func writeMySQLHeader() {
        text += "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\n"
        text += "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\n"
        text += "Time                 Id Command    Argument\n"
        loggedDatabase = ""
    }

    private mutating func writeMySQL(_ statement: WorkloadStatement, session: WorkloadSession, at now: Int64) {
        let time = LogTime(microseconds: now)
        let id = String(session.processID)
        let lockMicroseconds = statement.text.hasPrefix("SELECT") || statement.text.hasPrefix("WITH") ? 2 : 41
        text += "# Time: \(time.dateTime(decimals: 6, separator: "T"))Z\n"
        text += "# User@Host: \(session.user)[\(session.user)] @ web-\(session.host.split(separator: ".").last ?? "")"
        text += " [\(session.host)]  Id: \(String(repeating: " ", count: max(0, 5 - id.count)))\(id)\n"
        text += "# Query_time: \(Self.seconds(statement.durationMicroseconds))  "
        text += "Lock_time: \(Self.seconds(lockMicroseconds)) Rows_sent: \(statement.rowsSent)  "
        text += "Rows_examined: \(statement.rowsExamined)\n"
        if session.database != loggedDatabase {
            text += "use \(session.database);\n"
            loggedDatabase = session.database
        }
        text += "SET timestamp=\(time.epochSeconds);\n"
        text += statement.text
        text += ";\n"
    }

    private static func seconds(_ microseconds: Int) -> String {
        "\(microseconds / 1_000_000).\(padded(microseconds % 1_000_000, 6))"
    }
}
