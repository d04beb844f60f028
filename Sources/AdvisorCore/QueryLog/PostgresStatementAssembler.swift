/// Turns PostgreSQL log messages into statements: `duration: … statement:/execute …:` entries,
/// `statement:` entries joined to the `duration:` the same session logs after them (`log_statement`
/// with `log_duration`), bind values from `DETAIL:  parameters:`, and auto_explain plans.
///
/// A statement is held back until the next message, which may be its `DETAIL`; statements waiting
/// for their duration are kept per session (one at most each), so memory stays bounded. `temporary file:`
/// entries (`log_temp_files`) come before the entry of the statement that wrote the files, with that statement
/// on their `STATEMENT:` line: their sizes wait per session and go to the session's next statement of that text.
final class PostgresStatementAssembler {
    private var held: LoggedStatement?
    /// Per session: a statement logged without duration, waiting for a `duration:` line.
    private var awaitingDuration: [String: LoggedStatement] = [:]
    /// The session whose waiting statement a `DETAIL` should go to (instead of `held`).
    private var detailTarget: String?
    /// The last message was an `ERROR`: its `STATEMENT:` is a failed statement.
    private var afterError = false
    /// Per session: temporary files written by the statement it runs, and that statement's text once read.
    private var pendingTempFiles: [String: (bytes: Int, text: String?)] = [:]
    /// The session whose `temporary file:` entry the next `STATEMENT:` line belongs to.
    private var tempFileSession: String?
    /// A lock wait or deadlock just logged, waiting for the `STATEMENT:` line that names its statement.
    private var pendingLockEvent: LockEvent?
    /// Lock waits are tallied per statement class, fingerprinted here as the digest would.
    private var fingerprinter = StatementFingerprinter(engine: .postgres)

    private enum LockEvent {
        case waiting(kind: String, ms: Double)
        case acquired(kind: String, ms: Double)
        case deadlock
    }

    /// The first line of the `ERROR:` just logged, waiting for the `STATEMENT:` line that names its statement.
    private var pendingError: String?

    func handle(
        _ message: PostgresLogMessage, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void
    ) rethrows {
        if message.level == .detail {
            attachDetail(message.text)
            return
        }
        try releaseHeld(&summary, emit)
        detailTarget = nil
        let tempFileSession = self.tempFileSession
        self.tempFileSession = nil
        let lockEvent = pendingLockEvent
        pendingLockEvent = nil
        let error = pendingError
        pendingError = nil
        if message.truncated { summary.truncatedEntries += 1 }
        switch message.level {
        case .error:
            afterError = true
            if message.text.withUnsafeBufferPointer({ PostgresLogMessage.startsWith($0, "deadlock detected") }) {
                pendingLockEvent = .deadlock
            } else {
                pendingError = Self.firstLine(message.text)
            }
            return
        case .statement:
            if afterError { summary.failedStatements += 1 }
            afterError = false
            if tempFileSession != nil || lockEvent != nil || error != nil {
                let text = message.text.withUnsafeBufferPointer { Self.trimmedText($0, from: 0) }
                if let session = tempFileSession { pendingTempFiles[session]?.text = text }
                if let lockEvent { tally(lockEvent, statement: text, into: &summary) }
                if let error { tally(error: error, statement: text, into: &summary) }
            }
            return
        case .log:
            afterError = false
            try handleLog(message, &summary, emit)
        case .detail, .other:
            afterError = false
        }
    }

    func finish(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        try releaseHeld(&summary, emit)
        for statement in awaitingDuration.values.sorted(by: { $0.origin.byteOffset < $1.origin.byteOffset }) {
            try deliver(statement, &summary, emit)
        }
        awaitingDuration = [:]
    }

    // MARK: - Private

    private func handleLog(
        _ message: PostgresLogMessage, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void
    ) rethrows {
        let sessionKey = message.session ?? ""
        try message.text.withUnsafeBufferPointer { text in
            if PostgresLogMessage.startsWith(text, "temporary file:") {
                recordTempFile(text, session: sessionKey)
                return
            }
            if PostgresLogMessage.startsWith(text, "process ") {
                pendingLockEvent = Self.lockEvent(text)
                return
            }
            if PostgresLogMessage.startsWith(text, "connection authorized") {
                summary.connections += 1
                return
            }
            if PostgresLogMessage.startsWith(text, "disconnection:") {
                if let seconds = Self.sessionSeconds(String(decoding: text, as: UTF8.self)) {
                    summary.disconnections += 1
                    summary.sessionSeconds += seconds
                }
                return
            }
            if PostgresLogMessage.startsWith(text, "checkpoint") {
                Self.readCheckpoint(String(decoding: text, as: UTF8.self), at: message.time, into: &summary.checkpoints)
                return
            }
            var position = 0
            var duration: Double?
            if PostgresLogMessage.startsWith(text, "duration:") {
                position = 9
                skipSpaces(text, &position)
                let numberStart = position
                while position < text.count, isNumberByte(text[position]) { position += 1 }
                duration = MySQLSlowLogReader.number(text, numberStart..<position)
                guard duration != nil, PostgresLogMessage.startsWith(text, " ms", at: position) else { return }
                position += 3
                skipSpaces(text, &position)
                if position >= text.count {
                    // log_duration: the time of the statement this session logged before.
                    if var waiting = awaitingDuration.removeValue(forKey: sessionKey) {
                        waiting.durationMs = duration
                        try deliver(waiting, &summary, emit)
                    }
                    return
                }
            }
            guard let kind = statementKind(text, &position) else { return }
            switch kind {
            case .skipped: return
            case .plan:
                guard let duration else { return }
                let (query, plan) = Self.splitAutoExplain(UnsafeBufferPointer(rebasing: text[position...]))
                var statement = makeStatement(query, message)
                statement.durationMs = duration
                statement.plan = plan
                try deliver(statement, &summary, emit)
            case .statement:
                var statement = makeStatement(Self.trimmedText(text, from: position), message)
                if let duration {
                    statement.durationMs = duration
                    if let waiting = awaitingDuration.removeValue(forKey: sessionKey) {
                        try deliver(waiting, &summary, emit)
                    }
                    if let detail = message.detail { statement.parameters = Self.parameters(detail) }
                    held = statement
                } else {
                    if let waiting = awaitingDuration.removeValue(forKey: sessionKey) {
                        try deliver(waiting, &summary, emit)
                    }
                    if let detail = message.detail { statement.parameters = Self.parameters(detail) }
                    awaitingDuration[sessionKey] = statement
                    detailTarget = sessionKey
                }
            }
        }
    }

    private enum StatementKind { case statement, plan, skipped }

    /// Reads `statement: `, `execute <name>: `, `plan:`, `parse/bind <name>: ` at `position` and moves past it.
    private func statementKind(_ text: UnsafeBufferPointer<UInt8>, _ position: inout Int) -> StatementKind? {
        if PostgresLogMessage.startsWith(text, "statement:", at: position) {
            position += 10
            skipSpaces(text, &position)
            return .statement
        }
        if PostgresLogMessage.startsWith(text, "plan:", at: position) {
            position += 5
            return .plan
        }
        let named: StatementKind
        if PostgresLogMessage.startsWith(text, "execute ", at: position) {
            named = .statement
        } else if PostgresLogMessage.startsWith(text, "parse ", at: position)
            || PostgresLogMessage.startsWith(text, "bind ", at: position)
        {
            // Parse and bind are steps before an execution that is logged on its own.
            named = .skipped
        } else {
            return nil
        }
        while position + 1 < text.count,
            !(text[position] == UInt8(ascii: ":") && text[position + 1] == UInt8(ascii: " "))
        {
            position += 1
        }
        guard position + 1 < text.count else { return nil }
        position += 2
        return named
    }

    private func makeStatement(_ text: String, _ message: PostgresLogMessage) -> LoggedStatement {
        LoggedStatement(
            text: text, origin: message.origin, session: message.session, time: message.time, user: message.user,
            database: message.database, application: message.application, clientHost: message.host)
    }

    private func attachDetail(_ detail: [UInt8]) {
        let text = String(decoding: detail, as: UTF8.self)
        // "parameters:" until PostgreSQL 17, "Parameters:" from 18.
        guard text.hasPrefix("parameters:") || text.hasPrefix("Parameters:") else { return }
        let parameters = Self.parameters(text)
        if let session = detailTarget, var waiting = awaitingDuration[session] {
            waiting.parameters = parameters
            awaitingDuration[session] = waiting
        } else if held != nil {
            held?.parameters = parameters
        }
    }

    private func releaseHeld(_ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void) rethrows {
        guard let statement = held else { return }
        held = nil
        try deliver(statement, &summary, emit)
    }

    private func deliver(
        _ statement: LoggedStatement, _ summary: inout QueryLogSummary, _ emit: (LoggedStatement) throws -> Void
    ) rethrows {
        guard !statement.text.isEmpty else { return }
        var statement = statement
        // Files the session's statement wrote; when their STATEMENT line named another statement (one logged
        // below log_min_duration_statement), they are dropped rather than charged to this one.
        if let files = pendingTempFiles.removeValue(forKey: statement.session ?? ""),
            files.text == nil || files.text == statement.text
        {
            statement.tempFileBytes = files.bytes
        }
        summary.statements += 1
        try emit(statement)
    }

    /// `process 4882 still waiting for ShareLock on transaction 259635360 after 1000.119 ms` (or `acquired`):
    /// the lock's mode and object kind without its ids ("ShareLock on transaction"), and the time waited.
    private static func lockEvent(_ text: UnsafeBufferPointer<UInt8>) -> LockEvent? {
        let words = String(decoding: text, as: UTF8.self).split(separator: " ")
        guard words.count > 4, let verb = words.firstIndex(where: { $0 == "waiting" || $0 == "acquired" }),
            let after = words.lastIndex(of: "after"), after + 1 < words.count,
            let ms = Double(words[after + 1])
        else { return nil }
        let lockStart = words[verb] == "waiting" ? verb + 2 : verb + 1  // past "waiting for"
        guard lockStart < after else { return nil }
        // Words up to the first id: "ShareLock on tuple (0,1) of relation 16385" → "ShareLock on tuple".
        let kind = words[lockStart..<after].prefix { word in
            guard let first = word.first else { return false }
            return !first.isNumber && first != "(" && first != "["
        }.joined(separator: " ")
        return words[verb] == "waiting" ? .waiting(kind: kind, ms: ms) : .acquired(kind: kind, ms: ms)
    }

    /// `disconnection: session time: 1:02:03.456 user=…`: the session's length in seconds.
    static func sessionSeconds(_ text: String) -> Double? {
        guard let range = text.range(of: "session time: ") else { return nil }
        let parts = text[range.upperBound...].prefix { $0 != " " }.split(separator: ":")
        guard parts.count == 3, let hours = Double(parts[0]), let minutes = Double(parts[1]),
            let seconds = Double(parts[2])
        else { return nil }
        return hours * 3_600 + minutes * 60 + seconds
    }

    /// `checkpoint starting: immediate force wait` (why it started), `checkpoint complete: …; distance=15923 kB, …`
    /// (WAL since the one before) and `checkpoints are occurring too frequently (8 seconds apart)`.
    static func readCheckpoint(_ text: String, at time: Double?, into log: inout QueryLogSummary.CheckpointLog) {
        if text.hasPrefix("checkpoint starting:") {
            if let time {
                log.firstStart = min(log.firstStart ?? time, time)
                log.lastStart = max(log.lastStart ?? time, time)
            }
            let flags = text.dropFirst(20).split(separator: " ")
            if flags.contains("wal") || flags.contains("xlog") {
                log.requested += 1
            } else if flags.contains("time") {
                log.timed += 1
            } else {
                log.other += 1
            }
        } else if text.hasPrefix("checkpoint complete:"), let range = text.range(of: "distance=") {
            let digits = text[range.upperBound...].prefix { $0.isNumber }
            if let kilobytes = Double(digits) {
                log.distanceKilobytes += kilobytes
                log.distances += 1
            }
        } else if text.hasPrefix("checkpoints are occurring too frequently ("),
            let seconds = Double(text.dropFirst(42).prefix { $0.isNumber })
        {
            log.tooFrequentWarnings += 1
            log.shortestSecondsApart = min(log.shortestSecondsApart ?? seconds, seconds)
        }
    }

    /// An error message's first line, at most 200 characters, without the ` at character 15` position (which varies
    /// with the literals), so that the same error counts once.
    private static func firstLine(_ text: [UInt8]) -> String {
        let line = String(decoding: text.prefix { $0 != 10 }.prefix(200), as: UTF8.self).trimmingLogWhitespace
        guard let position = line.range(of: " at character ", options: .backwards),
            line[position.upperBound...].allSatisfy(\.isNumber)
        else { return line }
        return String(line[..<position.lowerBound])
    }

    /// Counts a failure of the statement class of `statement`.
    private func tally(error: String, statement: String, into summary: inout QueryLogSummary) {
        guard !statement.isEmpty, !error.isEmpty else { return }
        let hash = fingerprinter.hash(statement)
        var errors =
            summary.statementErrors[hash]
            ?? StatementErrors(
                statementId: LogStatementClass.hex(hash), text: fingerprinter.normalized, sampleText: statement)
        errors.add(error)
        summary.statementErrors[hash] = errors
    }

    /// Counts a lock event for the statement class of `statement`.
    private func tally(_ event: LockEvent, statement: String, into summary: inout QueryLogSummary) {
        guard !statement.isEmpty else { return }
        let hash = fingerprinter.hash(statement)
        var waits =
            summary.lockWaits[hash]
            ?? StatementLockWaits(
                statementId: LogStatementClass.hex(hash), text: fingerprinter.normalized, sampleText: statement)
        switch event {
        case .waiting(let kind, let ms):
            waits.waits += 1
            waits.reportedWaitMs += ms
            waits.longestWaitMs = max(waits.longestWaitMs, ms)
            waits.remember(kind)
        case .acquired(let kind, let ms):
            waits.acquiredWaits += 1
            waits.acquiredWaitMs += ms
            waits.longestWaitMs = max(waits.longestWaitMs, ms)
            waits.remember(kind)
        case .deadlock:
            waits.deadlocks += 1
        }
        summary.lockWaits[hash] = waits
    }

    /// `temporary file: path "base/pgsql_tmp/pgsql_tmp123.0", size 12517376`: adds the size to the session's
    /// pending files (a statement may write several).
    private func recordTempFile(_ text: UnsafeBufferPointer<UInt8>, session: String) {
        var position = 15
        while position + 5 <= text.count, !PostgresLogMessage.startsWith(text, "size ", at: position) { position += 1 }
        position += 5
        var bytes = 0
        var digits = 0
        // 18 digits fit an Int whatever they are; a longer size is no size a file had.
        while position < text.count, text[position] >= 48, text[position] <= 57, digits < 18 {
            bytes = bytes * 10 + Int(text[position] - 48)
            position += 1
            digits += 1
        }
        guard digits > 0 else { return }
        pendingTempFiles[session, default: (0, nil)].bytes += bytes
        tempFileSession = session
    }

    private func skipSpaces(_ text: UnsafeBufferPointer<UInt8>, _ position: inout Int) {
        while position < text.count, text[position] == UInt8(ascii: " ") { position += 1 }
    }

    private func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || byte == UInt8(ascii: ".")
    }

    static func trimmedText(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> String {
        var end = text.count
        while end > start, text[end - 1] == UInt8(ascii: " ") || text[end - 1] == 10 || text[end - 1] == 9 { end -= 1 }
        guard end > start else { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: text[start..<end]), as: UTF8.self)
    }

    /// `parameters: $1 = 'a', $2 = NULL` (`Parameters:` from PostgreSQL 18) into name/value pairs (quoted values may
    /// hold `', '` and line breaks).
    static func parameters(_ detail: String) -> [LoggedStatement.Parameter] {
        var result: [LoggedStatement.Parameter] = []
        var characters = Substring(detail)
        if characters.hasPrefix("parameters:") || characters.hasPrefix("Parameters:") {
            characters = characters.dropFirst(11)
        }
        while true {
            characters = characters.drop { $0 == " " || $0 == "," || $0 == "\n" }
            guard characters.first == "$" else { break }
            let name = characters.prefix { $0 != " " }
            characters = characters.dropFirst(name.count)
            guard characters.hasPrefix(" = ") else { break }
            characters = characters.dropFirst(3)
            var value = ""
            if characters.first == "'" {
                value.append("'")
                characters = characters.dropFirst()
                while let character = characters.popFirst() {
                    value.append(character)
                    if character == "'" {
                        guard characters.first == "'" else { break }
                        value.append(characters.removeFirst())
                    }
                }
            } else {
                value = String(characters.prefix { $0 != "," })
                characters = characters.dropFirst(value.count)
            }
            result.append(LoggedStatement.Parameter(name: String(name), value: value))
        }
        return result
    }

    /// Splits an auto_explain `plan:` message into the statement (`Query Text`) and the plan.
    static func splitAutoExplain(_ text: UnsafeBufferPointer<UInt8>) -> (query: String, plan: String) {
        let plan = trimmedText(text, from: 0).drop { $0 == "\n" || $0 == " " || $0 == "\t" }
        let planText = String(plan)
        if plan.first == "{" || plan.first == "[" {
            if let value = try? JSONReader.parse(Array(planText.utf8)) {
                let object = value.arrayValue?.first ?? value
                return (object["Query Text"]?.stringValue ?? "", planText)
            }
            return ("", planText)
        }
        // Text format: "Query Text: …" (possibly over several lines) up to the first plan node line.
        guard plan.hasPrefix("Query Text:") else { return ("", planText) }
        var queryLines: [Substring] = []
        var remaining = plan.dropFirst(11).split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = remaining.first {
            let isNode =
                !queryLines.isEmpty
                && (line.contains("(cost=") || line.contains("(actual ") || line.contains("(never executed)"))
            if isNode { break }
            queryLines.append(line)
            remaining.removeFirst()
        }
        let query = queryLines.joined(separator: "\n").trimmingLogWhitespace
        return (query, remaining.joined(separator: "\n"))
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmingLogWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        // Walks in from both ends only as far as the blanks go: a 10 MB statement is not copied character by character.
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        if first == startIndex && index(after: last) == endIndex { return self }
        return String(self[first...last])
    }
}
