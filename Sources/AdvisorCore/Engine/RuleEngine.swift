import Foundation

/// Runs the configured rules over a snapshot and ranks what they find.
public struct RuleEngine: Sendable {
    /// The rules that run, in catalogue order.
    public let rules: [any Rule]

    public init(rules: [any Rule]) {
        self.rules = rules
    }

    /// Every built-in rule with its default options.
    public static var defaults: RuleEngine {
        RuleEngine(rules: builtInRules.map { $0.init() })
    }

    /// The outcome of one run.
    public struct Outcome: Sendable {
        public var findings: [Finding]
        public var ran: [RuleSummary]
        public var skipped: [SkippedRule]
    }

    public func run(_ snapshot: Snapshot) -> Outcome {
        let engines = Set(snapshot.plans.map(\.plan.engine) + [snapshot.server.engine])
        let context = RuleContext(snapshot: snapshot)
        let plansOnly = snapshot.facets == [.plans]
        var findings: [Finding] = []
        var pointers: [Finding] = []
        var ran: [RuleSummary] = []
        var skipped: [SkippedRule] = []
        for rule in rules {
            let description = type(of: rule).description
            // A rule for another engine is irrelevant here, not skipped.
            guard !description.engines.isDisjoint(with: engines) else { continue }
            // So is a rule about live data on plans read from a file: only a scan can lack what it needs.
            guard !plansOnly || description.requires.contains(.plans) else { continue }
            let missing = description.requires.subtracting(snapshot.facets)
            guard missing.isEmpty else {
                let names = missing.sorted().map(\.rawValue).joined(separator: ", ")
                skipped.append(
                    SkippedRule(id: description.id, reason: "needs \(names), which this input does not have"))
                continue
            }
            ran.append(RuleSummary(description))
            if rule is any SupersededBySpecificFindings {
                pointers += rule.evaluate(context)
            } else {
                findings += rule.evaluate(context)
            }
        }
        let explained = Set(
            findings.flatMap { finding -> [String] in
                guard let plan = finding.object.plan else { return [] }
                let nodes = [finding.object.node ?? 0] + (finding.object.coveredNodes ?? [])
                return nodes.map { "\(plan)/\($0)" }
            })
        findings += pointers.filter { pointer in
            guard let plan = pointer.object.plan, let node = pointer.object.node else { return true }
            return !explained.contains("\(plan)/\(node)")
        }
        let ceiling = Self.dailyCeilingMs(snapshot)
        let ranked = Self.rank(findings.map { Self.capDailyTime(Self.capSeverity($0, in: snapshot), at: ceiling) })
        return Outcome(
            findings: IndexSuggestionSet.merged(ranked, existing: snapshot.indexes, plans: snapshot.plans), ran: ran,
            skipped: skipped)
    }

    /// The most database time a day can hold: 24 hours for each connection the server allows
    /// (`max_connections`); nil when the snapshot does not say.
    static func dailyCeilingMs(_ snapshot: Snapshot) -> Double? {
        guard let connections = snapshot.settings["max_connections"].flatMap(Double.init), connections >= 1 else {
            return nil
        }
        return 86_400_000 * connections
    }

    /// A finding claiming more time a day than the server can spend rests on a broken extrapolation (a window
    /// too short, counters not meant as a rate): it keeps its place at the ceiling, at low confidence and at
    /// most medium, and says why its figure is no daily cost.
    static func capDailyTime(_ finding: Finding, at ceiling: Double?) -> Finding {
        guard let ceiling, finding.impact.score > ceiling else { return finding }
        var capped = finding
        capped.impact.score = ceiling
        capped.impact.confidence = .low
        capped.impact.summary =
            "not a daily figure: the estimate exceeds the \(Formatting.count(ceiling / 86_400_000)) connections' "
            + "24 hours a day the server can spend, so its window is too short to extrapolate"
        capped.severity = min(finding.severity, .medium)
        return capped
    }

    /// A plan finding's severity comes from the share of the statement it explains, but a problem in a
    /// statement that takes 2 ms is not critical however large its share: without a call rate, severity
    /// is capped by the statement's time (planning included) — under 1 ms low, under 10 ms medium,
    /// under 100 ms high.
    static func capSeverity(_ finding: Finding, in snapshot: Snapshot) -> Finding {
        guard let number = finding.object.plan, snapshot.plans.indices.contains(number - 1) else { return finding }
        let captured = snapshot.plans[number - 1]
        guard captured.callsPerDay == nil, let execution = captured.plan.totalTimeMs else { return finding }
        let time = execution + (captured.plan.planningTimeMs ?? 0)
        let cap: Severity = time < 1 ? .low : time < 10 ? .medium : time < 100 ? .high : .critical
        var capped = finding
        capped.severity = min(finding.severity, cap)
        return capped
    }

    /// How every report orders findings, said in its headline.
    public static let orderDescription = "most severe first, then by database time saved per day"

    /// Most severe first, then highest impact, then fingerprint, so every reporter sees one stable order that
    /// agrees with the severities it prints.
    public static func rank(_ findings: [Finding]) -> [Finding] {
        findings.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.impact.score != b.impact.score { return a.impact.score > b.impact.score }
            if a.fingerprint != b.fingerprint { return a.fingerprint < b.fingerprint }
            return (a.object.node ?? 0) < (b.object.node ?? 0)
        }
    }
}

/// Coding of rule options to and from the snake_case keys users see.
public enum RuleOptionsCoding {
    /// The options as snake_case key → value, nested for graded thresholds (`Levels`).
    public static func dictionary<Options: RuleOptions>(_ options: Options) -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(options),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    /// The defaults with `overrides` applied. Throws a message naming unknown keys or bad values.
    public static func options<Options: RuleOptions>(
        _ type: Options.Type, ruleId: String, overrides: [String: Any]
    ) throws -> Options {
        var merged = dictionary(Options())
        let unknown = Set(overrides.keys).subtracting(merged.keys)
        guard unknown.isEmpty else {
            let known = merged.keys.sorted().joined(separator: ", ")
            throw ConfigurationError(
                "rule \(ruleId): unknown option \(unknown.sorted().joined(separator: ", ")) (known: \(known))")
        }
        for (key, value) in overrides { merged[key] = value }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            let data = try JSONSerialization.data(withJSONObject: merged)
            return try decoder.decode(Options.self, from: data)
        } catch {
            throw ConfigurationError("rule \(ruleId): invalid option value (\(error))")
        }
    }
}

/// A configuration that cannot be used: unknown rule or option, wrong value type.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
