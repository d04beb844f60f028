import AdvisorCore

/// `explain --compare` for a pull request or ticket: the verdict, the nodes side by side, the findings fixed and
/// introduced.
public enum ComparisonMarkdownReporter: ComparisonReporter {
    public static func render(_ report: ComparisonReport, options: RenderOptions) throws -> String {
        let comparison = report.comparison
        let verdict = comparison.verdict
        let escape = MarkdownReporter.escape
        var out = "# dbadvisor explain --compare — \(escape(report.beforeSource)) → \(escape(report.afterSource))\n\n"
        out += "**Verdict:** \(escape(verdict.headline))\n\n"
        for contributor in verdict.contributors {
            out += "- \(escape(ComparisonLayout.contributor(contributor, comparison)))\n"
        }
        out += "\nCompared \(escape(verdict.basisText)) · \(comparison.after.engine.displayName)\n"
        if let unrelated = comparison.unrelatedBecause {
            out += "\n> **Warning:** these look like plans of different statements: \(escape(unrelated)).\n"
        }
        let layout = ComparisonLayout(comparison, maxRows: options.maxTreeNodes)
        out += "\n## Nodes\n\nThe \(layout.selfHeading) of each node before → after, rows per loop.\n\n"
        out += "|  | before | after | change | rows | loops |\(layout.hasBuffers ? " buffers |" : "") node |\n"
        out += "|---|---:|---:|---:|---:|---:|\(layout.hasBuffers ? "---:|" : "")---|\n"
        for row in layout.rows {
            let indent = String(repeating: "&nbsp;&nbsp;", count: min(row.depth, 40))
            let name = row.comparison.change == .same ? escape(row.name) : "**\(escape(row.name))**"
            out += "| \(row.mark) | \(row.selfBefore) | \(row.selfAfter) | \(row.selfChange) | "
            out += "\(row.rows) | \(row.loops) |\(layout.hasBuffers ? " \(row.buffers) |" : "") \(indent)\(name) |\n"
        }
        if layout.foldedCount > 0 {
            out += "\n\(layout.foldedCount) unchanged nodes whose own work moved less than 1 % are not shown.\n"
        }
        out += "\n\(escape(ComparisonLayout.legend))\n"
        let estimates = comparison.estimateChanges
        if !estimates.isEmpty {
            out += "\n## Estimate errors that changed\n\n"
            for node in estimates {
                let before = ComparisonLayout.estimateError(node.before) ?? "–"
                let after = ComparisonLayout.estimateError(node.after) ?? "–"
                out += "- \(escape(ComparisonLayout.name(node, comparison))): \(before) → \(after)\n"
            }
        }
        out += findings("Findings fixed", comparison.fixedFindings)
        out += findings("Findings introduced", comparison.introducedFindings)
        if !comparison.remainingFindings.isEmpty {
            out += "\n## Findings in both plans (\(comparison.remainingFindings.count))\n\n"
            for finding in comparison.remainingFindings {
                out += "- **\(finding.severity.rawValue.uppercased())** · `\(finding.ruleId)` · "
                out += "\(MarkdownReporter.escape(finding.object.name))\n"
            }
        }
        return out
    }

    private static func findings(_ title: String, _ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "\n## \(title): none\n" }
        var out = "\n## \(title) (\(findings.count))\n\n"
        for finding in findings {
            out += "- **\(finding.severity.rawValue.uppercased())** · `\(finding.ruleId)` · "
            out += "\(MarkdownReporter.escape(finding.object.name)): \(MarkdownReporter.escape(finding.message))\n"
        }
        return out
    }
}
