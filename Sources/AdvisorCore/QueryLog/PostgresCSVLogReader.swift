/// Reads PostgreSQL's `csvlog`: RFC 4180 records (quoted fields may hold line breaks and doubled
/// quotes) whose columns are the same from PostgreSQL 12 to 17 for all this reader uses (13 adds
/// `backend_type`, 14 `leader_pid` and `query_id`, at the end).
final class PostgresCSVLogReader: QueryLogLineReader {
    private enum Column {
        static let time = 0
        static let user = 1
        static let database = 2
        static let pid = 3
        static let connectionFrom = 4
        static let session = 5
        static let severity = 11
        static let message = 13
        static let detail = 14
        static let application = 22
    }

    private let file: String
    private let maximumEntryBytes: Int
    private let assembler = PostgresStatementAssembler()
    private var fields: [[UInt8]] = []
    private var field: [UInt8] = []
    private var inQuotes = false
    private var recordBytes = 0
    private var truncated = false
    private var recordStart: LoggedStatement.Origin?

    init(file: String, maximumEntryBytes: Int) {
        self.file = file
        self.maximumEntryBytes = maximumEntryBytes
    }

    /// A line starting a csvlog record: a timestamp (maybe quoted), then a comma (format detection).
    static func looksLikeRecordStart(_ line: [UInt8]) -> Bool {
        line.withUnsafeBufferPointer { bytes in
            let start = bytes.first == UInt8(ascii: "\"") ? 1 : 0
            guard let (_, end) = LogTimestamp.parse(bytes, from: start) else { return false }
            let comma = end + start
            return comma < bytes.count && bytes[comma] == UInt8(ascii: ",")
                && bytes.count { $0 == UInt8(ascii: ",") } >= 13
        }
    }

    func read(_ line: LogLine, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        if recordStart == nil {
            recordStart = LoggedStatement.Origin(file: file, line: line.number, byteOffset: line.offset)
        } else {
            append(10)
        }
        let bytes = line.bytes
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    append(byte)
                }
            } else if byte == UInt8(ascii: ",") {
                fields.append(field)
                field = []
            } else if byte == UInt8(ascii: "\"") && field.isEmpty {
                inQuotes = true
            } else {
                append(byte)
            }
            index += 1
        }
        guard !inQuotes else { return }
        fields.append(field)
        field = []
        try finishRecord(line, &summary, emit)
    }

    func finish(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        if recordStart != nil {
            fields.append(field)
            field = []
            inQuotes = false
            try finishRecord(nil, &summary, emit)
        }
        try assembler.finish(&summary, emit)
    }

    // MARK: - Private

    private func append(_ byte: UInt8) {
        recordBytes += 1
        if recordBytes > maximumEntryBytes {
            truncated = true
        } else {
            field.append(byte)
        }
    }

    private func finishRecord(
        _ line: LogLine?, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void
    ) rethrows {
        let record = fields
        let origin = recordStart
        let wasTruncated = truncated
        fields = []
        recordStart = nil
        recordBytes = 0
        truncated = false
        guard let origin else { return }
        guard record.count > Column.message,
            let level = PostgresLogLevel.byName[String(decoding: record[Column.severity], as: UTF8.self)]
        else {
            if let line { summary.unparsable(line) } else { summary.unparsableLines += 1 }
            return
        }
        func text(_ column: Int) -> String? {
            guard column < record.count, !record[column].isEmpty else { return nil }
            return String(decoding: record[column], as: UTF8.self)
        }
        let message = record[Column.message]
        let relevant = message.withUnsafeBufferPointer { PostgresLogMessage.isRelevant(level, $0) }
        var entry = PostgresLogMessage(
            level: relevant ? level : PostgresLogMessage.skippedLevel(level), text: relevant ? message : [],
            origin: origin)
        if relevant {
            entry.truncated = wasTruncated
            entry.detail = text(Column.detail)
            entry.time = text(Column.time).flatMap(LogTimestamp.parse)
            entry.session = text(Column.session) ?? text(Column.pid)
            entry.user = text(Column.user)
            entry.database = text(Column.database)
            entry.application = text(Column.application)
            entry.host = text(Column.connectionFrom).map { Self.hostWithoutPort($0) }
        }
        try assembler.handle(entry, &summary, emit)
    }

    /// `192.0.2.10:54321` → `192.0.2.10`; `[local]` and IPv6 addresses without a port are kept.
    static func hostWithoutPort(_ connection: String) -> String {
        guard let colon = connection.lastIndex(of: ":"), connection.firstIndex(of: ":") == colon,
            connection[connection.index(after: colon)...].allSatisfy(\.isNumber)
        else { return connection }
        return String(connection[..<colon])
    }
}
