import AdvisorCore
import AdvisorReport
import ArgumentParser
import Foundation

extension DBAdvisor.Explain {
    /// `explain --compare BEFORE AFTER`: one plan from each file, of one engine, compared; exit 1 when the after
    /// plan is slower than `--fail-if-slower` allows or brings a finding at or above `--fail-on`.
    func runComparison() throws {
        let engine = try selection.makeEngine()
        let before = try onlyPlan(in: files[0])
        let after = try onlyPlan(in: files[1])
        // Tabular EXPLAIN reads as MySQL whether MySQL or MariaDB printed it: the family must agree, not the name.
        guard
            before.plan.engine == after.plan.engine
                || (before.plan.engine.isMySQLFamily && after.plan.engine.isMySQLFamily)
        else {
            Terminal.printError(
                "dbadvisor: \(before.name) is a \(before.plan.engine.displayName) plan and \(after.name) a "
                    + "\(after.plan.engine.displayName) plan: --compare takes two plans of the same engine")
            throw ExitCode(Terminal.Code.input.rawValue)
        }
        let comparison = PlanComparison.compare(before.plan, after.plan, rules: engine)
        let report = ComparisonReport(
            beforeSource: before.name, afterSource: after.name, toolVersion: DBAdvisor.version, generatedAt: Date(),
            comparison: comparison, rules: engine.rules.map { RuleSummary(type(of: $0).description) })
        let options = RenderOptions(color: output.color, maxTreeNodes: fullTree ? Int.max : 60)
        guard let reporter = output.format.comparisonReporter else { return }
        try output.write(try reporter.render(report, options: options))
        if let failIfSlower, comparison.verdict.isSlower(byMoreThan: failIfSlower.percent) {
            let basis = comparison.basis == .time ? "execution time" : "estimated cost"
            Terminal.printError(
                "dbadvisor: \(after.name) is \(comparison.verdict.ratioText) than \(before.name) by \(basis), "
                    + "more than --fail-if-slower \(failIfSlower.text) allows")
            throw ExitCode(Terminal.Code.findings.rawValue)
        }
        try selection.enforceFailOn(comparison.introducedFindings)
    }

    /// The one plan a file holds; a file with none or several is an input error naming it.
    private func onlyPlan(in file: String) throws -> (name: String, plan: Plan) {
        let input = try InputFile.read(file)
        do {
            let plans = try PlanReader.read(input, format: inputFormat)
            guard plans.count == 1 else {
                Terminal.printError(
                    "dbadvisor: \(input.name): holds \(plans.count) plans; --compare takes one plan per file")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
            return (input.name, plans[0])
        } catch let error as InputError {
            Terminal.printError("dbadvisor: \(error)")
            throw ExitCode(Terminal.Code.input.rawValue)
        }
    }
}

/// `--fail-if-slower 20%`: how much slower the after plan may be, in percent.
struct SlowdownThreshold: ExpressibleByArgument {
    var percent: Double
    /// As given, for messages.
    var text: String

    init?(argument: String) {
        let number = argument.hasSuffix("%") ? String(argument.dropLast()) : argument
        guard let percent = Double(number.trimmingCharacters(in: .whitespaces)), percent.isFinite, percent >= 0 else {
            return nil
        }
        self.percent = percent
        self.text = argument.hasSuffix("%") ? argument : argument + "%"
    }
}
