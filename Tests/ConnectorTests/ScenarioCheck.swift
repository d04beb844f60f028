import AdvisorCore
import Foundation
import Testing

/// A finding as both paths see it: from `RuleEngine` in the process, or from the CLI's JSON report.
struct ReportedFinding: Sendable {
    let ruleId: String
    let severity: Severity
    /// The time of the plan the finding is about (execution time, else the root's), when it was timed.
    let planTimeMs: Double?
}

/// The checks every form of every scenario goes through, whichever path produced the findings.
enum ScenarioCheck {
    /// The ids of the rules this build has.
    static let catalogue = Set(builtInRules.map { $0.description.id })

    /// The rules' findings for plans parsed in the process.
    static func findings(_ plans: [Plan], source: String) -> [ReportedFinding] {
        RuleEngine.defaults.run(Snapshot(plans: plans, source: source)).findings.map { finding in
            let plan = finding.object.plan.flatMap { plans.indices.contains($0 - 1) ? plans[$0 - 1] : nil }
            return ReportedFinding(ruleId: finding.ruleId, severity: finding.severity, planTimeMs: plan?.totalTimeMs)
        }
    }

    /// Expects every expected rule this build has among the findings. Ids the catalogue does not have
    /// yet (rules still being written) are listed once by `LiveScenarioFileTests`, not asserted here.
    static func expectFired(
        _ expected: [String], in findings: [ReportedFinding], _ form: String,
        knownMisses: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let fired = Set(findings.map(\.ruleId))
        for id in expected where catalogue.contains(id) {
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

    /// Expects no finding above the control's ceiling. `plan-hot-node` is the one exception: it judges
    /// time shares, and a slow run (past the rule's floor) makes a lookup's single node all of its time.
    static func expectAtMost(
        _ ceiling: Severity?, in findings: [ReportedFinding], _ form: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let ceiling else { return }
        let hotNodeFloorMs = HotNodeRule.Options().minPlanTimeMs
        let above = findings.filter { finding in
            guard finding.severity > ceiling else { return false }
            let slowRun = (finding.planTimeMs ?? 0) >= hotNodeFloorMs
            return !(finding.ruleId == HotNodeRule.description.id && slowRun)
        }
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
