import AdvisorCore
import Foundation

/// Human-readable report for a terminal: each plan as a tree with times and rows, then its findings.
public enum TextReporter: Reporter {
    public static let identifier = "text"
    public static let description = "Plan trees and ranked findings for people (coloured on a terminal)."

    public static func render(_ report: Report, options: RenderOptions) throws -> String {
        var out = TextBuffer(color: options.color)
        out.line(out.bold(headline(report)))
        for notice in report.snapshot.notices {
            out.line("note: \(notice.text)")
        }
        if let profile = StatementProfileLayout(report.snapshot) {
            out.line("")
            renderProfile(profile, into: &out)
        }
        for (offset, captured) in report.snapshot.plans.enumerated() {
            let number = offset + 1
            let findings = report.findings(forPlan: number)
            out.line("")
            renderPlan(captured.plan, number: number, findings: findings, options: options, into: &out)
            renderFindings(findings, report: report, into: &out)
        }
        let unplaced = report.findings.filter { $0.object.plan == nil }
        renderFindings(unplaced, report: report, into: &out)
        renderResolved(report.resolvedFindings ?? [], into: &out)
        if report.findings.isEmpty {
            out.line("")
            out.line("No findings: nothing crosses a rule's threshold (\(report.rules.count) rules ran).")
        }
        // One line per reason: a scan without plans skips every plan rule for the same reason.
        let reasons = Dictionary(grouping: report.skippedRules, by: \.reason)
        for reason in reasons.keys.sorted() {
            let ids = (reasons[reason] ?? []).map(\.id).joined(separator: ", ")
            out.line(out.dim("skipped \(ids): \(reason)"))
        }
        return out.text
    }

    private static func headline(_ report: Report) -> String {
        let plans = report.snapshot.plans.count
        var parts = ["dbadvisor \(report.command)", report.source]
        if plans > 0 { parts.append(plans == 1 ? "1 plan" : "\(plans) plans") }
        parts.append(findingCount(report.findings))
        return parts.joined(separator: " · ")
    }

    static func findingCount(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "no findings" }
        let bySeverity = Severity.allCases.reversed().compactMap { severity -> String? in
            let count = findings.filter { $0.severity == severity }.count
            return count == 0 ? nil : "\(count) \(severity.rawValue)"
        }
        let noun = findings.count == 1 ? "finding" : "findings"
        return "\(findings.count) \(noun) (\(bySeverity.joined(separator: ", "))), \(RuleEngine.orderDescription)"
    }

    // MARK: - Statement profile

    /// The report's width: the statement text is cut so that profile lines stay within it.
    private static let lineWidth = 132

    private static func renderProfile(_ profile: StatementProfileLayout, into out: inout TextBuffer) {
        out.line(out.bold(profile.title))
        // As wide as the longest id shown (a queryid takes up to 20 characters, 27 with ":nested").
        let idWidth = min(max(profile.rows.map(\.id.count).max() ?? 0, 2), 27)
        let percentiles = profile.hasPercentiles
        let header = profileColumns(
            rank: "rank", id: "id", idWidth: idWidth, calls: "calls", total: "total", share: "share", mean: "mean",
            rows: profile.hasRows ? "rows/call" : nil, distribution: ["p50", "p95", "p99", "max"],
            percentiles: percentiles)
        out.line(out.dim(header + "statement"))
        for row in profile.rows {
            let columns = profileColumns(
                rank: row.rank, id: row.id.truncated(to: idWidth), idWidth: idWidth, calls: row.calls,
                total: row.total, share: row.share, mean: row.mean, rows: profile.hasRows ? row.rowsPerCall : nil,
                distribution: [row.p50, row.p95, row.p99, row.maximum],
                percentiles: percentiles)
            out.line(columns + row.text(maxLength: max(lineWidth - columns.count, 20)))
        }
        guard !profile.samples.isEmpty else { return }
        out.line("")
        out.line(
            out.bold("\(profile.samplesHeading) · as they ran, literals kept: what to EXPLAIN")
        )
        for sample in profile.samples {
            out.line(
                " " + sample.rank.leftPadded(to: 4) + "  " + sample.id + (sample.time.isEmpty ? "" : "  " + sample.time)
            )
            // At most 15 lines here: the JSON report's sample_text has it whole.
            let lines = sample.text.split(separator: "\n")
            for line in lines.prefix(15) { out.line("       " + line) }
            if lines.count > 15 {
                out.line(out.dim("       … \(lines.count - 15) more lines (the JSON report has them)"))
            }
        }
    }

    private static func profileColumns(
        rank: String, id: String, idWidth: Int, calls: String, total: String, share: String, mean: String,
        rows: String?, distribution: [String], percentiles: Bool
    ) -> String {
        " " + rank.leftPadded(to: 4) + "  " + id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
            + calls.leftPadded(to: 12) + total.leftPadded(to: 10) + share.leftPadded(to: 7) + mean.leftPadded(to: 11)
            + (percentiles ? distribution.map { $0.leftPadded(to: 9) }.joined() : "") + (rows?.leftPadded(to: 10) ?? "")
            + "  "
    }

    // MARK: - Plan tree

    private static func renderPlan(
        _ plan: Plan, number: Int, findings: [Finding], options: RenderOptions, into out: inout TextBuffer
    ) {
        var title = "Plan \(number) · \(plan.engine.displayName) \(plan.format.rawValue)"
        if let time = plan.executionTimeMs { title += " · execution \(Formatting.milliseconds(time))" }
        if let time = plan.planningTimeMs { title += " · planning \(Formatting.milliseconds(time))" }
        if !plan.hasTiming { title += plan.hasActuals ? " · no timing (rows only)" : " · estimates only" }
        let nodes = plan.root.nodeCount
        title += " · \(Formatting.count(Double(nodes))) node\(nodes == 1 ? "" : "s")"
        out.line(out.bold(title))
        if let query = plan.queryText?.trimmingCharacters(in: .whitespacesAndNewlines), !query.isEmpty {
            out.line(out.dim("  " + query.replacingOccurrences(of: "\n", with: " ").truncated(to: 160)))
        }
        let timed = plan.hasTiming
        out.line(
            out.dim(
                timed
                    ? "   id     self    self%     total     rows est→actual      err   loops  node"
                    : "   id              cost%      cost     rows est→actual      err   loops  node"))
        let flagged = Set(findings.compactMap(\.object.node))
        let layout = PlanTreeLayout(plan: plan, highlighted: flagged, maxNodes: options.maxTreeNodes)
        for row in layout.rows {
            switch row {
            case .node(let node, let prefix, let detailPrefix, let share):
                out.line(nodeLine(node, plan: plan, prefix: prefix, share: share, flagged: flagged, out: out))
                if let details = details(of: node) {
                    out.line(treeIndent + detailPrefix + out.dim(details))
                }
            case .hidden(let count, let kinds, let time, let share, let prefix):
                out.line(treeIndent + prefix + out.dim(PlanTreeLayout.foldedText(count, kinds, time, share)))
            }
        }
        for trigger in plan.triggers {
            let time = trigger.timeMs.map { Formatting.milliseconds($0) } ?? "?"
            out.line("  trigger \(trigger.name)\(trigger.relation.map { " on \($0)" } ?? ""): \(time)")
        }
        if let jit = plan.jit, let total = jit.totalTimeMs {
            out.line("  JIT: \(jit.functions.map { "\($0) functions, " } ?? "")\(Formatting.milliseconds(total))")
        }
    }

    /// The width of the numeric columns before the tree starts.
    private static let treeIndent = String(repeating: " ", count: 73)

    private static func nodeLine(
        _ node: PlanNode, plan: Plan, prefix: String, share: Double?, flagged: Set<Int>, out: TextBuffer
    ) -> String {
        let id = String(node.id).leftPadded(to: 5)
        let sharePercent = share.map { Formatting.percent(fraction: $0) } ?? ""
        var columns: String
        if plan.hasTiming {
            let selfTime = node.exclusiveTimeMs.map(Formatting.milliseconds) ?? ""
            let total = node.inclusiveTimeMs.map(Formatting.milliseconds) ?? ""
            columns = selfTime.leftPadded(to: 10) + sharePercent.leftPadded(to: 8) + total.leftPadded(to: 11)
        } else {
            let cost = node.totalCost.map { Formatting.decimal($0, digits: 0) } ?? ""
            columns = "".leftPadded(to: 10) + sharePercent.leftPadded(to: 8) + cost.leftPadded(to: 11)
        }
        let estimate = node.estimatedRows.map(Formatting.count) ?? "?"
        let actual = node.neverExecuted ? "never" : node.actualRows.map(Formatting.count)
        let rows = actual.map { "\(estimate)→\($0)" } ?? estimate
        var error = ""
        if let factor = node.misestimate, factor >= 10 || factor <= 0.1 {
            error = factor >= 1 ? "↑" + Formatting.factor(factor) : "↓" + Formatting.factor(1 / factor)
        }
        let loops = node.loops.map(Formatting.count) ?? ""
        columns += " " + rows.leftPadded(to: 19) + " " + error.leftPadded(to: 8) + loops.leftPadded(to: 8)
        var name = node.displayName(engine: plan.engine)
        if let subplan = node.subplanName { name = "[\(subplan)] " + name }
        if flagged.contains(node.id) { name += " ◀" }
        let hot = (share ?? 0) >= 0.2
        let styledName = hot ? ((share ?? 0) >= 0.5 ? out.red(name) : out.yellow(name)) : name
        return id + columns + "  " + prefix + styledName
    }

    /// One short line of the node's most telling properties, or nil.
    private static func details(of node: PlanNode) -> String? {
        var parts: [String] = []
        if let condition = node.indexCondition { parts.append("index cond " + condition.truncated(to: 80)) }
        if let condition = node.hashCondition { parts.append("hash cond " + condition.truncated(to: 80)) }
        if let filter = node.filter { parts.append("filter " + filter.truncated(to: 80)) }
        if let removed = node.rowsRemovedByFilter, removed > 0 {
            parts.append("removed \(Formatting.count(removed)) rows/loop")
        }
        if let method = node.sortMethod {
            let space = node.sortSpaceUsedKB.map { " \(Formatting.kilobytes($0)) \(node.sortSpaceType ?? "")" } ?? ""
            parts.append("sort \(method)\(space)")
        }
        if let batches = node.hashBatches, batches > 1 { parts.append("hash batches \(Formatting.count(batches))") }
        if let fetches = node.heapFetches, fetches > 0 { parts.append("heap fetches \(Formatting.count(fetches))") }
        if let lossy = node.lossyHeapBlocks, lossy > 0 { parts.append("lossy blocks \(Formatting.count(lossy))") }
        if let planned = node.workersPlanned {
            parts.append("workers \(node.workersLaunched.map(String.init) ?? "?")/\(planned)")
        }
        if let buffers = node.buffers {
            var text = "buffers hit \(Formatting.count(buffers.sharedHit))"
            if buffers.sharedRead > 0 { text += " read \(Formatting.count(buffers.sharedRead))" }
            if buffers.tempRead + buffers.tempWritten > 0 {
                text += " temp \(Formatting.count(buffers.tempRead))/\(Formatting.count(buffers.tempWritten))"
            }
            parts.append(text)
        }
        if let access = node.accessType, node.relation != nil {
            parts.append("type \(access)" + (node.possibleKeys.map { " keys \($0.joined(separator: ","))" } ?? ""))
        }
        if !node.notes.isEmpty { parts.append(node.notes.joined(separator: "; ")) }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    // MARK: - Findings

    private static func renderResolved(_ resolved: [ResolvedFinding], into out: inout TextBuffer) {
        guard !resolved.isEmpty else { return }
        out.line("")
        out.line(out.bold("Resolved since the last run"))
        for finding in resolved {
            out.line("     \(out.severity(finding.severity)) \(finding.ruleId) · \(finding.objectName)")
        }
    }

    private static func renderFindings(_ findings: [Finding], report: Report, into out: inout TextBuffer) {
        guard !findings.isEmpty else { return }
        out.line("")
        out.line(out.bold("Findings"))
        for (index, finding) in findings.enumerated() {
            let severity = out.severity(finding.severity)
            var place = finding.object.name
            if let node = finding.object.node { place += " (node \(node))" }
            let mark = report.isNew(finding) ? " · " + out.bold("NEW") : ""
            out.line("\(String(index + 1).leftPadded(to: 3)). \(severity) \(finding.ruleId) · \(place)\(mark)")
            out.line("     \(finding.message)")
            out.line("     impact: \(finding.impact.summary) (confidence \(finding.impact.confidence.rawValue))")
            if !finding.evidence.isEmpty {
                let evidence = finding.evidence.map { "\($0.name) \(EvidenceText.value($0))" }
                out.line(out.dim("     evidence: " + evidence.joined(separator: ", ")))
            }
            out.line("     fix: \(finding.recommendation)")
            if let sql = finding.fixSQL {
                for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
                    out.line("       " + out.green(String(line)))
                }
            }
            out.line(out.dim("     risk: \(finding.risk)"))
            out.line(out.dim("     validate: \(finding.validation)"))
        }
    }
}

/// Evidence values with their units, shared by the human formats.
enum EvidenceText {
    static func value(_ evidence: Evidence) -> String {
        switch evidence.unit {
        case "ms": Formatting.milliseconds(evidence.value)
        // A window of seconds as people say it: "45 seconds", "5.5 hours", "23 days", never "0.00 days".
        case "s": Formatting.duration(seconds: evidence.value)
        // One decimal where rounding would mislead: 0.4 % is not 0 %, 99.98 % is not 100 %.
        case "percent":
            Formatting.decimal(
                evidence.value, digits: evidence.value < 1 || (evidence.value > 99 && evidence.value < 100) ? 1 : 0)
                + " %"
        case "kB": Formatting.kilobytes(evidence.value)
        case "bytes": Formatting.kilobytes(evidence.value / 1024)
        case "factor": Formatting.factor(evidence.value)
        // Whole numbers, and anything of 100 or more, as counts: "calls per day 4,793", not "4,792.54".
        default:
            (evidence.value == evidence.value.rounded() || abs(evidence.value) >= 100
                ? Formatting.count(evidence.value.rounded())
                : Formatting.decimal(evidence.value, digits: 2))
                // "loops 2,000", not "loops 2,000 loops".
                + (evidence.name.contains(evidence.unit) || evidence.unit == "count" ? "" : " " + evidence.unit)
        }
    }
}

/// Accumulates lines, with ANSI styling only when colour is on.
struct TextBuffer {
    let color: Bool
    private(set) var text = ""

    init(color: Bool) {
        self.color = color
    }

    mutating func line(_ line: String) {
        text += line
        text += "\n"
    }

    func bold(_ text: String) -> String { style(text, "1") }
    func dim(_ text: String) -> String { style(text, "2") }
    func red(_ text: String) -> String { style(text, "1;31") }
    func yellow(_ text: String) -> String { style(text, "33") }
    func green(_ text: String) -> String { style(text, "32") }

    func severity(_ severity: Severity) -> String {
        let label = severity.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        switch severity {
        case .critical: return style(label, "1;35")
        case .high: return style(label, "1;31")
        case .medium: return style(label, "33")
        case .low: return style(label, "36")
        case .info: return style(label, "2")
        }
    }

    private func style(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    func truncated(to length: Int) -> String {
        // Counts no further than the cut: a statement text may be megabytes long.
        guard let end = index(startIndex, offsetBy: length, limitedBy: endIndex), end != endIndex else { return self }
        return String(prefix(length - 1)) + "…"
    }
}
