/// Reads PostgreSQL's `jsonlog` (15+): one JSON object per line (`timestamp`, `user`, `dbname`, `pid`,
/// `session_id`, `error_severity`, `message`, `detail`, `application_name`…). Also reads exports
/// that wrap a server's log lines in JSON: CloudNativePG (the csvlog columns under `record`) and
/// Google Cloud SQL (a stderr line in `textPayload`, read with the first common prefix that fits).
final class PostgresJSONLogReader: QueryLogLineReader {
    private let file: String
    private let maximumEntryBytes: Int
    private let assembler = PostgresStatementAssembler()
    /// The prefix of `textPayload` lines, found on the first one.
    private var payloadPrefix: PostgresLogLinePrefix?
    /// A `textPayload` message still open: Cloud SQL puts each continuation line in an entry of its own.
    private var openPayload: PostgresLogMessage?

    init(file: String, maximumEntryBytes: Int) {
        self.file = file
        self.maximumEntryBytes = maximumEntryBytes
    }

    /// A line holding a JSON object with a PostgreSQL log record (format detection).
    static func looksLikeEntry(_ line: [UInt8]) -> Bool {
        guard line.first == UInt8(ascii: "{"), line.last == UInt8(ascii: "}"),
            let object = try? JSONReader.parse(line)
        else { return false }
        return object["error_severity"] != nil || object["record"]?["error_severity"] != nil
            || object["textPayload"] != nil
    }

    func read(_ line: LogLine, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        guard !line.isEmpty else { return }
        guard let object = try? JSONReader.parse(Array(line.bytes)), case .object = object else {
            summary.unparsable(line)
            return
        }
        let origin = LoggedStatement.Origin(file: file, line: line.number, byteOffset: line.offset)
        if let payload = object["textPayload"]?.stringValue, !payload.isEmpty {
            if payload.hasPrefix("\t") {
                if var message = openPayload {
                    openPayload = nil
                    message.text.append(10)
                    message.text.append(contentsOf: payload.utf8.dropFirst().prefix(maximumEntryBytes))
                    openPayload = message
                }
                return
            }
            try closePayload(&summary, emit)
            try readPayload(payload, time: object["timestamp"]?.stringValue, origin, line, &summary, emit)
            return
        }
        try closePayload(&summary, emit)
        let record = object["record"] ?? object
        func string(_ keys: String...) -> String? {
            for key in keys {
                if let value = record[key] {
                    if let text = value.stringValue { return text.isEmpty ? nil : text }
                    if let number = value.doubleValue {
                        return number.isFinite && abs(number) < 9.2e18 ? String(Int(number)) : String(number)
                    }
                }
            }
            return nil
        }
        guard let severity = string("error_severity"), let level = PostgresLogLevel.byName[severity],
            let text = string("message")
        else {
            // Other JSON entries of the same stream (an operator's own messages, audit records) are no
            // PostgreSQL messages: skipped, not unparsable.
            if record["error_severity"] != nil { summary.unparsable(line) }
            return
        }
        let bytes = Array(text.utf8.prefix(maximumEntryBytes))
        let relevant = bytes.withUnsafeBufferPointer { PostgresLogMessage.isRelevant(level, $0) }
        var message = PostgresLogMessage(
            level: relevant ? level : PostgresLogMessage.skippedLevel(level), text: relevant ? bytes : [],
            origin: origin)
        if relevant {
            message.truncated = text.utf8.count > maximumEntryBytes
            message.detail = string("detail")
            message.time = string("timestamp", "log_time").flatMap(LogTimestamp.parse)
            message.session = string("session_id") ?? string("pid", "process_id")
            message.user = string("user", "user_name")
            message.database = string("dbname", "database_name")
            message.application = string("application_name")
            message.host =
                string("remote_host").map { $0 }
                ?? string("connection_from").map {
                    PostgresCSVLogReader.hostWithoutPort($0)
                }
        }
        try assembler.handle(message, &summary, emit)
    }

    func finish(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        try closePayload(&summary, emit)
        try assembler.finish(&summary, emit)
    }

    // MARK: - Private

    private func closePayload(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        guard let message = openPayload else { return }
        openPayload = nil
        try assembler.handle(message, &summary, emit)
    }

    private func readPayload(
        _ payload: String, time: String?, _ origin: LoggedStatement.Origin, _ line: LogLine,
        _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void
    ) rethrows {
        let bytes = Array(payload.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            if payloadPrefix == nil {
                payloadPrefix = PostgresLogLinePrefix.commonPrefixes.lazy.map(PostgresLogLinePrefix.init).first {
                    $0.match(buffer) != nil
                }
            }
            guard let prefix = payloadPrefix, let match = prefix.match(buffer) else {
                summary.unparsable(line)
                return
            }
            let text = UnsafeBufferPointer(rebasing: buffer[match.contentStart...])
            guard PostgresLogMessage.isRelevant(match.level, text) else {
                try assembler.handle(
                    PostgresLogMessage(level: PostgresLogMessage.skippedLevel(match.level), text: [], origin: origin),
                    &summary, emit)
                return
            }
            func field(_ range: Range<Int>?) -> String? {
                range.map { String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self) }
            }
            var message = PostgresLogMessage(
                level: match.level, text: Array(text.prefix(maximumEntryBytes)), origin: origin)
            message.time = match.time ?? time.flatMap(LogTimestamp.parse)
            message.session = field(match.session ?? match.pid)
            message.user = field(match.user)
            message.database = field(match.database)
            message.application = field(match.application)
            message.host = field(match.host)
            openPayload = message
        }
    }
}
