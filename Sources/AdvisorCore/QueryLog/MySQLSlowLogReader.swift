/// Reads the MySQL/MariaDB/Percona slow query log: `# ` header lines (`# Time:` in both forms,
/// `# User@Host:`/`# User:`, `# Thread_id:`, `# Query_time: … Lock_time: … Rows_sent: …`, MariaDB's
/// and Percona's extra lines), then the statement lines (`use db;` and `SET timestamp=…;` taken
/// as the event's database and time), then the next header.
final class MySQLSlowLogReader: QueryLogLineReader {
    fileprivate struct Event {
        var origin = LoggedStatement.Origin(file: "", line: 0, byteOffset: 0)
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
        /// A header line (`# Time:`, `# Query_time:` …) came with the entry.
        var hasHeader = false
        /// `Full_scan`, `Tmp_table…`, `Merge_passes` when the header has them.
        var counters: LoggedStatement.ExecutionCounters?
        /// Fields left out as impossible (see `LoggedStatement.implausibleValues`).
        var implausibleValues = 0

        /// Starts the next event, keeping the statement buffer's capacity.
        mutating func restart(at origin: LoggedStatement.Origin) {
            var buffer: [UInt8] = []
            swap(&buffer, &statement)
            buffer.removeAll(keepingCapacity: true)
            self = Event()
            statement = consume buffer
            self.origin = origin
        }
    }

    private let file: String
    private let maximumEntryBytes: Int
    /// The event being read, valid while `hasEvent`; reused from event to event (no copies, no allocations).
    private var event = Event()
    private var hasEvent = false
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
                if inStatement || !hasEvent { try startEvent(line, &summary, emit) }
                event.isAdministratorCommand = true
                inStatement = true
                return
            }
            if !inStatement || Self.startsEvent(line) {
                if inStatement || !hasEvent { try startEvent(line, &summary, emit) }
                if hasEvent { event.readHeader(line, from: 2) }
                return
            }
        } else if Self.isServerBanner(line) {
            if inStatement { try finishEvent(&summary, emit) }
            return
        }
        if !hasEvent {
            // A file cut mid-event starts with statement lines; they still make an event.
            guard !line.isEmpty else { return }
            event.restart(at: LoggedStatement.Origin(file: file, line: line.number, byteOffset: line.offset))
            hasEvent = true
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
        event.restart(at: LoggedStatement.Origin(file: file, line: line.number, byteOffset: line.offset))
        hasEvent = true
    }

    private func appendStatementLine(_ line: LogLine) {
        if event.statement.count + line.count + 1 > maximumEntryBytes {
            event.truncated = true
        } else {
            if !event.statement.isEmpty { event.statement.append(10) }
            event.statement.append(contentsOf: line.bytes)
        }
    }

    /// A plain decimal (`0.000123`, `18`); nil for anything else (`18446744073708.796870.000036`).
    /// A counter field as an integer; nil for one no server could have counted (MariaDB writes
    /// `Bytes_sent: 18446744073709551453` after `FLUSH STATUS`): negative, fractional garbage or past `Int.max`.
    static func counter(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard let value = number(bytes, range), value.isFinite, value >= 0, value < 9.2e18 else { return nil }
        return Int(value)
    }

    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard !range.isEmpty, range.count <= 18 else {
            return range.isEmpty
                ? nil : Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
        }
        // Digits as one integer divided by a power of ten: exact inputs, one correctly rounded division.
        var mantissa = 0
        var scale = 1.0
        var seenPoint = false
        for index in range {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
            } else if byte >= 48 && byte <= 57 {
                mantissa = mantissa * 10 + Int(byte - 48)
                if seenPoint { scale *= 10 }
            } else {
                return nil
            }
        }
        return Double(mantissa) / scale
    }

    private func finishEvent(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        inStatement = false
        guard hasEvent else { return }
        hasEvent = false
        if event.truncated { summary.truncatedEntries += 1 }
        if let schema = event.schema, !schema.isEmpty { currentDatabase = schema }
        guard !event.isAdministratorCommand else {
            if let time = event.time { lastTime = time }
            return
        }
        let (text, database, timestamp) = Self.splitStatement(event.statement)
        if let database { currentDatabase = database }
        if let timestamp { event.time = timestamp }
        if event.time == nil { event.time = lastTime } else { lastTime = event.time }
        guard !text.isEmpty else { return }
        if !event.hasHeader { summary.entriesWithoutHeader += 1 }
        var statement = LoggedStatement(
            text: text, origin: event.origin, session: event.session, time: event.time,
            durationMs: event.queryTimeMs, user: event.user, database: currentDatabase,
            clientHost: event.host, rowsSent: event.rowsSent, rowsExamined: event.rowsExamined,
            lockTimeMs: event.lockTimeMs)
        statement.executionCounters = event.counters
        statement.implausibleValues = event.implausibleValues
        summary.statements += 1
        try emit(statement)
    }

    /// Takes the leading `use db;` and `SET timestamp=…;` (or `SET insert_id=…,timestamp=…;`) lines off
    /// an event's statement lines; returns the statement (without its final `;`), the database and the
    /// timestamp. Like pt-query-digest, only a lower-case `use` is the server's own (an upper-case `USE`
    /// is a statement the client sent), and an event holding nothing else has no statement.
    static func splitStatement(_ statement: [UInt8]) -> (text: String, database: String?, timestamp: Double?) {
        statement.withUnsafeBufferPointer { bytes in
            var database: String?
            var timestamp: Double?
            var start = 0
            while true {
                while start < bytes.count,
                    bytes[start] == 32 || bytes[start] == 10 || bytes[start] == 9 || bytes[start] == 13
                {
                    start += 1
                }
                var end = start
                while end < bytes.count, bytes[end] != 10 { end += 1 }
                var last = end
                while last > start, bytes[last - 1] == 32 || bytes[last - 1] == 13 { last -= 1 }
                guard last > start, bytes[last - 1] == UInt8(ascii: ";") else { break }
                let line = LogLine(bytes: bytes, number: 0, offset: 0)
                if line.has("use ", at: start) {
                    var name = start + 4
                    while name < last - 1, bytes[name] == 32 { name += 1 }
                    database = String(decoding: UnsafeBufferPointer(rebasing: bytes[name..<last - 1]), as: UTF8.self)
                        .filter { $0 != "`" }
                } else if line.has("SET ", at: start) || line.has("set ", at: start),
                    let value = timestampValue(bytes, start..<last)
                {
                    timestamp = value
                } else {
                    break
                }
                start = end
            }
            var end = bytes.count
            while end > start,
                bytes[end - 1] == 32 || bytes[end - 1] == 10 || bytes[end - 1] == 9 || bytes[end - 1] == 13
            {
                end -= 1
            }
            if end > start, bytes[end - 1] == UInt8(ascii: ";") { end -= 1 }
            let text =
                end > start ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) : ""
            return (text, database, timestamp)
        }
    }

    /// The number after `timestamp=` in a `SET` line, if it has one.
    private static func timestampValue(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        let line = LogLine(bytes: bytes, number: 0, offset: 0)
        var position = range.lowerBound
        while position + 10 <= range.upperBound {
            if line.has("timestamp=", at: position) {
                let valueStart = position + 10
                var valueEnd = valueStart
                while valueEnd < range.upperBound,
                    (bytes[valueEnd] >= 48 && bytes[valueEnd] <= 57) || bytes[valueEnd] == 46
                {
                    valueEnd += 1
                }
                return number(bytes, valueStart..<valueEnd)
            }
            position += 1
        }
        return nil
    }
}

/// Header lines parsed straight into the event: mutating methods of a value, so reading a field costs no
/// exclusivity check as a class property's would.
extension MySQLSlowLogReader.Event {
    /// Reads a header line (from `start`, after "# "): the time, `User@Host`, `Client`, or
    /// `Key: value  Key: value` pairs. Byte-level: a slow log is mostly header lines.
    mutating func readHeader(_ line: LogLine, from start: Int) {
        hasHeader = true
        let bytes = line.bytes
        if line.has("Time:", at: start) {
            var position = start + 5
            while position < bytes.count, bytes[position] == 32 { position += 1 }
            if let (parsed, end) = LogTimestamp.parse(bytes, from: position)
                ?? LogTimestamp.parseMySQLShort(bytes, from: position)
            {
                time = parsed
                position = end
            }
            // Percona writes "# Time: 071015 21:43:52 # User@Host: …" on one line.
            while position + 2 < bytes.count {
                if bytes[position] == UInt8(ascii: "#"), bytes[position + 1] == 32 {
                    readAttributes(line, from: position + 2)
                    break
                }
                position += 1
            }
            return
        }
        readAttributes(line, from: start)
    }

    mutating func readAttributes(_ line: LogLine, from start: Int) {
        if line.has("User@Host:", at: start) {
            readUserHost(line, from: start + 10)
            return
        }
        if line.has("User:", at: start) {
            readUserHost(line, from: start + 5)
            return
        }
        let bytes = line.bytes
        if line.has("Client:", at: start) {
            var position = start + 7
            while position < bytes.count, bytes[position] == 32 { position += 1 }
            var end = position
            while end < bytes.count, bytes[end] != 32, bytes[end] != UInt8(ascii: ":") { end += 1 }
            if end > position { host = line.text(from: position, to: end) }
            return
        }
        var position = start
        while position < bytes.count {
            while position < bytes.count, bytes[position] == 32 { position += 1 }
            let keyStart = position
            while position < bytes.count, bytes[position] != 32 { position += 1 }
            guard position > keyStart + 1, bytes[position - 1] == UInt8(ascii: ":") else { continue }
            let key = keyStart..<position - 1
            while position < bytes.count, bytes[position] == 32 { position += 1 }
            let valueStart = position
            while position < bytes.count, bytes[position] != 32 { position += 1 }
            var value = valueStart..<position
            if value.isEmpty || bytes[position - 1] == UInt8(ascii: ":") {
                // "Schema:  Last_errno: 0": an empty value; the next token is a key.
                position = valueStart
                value = valueStart..<valueStart
            }
            set(line, key: key, value: value)
        }
    }

    mutating func set(_ line: LogLine, key: Range<Int>, value: Range<Int>) {
        let bytes = line.bytes
        func keyIs(_ name: StaticString) -> Bool {
            key.count == name.utf8CodeUnitCount && line.has(name, at: key.lowerBound)
        }
        switch bytes[key.lowerBound] {
        case UInt8(ascii: "Q") where keyIs("Query_time"):
            queryTimeMs = milliseconds(bytes, value)
        case UInt8(ascii: "L") where keyIs("Lock_time"):
            lockTimeMs = milliseconds(bytes, value)
        case UInt8(ascii: "R") where keyIs("Rows_sent"):
            rowsSent = counter(bytes, value)
        case UInt8(ascii: "R") where keyIs("Rows_examined"):
            rowsExamined = counter(bytes, value)
        case UInt8(ascii: "T") where keyIs("Thread_id"), UInt8(ascii: "I") where keyIs("Id"):
            if !value.isEmpty { session = line.text(from: value.lowerBound, to: value.upperBound) }
        case UInt8(ascii: "S") where keyIs("Schema"):
            schema = line.text(from: value.lowerBound, to: value.upperBound)
        case UInt8(ascii: "F") where keyIs("Full_scan"):
            counters.setting { $0.fullScans = Self.yes(line, value) }
        // MariaDB and Percona say Yes/No per kind; Percona's extended lines count (`Tmp_tables: 2`).
        case UInt8(ascii: "T") where keyIs("Tmp_table"):
            counters.setting { $0.tempTables = max($0.tempTables, Self.yes(line, value)) }
        case UInt8(ascii: "T") where keyIs("Tmp_tables"):
            let tempTables = count(bytes, value)
            counters.setting { $0.tempTables = max($0.tempTables, tempTables) }
        case UInt8(ascii: "T") where keyIs("Tmp_table_on_disk"):
            counters.setting { $0.tempDiskTables = max($0.tempDiskTables, Self.yes(line, value)) }
        case UInt8(ascii: "T") where keyIs("Tmp_disk_tables"):
            let tempDiskTables = count(bytes, value)
            counters.setting { $0.tempDiskTables = max($0.tempDiskTables, tempDiskTables) }
        case UInt8(ascii: "M") where keyIs("Merge_passes"):
            let passes = count(bytes, value)
            counters.setting { $0.sortMergePasses = passes }
        default:
            break
        }
    }

    /// `User@Host: app[app] @ host.example [10.0.0.1]  Id:   168` (or `User: app[app] @ [10.0.0.1]`);
    /// replication threads log `[SQL_SLAVE] @  []`.
    mutating func readUserHost(_ line: LogLine, from start: Int) {
        let bytes = line.bytes
        var position = start
        while position < bytes.count, bytes[position] == 32 { position += 1 }
        let userStart = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "[") {
            while position < bytes.count, bytes[position] != 32 { position += 1 }
        } else {
            while position < bytes.count, bytes[position] != 32, bytes[position] != UInt8(ascii: "[") { position += 1 }
        }
        if position > userStart { user = line.text(from: userStart, to: position) }
        // " @ " then the host name (maybe empty) then "[ip]", then maybe "Id: n".
        while position + 2 < bytes.count, !(bytes[position] == UInt8(ascii: "@") && bytes[position + 1] == 32) {
            position += 1
        }
        guard position + 2 < bytes.count else { return }
        position += 2
        while position < bytes.count, bytes[position] == 32 { position += 1 }
        let hostStart = position
        while position < bytes.count, bytes[position] != 32, bytes[position] != UInt8(ascii: "[") { position += 1 }
        var hostRange = hostStart..<position
        while position < bytes.count, bytes[position] == 32 { position += 1 }
        if position < bytes.count, bytes[position] == UInt8(ascii: "[") {
            let ipStart = position + 1
            position = ipStart
            while position < bytes.count, bytes[position] != UInt8(ascii: "]") { position += 1 }
            if hostRange.isEmpty { hostRange = ipStart..<position }
            position += 1
        }
        if !hostRange.isEmpty { host = line.text(from: hostRange.lowerBound, to: hostRange.upperBound) }
        while position + 3 < bytes.count {
            if line.has("Id:", at: position) {
                position += 3
                while position < bytes.count, bytes[position] == 32 { position += 1 }
                let idStart = position
                while position < bytes.count, bytes[position] != 32 { position += 1 }
                if position > idStart { session = line.text(from: idStart, to: position) }
                return
            }
            position += 1
        }
    }

    /// 1 for `Yes`, 0 otherwise.
    private static func yes(_ line: LogLine, _ value: Range<Int>) -> Int {
        value.count == 3 && line.has("Yes", at: value.lowerBound) ? 1 : 0
    }

    private mutating func count(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) -> Int {
        counter(bytes, value) ?? 0
    }

    /// A counter, nil (and counted as implausible) when one is written that no server could have counted.
    private mutating func counter(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) -> Int? {
        let counted = MySQLSlowLogReader.counter(bytes, value)
        if counted == nil, !value.isEmpty { implausibleValues += 1 }
        return counted
    }

    /// Seconds as milliseconds, nil (and counted as implausible) past 30 years or unreadable.
    private mutating func milliseconds(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) -> Double? {
        guard !value.isEmpty else { return nil }
        guard let seconds = MySQLSlowLogReader.number(bytes, value), seconds.isFinite, seconds < 1e9 else {
            implausibleValues += 1
            return nil
        }
        return seconds * 1000
    }
}

extension LoggedStatement.ExecutionCounters? {
    /// Changes the counters, starting from zero when there were none.
    fileprivate mutating func setting(_ change: (inout LoggedStatement.ExecutionCounters) -> Void) {
        var counters = self ?? LoggedStatement.ExecutionCounters()
        change(&counters)
        self = counters
    }
}
