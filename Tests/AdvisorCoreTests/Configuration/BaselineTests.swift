import AdvisorCore
import Foundation
import Testing

struct BaselineTests {
    private static func finding(_ rule: String, _ key: String, _ severity: Severity) -> Finding {
        Finding(
            ruleId: rule, severity: severity, category: .indexes,
            object: FindingObject(kind: .index, name: "index \(key)", key: key), message: "", evidence: [],
            impact: Impact(score: 1, confidence: .high, summary: ""), recommendation: "", risk: "", validation: "")
    }

    private static let created = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func roundTripsAndTellsNewFindings() throws {
        let old = [Self.finding("index-unused", "a", .low), Self.finding("index-redundant", "b", .medium)]
        let baseline = Baseline(findings: old, toolVersion: "0.1.0", createdAt: Self.created)
        let data = try baseline.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"format_version\" : 1") || text.contains("\"format_version\": 1"))
        #expect(text.contains("\"rule_id\""))
        let read = try Baseline.read(Array(data), file: "baseline.json")
        #expect(read == baseline)
        #expect(
            read.entries[old[0].fingerprint]
                == Baseline.Entry(ruleId: "index-unused", object: "index a", severity: .low))

        let now = [old[1], Self.finding("index-unused", "c", .high)]
        #expect(read.newFingerprints(in: now) == [now[1].fingerprint])
    }

    @Test(arguments: [
        ("", 1, 1, "a JSON value"),
        ("{\"format_version\": 1, \"entries\": {}} x", 1, 38, "end of input"),
        ("{\"format_version\": 2, \"entries\": {}}", 1, 20, "format_version 1"),
        ("{\"entries\": {}}", 1, 1, "format_version and entries"),
        (
            "{\"format_version\": 1,\n \"entries\": {\"f\": {\"rule_id\": \"r\", \"severity\": \"urgent\"}}}", 2, 48,
            "a severity"
        ),
        ("{\"format_version\": 1,\n \"entries\": {\"f\": {\"severity\": \"low\"}}}", 2, 19, "rule_id and severity"),
        ("{\"format_version\": 1, \"entries\": [], \"created_at\": \"x\"}", 1, 34, "'{'"),
    ])
    func malformedBaselinesNameThePosition(text: String, line: Int, column: Int, expected: String) {
        let error = #expect(throws: InputError.self) { try Baseline.read(Array(text.utf8), file: "b.json") }
        #expect(error?.file == "b.json")
        #expect(error?.line == line && error?.column == column, "\(error?.description ?? "")")
        #expect(error?.reason.contains(expected) == true, "\(error?.description ?? "")")
    }

    @Test func membersOfLaterVersionsAreSkipped() throws {
        let text = """
            {"format_version": 1, "tool_version": "9.9", "target": "shop", "entries": {
              "00aa": {"rule_id": "r", "object": "o", "severity": "high", "note": "accepted in review"}}}
            """
        let baseline = try Baseline.read(Array(text.utf8), file: "b.json")
        #expect(baseline.entries["00aa"]?.severity == .high)
        #expect(baseline.toolVersion == "9.9")
    }
}
