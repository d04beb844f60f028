import AdvisorCore
import Foundation

/// The last lines of `scan --all`: per target, ok or failed with its error, findings by severity,
/// how many are new, and where its reports went.
struct ScanSummary {
    private struct Row {
        var name: String
        var status: String
        var detail: String
    }

    var failOn: Severity?
    private var rows: [Row] = []
    /// True when a target could not be scanned, or not to the end.
    private(set) var anyFailed = false
    /// True when a target's counted findings reach `failOn`.
    private(set) var anyTripped = false

    init(failOn: Severity?) {
        self.failOn = failOn
    }

    /// Adds a target; `counted` are the findings `--fail-on` weighs (the new ones with `--only-new`).
    mutating func add(_ result: TargetResult, counted: [Finding], files: [String]) {
        let name = result.name ?? "-"
        guard let report = result.report else {
            anyFailed = true
            // Client libraries explain over several lines; the summary keeps one line per target.
            let reason = (result.failure ?? "not scanned").split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            rows.append(Row(name: name, status: "failed", detail: reason))
            return
        }
        var detail = Self.counts(report.findings)
        if let new = report.newFingerprints { detail += ", \(new.count) new" }
        if let failOn, counted.contains(where: { $0.severity >= failOn }) {
            anyTripped = true
            detail += " (fails --fail-on \(failOn.rawValue))"
        }
        if !files.isEmpty { detail += " → " + files.joined(separator: ", ") }
        if let interruption = result.interruption {
            anyFailed = true
            rows.append(
                Row(name: name, status: "failed", detail: "stopped early: \(interruption); \(detail) so far"))
        } else if !result.timedOut.isEmpty {
            anyFailed = true
            let collectors = result.timedOut.joined(separator: ", ")
            rows.append(
                Row(name: name, status: "failed", detail: "incomplete: timed out reading \(collectors); \(detail)"))
        } else {
            rows.append(Row(name: name, status: "ok", detail: detail))
        }
    }

    /// "Scanned 2 of 3 targets" and one aligned line per target.
    var text: String {
        let scanned = rows.filter { $0.status == "ok" }.count
        let width = rows.map(\.name.count).max() ?? 0
        var lines = ["Scanned \(scanned) of \(rows.count) targets"]
        for row in rows {
            let name = row.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let status = row.status.padding(toLength: 6, withPad: " ", startingAt: 0)
            lines.append("  \(name)  \(status)  \(row.detail)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "5 findings: 1 high, 3 medium, 1 low" or "no findings".
    private static func counts(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "no findings" }
        let bySeverity = Severity.allCases.reversed().compactMap { severity -> String? in
            let count = findings.filter { $0.severity == severity }.count
            return count > 0 ? "\(count) \(severity.rawValue)" : nil
        }
        let noun = findings.count == 1 ? "finding" : "findings"
        return "\(findings.count) \(noun): " + bySeverity.joined(separator: ", ")
    }
}
