/// One statement the generated workload runs, before it is written in a log format.
struct WorkloadStatement {
    var text: String
    /// Extended-protocol bind values for `$1`, `$2`, … as PostgreSQL's `DETAIL:  parameters:` prints them;
    /// empty for a simple-protocol statement (literals in the text).
    var parameters: [String] = []
    var rowsSent = 0
    var rowsExamined = 0
    var durationMicroseconds = 0
}

/// The SQL dialect of a generated log: how identifiers are quoted, what a literal looks like.
enum WorkloadDialect {
    case postgres
    case mysql
}

/// A literal value in a generated statement.
enum WorkloadLiteral {
    case integer(Int)
    /// A decimal with two places, in hundredths.
    case decimal(Int)
    case text(String)
    /// Microseconds since 1970 (UTC).
    case timestamp(Int64)
    case boolean(Bool)
}

/// Builds the text of one statement: identifiers quoted and literals written the dialect's way, or, when
/// `bindsParameters`, literals replaced by `$n` with their values kept as PostgreSQL logs bind parameters.
struct WorkloadStatementBuilder {
    let dialect: WorkloadDialect
    let bindsParameters: Bool
    private(set) var text = ""
    private(set) var parameters: [String] = []

    init(dialect: WorkloadDialect, bindsParameters: Bool) {
        self.dialect = dialect
        self.bindsParameters = bindsParameters
        text.reserveCapacity(512)
    }

    mutating func append(_ sql: String) { text += sql }

    /// A quoted identifier.
    mutating func identifier(_ name: String) {
        let quote = dialect == .postgres ? "\"" : "`"
        text += quote + name + quote
    }

    /// `table.column`, both quoted.
    mutating func qualified(_ table: String, _ column: String) {
        identifier(table)
        text += "."
        identifier(column)
    }

    mutating func literal(_ value: WorkloadLiteral) {
        if bindsParameters {
            parameters.append(Self.parameterText(value))
            text += "$\(parameters.count)"
            return
        }
        switch value {
        case .integer(let number): text += String(number)
        case .decimal(let hundredths): text += Self.decimalText(hundredths)
        case .text(let string):
            // PostgreSQL doubles a quote inside a string; MySQL's drivers escape it with a backslash.
            text += "'" + string.replacingOccurrences(of: "'", with: dialect == .postgres ? "''" : "\\'") + "'"
        case .timestamp(let microseconds):
            let time = LogTime(microseconds: microseconds)
            text += dialect == .postgres ? "'\(time.iso8601)+00:00'::timestamptz" : "'\(time.dateTime(decimals: 6))'"
        case .boolean(let flag):
            text += dialect == .postgres ? (flag ? "true" : "false") : (flag ? "1" : "0")
        }
    }

    /// A value as `DETAIL:  parameters: $1 = '…'` prints it: always quoted.
    private static func parameterText(_ value: WorkloadLiteral) -> String {
        switch value {
        case .integer(let number): "'\(number)'"
        case .decimal(let hundredths): "'\(decimalText(hundredths))'"
        case .text(let string): "'" + string.replacingOccurrences(of: "'", with: "''") + "'"
        case .timestamp(let microseconds): "'\(LogTime(microseconds: microseconds).dateTime(decimals: 6))+00'"
        case .boolean(let flag): flag ? "'t'" : "'f'"
        }
    }

    private static func decimalText(_ hundredths: Int) -> String {
        let cents = hundredths % 100
        return "\(hundredths / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    func statement(rowsSent: Int, rowsExamined: Int, durationMicroseconds: Int) -> WorkloadStatement {
        WorkloadStatement(
            text: text, parameters: parameters, rowsSent: rowsSent, rowsExamined: rowsExamined,
            durationMicroseconds: durationMicroseconds)
    }
}
