/// Reads the MySQL/MariaDB/Percona slow query log: `# ` header lines (`# Time:` in both forms,
/// `# User@Host:`/`# User:`, `# Thread_id:`, `# Query_time: … Lock_time: … Rows_sent: …`, MariaDB's
/// and Percona's extra lines), then the statement lines (`use db;` and `SET timestamp=…;` taken
/// as the event's database and time), then the next header.
final class MySQLSlowLogReader: QueryLogLineReader {
    private struct Event {
        var origin: LoggedStatement.Origin
        var time: Double?
        var user: String?
        var host: String?
        var session: String?
        var schema: String?
        var queryTimeMs: Double?
        var lockTimeMs: Double?
        var rowsSent: Int?
        var rowsExamined: Int?
        var statement: [UInt8] = []
        var isAdministratorCommand = false
        var truncated = false
    }

    private let file: String
    private let maximumEntryBytes: Int
    private var event: Event?
    /// The event's statement lines have started: a header line now starts the next event.
    private var inStatement = false
    /// `use db;` carries over to later events, as the server's session does.
    private var currentDatabase: String?
    /// Events without a `# Time:` line happened at the last time logged.
    private var lastTime: Double?

    init(file: String, maximumEntryBytes: Int) {
        self.file = file
        self.maximumEntryBytes = maximumEntryBytes
    }

    /// A header line only the slow log writes (format detection).
    static func looksLikeHeader(_ line: [UInt8]) -> Bool {
        line.withUnsafeBufferPointer { bytes in
            let line = LogLine(bytes: bytes, number: 0, offset: 0)
            return line.has("# Time: ") || line.has("# User@Host: ") || line.has("# Query_time: ")
                || line.has("# Thread_id: ") || line.has("# User: ")
        }
    }

    func read(_ line: LogLine, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        if line.has("# ") || (line.count == 1 && line[0] == UInt8(ascii: "#")) {
            if line.has("# administrator command:") {
                if inStatement || event == nil { try startEvent(line, &summary, emit) }
                event?.isAdministratorCommand = true
                inStatement = true
                return
            }
            if !inStatement || Self.startsEvent(line) {
                if inStatement || event == nil { try startEvent(line, &summary, emit) }
                readHeader(line, from: 2)
                return
            }
        } else if Self.isServerBanner(line) {
            if inStatement { try finishEvent(&summary, emit) }
            return
        }
        if event == nil {
            // A file cut mid-event starts with statement lines; they still make an event.
            guard !line.isEmpty else { return }
            event = Event(origin: LoggedStatement.Origin(file: file, line: line.number, byteOffset: line.offset))
        }
        inStatement = true
        appendStatementLine(line)
    }

    func finish(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        try finishEvent(&summary, emit)
    }

    // MARK: - Private

    private static func startsEvent(_ line: LogLine) -> Bool {
        line.has("# Time:") || line.has("# User@Host:") || line.has("# User:") || line.has("# Thread_id:")
            || line.has("# Query_time:") || line.has("# Client:")
    }

    private static func isServerBanner(_ line: LogLine) -> Bool {
        if line.has("Tcp port:") || line.has("TCP Port:") || line.has("Time                 Id Command") {
            return true
        }
        // "/usr/sbin/mysqld, Version: 5.0.38-log (…). started with:"
        guard line.count > 14, line[line.count - 1] == UInt8(ascii: ":") else { return false }
        return line.text().hasSuffix("started with:")
    }

    private func startEvent(_ line: LogLine, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void)
        rethrows
    {
        try finishEvent(&summary, emit)
        event = Event(origin: LoggedStatement.Origin(file: file, line: line.number, byteOffset: line.offset))
    }

    private func appendStatementLine(_ line: LogLine) {
        guard var current = event else { return }
        event = nil
        if current.statement.count + line.count + 1 > maximumEntryBytes {
            current.truncated = true
        } else {
            if !current.statement.isEmpty { current.statement.append(10) }
            current.statement.append(contentsOf: line.bytes)
        }
        event = current
    }

    /// Reads `Key: value  Key: value` pairs from a header line (from `start`, after "# ").
    private func readHeader(_ line: LogLine, from start: Int) {
        guard event != nil else { return }
        let text = line.text(from: start)
        if text.hasPrefix("Time:") {
            let value = text.dropFirst(5).drop { $0 == " " }
            // Percona writes "# Time: 071015 21:43:52 # User@Host: …" on one line.
            let parts = value.split(separator: " # ", maxSplits: 1, omittingEmptySubsequences: false)
            if let time = Self.parseTime(String(parts.first ?? "")) {
                event?.time = time
                lastTime = time
            }
            if parts.count > 1 { readAttributes(String(parts[1])) }
            return
        }
        readAttributes(text)
    }

    private func readAttributes(_ text: String) {
        if text.hasPrefix("User@Host:") || text.hasPrefix("User:") {
            readUserHost(text)
            return
        }
        if text.hasPrefix("Client:") {
            let client = text.dropFirst(7).trimmingLogWhitespaceSubstring
            event?.host = String(client.split(separator: ":").first ?? client)
            return
        }
        let tokens = text.split(separator: " ", omittingEmptySubsequences: true)
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            guard token.hasSuffix(":") else {
                index += 1
                continue
            }
            let key = token.dropLast()
            var value: Substring?
            if index + 1 < tokens.count, !tokens[index + 1].hasSuffix(":") {
                value = tokens[index + 1]
                index += 1
            }
            index += 1
            set(key, value)
        }
    }

    private func set(_ key: Substring, _ value: Substring?) {
        switch key {
        case "Query_time": event?.queryTimeMs = value.flatMap { Double($0) }.map { $0 * 1000 }
        case "Lock_time": event?.lockTimeMs = value.flatMap { Double($0) }.map { $0 * 1000 }
        case "Rows_sent": event?.rowsSent = value.flatMap { Int($0) }
        case "Rows_examined": event?.rowsExamined = value.flatMap { Int($0) }
        case "Thread_id", "Id": if let value { event?.session = String(value) }
        case "Schema": event?.schema = value.map(String.init)
        default: break
        }
    }

    /// `User@Host: app[app] @ host.example [10.0.0.1]  Id:   168` (or `User: app[app] @ [10.0.0.1]`).
    private func readUserHost(_ text: String) {
        let value = text.drop { $0 != ":" }.dropFirst().drop { $0 == " " }
        // "app[app] @ …"; replication threads log "[SQL_SLAVE] @  []".
        let user = value.first == "[" ? value.prefix { $0 != " " } : value.prefix { $0 != "[" && $0 != " " }
        if !user.isEmpty { event?.user = String(user) }
        guard let at = value.range(of: " @ ") else { return }
        var rest = value[at.upperBound...]
        let idRange = rest.range(of: "Id:")
        if let idRange {
            let id = rest[idRange.upperBound...].drop { $0 == " " }.prefix { $0 != " " }
            if !id.isEmpty { event?.session = String(id) }
            rest = rest[..<idRange.lowerBound]
        }
        let host = rest.prefix { $0 != "[" && $0 != " " }
        var ip: Substring = ""
        if let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            ip = rest[rest.index(after: open)..<close]
        }
        let client = host.isEmpty ? ip : host
        if !client.isEmpty { event?.host = String(client) }
    }

    static func parseTime(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes in
            LogTimestamp.parse(bytes, from: 0)?.seconds ?? LogTimestamp.parseMySQLShort(bytes, from: 0)?.seconds
        }
    }

    private func finishEvent(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        inStatement = false
        guard var current = event else { return }
        event = nil
        if current.truncated { summary.truncatedEntries += 1 }
        if let schema = current.schema, !schema.isEmpty { currentDatabase = schema }
        guard !current.isAdministratorCommand else { return }
        let (text, database, timestamp) = Self.splitStatement(current.statement)
        if let database { currentDatabase = database }
        if let timestamp { current.time = timestamp }
        if current.time == nil { current.time = lastTime } else { lastTime = current.time }
        guard !text.isEmpty else { return }
        let statement = LoggedStatement(
            text: text, origin: current.origin, session: current.session, time: current.time,
            durationMs: current.queryTimeMs, user: current.user, database: currentDatabase,
            clientHost: current.host, rowsSent: current.rowsSent, rowsExamined: current.rowsExamined,
            lockTimeMs: current.lockTimeMs)
        summary.statements += 1
        try emit(statement)
    }

    /// Takes the leading `use db;` and `SET timestamp=…;` (or `SET insert_id=…,timestamp=…;`) lines off
    /// an event's statement lines; returns the statement (without its final `;`), the database and the
    /// timestamp. Like pt-query-digest, only a lower-case `use` is the server's own (an upper-case `USE`
    /// is a statement the client sent), and an event holding nothing else has no statement.
    static func splitStatement(_ bytes: [UInt8]) -> (text: String, database: String?, timestamp: Double?) {
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        var database: String?
        var timestamp: Double?
        while true {
            text = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
            let firstLine = text.prefix { $0 != "\n" }
            let lowered = firstLine.lowercased()
            if firstLine.hasPrefix("use "), firstLine.hasSuffix(";") {
                let name = firstLine.dropFirst(4).dropLast().trimmingLogWhitespaceSubstring
                database = String(name.filter { $0 != "`" })
            } else if lowered.hasPrefix("set "), lowered.hasSuffix(";"), let range = lowered.range(of: "timestamp=") {
                let value = lowered[range.upperBound...].prefix { $0.isNumber || $0 == "." }
                timestamp = Double(value)
            } else {
                break
            }
            text = text.dropFirst(firstLine.count)
        }
        var statement = String(text).trimmingLogWhitespace
        if statement.hasSuffix(";") { statement.removeLast() }
        return (statement, database, timestamp)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingLogWhitespaceSubstring: Substring {
        var result = self.drop { $0 == " " || $0 == "\t" }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
