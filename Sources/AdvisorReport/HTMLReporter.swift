import AdvisorCore
import Foundation

/// One self-contained HTML page for people who would rather look than read: the summary and the top
/// fixes first, then charts (statements by share of time, plans by node, trends over past runs), then
/// every finding with its evidence and the fix SQL ready to copy. Inline CSS and SVG, one small optional
/// script, nothing fetched from anywhere; every text from the report is escaped.
public enum HTMLReporter: Reporter {
    public static let identifier = "html"
    public static let description = "One self-contained HTML page with charts, for people and nightly jobs."

    /// The findings the summary lists as the fixes to start with.
    static let topFixCount = 5

    public static func render(_ report: Report, options: RenderOptions) throws -> String {
        var page = ""
        page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        // The page may load nothing: styles and the copy script are inline, charts are inline SVG.
        page += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        page += "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        page += "<meta name=\"generator\" content=\"dbadvisor \(escape(report.toolVersion))\">\n"
        page += "<title>dbadvisor \(escape(report.command)) · \(escape(report.source))</title>\n"
        page += "<style>\n\(HTMLPageStyle.css)\n</style>\n</head>\n<body>\n"
        page += header(report)
        page += "<main>\n"
        page += summary(report)
        page += notices(report.snapshot.notices)
        page += statements(report.snapshot)
        page += plans(report, options: options)
        page += trends(report.trends)
        page += findings(report)
        page += resolved(report.resolvedFindings)
        page += skipped(report.skippedRules)
        page += "</main>\n"
        page += "<footer>dbadvisor \(escape(report.toolVersion)) · \(report.rules.count) rules ran · "
        page += "estimates are as confident as each finding says.</footer>\n"
        page += "<script>\n\(HTMLPageStyle.script)\n</script>\n</body>\n</html>\n"
        return page
    }

    // MARK: - Sections

    private static func header(_ report: Report) -> String {
        let server = report.snapshot.server
        var facts = [server.engine.displayName + (server.version.map { " " + $0 } ?? "")]
        if let database = server.database { facts.append("database \(database)") }
        if let collected = server.collectedAt { facts.append("collected \(timestamp(collected))") }
        facts.append("report \(timestamp(report.generatedAt))")
        var out = "<header>\n<h1>dbadvisor \(escape(report.command))</h1>\n"
        out += "<p class=\"meta\">\(escape(report.source))</p>\n"
        out += "<p class=\"meta\">\(facts.map(escape).joined(separator: " · "))</p>\n</header>\n"
        return out
    }

    private static func summary(_ report: Report) -> String {
        var out = "<section id=\"summary\">\n<h2>Summary</h2>\n"
        let count = report.findings.count
        out += "<p>\(count == 0 ? "No" : String(count)) finding\(count == 1 ? "" : "s")"
        let plans = report.snapshot.plans.count
        if plans > 0 { out += " in \(plans) plan\(plans == 1 ? "" : "s")" }
        out += ".</p>\n<div class=\"counts\">"
        for severity in Severity.allCases.reversed() {
            let number = report.findings.filter { $0.severity == severity }.count
            out += "<span class=\"badge \(severity.rawValue)\(number == 0 ? " zero" : "")\">"
            out += "\(number) \(severity.rawValue)</span>"
        }
        out += "</div>\n"
        var changes: [String] = []
        if let newFingerprints = report.newFingerprints {
            let new = report.findings.filter { newFingerprints.contains($0.fingerprint) }.count
            changes.append("\(new) new since the last run")
        }
        if let resolved = report.resolvedFindings {
            let link =
                resolved.isEmpty ? "\(resolved.count) resolved" : "<a href=\"#resolved\">\(resolved.count) resolved</a>"
            changes.append(link)
        }
        if !changes.isEmpty { out += "<p class=\"changes\">\(changes.joined(separator: " · "))</p>\n" }
        if count == 0 {
            out += "<p>Nothing crosses a rule's threshold (\(report.rules.count) rules ran).</p>\n"
        } else {
            let titles = Dictionary(report.rules.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
            out += "<h3>Fix first</h3>\n<p class=\"meta\">Findings are ordered \(RuleEngine.orderDescription).</p>\n"
            out += "<ol class=\"fixes\">\n"
            for (offset, finding) in report.findings.prefix(topFixCount).enumerated() {
                out += "<li><a href=\"#finding-\(offset + 1)\">\(escape(finding.object.name))</a>"
                out += " · \(escape(titles[finding.ruleId] ?? finding.ruleId))"
                out += "<span class=\"meta\">\(escape(finding.impact.summary))</span></li>\n"
            }
            out += "</ol>\n"
        }
        return out + "</section>\n"
    }

    private static func notices(_ notices: [Notice]) -> String {
        guard !notices.isEmpty else { return "" }
        var out = "<section id=\"notices\">\n"
        for notice in notices {
            out += "<p class=\"notice\">\(escape(notice.text))</p>\n"
        }
        return out + "</section>\n"
    }

    private static func statements(_ snapshot: Snapshot) -> String {
        guard let chart = HTMLCharts.statementShares(snapshot), let profile = StatementProfileLayout(snapshot) else {
            return ""
        }
        var out = "<section id=\"statements\">\n<h2>Where statement time goes</h2>\n"
        out += "<p class=\"meta\">\(escape(profile.title))</p>\n\(chart)\n"
        out += "<details><summary>Statement table</summary>\n<div class=\"scroll\"><table>\n"
        out += "<tr><th>#</th><th>calls</th><th>total</th><th>share</th><th>mean</th>"
        out += "\(profile.hasRows ? "<th>rows/call</th>" : "")<th>statement</th></tr>\n"
        for row in profile.rows {
            out += "<tr><td>\(escape(row.rank))</td><td>\(escape(row.calls))</td><td>\(escape(row.total))</td>"
            out += "<td>\(escape(row.share))</td><td>\(escape(row.mean))</td>"
            if profile.hasRows { out += "<td>\(escape(row.rowsPerCall))</td>" }
            out += "<td>\(escape(row.text(maxLength: 200)))</td></tr>\n"
        }
        out += "</table></div>\n</details>\n"
        if !profile.samples.isEmpty {
            out +=
                "<details><summary>\(profile.samplesHeading): as they ran, literals kept</summary>\n"
            for sample in profile.samples {
                out += "<p class=\"meta\">\(escape(sample.rank)). \(escape(sample.id))"
                out += sample.time.isEmpty ? "</p>\n" : " · \(escape(sample.time))</p>\n"
                out += "<pre>\(escape(sample.text))</pre>\n"
            }
            out += "</details>\n"
        }
        return out + "</section>\n"
    }

    private static func plans(_ report: Report, options: RenderOptions) -> String {
        guard !report.snapshot.plans.isEmpty else { return "" }
        let anchors = findingAnchors(report)
        var out = "<section id=\"plans\">\n<h2>Plans</h2>\n"
        for (offset, captured) in report.snapshot.plans.enumerated() {
            let number = offset + 1
            let plan = captured.plan
            out +=
                "<article class=\"plan\" id=\"plan-\(number)\">\n<h3>Plan \(number) · \(escape(captured.label))</h3>\n"
            var facts = [plan.engine.displayName + " " + plan.format.rawValue]
            if let time = plan.executionTimeMs { facts.append("execution \(Formatting.milliseconds(time))") }
            if let time = plan.planningTimeMs { facts.append("planning \(Formatting.milliseconds(time))") }
            if !plan.hasTiming {
                facts.append(plan.hasActuals ? "no timing: bars by estimated cost" : "estimates only")
            }
            let nodes = plan.root.nodeCount
            facts.append("\(Formatting.count(Double(nodes))) node\(nodes == 1 ? "" : "s")")
            out += "<p class=\"meta\">\(facts.map(escape).joined(separator: " · "))</p>\n"
            if let query = plan.queryText?.trimmingCharacters(in: .whitespacesAndNewlines), !query.isEmpty {
                out += "<details><summary>Query</summary><pre><code>\(escape(query))</code></pre></details>\n"
            }
            var nodeAnchors: [Int: String] = [:]
            for (node, anchor) in anchors where node.plan == number { nodeAnchors[node.node] = anchor }
            out += HTMLCharts.plan(plan, findingAnchors: nodeAnchors, maxNodes: options.maxTreeNodes) + "\n"
            out += "</article>\n"
        }
        return out + "</section>\n"
    }

    private static func trends(_ trends: [ReportTrend]) -> String {
        let drawable = trends.filter { !$0.points.isEmpty }
        guard !drawable.isEmpty else { return "" }
        var out = "<section id=\"trends\">\n<h2>Trends over past runs</h2>\n"
        for trend in drawable {
            out += "<figure>\n<figcaption>\(escape(trend.title))</figcaption>\n\(HTMLCharts.trend(trend))\n</figure>\n"
        }
        return out + "</section>\n"
    }

    private static func findings(_ report: Report) -> String {
        guard !report.findings.isEmpty else { return "" }
        var out = "<section id=\"findings\">\n<h2>Findings</h2>\n"
        for (offset, finding) in report.findings.enumerated() {
            out += article(finding, number: offset + 1, isNew: report.isNew(finding))
        }
        return out + "</section>\n"
    }

    /// One finding as an article; `linksPlan` links it to its plan's section, on pages that have one.
    static func article(_ finding: Finding, number: Int, isNew: Bool, linksPlan: Bool = true) -> String {
        let severity = finding.severity.rawValue
        var out = "<article class=\"finding \(severity)\" id=\"finding-\(number)\">\n<h3>\(number). "
        out += "<span class=\"badge \(severity)\">\(severity.uppercased())</span> "
        if isNew { out += "<span class=\"badge new\">NEW</span> " }
        var place = finding.object.name
        if let node = finding.object.node { place += " (node \(node))" }
        out += "\(escape(place))</h3>\n"
        out += "<p class=\"meta\">\(escape(finding.ruleId)) · \(escape(finding.category.rawValue)) · "
        out += "fingerprint \(escape(finding.fingerprint))"
        if let plan = finding.object.plan, linksPlan { out += " · <a href=\"#plan-\(plan)\">plan \(plan)</a>" }
        out += "</p>\n<p>\(escape(finding.message))</p>\n<dl>\n"
        out += "<dt>Impact</dt><dd>\(escape(finding.impact.summary)) "
        out += "(confidence \(finding.impact.confidence.rawValue))</dd>\n"
        if !finding.evidence.isEmpty {
            out += "<dt>Evidence</dt><dd><ul class=\"evidence\">"
            for evidence in finding.evidence {
                out += "<li>\(escape(evidence.name)) <b>\(escape(EvidenceText.value(evidence)))</b></li>"
            }
            out += "</ul></dd>\n"
        }
        out += "<dt>Fix</dt><dd>\(escape(finding.recommendation))</dd>\n"
        out += "</dl>\n"
        if let sql = finding.fixSQL {
            let id = "sql-\(number)"
            out +=
                "<div class=\"sql\"><button type=\"button\" class=\"copy\" data-target=\"\(id)\" hidden>Copy</button>"
            out += "<pre><code id=\"\(id)\">\(escape(sql))</code></pre></div>\n"
        }
        out += "<dl>\n<dt>Risk</dt><dd>\(escape(finding.risk))</dd>\n"
        out += "<dt>Validate</dt><dd>\(escape(finding.validation))</dd>\n</dl>\n</article>\n"
        return out
    }

    private static func resolved(_ resolved: [ResolvedFinding]?) -> String {
        guard let resolved, !resolved.isEmpty else { return "" }
        var out = "<section id=\"resolved\">\n<h2>Resolved since the last run</h2>\n<ul>\n"
        for finding in resolved {
            out += "<li><span class=\"badge \(finding.severity.rawValue)\">\(finding.severity.rawValue.uppercased())"
            out += "</span> \(escape(finding.ruleId)) · \(escape(finding.objectName))</li>\n"
        }
        return out + "</ul>\n</section>\n"
    }

    private static func skipped(_ skipped: [SkippedRule]) -> String {
        guard !skipped.isEmpty else { return "" }
        var out = "<details id=\"skipped\"><summary>\(skipped.count) rule\(skipped.count == 1 ? "" : "s") skipped"
        out += "</summary>\n<ul>\n"
        for rule in skipped { out += "<li>\(escape(rule.id)): \(escape(rule.reason))</li>\n" }
        return out + "</ul>\n</details>\n"
    }

    // MARK: - Helpers

    /// The anchor of the first (highest ranked) finding about each plan node, and of the nodes it covers.
    private static func findingAnchors(_ report: Report) -> [PlanNodeReference: String] {
        var anchors: [PlanNodeReference: String] = [:]
        for (offset, finding) in report.findings.enumerated() {
            guard let plan = finding.object.plan else { continue }
            for node in [finding.object.node].compactMap({ $0 }) + (finding.object.coveredNodes ?? []) {
                let reference = PlanNodeReference(plan: plan, node: node)
                if anchors[reference] == nil { anchors[reference] = "finding-\(offset + 1)" }
            }
        }
        return anchors
    }

    private struct PlanNodeReference: Hashable {
        var plan: Int
        var node: Int
    }

    /// Text safe in HTML content and in quoted attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// "2026-01-01 00:01 UTC": the same on every machine, whatever its time zone.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().dateSeparator(.dash))
            + " "
            + date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).time(includingFractionalSeconds: false))
            .prefix(5) + " UTC"
    }

    /// "2026-01-01", for chart axes.
    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().dateSeparator(.dash))
    }
}
