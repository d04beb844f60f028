import AdvisorCore
import AdvisorHistory
import Foundation

/// What `dbadvisor history` prints: a title and a table, rendered as aligned text, markdown or JSON.
struct HistoryTable {
    var title: String
    var columns: [String]
    var rows: [[String]]
    var emptyMessage: String

    /// Every run with its findings by severity.
    static func runs(_ runs: [RecordedRun]) -> HistoryTable {
        let severities = Severity.allCases.reversed()
        return HistoryTable(
            title: "Runs recorded",
            columns: ["target", "run", "collected at", "findings"] + severities.map(\.rawValue),
            rows: runs.map { run in
                [run.target, String(run.id), timestamp(run.collectedAt), String(run.findings.count)]
                    + severities.map { severity in String(run.findings.filter { $0.severity == severity }.count) }
            },
            emptyMessage: "no runs recorded")
    }

    /// A statement's figures in each run.
    static func trend(of statement: String, _ points: [(run: RecordedRun, counters: StatementCounters)])
        -> HistoryTable
    {
        HistoryTable(
            title: "Statement \(statement): \(points.last?.counters.text ?? "")",
            columns: ["target", "run", "collected at", "calls", "calls per day", "mean ms", "rows per call"],
            rows: points.map { point in
                let counters = point.counters
                let perDay = counters.windowSeconds.flatMap { seconds in
                    seconds >= 1 ? Double(counters.windowCalls) * 86_400 / seconds : nil
                }
                return [
                    point.run.target, String(point.run.id), timestamp(point.run.collectedAt),
                    String(counters.windowCalls), perDay.map { Formatting.decimal($0, digits: 0) } ?? "",
                    Formatting.decimal(counters.windowMeanTimeMs, digits: 3),
                    Formatting.decimal(counters.windowRowsPerCall, digits: 1),
                ]
            },
            emptyMessage: "no run recorded statement \(statement)")
    }

    /// Whether each run reported the finding.
    static func presence(of fingerprint: String, in runs: [RecordedRun]) -> HistoryTable {
        let found = runs.compactMap { run in run.findings.first { $0.fingerprint == fingerprint } }
        // Every run of the targets that reported it at least once: its absence in between matters too.
        let targets = Set(runs.filter { $0.findings.contains { $0.fingerprint == fingerprint } }.map(\.target))
        let relevant = runs.filter { targets.contains($0.target) }
        return HistoryTable(
            title: "Finding \(fingerprint)" + (found.last.map { ": \($0.ruleId) · \($0.objectName)" } ?? ""),
            columns: ["target", "run", "collected at", "reported", "severity"],
            rows: relevant.map { run in
                let finding = run.findings.first { $0.fingerprint == fingerprint }
                return [
                    run.target, String(run.id), timestamp(run.collectedAt), finding == nil ? "no" : "yes",
                    finding?.severity.rawValue ?? "",
                ]
            },
            emptyMessage: "no run reported finding \(fingerprint)")
    }

    func text() -> String {
        let widths = columns.indices.map { column in
            ([columns[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([title, "", line(columns)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    func markdown() -> String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        let separator = "|" + columns.map { _ in " --- |" }.joined()
        return (["## " + title, "", line(columns), separator] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// An array of objects, one per row, keyed by snake_case column names.
    func json() throws -> String {
        let keys = columns.map { $0.replacingOccurrences(of: " ", with: "_") }
        let objects = rows.map { Dictionary(uniqueKeysWithValues: zip(keys, $0)) }
        let document: [String: Any] = ["title": title, "rows": objects]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
