import AdvisorCore
import Foundation
import TestSupport
import Testing

/// The catalogue's contract: unique ids, examples that both fire and stay silent, and a registry
/// that lists every rule file.
struct RuleCatalogueTests {
    @Test func idsAndAliasesAreUnique() {
        let names = builtInRules.flatMap { [$0.description.id] + $0.description.aliases }
        #expect(names.count == Set(names).count)
        for name in names {
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(name) is not kebab-case")
        }
    }

    @Test func everyRuleHasTriggeringAndSilentExamples() {
        for rule in builtInRules {
            let examples = rule.description.examples
            #expect(examples.contains { $0.isTriggering }, "\(rule.description.id) lacks a triggering example")
            #expect(examples.contains { !$0.isTriggering }, "\(rule.description.id) lacks a non-triggering example")
        }
    }

    /// Every option survives the snake_case keys of `dbadvisor.yml` (acronyms like `minJITTimeMs` do not).
    @Test func optionsRoundTripThroughConfigurationKeys() throws {
        func roundTrips<R: Rule>(_ rule: R.Type) throws -> Bool {
            let keys = RuleOptionsCoding.dictionary(R.Options())
            return try RuleOptionsCoding.options(R.Options.self, ruleId: R.description.id, overrides: keys)
                == R.Options()
        }
        for rule in builtInRules {
            #expect(try roundTrips(rule), "\(rule.description.id) has an option that does not round-trip")
        }
    }

    @Test func registryListsEveryRuleFile() throws {
        let rulesFolder = RepositoryPaths.root.appendingPathComponent("Sources/AdvisorCore/Rules")
        let enumerator = FileManager.default.enumerator(atPath: rulesFolder.path)
        var fileTypes: Set<String> = []
        while let path = enumerator?.nextObject() as? String {
            let name = (path as NSString).lastPathComponent
            if name.hasSuffix("Rule.swift") { fileTypes.insert(String(name.dropLast(".swift".count))) }
        }
        let registered = Set(builtInRules.map { String(describing: $0) })
        #expect(fileTypes == registered)
    }

    @Test(arguments: builtInRules.flatMap { rule in rule.description.examples.map { (rule, $0.name) } })
    func exampleHolds(rule: any Rule.Type, exampleName: String) throws {
        let example = try #require(rule.description.examples.first { $0.name == exampleName })
        let snapshot: Snapshot
        switch example.input {
        case .plan(let text):
            let plans = try PlanReader.read(PlanInput(text: text, name: exampleName))
            snapshot = Snapshot(plans: plans, source: exampleName)
        case .snapshot(let given):
            snapshot = given
        }
        let findings = RuleEngine(rules: [rule.init()]).run(snapshot).findings
        #expect(findings.map(\.object.name) == example.expectedObjects, "\(rule.description.id): \(exampleName)")
        for finding in findings {
            #expect(finding.ruleId == rule.description.id)
            #expect(!finding.message.isEmpty && !finding.recommendation.isEmpty && !finding.validation.isEmpty)
        }
    }
}
