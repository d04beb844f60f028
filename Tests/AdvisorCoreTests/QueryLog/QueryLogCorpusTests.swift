import AdvisorCore
import Foundation
import TestSupport
import Testing

/// Every log under `../shared/corpus/logs/` must read without a crash, and all but the few that hold
/// no statement must yield statements; where percona-toolkit's expected events exist, the statements
/// must agree with them.
@Suite struct QueryLogCorpusTests {
    /// Logs that hold no statement at all, and why: reading them must not fail, and must find none.
    static let logsWithoutStatements: [String: String] = [
        "percona-empty.txt": "a zero-byte file (read as an input error: empty input)",
        "percona-slow015.txt": "a truncated header with no statement",
        "pgbadger-begin_end.log": "connections and disconnections only",
        "percona-slow-pt-243.txt": "administrator commands only",
        "percona-slow026.txt": "administrator commands only",
        "pgbadger-pg_rawcsv.log": "startup failures only",
        "pgbadger-pg_vacuums-excerpt.jsonl": "autovacuum reports only",
        "pgbadger-pg_vacuums-excerpt.log": "autovacuum reports only",
    ]

    static var logFiles: [URL] {
        let logs = RepositoryPaths.corpus.appendingPathComponent("logs")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: logs.path))?.sorted() ?? []
        return folders.flatMap { folder in
            let directory = logs.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.sorted() ?? []
            return names.map { directory.appendingPathComponent($0) }
        }
    }

    @Test(.enabled(if: RepositoryPaths.corpusIsPresent)) func everyLogReads() throws {
        var lines: [String] = []
        for url in Self.logFiles {
            let name = url.lastPathComponent
            do {
                let (statements, summary) = try QueryLogReader.readAll(QueryLogInput(path: url.path))
                lines.append(
                    "\(name): \(summary.format.rawValue)\(summary.logLinePrefix.map { " '\($0)'" } ?? ""), "
                        + "\(statements.count) statements, \(summary.unparsableLines) unparsable"
                        + (summary.unparsableSamples.first.map { " (first: \($0.line): \($0.text.prefix(60)))" } ?? ""))
                if Self.logsWithoutStatements[name] == nil {
                    #expect(!statements.isEmpty, "\(name): no statement read")
                } else {
                    #expect(statements.isEmpty, "\(name): expected no statement")
                }
            } catch let error as InputError {
                lines.append("\(name): \(error)")
                #expect(name == "percona-empty.txt", "\(name): \(error)")
            }
        }
        print(lines.joined(separator: "\n"))
    }

    /// Statements against percona-toolkit's (`.events.json`) and go-mysql's (`.gomysql-events.json`)
    /// expected events: administrator commands and events without a statement are left out of both,
    /// as the readers hand out statements only.
    @Test(.enabled(if: RepositoryPaths.corpusIsPresent)) func agreesWithExpectedEvents() throws {
        let expectedDirectory = RepositoryPaths.corpus.appendingPathComponent("expected")
        let logs = Dictionary(Self.logFiles.map { ($0.deletingPathExtension().lastPathComponent, $0) }) { a, _ in a }
        var tally = ExpectedEventTally()
        let names = try FileManager.default.contentsOfDirectory(atPath: expectedDirectory.path).sorted()
        for name in names {
            let suffix: String
            if name.hasSuffix(".gomysql-events.json") {
                suffix = ".gomysql-events.json"
            } else if name.hasSuffix(".events.json") {
                suffix = ".events.json"
            } else {
                continue
            }
            let base = String(name.dropLast(suffix.count))
            guard let log = logs[base] else { continue }
            let data = try Data(contentsOf: expectedDirectory.appendingPathComponent(name))
            guard let events = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { continue }
            let expected = events.compactMap { ExpectedEvent(suffix == ".events.json" ? .percona : .goMySQL, $0) }
            let statements = (try? QueryLogReader.readAll(QueryLogInput(path: log.path)).statements) ?? []
            tally.compare(name, expected: expected, actual: statements)
        }
        print(tally.report)
        #expect(tally.files > 30)
        // Floors set from the agreement reached (see the printed report); a regression falls below them.
        // Reached: 48 of 50 files, 739 of 755 fields. The two count disagreements are choices: go-mysql
        // drops gomysql-slow017's headerless first statement (kept here) and makes gomysql-slow023's lone
        // `use` a statement (pt-query-digest does not, nor do we); slow014/slow056 offsets differ by a line.
        #expect(tally.countAgreement >= 0.95, "\(tally.report)")
        #expect(tally.fieldAgreement >= 0.97, "\(tally.report)")
    }
}
