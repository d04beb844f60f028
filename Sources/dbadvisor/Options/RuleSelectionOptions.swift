import AdvisorCore
import ArgumentParser
import Foundation
import Yams

extension Severity: ExpressibleByArgument {}

/// Which rules run, with which thresholds, and what fails the run.
struct RuleSelectionOptions: ParsableArguments {
    @Option(
        help: """
            A dbadvisor.yml: rules: { <id>: { enabled: false, <option>: value } }, targets:, ignore: and output: \
            (see the README).
            """)
    var config: String?

    @Option(name: .customLong("only"), help: "Run only these rules (comma-separated ids).")
    var only: String?

    @Option(help: "Do not run these rules (comma-separated ids).")
    var disable: String?

    @Option(
        name: .customLong("fail-on"),
        help: "Exit with 1 when a finding has this severity or higher.")
    var failOn: Severity?

    /// The engine with the selected rules and their configured options. Problems in the
    /// configuration are input errors (exit 2); unknown rule ids are warnings.
    func makeEngine() throws -> RuleEngine {
        try load().engine
    }

    /// The engine and the rest of the configuration file (targets, ignored objects, output), read once.
    func load() throws -> (engine: RuleEngine, configuration: AdvisorConfiguration) {
        let document = try loadDocument()
        let configuration: AdvisorConfiguration
        do {
            configuration = try AdvisorConfiguration(document: document)
        } catch {
            Terminal.printError("dbadvisor: \(config ?? "configuration"): \(error)")
            throw ExitCode(Terminal.Code.input.rawValue)
        }
        for warning in configuration.warnings { Terminal.warn("\(config ?? "configuration"): \(warning)") }
        return (try makeEngine(settings: ruleSettings(document)), configuration)
    }

    private func makeEngine(settings: [String: [String: Any]]) throws -> RuleEngine {
        let onlyIds = only.map(Self.ids)
        let disabledIds = Set(disable.map(Self.ids) ?? [])
        for id in (onlyIds ?? []) + Array(disabledIds) where Self.rule(id) == nil {
            Terminal.warn("unknown rule '\(id)' (see `dbadvisor rules`)")
        }
        var rules: [any Rule] = []
        for type in builtInRules {
            let description = type.description
            let names = Set([description.id] + description.aliases)
            if let onlyIds, names.isDisjoint(with: onlyIds) { continue }
            if !names.isDisjoint(with: disabledIds) { continue }
            var overrides = settings[description.id] ?? [:]
            if let enabled = overrides.removeValue(forKey: "enabled") as? Bool, !enabled { continue }
            do {
                rules.append(try Self.make(type, overrides: overrides))
            } catch {
                Terminal.printError("dbadvisor: \(config ?? "configuration"): \(error)")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
        }
        return RuleEngine(rules: rules)
    }

    /// Throws `ExitCode(1)` when a finding reaches `--fail-on`, after the report was written.
    func enforceFailOn(_ findings: [Finding]) throws {
        guard let failOn, findings.contains(where: { $0.severity >= failOn }) else { return }
        throw ExitCode(Terminal.Code.findings.rawValue)
    }

    // MARK: - Helpers

    private static func ids(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func rule(_ id: String) -> (any Rule.Type)? {
        builtInRules.first { $0.description.id == id || $0.description.aliases.contains(id) }
    }

    private static func make<R: Rule>(_ type: R.Type, overrides: [String: Any]) throws -> any Rule {
        guard !overrides.isEmpty else { return R() }
        return R(options: try RuleOptionsCoding.options(R.Options.self, ruleId: R.description.id, overrides: overrides))
    }

    /// The parsed file; nil without `--config` or for an empty file.
    private func loadDocument() throws -> Any? {
        guard let config else { return nil }
        do {
            let text = try String(contentsOfFile: config, encoding: .utf8)
            return try Yams.load(yaml: text)
        } catch {
            Terminal.printError("dbadvisor: \(config): cannot read the configuration: \(error)")
            throw ExitCode(Terminal.Code.input.rawValue)
        }
    }

    /// Rule id → option overrides from the config file, with aliases resolved to current ids.
    private func ruleSettings(_ root: Any?) -> [String: [String: Any]] {
        guard let config, let document = root as? [String: Any] else { return [:] }
        var settings: [String: [String: Any]] = [:]
        for (id, value) in document["rules"] as? [String: Any] ?? [:] {
            guard let type = Self.rule(id) else {
                Terminal.warn("\(config): unknown rule '\(id)' (see `dbadvisor rules`)")
                continue
            }
            if id != type.description.id {
                Terminal.warn("\(config): rule '\(id)' was renamed to '\(type.description.id)'")
            }
            settings[type.description.id] = value as? [String: Any] ?? [:]
        }
        return settings
    }
}
