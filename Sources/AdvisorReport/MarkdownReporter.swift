import AdvisorCore
import Foundation

/// Markdown for tickets, pull requests and wikis: a table per plan, then its findings with the fix SQL.
public enum MarkdownReporter: Reporter {
    public static let identifier = "markdown"
    public static let description = "Markdown for tickets and pull requests."

    public static func render(_ report: Report, options: RenderOptions) throws -> String {
        var out = ""
        out += "# dbadvisor \(report.command) — \(escape(report.source))\n\n"
        out += "\(TextReporter.findingCount(report.findings))"
        let plans = report.snapshot.plans.count
        out += plans == 0 ? "\n" : " · \(plans) plan\(plans == 1 ? "" : "s")\n"
        for notice in report.snapshot.notices {
            out += "\n> **Note:** \(escape(notice.text))\n"
        }
        if let profile = StatementProfileLayout(report.snapshot) { out += "\n" + profileSection(profile) }
        for (offset, captured) in report.snapshot.plans.enumerated() {
            let number = offset + 1
            let findings = report.findings(forPlan: number)
            out += "\n" + planSection(captured.plan, number: number, findings: findings, options: options)
            out += findingsSection(findings, heading: "### Findings for plan \(number)", report: report)
        }
        out += findingsSection(report.findings.filter { $0.object.plan == nil }, heading: "## Findings", report: report)
        out += resolvedSection(report.resolvedFindings ?? [])
        if report.findings.isEmpty {
            out += "\nNo findings: nothing crosses a rule's threshold (\(report.rules.count) rules ran).\n"
        }
        if !report.skippedRules.isEmpty {
            out += "\n<details><summary>Skipped rules</summary>\n\n"
            for skipped in report.skippedRules { out += "- `\(skipped.id)`: \(escape(skipped.reason))\n" }
            out += "\n</details>\n"
        }
        return out
    }

    private static func planSection(_ plan: Plan, number: Int, findings: [Finding], options: RenderOptions) -> String {
        var title = "## Plan \(number) — \(plan.engine.displayName) `\(plan.format.rawValue)`"
        if let time = plan.executionTimeMs { title += " · execution \(Formatting.milliseconds(time))" }
        if let time = plan.planningTimeMs { title += " · planning \(Formatting.milliseconds(time))" }
        if !plan.hasTiming { title += plan.hasActuals ? " · no timing" : " · estimates only" }
        var out = title + "\n\n"
        if let query = plan.queryText?.trimmingCharacters(in: .whitespacesAndNewlines), !query.isEmpty {
            out += "```sql\n\(query)\n```\n\n"
        }
        let timed = plan.hasTiming
        out +=
            timed
            ? "| # | node | self | self % | total | rows est → actual | loops |\n|---:|---|---:|---:|---:|---:|---:|\n"
            : "| # | node | cost % | cost | rows est → actual | loops |\n|---:|---|---:|---:|---:|---:|\n"
        let flagged = Set(findings.compactMap(\.object.node))
        for row in PlanTreeLayout(plan: plan, highlighted: flagged, maxNodes: options.maxTreeNodes).rows {
            switch row {
            case .node(let node, let prefix, _, let share):
                var name = escape(node.displayName(engine: plan.engine))
                if let subplan = node.subplanName { name = "[\(escape(subplan))] " + name }
                if flagged.contains(node.id) || (share ?? 0) >= 0.2 { name = "**\(name)**" }
                let tree = prefix.replacingOccurrences(of: " ", with: "&nbsp;")
                let percent = share.map { Formatting.percent(fraction: $0) } ?? ""
                let estimate = node.estimatedRows.map(Formatting.count) ?? "?"
                let actual = node.neverExecuted ? "never" : node.actualRows.map(Formatting.count)
                let rows = actual.map { "\(estimate) → \($0)" } ?? estimate
                let loops = node.loops.map(Formatting.count) ?? ""
                if timed {
                    let selfTime = node.exclusiveTimeMs.map(Formatting.milliseconds) ?? ""
                    let total = node.inclusiveTimeMs.map(Formatting.milliseconds) ?? ""
                    out +=
                        "| \(node.id) | \(tree)\(name) | \(selfTime) | \(percent) | \(total) | \(rows) | \(loops) |\n"
                } else {
                    let cost = node.totalCost.map { Formatting.decimal($0, digits: 0) } ?? ""
                    out += "| \(node.id) | \(tree)\(name) | \(percent) | \(cost) | \(rows) | \(loops) |\n"
                }
            case .hidden(let count, let kinds, let time, let share, let prefix):
                let tree = prefix.replacingOccurrences(of: " ", with: "&nbsp;")
                let text = tree + escape(PlanTreeLayout.foldedText(count, kinds, time, share))
                out += timed ? "|  | \(text) |  |  |  |  |  |\n" : "|  | \(text) |  |  |  |  |\n"
            }
        }
        return out
    }

    private static func profileSection(_ profile: StatementProfileLayout) -> String {
        var out = "## \(escape(profile.title))\n\n"
        let percentiles = profile.hasPercentiles
        let rows = profile.hasRows
        out += "| # | id | calls | total | share | mean | \(percentiles ? "p50 | p95 | p99 | max | " : "")"
        out += "\(rows ? "rows/call | " : "")statement |\n"
        out += "|---:|---|---:|---:|---:|---:|\(percentiles ? "---:|---:|---:|---:|" : "")\(rows ? "---:|" : "")---|\n"
        for row in profile.rows {
            let id = row.id.isEmpty ? "" : "`\(row.id)`"
            out += "| \(row.rank) | \(id) | \(row.calls) | \(row.total) | \(row.share) | \(row.mean) | "
            if percentiles { out += "\(row.p50) | \(row.p95) | \(row.p99) | \(row.maximum) | " }
            if rows { out += "\(row.rowsPerCall) | " }
            out += "\(escape(row.text(maxLength: 100))) |\n"
        }
        guard !profile.samples.isEmpty else { return out }
        out +=
            "\n### \(profile.samplesHeading)\n\nAs they ran, literals kept: what to EXPLAIN.\n"
        for sample in profile.samples {
            out += "\n\(sample.rank). `\(sample.id)`\(sample.time.isEmpty ? "" : " · \(sample.time)")\n\n"
            out += "```sql\n\(sample.text.replacingOccurrences(of: "```", with: "` ` `"))\n```\n"
        }
        return out
    }

    private static func resolvedSection(_ resolved: [ResolvedFinding]) -> String {
        guard !resolved.isEmpty else { return "" }
        var out = "\n## Resolved since the last run\n\n"
        for finding in resolved {
            out += "- \(finding.severity.rawValue.uppercased()) · `\(finding.ruleId)` · \(escape(finding.objectName))\n"
        }
        return out
    }

    private static func findingsSection(_ findings: [Finding], heading: String, report: Report) -> String {
        guard !findings.isEmpty else { return "" }
        var out = "\n\(heading)\n"
        for (index, finding) in findings.enumerated() {
            var place = escape(finding.object.name)
            if let node = finding.object.node { place += " (node \(node))" }
            let mark = report.isNew(finding) ? " · **new**" : ""
            out +=
                "\n#### \(index + 1). \(finding.severity.rawValue.uppercased()) · `\(finding.ruleId)` · \(place)\(mark)\n\n"
            out += escape(finding.message) + "\n\n"
            out +=
                "- **Impact:** \(escape(finding.impact.summary)) (confidence \(finding.impact.confidence.rawValue))\n"
            if !finding.evidence.isEmpty {
                let evidence = finding.evidence.map { "\(escape($0.name)) \(EvidenceText.value($0))" }
                out += "- **Evidence:** \(evidence.joined(separator: ", "))\n"
            }
            out += "- **Fix:** \(escape(finding.recommendation))\n"
            if let sql = finding.fixSQL { out += "\n```sql\n\(sql)\n```\n\n" }
            out += "- **Risk:** \(escape(finding.risk))\n"
            out += "- **Validate:** \(escape(finding.validation))\n"
        }
        return out
    }

    /// Markdown-safe inline text: table pipes, emphasis and HTML characters escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "|", "*", "_", "`", "[", "]", "\\": escaped += "\\\(character)"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\n": escaped += " "
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
