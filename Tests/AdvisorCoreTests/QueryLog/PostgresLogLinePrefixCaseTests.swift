import AdvisorCore
import Foundation
import TestSupport
import Testing

/// pganalyze's log-line-prefix parse cases: a line and its `log_line_prefix`, and the fields expected.
@Suite struct PostgresLogLinePrefixCaseTests {
    struct Case {
        var prefix: String
        var line: String
        var expected: [String: Any]
    }

    static var cases: [Case] {
        let url = RepositoryPaths.corpus.appendingPathComponent("expected/pganalyze-log-line-prefix-parse-cases.json")
        guard let data = try? Data(contentsOf: url),
            let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return list.compactMap { item in
            guard let prefix = item["log_line_prefix"] as? String, let line = item["line"] as? String,
                let expected = item["expected"] as? [String: Any]
            else { return nil }
            return Case(prefix: prefix, line: line, expected: expected)
        }
    }

    /// `2018-09-27T06:57:01.030000000 FixedZone(EST,-18000s)` → seconds since 1970; nil for named
    /// zones (`Europe/London`) that need a time zone database.
    static func expectedTime(_ text: String) -> Double? {
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        var offset = 0.0
        if parts[1].hasPrefix("FixedZone(") {
            let seconds = parts[1].split(separator: ",").last?.dropLast(2) ?? ""
            offset = Double(seconds) ?? 0
        } else if parts[1] != "UTC" {
            return nil
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        let dateTime = parts[0].split(separator: ".")
        guard let date = formatter.date(from: dateTime[0] + "Z") else { return nil }
        let fraction = dateTime.count > 1 ? Double("0." + dateTime[1]) ?? 0 : 0
        return date.timeIntervalSince1970 + fraction - offset
    }

    @Test(.enabled(if: RepositoryPaths.corpusIsPresent)) func everyCaseParses() {
        let cases = Self.cases
        #expect(cases.count >= 45)
        var failures: [String] = []
        for item in cases {
            let firstLine = String(item.line.split(separator: "\n", omittingEmptySubsequences: false)[0])
            guard let parsed = PostgresLogLinePrefix(item.prefix).parse(firstLine) else {
                failures.append("no match: '\(item.prefix)' on \(firstLine.prefix(100))")
                continue
            }
            func check(_ field: String, _ actual: String?) {
                guard let value = item.expected[field] as? String else { return }
                // pganalyze reports a field the prefix lacks as "".
                if (actual ?? "") != value {
                    failures.append("\(field): '\(actual ?? "nil")' ≠ '\(value)' in \(firstLine.prefix(80))")
                }
            }
            check("LogLevel", parsed.level)
            check("Username", parsed.user)
            check("Database", parsed.database)
            check("Application", parsed.application)
            if let content = item.expected["Content"] as? String {
                let expectedFirst = String(content.split(separator: "\n", omittingEmptySubsequences: false)[0])
                if parsed.content != expectedFirst {
                    failures.append("content: '\(parsed.content)' ≠ '\(expectedFirst)'")
                }
            }
            if let pid = item.expected["BackendPid"] as? Int, parsed.pid != pid {
                failures.append("pid: \(parsed.pid ?? -1) ≠ \(pid) in \(firstLine.prefix(80))")
            }
            if let text = item.expected["OccurredAt"] as? String, let time = Self.expectedTime(text) {
                if abs((parsed.time ?? 0) - time) > 0.0005 {
                    failures.append("time: \(parsed.time ?? 0) ≠ \(time) (\(text))")
                }
            }
        }
        print("pganalyze prefix cases: \(cases.count - failures.count) of \(cases.count) without a difference")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}

extension PostgresLogLinePrefixCaseTests {
    /// Without the prefix: the statement lines of pganalyze's cases, read with the prefix guessed from the line
    /// alone, give the user and database the given prefix gives (or none where the guess cannot tell).
    @Test(.enabled(if: RepositoryPaths.corpusIsPresent)) func guessedPrefixesReadTheSameFields() throws {
        var compared = 0
        var failures: [String] = []
        for item in Self.cases {
            let firstLine = String(item.line.split(separator: "\n", omittingEmptySubsequences: false)[0])
            guard let given = PostgresLogLinePrefix(item.prefix).parse(firstLine),
                given.content.hasPrefix("duration:") || given.content.hasPrefix("statement:")
            else { continue }
            compared += 1
            let (statements, summary) = try QueryLogReader.readAll(QueryLogInput(bytes: Array(firstLine.utf8)))
            let statement = statements.first
            if statement?.user != given.user.flatMap({ $0.isEmpty ? nil : $0 })
                || statement?.database != given.database.flatMap({ $0.isEmpty ? nil : $0 })
            {
                failures.append(
                    "'\(item.prefix)' guessed as '\(summary.logLinePrefix ?? "none")': user \(statement?.user ?? "nil"), "
                        + "database \(statement?.database ?? "nil") in \(firstLine.prefix(100))")
            }
        }
        print("pganalyze statement lines read alike with a guessed prefix: \(compared - failures.count) of \(compared)")
        #expect(compared >= 5)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
