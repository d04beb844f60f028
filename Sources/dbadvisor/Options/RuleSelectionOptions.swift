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
    /// configuration and unknown ids in `--only`/`--disable` are input errors (exit 2); unknown ids in the file
    /// are warnings.
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
        // On the command line a mistyped id would silently run everything or nothing: an input error. (In a
        // configuration file, shared by several versions, it stays a warning.)
        let unknown = ((onlyIds ?? []) + disabledIds.sorted()).filter { Self.rule($0) == nil }
        if !unknown.isEmpty {
            Terminal.printError(
                "dbadvisor: unknown rule\(unknown.count == 1 ? "" : "s") "
                    + unknown.map { "'\($0)'" }.joined(separator: ", ") + " in --only/--disable (see `dbadvisor rules`)"
            )
            throw ExitCode(Terminal.Code.input.rawValue)
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
            if let line = YAMLAliases.firstLine(in: text) {
                Terminal.printError(
                    "dbadvisor: \(config):\(line): YAML anchors and aliases are not accepted in a configuration "
                        + "(an alias can expand a few bytes into gigabytes); write the values out")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
            return try Yams.load(yaml: text)
        } catch let exit as ExitCode {
            throw exit
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
