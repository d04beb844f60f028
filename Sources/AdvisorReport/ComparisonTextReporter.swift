import AdvisorCore

/// `explain --compare` for a terminal: the verdict first, then the nodes side by side, the estimate errors that
/// changed and the findings fixed and introduced.
public enum ComparisonTextReporter: ComparisonReporter {
    public static func render(_ report: ComparisonReport, options: RenderOptions) throws -> String {
        let comparison = report.comparison
        let verdict = comparison.verdict
        var out = TextBuffer(color: options.color)
        out.line(
            out.bold(
                "dbadvisor explain --compare · \(report.beforeSource) → \(report.afterSource) · "
                    + comparison.after.engine.displayName))
        out.line("")
        let headline = "Verdict: " + verdict.headline
        out.line(verdict.direction == .slower ? out.red(headline) : out.bold(headline))
        for contributor in verdict.contributors {
            out.line("  " + ComparisonLayout.contributor(contributor, comparison))
        }
        out.line(out.dim("Compared \(verdict.basisText)."))
        if let unrelated = comparison.unrelatedBecause {
            out.line(out.red("Warning: these look like plans of different statements: \(unrelated)."))
        }
        renderTotals(comparison, into: &out)
        renderNodes(ComparisonLayout(comparison, maxRows: options.maxTreeNodes), into: &out)
        renderEstimates(comparison, into: &out)
        renderFindings("Findings fixed", comparison.fixedFindings, into: &out)
        renderFindings("Findings introduced", comparison.introducedFindings, into: &out)
        if !comparison.remainingFindings.isEmpty {
            out.line("")
            out.line(out.bold("Findings in both plans (\(comparison.remainingFindings.count))"))
            for finding in comparison.remainingFindings {
                out.line("  \(out.severity(finding.severity)) \(ComparisonLayout.findingTitle(finding))")
            }
        }
        return out.text
    }

    private static func renderTotals(_ comparison: PlanComparison, into out: inout TextBuffer) {
        let before = comparison.before
        let after = comparison.after
        let lines = [
            (
                "execution",
                ComparisonLayout.change(before.executionTimeMs, after.executionTimeMs, Formatting.milliseconds)
            ),
            ("planning", ComparisonLayout.change(before.planningTimeMs, after.planningTimeMs, Formatting.milliseconds)),
            (
                "estimated cost",
                ComparisonLayout.change(before.root.totalCost, after.root.totalCost) {
                    ComparisonLayout.amount($0, .cost)
                }
            ),
            ("nodes", "\(before.root.nodeCount) → \(after.root.nodeCount)"),
        ].compactMap { label, value in
            value.map { "  \(label.padding(toLength: 15, withPad: " ", startingAt: 0))\($0)" }
        }
        guard !lines.isEmpty else { return }
        out.line("")
        for line in lines { out.line(line) }
    }

    /// Column widths of the node table, each column led by two spaces.
    private static let widths = (amount: 9, change: 10, rows: 19, loops: 15, buffers: 28)

    private static func renderNodes(_ layout: ComparisonLayout, into out: inout TextBuffer) {
        out.line("")
        let header = columns(
            mark: " ", before: "before", after: "after", change: "change", rows: "rows", loops: "loops",
            buffers: layout.hasBuffers ? "buffers" : nil)
        out.line(out.bold("Nodes") + out.dim(" · \(layout.selfHeading) before → after, rows per loop"))
        out.line(out.dim(header + "  node"))
        for row in layout.rows {
            let line = columns(
                mark: row.mark, before: row.selfBefore, after: row.selfAfter, change: row.selfChange, rows: row.rows,
                loops: row.loops, buffers: layout.hasBuffers ? row.buffers : nil)
            let name = String(repeating: "  ", count: min(row.depth, 40)) + row.name
            let styled =
                switch row.comparison.change {
                case .same: name
                case .changed: out.yellow(name)
                case .appeared: out.green(name)
                case .disappeared: out.red(name)
                }
            out.line(line + "  " + styled)
        }
        if layout.foldedCount > 0 {
            out.line(
                out.dim("   … \(layout.foldedCount) unchanged nodes whose own work moved less than 1 % (--full-tree)"))
        }
        out.line(out.dim("   " + ComparisonLayout.legend))
    }

    private static func columns(
        mark: String, before: String, after: String, change: String, rows: String, loops: String, buffers: String?
    ) -> String {
        " \(mark)"
            + [
                (before, widths.amount), (after, widths.amount), (change, widths.change), (rows, widths.rows),
                (loops, widths.loops), (buffers ?? "", buffers == nil ? 0 : widths.buffers),
            ].map { $0.1 == 0 ? "" : "  " + $0.0.leftPadded(to: $0.1) }.joined()
    }

    private static func renderEstimates(_ comparison: PlanComparison, into out: inout TextBuffer) {
        let changes = comparison.estimateChanges
        guard !changes.isEmpty else { return }
        out.line("")
        out.line(out.bold("Estimate errors that changed") + out.dim(" · actual rows against the estimate"))
        for node in changes {
            let before = ComparisonLayout.estimateError(node.before) ?? "–"
            let after = ComparisonLayout.estimateError(node.after) ?? "–"
            out.line("  \(ComparisonLayout.name(node, comparison)): \(before) → \(after)")
        }
    }

    private static func renderFindings(_ title: String, _ findings: [Finding], into out: inout TextBuffer) {
        out.line("")
        guard !findings.isEmpty else {
            out.line(out.bold(title) + ": none")
            return
        }
        out.line(out.bold("\(title) (\(findings.count))"))
        for finding in findings {
            out.line("  \(out.severity(finding.severity)) \(ComparisonLayout.findingTitle(finding))")
            out.line("           \(finding.message)")
        }
    }
}
