/// Reads PostgreSQL's stderr log (and the same lines behind a syslog or logplex header): a line
/// starting with `log_line_prefix` and a level starts a message, a line starting with a tab (or a
/// syslog part above 1) continues it.
final class PostgresStderrLogReader: QueryLogLineReader {
    let prefix: PostgresLogLinePrefix
    private let file: String
    private let maximumEntryBytes: Int
    private let assembler = PostgresStatementAssembler()
    private var current: PostgresLogMessage?
    /// A message is open (possibly one whose text is not kept).
    private var inMessage = false

    init(prefix: PostgresLogLinePrefix, file: String, maximumEntryBytes: Int) {
        self.prefix = prefix
        self.file = file
        self.maximumEntryBytes = maximumEntryBytes
    }

    /// Whether a line starts a message under this prefix (format detection).
    static func startsMessage(_ line: UnsafeBufferPointer<UInt8>, prefix: PostgresLogLinePrefix) -> Bool {
        let header = SyslogHeader.parse(line)
        return prefix.match(line, from: header?.contentStart ?? 0) != nil
    }

    func read(_ line: LogLine, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        let bytes = line.bytes
        var start = 0
        var header: SyslogHeader?
        if !bytes.isEmpty, bytes[0] != 9, let parsed = SyslogHeader.parse(bytes) {
            header = parsed
            start = parsed.contentStart
        }
        if start < bytes.count, bytes[start] == 9 {
            continueMessage(bytes, from: start + 1)
            return
        }
        if inMessage, start < bytes.count, bytes[start] == 32, prefix.match(bytes, from: start) == nil {
            // Lines indented with spaces instead of PostgreSQL's tab: a log someone edited or re-wrapped.
            continueMessage(bytes, from: start)
            return
        }
        if let match = prefix.match(bytes, from: start) {
            try closeMessage(&summary, emit)
            startMessage(match, line, header: header)
            return
        }
        if let header, header.part > 1 {
            var contentStart = header.contentStart
            // syslog writes a tab as "#011".
            if line.has("#011", at: contentStart) { contentStart += 4 }
            continueMessage(bytes, from: contentStart)
            return
        }
        if bytes.isEmpty && inMessage {
            continueMessage(bytes, from: 0)
            return
        }
        summary.unparsable(line)
    }

    func finish(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        try closeMessage(&summary, emit)
        try assembler.finish(&summary, emit)
    }

    // MARK: - Private

    private func startMessage(_ match: PostgresLogLinePrefix.Match, _ line: LogLine, header: SyslogHeader?) {
        inMessage = true
        let bytes = line.bytes
        let text = UnsafeBufferPointer(rebasing: bytes[match.contentStart...])
        let origin = LoggedStatement.Origin(file: file, line: line.number, byteOffset: line.offset)
        guard PostgresLogMessage.isRelevant(match.level, text) else {
            current = PostgresLogMessage(level: PostgresLogMessage.skippedLevel(match.level), text: [], origin: origin)
            return
        }
        func field(_ range: Range<Int>?) -> String? {
            range.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
        var message = PostgresLogMessage(
            level: match.level, text: Array(text.prefix(maximumEntryBytes)), origin: origin)
        message.truncated = text.count > maximumEntryBytes
        message.time = match.time ?? header?.time
        message.session = field(match.session ?? match.pid ?? header?.pid)
        message.user = field(match.user)
        message.database = field(match.database)
        message.application = field(match.application)
        message.host = field(match.host)
        current = message
    }

    private func continueMessage(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) {
        // Skipped messages (no text) take no continuation lines.
        guard inMessage, let level = current?.level, level != .other, let length = current?.text.count, length > 0
        else { return }
        let piece =
            bytes.count > start
            ? UnsafeBufferPointer(rebasing: bytes[start...]) : UnsafeBufferPointer(rebasing: bytes[0..<0])
        // Appended in place: copying the message out and back per line cost more than reading the line.
        if length + 1 + piece.count > maximumEntryBytes {
            current?.truncated = true
        } else {
            current?.text.append(10)
            current?.text.append(contentsOf: piece)
        }
    }

    private func closeMessage(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        guard let message = current else { return }
        current = nil
        inMessage = false
        try assembler.handle(message, &summary, emit)
    }
}
