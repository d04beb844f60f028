import AdvisorCore
import Foundation

/// The HTML report's charts, as inline SVG: horizontal bars (a label and its value on one line, the bar
/// under them, so that labels never compete with bars for width on a phone) and small line charts.
enum HTMLCharts {
    /// The drawing's width in SVG units; the page scales it to the column.
    static let width = 360.0
    private static let rowHeight = 30.0
    /// Characters of a label that fit beside its value at the chart's font size.
    private static let labelLength = 38

    /// One bar: `fraction` of the full width, 0…1.
    struct Bar {
        var label: String
        var value: String
        var fraction: Double
        /// CSS classes besides `bar`: "hot" for what a finding names, "folded" for a summary row.
        var style: String = ""
        /// Indentation of the label in levels (plan trees).
        var depth: Int = 0
        /// Where the bar links to (a finding's anchor), if anywhere.
        var link: String?
    }

    /// A horizontal bar chart; `title` is its accessible name.
    static func bars(_ bars: [Bar], title: String) -> String {
        let height = Double(bars.count) * rowHeight + 4
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\" "
        svg += "aria-label=\"\(HTMLReporter.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(HTMLReporter.escape(title))</title>"
        for (row, bar) in bars.enumerated() {
            let top = Double(row) * rowHeight
            let indent = min(Double(bar.depth) * 8, 96)
            let length = Int(Double(labelLength) - indent / 6)
            var group = "<g>"
            group += "<text x=\"\(number(indent))\" y=\"\(number(top + 12))\">"
            group += HTMLReporter.escape(bar.label.truncated(to: max(length, 12))) + "</text>"
            group += "<text class=\"value\" x=\"\(number(width))\" y=\"\(number(top + 12))\" text-anchor=\"end\">"
            group += HTMLReporter.escape(bar.value) + "</text>"
            group += "<rect class=\"track\" x=\"0\" y=\"\(number(top + 16))\" width=\"\(number(width))\" height=\"9\"/>"
            let fraction = min(max(bar.fraction, 0), 1)
            // A sliver stays visible: a bar of 0.1 % is not no bar.
            let barWidth = fraction > 0 ? max(fraction * width, 1.5) : 0
            let classes = bar.style.isEmpty ? "bar" : "bar \(bar.style)"
            group += "<rect class=\"\(classes)\" x=\"0\" y=\"\(number(top + 16))\" width=\"\(number(barWidth))\" "
            group += "height=\"9\"/></g>"
            if let link = bar.link {
                group = "<a href=\"#\(HTMLReporter.escape(link))\">" + group + "</a>"
            }
            svg += group
        }
        return svg + "</svg>"
    }

    /// The statements with the most total time, as shares of all statement time; nil without statements.
    static func statementShares(_ snapshot: Snapshot) -> String? {
        guard let profile = StatementProfileLayout(snapshot) else { return nil }
        let total = snapshot.statements.reduce(0) { $0 + $1.totalTimeMs }
        let shown = profile.rows.compactMap(\.statement).reduce(0) { $0 + $1.totalTimeMs }
        let bars = profile.rows.map { row -> Bar in
            // The last row, without a statement, sums the statements not listed.
            let time = row.statement?.totalTimeMs ?? (total - shown)
            let text = row.text(maxLength: 60)
            return Bar(
                label: row.statement == nil ? text : "\(row.rank). " + text,
                value: [row.share, row.total].filter { !$0.isEmpty }.joined(separator: " · "),
                fraction: total > 0 ? time / total : 0, style: row.statement == nil ? "folded" : "")
        }
        return self.bars(bars, title: profile.title)
    }

    /// A plan's nodes by their own share of the statement (time, or cost without timing), in tree order;
    /// nodes a finding names are drawn hot and link to it.
    static func plan(_ plan: Plan, findingAnchors: [Int: String], maxNodes: Int) -> String {
        let layout = PlanTreeLayout(plan: plan, highlighted: Set(findingAnchors.keys), maxNodes: maxNodes)
        let bars = layout.rows.map { row -> Bar in
            switch row {
            case .node(let node, let prefix, _, let share):
                var name = node.displayName(engine: plan.engine)
                if let subplan = node.subplanName { name = "[\(subplan)] " + name }
                var value = share.map { Formatting.percent(fraction: $0) } ?? ""
                if plan.hasTiming, let time = node.exclusiveTimeMs {
                    value = Formatting.milliseconds(time) + (value.isEmpty ? "" : " · " + value)
                }
                return Bar(
                    label: "\(node.id) \(name)", value: value, fraction: share ?? 0,
                    style: findingAnchors[node.id] == nil ? "" : "hot", depth: prefix.count / 3,
                    link: findingAnchors[node.id])
            case .hidden(let count, let kinds, _, let share, let prefix):
                return Bar(
                    label: "… \(Formatting.count(Double(count))) more nodes (\(kinds))",
                    value: share.map { Formatting.percent(fraction: $0) } ?? "", fraction: share ?? 0,
                    style: "folded", depth: prefix.count / 3)
            }
        }
        let basis = plan.hasTiming ? "own time" : "own share of the estimated cost"
        return self.bars(bars, title: "Plan nodes by \(basis)")
    }

    /// A small line chart of one trend, with its first and last dates and its lowest and highest values.
    static func trend(_ trend: ReportTrend) -> String {
        let height = 96.0
        let (left, right, top, bottom) = (4.0, width - 4, 16.0, height - 20)
        let values = trend.points.map(\.value)
        let low = values.min() ?? 0
        let high = values.max() ?? 0
        let span = high - low
        let count = trend.points.count
        let points = trend.points.enumerated().map { offset, point -> (Double, Double) in
            let x = count > 1 ? left + (right - left) * Double(offset) / Double(count - 1) : (left + right) / 2
            let y = span > 0 ? bottom - (bottom - top) * (point.value - low) / span : (top + bottom) / 2
            return (x, y)
        }
        var svg = "<svg class=\"chart trend\" viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\" "
        svg += "aria-label=\"\(HTMLReporter.escape(trend.title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(HTMLReporter.escape(trend.title))</title>"
        svg += "<text class=\"value\" x=\"0\" y=\"10\">max \(HTMLReporter.escape(value(high, unit: trend.unit)))</text>"
        svg += "<text class=\"value\" x=\"\(number(width))\" y=\"10\" text-anchor=\"end\">min "
        svg += HTMLReporter.escape(value(low, unit: trend.unit)) + "</text>"
        svg += "<polyline class=\"line\" points=\""
        svg += points.map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " ") + "\"/>"
        for (x, y) in points { svg += "<circle class=\"dot\" cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"2.5\"/>" }
        if let first = trend.points.first, let last = trend.points.last {
            svg += "<text class=\"value\" x=\"0\" y=\"\(number(height - 4))\">\(HTMLReporter.day(first.at))</text>"
            svg += "<text class=\"value\" x=\"\(number(width))\" y=\"\(number(height - 4))\" text-anchor=\"end\">"
            svg += HTMLReporter.day(last.at) + " · " + HTMLReporter.escape(value(last.value, unit: trend.unit))
            svg += "</text>"
        }
        return svg + "</svg>"
    }

    /// A trend value with its unit, as evidence values read.
    private static func value(_ value: Double, unit: String) -> String {
        EvidenceText.value(Evidence("", value, unit)).trimmingCharacters(in: .whitespaces)
    }

    /// SVG coordinates with at most one decimal, so output is stable and small.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
