import AdvisorCore
import AdvisorReport
import ArgumentParser

extension DBAdvisor {
    /// `dbadvisor rules`: the catalogue, from each rule's own metadata.
    struct RulesCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rules",
            abstract: "List every rule: id, category, engines, summary, default thresholds; with an id, its rationale.")

        @Argument(help: "Show only this rule, with its full rationale.")
        var id: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard RuleCatalogue.formats.contains(output.format) else {
                let supported = RuleCatalogue.formats.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("The rule catalogue comes as \(supported), not \(output.format.rawValue).")
            }
        }

        func run() throws {
            var rules = builtInRules
            if let id {
                rules = rules.filter { $0.description.id == id || $0.description.aliases.contains(id) }
                guard !rules.isEmpty else {
                    Terminal.printError("dbadvisor: unknown rule '\(id)'; `dbadvisor rules` lists them all")
                    throw ExitCode(Terminal.Code.input.rawValue)
                }
            }
            try output.write(RuleCatalogue.render(rules, format: output.format, detailed: id != nil))
        }
    }
}
