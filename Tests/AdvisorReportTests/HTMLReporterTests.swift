import AdvisorCore
import Foundation
import TestSupport
import Testing

@testable import AdvisorReport

struct HTMLReporterTests {
    /// The scan report as a nightly job with history sees it: one new finding, one resolved, two trends.
    static func reportWithHistory() -> Report {
        var report = ScanReportGoldenTests.report()
        report.newFingerprints = [report.findings[1].fingerprint]
        report.resolvedFindings = [
            ResolvedFinding(
                fingerprint: "00000000000000aa", ruleId: "index-unused", severity: .medium,
                objectName: "index orders_legacy_idx")
        ]
        let day = 86_400.0
        let start = Date(timeIntervalSince1970: 1_766_620_800)
        report.trends = [
            ReportTrend(
                title: "mean time of SELECT o.id, o.total, o.created_at FROM orders o …", unit: "ms",
                key: "shop|app|-8744932113457845254",
                points: [120, 130, 125, 240, 360].enumerated().map {
                    ReportTrend.Point(at: start.addingTimeInterval(Double($0.offset) * day), value: $0.element)
                }),
            ReportTrend(
                title: "calls per day of SELECT id, name, email FROM customers WHERE id = $1", unit: "count",
                points: [ReportTrend.Point(at: start, value: 2_400_000)]),
        ]
        return report
    }

    @Test func historyGolden() throws {
        assertGolden(
            try HTMLReporter.render(Self.reportWithHistory(), options: RenderOptions()), named: "scan_history.html")
    }

    @Test func historyPartsOnlyWhenTheReportHasThem() throws {
        let plain = try HTMLReporter.render(ScanReportGoldenTests.report(), options: RenderOptions())
        #expect(!plain.contains("new since the last run"))
        #expect(!plain.contains("Resolved since the last run"))
        #expect(!plain.contains("<polyline"))
        let history = try HTMLReporter.render(Self.reportWithHistory(), options: RenderOptions())
        #expect(history.contains("1 new since the last run"))
        #expect(history.components(separatedBy: "badge new").count == 2)
        #expect(history.contains("index orders_legacy_idx"))
        #expect(history.components(separatedBy: "<polyline").count == 3)
    }

    @Test func escapesEverything() throws {
        var report = ScanReportGoldenTests.report()
        report.source = "host\"><script>alert(1)</script>"
        report.findings[0].message = "<img src=x onerror=alert(2)> & more"
        report.findings[0].object.name = "orders' OR '1'='1"
        report.findings[0].fixSQL = "SELECT '<b>' || $1 -- </code></pre>"
        report.snapshot.statements[0].text = "SELECT '</text><script>' AS x"
        let html = try HTMLReporter.render(report, options: RenderOptions())
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("</text><script>"))
        #expect(html.contains("&lt;img src=x onerror=alert(2)&gt; &amp; more"))
        #expect(html.contains("orders&#39; OR &#39;1&#39;=&#39;1"))
        #expect(html.contains("SELECT &#39;&lt;b&gt;&#39; || $1 -- &lt;/code&gt;&lt;/pre&gt;"))
        // Exactly the one inline script of the page.
        #expect(html.components(separatedBy: "<script").count == 2)
    }

    @Test func selfContained() throws {
        for report in [
            Self.reportWithHistory(), try ReporterGoldenTests.report("postgres/plans/nested_loop_seq_inner.json"),
        ] {
            let html = try HTMLReporter.render(report, options: RenderOptions())
            let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            #expect(!withoutNamespace.contains("http:"))
            #expect(!withoutNamespace.contains("https:"))
            #expect(!html.contains("<link"))
            #expect(!html.contains(" src="))
            #expect(!html.contains("@import"))
            #expect(!html.contains("url("))
        }
    }

    @Test func topFixesAreTheFirstFive() throws {
        let report = ScanReportGoldenTests.report()
        let html = try HTMLReporter.render(report, options: RenderOptions())
        let fixes = try #require(
            html.components(separatedBy: "<ol class=\"fixes\">").last?.components(separatedBy: "</ol>").first)
        #expect(fixes.components(separatedBy: "<li>").count - 1 == min(report.findings.count, HTMLReporter.topFixCount))
        #expect(fixes.contains("href=\"#finding-1\""))
        #expect(fixes.contains(HTMLReporter.escape(report.findings[0].impact.summary)))
    }

    @Test func planNodesNamedByFindingsLinkToThem() throws {
        let report = try ReporterGoldenTests.report("postgres/plans/nested_loop_seq_inner.json")
        let html = try HTMLReporter.render(report, options: RenderOptions())
        #expect(html.contains("<a href=\"#finding-1\"><g>"))
        #expect(html.contains("class=\"bar hot\""))
    }
}
