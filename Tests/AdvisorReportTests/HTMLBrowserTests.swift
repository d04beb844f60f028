import AdvisorCore
import Foundation
import TestSupport
import Testing

@testable import AdvisorReport

/// The HTML report rendered by a real browser (Debian's chromium, headless) at a phone's width: the DOM it
/// builds holds the findings and the fix SQL, and the screenshot is a real, non-blank image of that size.
struct HTMLBrowserTests {
    private static let width = 390
    private static let height = 2000

    @Test func rendersOnAPhoneScreen() throws {
        guard let chromium = CommandRunner.program(named: "chromium") else {
            ExternalCheck.unavailable("chromium not installed: browser rendering of the HTML report skipped")
            return
        }
        let report = HTMLReporterTests.reportWithHistory()
        let folder = try ExternalCheck.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html")
        try HTMLReporter.render(report, options: RenderOptions()).write(to: page, atomically: true, encoding: .utf8)
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
            "--window-size=\(Self.width),\(Self.height)",
        ]

        let dom = try CommandRunner.run(program: chromium, common + ["--dump-dom", page.absoluteString])
        #expect(dom.exitCode == 0, "chromium --dump-dom: \(dom.stderr.suffix(2_000))")
        for finding in report.findings {
            #expect(dom.stdout.contains(serialized(finding.message)), "finding missing: \(finding.message)")
            if let sql = finding.fixSQL { #expect(dom.stdout.contains(serialized(sql)), "fix SQL missing: \(sql)") }
        }
        #expect(dom.stdout.contains("<svg class=\"chart\""))

        let screenshot = folder.appendingPathComponent("report.png")
        let shot = try CommandRunner.run(
            program: chromium, common + ["--screenshot=\(screenshot.path)", page.absoluteString])
        #expect(shot.exitCode == 0, "chromium --screenshot: \(shot.stderr.suffix(2_000))")
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let summary = try imageSummary(screenshot)
        #expect(summary.width == Self.width)
        #expect(summary.height == Self.height)
        // A blank or failed page has a handful of distinct rows; a page of text and charts has hundreds.
        #expect(summary.distinctRows > 200, "only \(summary.distinctRows) distinct pixel rows")
    }

    /// Text as a browser serializes it in element content: only `&`, `<` and `>` escaped.
    private func serialized(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private struct ImageSummary: Decodable {
        var width: Int
        var height: Int
        var distinctRows: Int

        enum CodingKeys: String, CodingKey {
            case width, height
            case distinctRows = "distinct_rows"
        }
    }

    /// The PNG's size and distinct pixel rows, decoded by scripts/png-summary.py (standard library only).
    private func imageSummary(_ file: URL) throws -> ImageSummary {
        let python = try #require(CommandRunner.program(named: "python3"), "python3 is needed to decode the PNG")
        let script = RepositoryPaths.root.appendingPathComponent("scripts/png-summary.py")
        let result = try CommandRunner.run(program: python, [script.path, file.path])
        try #require(result.exitCode == 0, "png-summary: \(result.stderr)")
        return try JSONDecoder().decode(ImageSummary.self, from: Data(result.stdout.utf8))
    }
}
