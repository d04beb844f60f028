import AdvisorCore
import Foundation

/// One event a source project expects from a MySQL log, in the fields both sources share.
struct ExpectedEvent {
    enum Source { case percona, goMySQL }

    var text: String
    var queryTimeMs: Double?
    var lockTimeMs: Double?
    var rowsSent: Int?
    var rowsExamined: Int?
    var database: String?
    var user: String?
    var offset: Int?

    /// Nil for administrator commands and events without a statement (not statements).
    init?(_ source: Source, _ event: [String: Any]) {
        func number(_ value: Any?) -> Double? {
            if let number = value as? NSNumber { return number.doubleValue }
            if let text = value as? String { return Double(text) }
            return nil
        }
        switch source {
        case .percona:
            guard let arg = event["arg"] as? String, (event["cmd"] as? String ?? "Query") == "Query",
                !arg.hasPrefix("administrator command"), arg != "/* No query */"
            else { return nil }
            text = arg
            // General-log events carry no times and pt's positions count differently there: compared by text.
            let isGeneralLog = event["Lock_time"] == nil && number(event["Query_time"]) == 0
            queryTimeMs = isGeneralLog ? nil : number(event["Query_time"]).map { $0 * 1000 }
            lockTimeMs = number(event["Lock_time"]).map { $0 * 1000 }
            rowsSent = number(event["Rows_sent"]).map { Int($0) }
            rowsExamined = number(event["Rows_examined"]).map { Int($0) }
            database = event["db"] as? String
            user = event["user"] as? String
            offset = isGeneralLog ? nil : number(event["pos_in_log"]).map { Int($0) }
        case .goMySQL:
            guard let query = event["Query"] as? String, event["Admin"] as? Bool != true, !query.isEmpty else {
                return nil
            }
            text = query
            let times = event["TimeMetrics"] as? [String: Any] ?? [:]
            let numbers = event["NumberMetrics"] as? [String: Any] ?? [:]
            queryTimeMs = number(times["Query_time"]).map { $0 * 1000 }
            lockTimeMs = number(times["Lock_time"]).map { $0 * 1000 }
            rowsSent = number(numbers["Rows_sent"]).map { Int($0) }
            rowsExamined = number(numbers["Rows_examined"]).map { Int($0) }
            database = (event["Db"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            user = (event["User"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        // go-mysql's Offset is not where the event's header starts (pt's pos_in_log is): not compared.
        }
    }
}

/// Agreement between statements read and expected events, over all files compared.
struct ExpectedEventTally {
    var files = 0
    var filesWithSameCount = 0
    var fieldsCompared = 0
    var fieldsAgreeing = 0
    var disagreements: [String] = []

    var countAgreement: Double { files == 0 ? 0 : Double(filesWithSameCount) / Double(files) }
    var fieldAgreement: Double { fieldsCompared == 0 ? 0 : Double(fieldsAgreeing) / Double(fieldsCompared) }

    mutating func compare(_ name: String, expected: [ExpectedEvent], actual: [LoggedStatement]) {
        files += 1
        if expected.count == actual.count {
            filesWithSameCount += 1
        } else {
            disagreements.append("\(name): \(actual.count) statements, \(expected.count) expected")
        }
        for (event, statement) in zip(expected, actual) {
            check(name, "text", event.text, statement.text)
            if let value = event.queryTimeMs { check(name, "Query_time", value, statement.durationMs) }
            if let value = event.lockTimeMs { check(name, "Lock_time", value, statement.lockTimeMs) }
            if let value = event.rowsSent { check(name, "Rows_sent", value, statement.rowsSent) }
            if let value = event.rowsExamined { check(name, "Rows_examined", value, statement.rowsExamined) }
            if let value = event.database { check(name, "db", value, statement.database) }
            if let value = event.user { check(name, "user", value, statement.user) }
            if let value = event.offset {
                // pt's pos_in_log is 0 for a file's first event and one byte into a header otherwise.
                let offset = statement.origin.byteOffset
                check(name, "offset", true, value == 0 || abs(value - offset) <= 1)
            }
        }
    }

    private mutating func check<Value: Equatable>(_ name: String, _ field: String, _ expected: Value, _ actual: Value?)
    {
        fieldsCompared += 1
        var agrees = actual == expected
        if let expected = expected as? Double, let actual = actual as? Double {
            agrees = abs(expected - actual) < 0.001
        }
        if agrees {
            fieldsAgreeing += 1
        } else if disagreements.count < 40 {
            disagreements.append(
                "\(name) \(field): read \(actual.map { "\($0)".prefix(80) } ?? "nil"), expected \("\(expected)".prefix(80))"
            )
        }
    }

    var report: String {
        """
        expected events: \(files) files, same statement count in \(filesWithSameCount) \
        (\(Int(countAgreement * 100)) %), \(fieldsAgreeing) of \(fieldsCompared) fields agree \
        (\(String(format: "%.1f", fieldAgreement * 100)) %)
        """ + disagreements.map { "\n  " + $0 }.joined()
    }
}
