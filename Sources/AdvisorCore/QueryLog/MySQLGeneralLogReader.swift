/// Reads the MySQL/MariaDB general query log: `Time Id Command Argument` lines where the time is
/// printed only when it changed, and a query's further lines follow as they are. `Query` and
/// `Execute` entries are statements; `Connect` and `Init DB` set the session's user and database.
final class MySQLGeneralLogReader: QueryLogLineReader {
    private struct Session {
        var user: String?
        var host: String?
        var database: String?
    }

    private struct Entry {
        var statement: LoggedStatement
        var bytes: [UInt8]
        var truncated = false
    }

    /// The commands the server logs; `Query` and `Execute` are statements.
    static let commands: [String] = [
        "Query", "Execute", "Connect", "Quit", "Init DB", "Prepare", "Close stmt", "Reset stmt", "Field List",
        "Statistics", "Ping", "Shutdown", "Binlog Dump", "Binlog Dump GTID", "Change user", "Fetch", "Long Data",
        "Set option", "Processlist", "Refresh", "Kill", "Debug", "Sleep", "Time", "Delayed insert", "Table Dump",
        "Connect Out", "Register Slave", "Daemon", "Error", "Create DB", "Drop DB",
    ]
    /// Longest first, so that `Binlog Dump GTID` is not read as `Binlog Dump`.
    private static let commandTable = commands.map { (name: $0, bytes: Array($0.utf8)) }.sorted {
        $0.bytes.count > $1.bytes.count
    }

    private let file: String
    private let maximumEntryBytes: Int
    private var sessions: [String: Session] = [:]
    private var entry: Entry?
    private var lastTime: Double?

    init(file: String, maximumEntryBytes: Int) {
        self.file = file
        self.maximumEntryBytes = maximumEntryBytes
    }

    /// A `[time] Id Command` line (format detection).
    static func looksLikeEntry(_ line: [UInt8]) -> Bool {
        line.withUnsafeBufferPointer { parse($0) != nil }
    }

    func read(_ line: LogLine, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        guard let parsed = Self.parse(line.bytes) else {
            // Appended in place: copying the entry out and back per line cost more than reading the line.
            if let length = entry?.bytes.count {
                if length + line.count + 1 > maximumEntryBytes {
                    entry?.truncated = true
                } else {
                    entry?.bytes.append(10)
                    entry?.bytes.append(contentsOf: line.bytes)
                }
            } else if !line.isEmpty && !Self.isServerBanner(line) {
                summary.unparsable(line)
            }
            return
        }
        try finishEntry(&summary, emit)
        if let time = parsed.time { lastTime = time }
        let session = line.text(from: parsed.id.lowerBound, to: parsed.id.upperBound)
        let command = parsed.command
        let argument = UnsafeBufferPointer(rebasing: line.bytes[parsed.argumentStart...])
        switch command {
        case "Query", "Execute":
            let state = sessions[session] ?? Session()
            let statement = LoggedStatement(
                text: "", origin: LoggedStatement.Origin(file: file, line: line.number, byteOffset: line.offset),
                session: session, time: lastTime, user: state.user, database: state.database, clientHost: state.host)
            entry = Entry(statement: statement, bytes: Array(argument.prefix(maximumEntryBytes)))
        case "Connect":
            sessions[session] = Self.connection(String(decoding: argument, as: UTF8.self))
        case "Init DB":
            sessions[session, default: Session()].database =
                String(decoding: argument, as: UTF8.self).trimmingLogWhitespace
        case "Quit":
            sessions[session] = nil
        default:
            break
        }
    }

    func finish(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        try finishEntry(&summary, emit)
    }

    // MARK: - Private

    private struct ParsedLine {
        var time: Double?
        var id: Range<Int>
        var command: String
        var argumentStart: Int
    }

    /// `[time]<spaces or tabs>id<space>Command<spaces or tab>argument`.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedLine? {
        var position = 0
        var time: Double?
        if !bytes.isEmpty, bytes[0] >= 48, bytes[0] <= 57 {
            if let (seconds, end) = LogTimestamp.parse(bytes, from: 0) {
                time = seconds
                position = end
            } else if let (seconds, end) = LogTimestamp.parseMySQLShort(bytes, from: 0) {
                time = seconds
                position = end
            } else {
                return nil
            }
        }
        let whitespaceStart = position
        while position < bytes.count, bytes[position] == 32 || bytes[position] == 9 { position += 1 }
        guard position > whitespaceStart || position == 0 else { return nil }
        let idStart = position
        while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 { position += 1 }
        guard position > idStart, position < bytes.count, bytes[position] == 32 else { return nil }
        let id = idStart..<position
        position += 1
        guard let command = matchCommand(bytes, at: position) else { return nil }
        position += command.bytes.count
        guard position == bytes.count || bytes[position] == 32 || bytes[position] == 9 else { return nil }
        while position < bytes.count, bytes[position] == 32 || bytes[position] == 9 { position += 1 }
        return ParsedLine(time: time, id: id, command: command.name, argumentStart: position)
    }

    private static func matchCommand(
        _ bytes: UnsafeBufferPointer<UInt8>, at position: Int
    ) -> (name: String, bytes: [UInt8])? {
        commandTable.first { command in
            position + command.bytes.count <= bytes.count
                && command.bytes.indices.allSatisfy { bytes[position + $0] == command.bytes[$0] }
        }
    }

    private static func isServerBanner(_ line: LogLine) -> Bool {
        line.has("Tcp port:") || line.has("TCP Port:") || line.has("Time ") || line.text().hasSuffix("started with:")
    }

    /// `root@localhost on db1` (possibly `… on  using Socket`).
    private static func connection(_ argument: String) -> Session {
        var session = Session()
        guard let at = argument.firstIndex(of: "@"), !argument.hasPrefix("Access denied") else { return session }
        session.user = String(argument[..<at])
        let rest = argument[argument.index(after: at)...]
        let host = rest.prefix { $0 != " " }
        session.host = host.isEmpty ? nil : String(host)
        if let on = rest.range(of: " on ") {
            let database = rest[on.upperBound...].prefix { $0 != " " }
            session.database = database.isEmpty ? nil : String(database)
        }
        return session
    }

    private func finishEntry(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        guard var current = entry else { return }
        entry = nil
        if current.truncated { summary.truncatedEntries += 1 }
        current.statement.text = String(decoding: current.bytes, as: UTF8.self).trimmingLogWhitespace
        guard !current.statement.text.isEmpty else { return }
        summary.statements += 1
        try emit(current.statement)
    }
}
