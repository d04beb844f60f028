import AdvisorCore
import Foundation
import Testing

/// A finding as both paths see it: from `RuleEngine` in the process, or decoded from the CLI's JSON report.
struct ReportedFinding: Decodable, Sendable {
    let ruleId: String
    let severity: Severity
}

/// The checks every form of every scenario goes through, whichever path produced the findings.
enum ScenarioCheck {
    /// The default rules' findings for plans parsed in the process.
    static func findings(_ plans: [Plan], source: String) -> [ReportedFinding] {
        RuleEngine.defaults.run(Snapshot(plans: plans, source: source)).findings.map {
            ReportedFinding(ruleId: $0.ruleId, severity: $0.severity)
        }
    }

    /// Expects every expected rule among the findings.
    static func expectFired(
        _ expected: [String], in findings: [ReportedFinding], _ form: String,
        knownMisses: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let fired = Set(findings.map(\.ruleId))
        for id in expected {
            if let reason = knownMisses[id] {
                withKnownIssue(Comment(rawValue: reason)) {
                    #expect(fired.contains(id), "\(form): \(id) did not fire", sourceLocation: sourceLocation)
                }
            } else {
                #expect(
                    fired.contains(id), "\(form): \(id) did not fire; fired: \(fired.sorted())",
                    sourceLocation: sourceLocation)
            }
        }
    }

    /// Expects no finding above the control's ceiling.
    static func expectAtMost(
        _ ceiling: Severity?, in findings: [ReportedFinding], _ form: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let ceiling else { return }
        let above = findings.filter { $0.severity > ceiling }
        #expect(
            above.isEmpty, "\(form): above \(ceiling): \(above.map { "\($0.ruleId) \($0.severity)" })",
            sourceLocation: sourceLocation)
    }

    /// Expects a line of the text output to match the scenario's symptom.
    static func expectSymptom(
        _ symptom: String?, in text: String, _ form: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        guard let symptom else { return }
        let pattern = try NSRegularExpression(pattern: symptom, options: [.anchorsMatchLines])
        let range = NSRange(text.startIndex..., in: text)
        #expect(
            pattern.firstMatch(in: text, range: range) != nil, "\(form): no line matches /\(symptom)/:\n\(text)",
            sourceLocation: sourceLocation)
    }
}
