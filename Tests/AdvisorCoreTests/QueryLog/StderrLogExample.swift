@testable import AdvisorCore

/// PostgreSQL stderr log lines written in a test (prefix `%m [%p] `), read and digested as `dbadvisor logs` does.
enum StderrLogExample {
    static func input(_ lines: [String]) -> QueryLogInput {
        QueryLogInput(bytes: Array(lines.joined(separator: "\n").utf8))
    }

    static func snapshot(_ lines: [String]) throws -> Snapshot {
        var options = LogAnalyzer.Options()
        options.reader.format = .postgresStderr
        return try LogAnalyzer.analyze([input(lines)], options: options).snapshot
    }
}
