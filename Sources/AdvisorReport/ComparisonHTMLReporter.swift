import AdvisorCore

/// `explain --compare` as one self-contained page: the verdict, then both plans side by side in one table, a
/// row per node with the before plan's node beside its partner in the after plan, changed rows marked; then
/// the findings fixed and introduced. Inline CSS, no script, every text escaped.
public enum ComparisonHTMLReporter: ComparisonReporter {
    public static func render(_ report: ComparisonReport, options: RenderOptions) throws -> String {
        let escape = HTMLReporter.escape
        let comparison = report.comparison
        let verdict = comparison.verdict
        let title = "dbadvisor explain --compare · \(report.beforeSource) → \(report.afterSource)"
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page +=
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        page += "<meta name=\"generator\" content=\"dbadvisor \(escape(report.toolVersion))\">\n"
        page += "<title>\(escape(title))</title>\n<style>\n\(HTMLPageStyle.css)\n\(css)\n</style>\n</head>\n<body>\n"
        page += "<header>\n<h1>dbadvisor explain --compare</h1>\n"
        page += "<p class=\"meta\">\(escape(report.beforeSource)) → \(escape(report.afterSource)) · "
        page +=
            "\(escape(comparison.after.engine.displayName)) · report \(HTMLReporter.timestamp(report.generatedAt))</p>"
        page += "\n</header>\n<main>\n<section id=\"verdict\">\n<h2>Verdict</h2>\n"
        page += "<p class=\"verdict \(verdict.direction.rawValue)\">\(escape(verdict.headline))</p>\n"
        if !verdict.contributors.isEmpty {
            page += "<ul>\n"
            for contributor in verdict.contributors {
                page += "<li>\(escape(ComparisonLayout.contributor(contributor, comparison)))</li>\n"
            }
            page += "</ul>\n"
        }
        page += "<p class=\"meta\">Compared \(escape(verdict.basisText)).</p>\n"
        if let unrelated = comparison.unrelatedBecause {
            page += "<p class=\"verdict slower\">Warning: these look like plans of different statements: "
            page += "\(escape(unrelated)).</p>\n"
        }
        page += "</section>\n"
        page += nodes(ComparisonLayout(comparison, maxRows: options.maxTreeNodes), comparison)
        page += findings("fixed", "Findings fixed", comparison.fixedFindings, firstNumber: 1)
        page += findings(
            "introduced", "Findings introduced", comparison.introducedFindings,
            firstNumber: comparison.fixedFindings.count + 1)
        page +=
            "</main>\n<footer>dbadvisor \(escape(report.toolVersion)) · \(report.rules.count) rules ran on each plan"
        page += "</footer>\n</body>\n</html>\n"
        return page
    }

    private static let css = """
        tr.changed td{background:rgba(178,106,0,.12)}tr.appeared td{background:rgba(0,131,143,.12)}
        tr.disappeared td{background:rgba(198,40,40,.10)}td.node,th.node{text-align:left;white-space:nowrap}
        table.compare td:last-child{text-align:right;white-space:nowrap;min-width:0}
        td.mark{text-align:center;font-weight:600}.verdict{font-size:1.1em;font-weight:600}
        .verdict.slower{color:var(--high)}.verdict.faster{color:var(--low)}
        """

    /// One table, each row a node of the before plan beside its partner in the after plan, then the figures.
    private static func nodes(_ layout: ComparisonLayout, _ comparison: PlanComparison) -> String {
        let escape = HTMLReporter.escape
        var out = "<section id=\"nodes\">\n<h2>Nodes side by side</h2>\n"
        out += "<p class=\"meta\">\(escape(layout.selfHeading)) before → after, rows per loop. "
        out += "\(escape(ComparisonLayout.legend))</p>\n<div class=\"scroll\"><table class=\"compare\">\n"
        out += "<tr><th></th><th class=\"node\">before plan</th><th class=\"node\">after plan</th><th>before</th>"
        out += "<th>after</th><th>change</th><th>rows</th><th>loops</th>"
        out += "\(layout.hasBuffers ? "<th>buffers</th>" : "")</tr>\n"
        for row in layout.rows {
            let node = row.comparison
            let indent = String(repeating: "&nbsp;&nbsp;", count: min(row.depth, 40))
            let before = node.before.map { ComparisonLayout.name($0, engine: comparison.before.engine) } ?? ""
            let after = node.after.map { ComparisonLayout.name($0, engine: comparison.after.engine) } ?? ""
            out += "<tr class=\"\(node.change.rawValue)\"><td class=\"mark\">\(escape(row.mark))</td>"
            out += "<td class=\"node\"\(node.before.map { " id=\"before-\($0.id)\"" } ?? "")>"
            out += "\(node.before == nil ? "" : indent + escape(before))</td>"
            out += "<td class=\"node\"\(node.after.map { " id=\"after-\($0.id)\"" } ?? "")>"
            out += "\(node.after == nil ? "" : indent + escape(after))</td>"
            out +=
                "<td>\(escape(row.selfBefore))</td><td>\(escape(row.selfAfter))</td><td>\(escape(row.selfChange))</td>"
            out += "<td>\(escape(row.rows))</td><td>\(escape(row.loops))</td>"
            out += "\(layout.hasBuffers ? "<td>\(escape(row.buffers))</td>" : "")</tr>\n"
        }
        out += "</table></div>\n"
        if layout.foldedCount > 0 {
            out += "<p class=\"meta\">\(layout.foldedCount) unchanged nodes whose own work moved less than 1 % "
            out += "are not shown.</p>\n"
        }
        let estimates = comparison.estimateChanges
        if !estimates.isEmpty {
            out += "<h3>Estimate errors that changed</h3>\n<ul>\n"
            for node in estimates {
                let before = ComparisonLayout.estimateError(node.before) ?? "–"
                let after = ComparisonLayout.estimateError(node.after) ?? "–"
                out +=
                    "<li>\(escape(ComparisonLayout.name(node, comparison))): \(escape(before)) → \(escape(after))</li>\n"
            }
            out += "</ul>\n"
        }
        return out + "</section>\n"
    }

    private static func findings(_ id: String, _ title: String, _ findings: [Finding], firstNumber: Int) -> String {
        var out = "<section id=\"\(id)\">\n<h2>\(title) (\(findings.count))</h2>\n"
        if findings.isEmpty { out += "<p>None.</p>\n" }
        for (offset, finding) in findings.enumerated() {
            out += HTMLReporter.article(finding, number: firstNumber + offset, isNew: false, linksPlan: false)
        }
        return out + "</section>\n"
    }
}
