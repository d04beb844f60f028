/// One statement execution read from a server log: a PostgreSQL `duration: … statement:` entry, a
/// MySQL slow-log event, a general-log `Query` line.
///
/// Fields the log does not carry are nil. Text is as logged, literals kept; for the extended
/// protocol the bind values are in `parameters` and `sampleText` substitutes them.
public struct LoggedStatement: Sendable {
    /// A bind value from `DETAIL:  parameters: $1 = '…', …`.
    public struct Parameter: Sendable, Equatable {
        /// The placeholder as logged: `$1`.
        public var name: String
        /// The value as logged: a quoted literal (`'abc'`) or `NULL`.
        public var value: String

        /// A bind value as the log names it.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// How a statement ran, as MySQL-family slow logs say it (MariaDB's `log_slow_verbosity`, Percona's
    /// extended fields): per execution, or summed over a statement class's executions.
    public struct ExecutionCounters: Sendable, Equatable {
        /// Executions that scanned a table without an index (`Full_scan: Yes`).
        public var fullScans = 0
        /// Internal temporary tables, and those of them on disk (`Tmp_table(s)`, `Tmp_table_on_disk`, `Tmp_disk_tables`).
        public var tempTables = 0
        public var tempDiskTables = 0
        /// Sort merge passes (`Merge_passes`): a sort that did not fit in sort_buffer_size.
        public var sortMergePasses = 0

        public init() {}

        static func + (a: ExecutionCounters, b: ExecutionCounters) -> ExecutionCounters {
            var sum = a
            sum.fullScans += b.fullScans
            sum.tempTables += b.tempTables
            sum.tempDiskTables += b.tempDiskTables
            sum.sortMergePasses += b.sortMergePasses
            return sum
        }
    }

    /// Where an entry starts in its log.
    public struct Origin: Sendable, Equatable {
        /// The file as the user named it (`-` for standard input).
        public var file: String
        /// 1-based line of the entry's first line.
        public var line: Int
        /// Bytes from the start of the (decompressed) input to the entry's first byte.
        public var byteOffset: Int

        /// A position in a log.
        public init(file: String, line: Int, byteOffset: Int) {
            self.file = file
            self.line = line
            self.byteOffset = byteOffset
        }
    }

    /// The session it ran in: PostgreSQL `%c` (else `%p`), MySQL thread id; nil when the log has none.
    public var session: String?
    /// When it was logged, seconds since 1970 (UTC when the log names a zone; taken as UTC otherwise).
    public var time: Double?
    /// How long it ran, milliseconds; nil when the log does not time it (`log_statement` alone).
    public var durationMs: Double?
    /// Header fields the reader left out because no server could have written them: a counter past
    /// `Int.max` (MariaDB's `Bytes_sent: 18446744073709551453` after `FLUSH STATUS`), a time past 30 years.
    public var implausibleValues = 0
    /// The statement as logged, literals kept.
    public var text: String
    /// Bind values of an extended-protocol execution, in the order logged.
    public var parameters: [Parameter]
    public var user: String?
    public var database: String?
    public var application: String?
    /// The client's host or address (PostgreSQL `%h`/`%r` without the port, MySQL's host or IP).
    public var clientHost: String?
    /// Rows returned and rows read (MySQL `Rows_sent`/`Rows_examined`).
    public var rowsSent: Int?
    public var rowsExamined: Int?
    /// Time spent waiting for table locks, milliseconds (MySQL `Lock_time`).
    public var lockTimeMs: Double?
    /// Temporary files it wrote, bytes (PostgreSQL `log_temp_files`).
    public var tempFileBytes: Int?
    /// Full scans, temporary tables and sort merge passes, when the slow log says (MySQL family).
    public var executionCounters: ExecutionCounters?
    /// The auto_explain plan logged with the statement (text or JSON), ready for `PlanReader`.
    public var plan: String?
    /// Where the entry starts.
    public var origin: Origin

    /// A statement read from a log.
    public init(
        text: String, origin: Origin, session: String? = nil, time: Double? = nil, durationMs: Double? = nil,
        parameters: [Parameter] = [], user: String? = nil, database: String? = nil, application: String? = nil,
        clientHost: String? = nil, rowsSent: Int? = nil, rowsExamined: Int? = nil, lockTimeMs: Double? = nil,
        plan: String? = nil
    ) {
        self.text = text
        self.origin = origin
        self.session = session
        self.time = time
        self.durationMs = durationMs
        self.parameters = parameters
        self.user = user
        self.database = database
        self.application = application
        self.clientHost = clientHost
        self.rowsSent = rowsSent
        self.rowsExamined = rowsExamined
        self.lockTimeMs = lockTimeMs
        self.plan = plan
    }

    /// The text with each `$n` replaced by its bind value, so a sample runs as it ran; the text
    /// itself when there are no parameters. Placeholders inside quoted strings are left alone.
    public var sampleText: String {
        guard !parameters.isEmpty else { return text }
        var values: [Int: String] = [:]
        for parameter in parameters {
            if let number = Int(parameter.name.dropFirst()) { values[number] = parameter.value }
        }
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        var quote: UInt8?
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
            } else if byte == UInt8(ascii: "$") {
                var end = index + 1
                var number = 0
                while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9"),
                    end - index < 7
                {
                    number = number * 10 + Int(bytes[end] - UInt8(ascii: "0"))
                    end += 1
                }
                if end > index + 1, let value = values[number] {
                    result.append(contentsOf: value.utf8)
                    index = end
                    continue
                }
            }
            result.append(byte)
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}
