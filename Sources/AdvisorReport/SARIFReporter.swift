import AdvisorCore
import Foundation

/// SARIF 2.1.0 (the OASIS static analysis results format code-scanning tools read): one run whose
/// driver lists the rules with their rationale, one result per finding with its stable fingerprint,
/// a logical location for the object it is about, and the impact and fix SQL as properties.
public enum SARIFReporter: Reporter {
    public static let identifier = "sarif"
    public static let description = "SARIF 2.1.0 for code-scanning dashboards."

    static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    /// The key of the finding's fingerprint in `partialFingerprints`; versioned so it can change meaning.
    static let fingerprintKey = "dbadvisorFingerprint/v1"

    public static func render(_ report: Report, options: RenderOptions) throws -> String {
        let ruleIds = orderedRuleIds(report)
        let summaries = Dictionary(report.rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let rules = ruleIds.map { id in
            descriptor(
                id: id, summary: summaries[id], description: builtInDescription(id),
                findings: report.findings.filter { $0.ruleId == id })
        }
        let index = Dictionary(uniqueKeysWithValues: ruleIds.enumerated().map { ($0.element, $0.offset) })
        let results = report.findings.enumerated().map { offset, finding in
            result(finding, rank: offset + 1, ruleIndex: index[finding.ruleId] ?? -1, report: report)
        }
        let invocation = Invocation(
            executionSuccessful: true, endTimeUtc: report.generatedAt,
            toolExecutionNotifications: nonEmpty(report.snapshot.notices).map {
                $0.map { notice in
                    Notification(
                        message: Message(text: notice.text),
                        level: notice.level == .warning ? "warning" : "note",
                        descriptor: notice.code.map { DescriptorReference(id: $0) })
                }
            },
            toolConfigurationNotifications: nonEmpty(report.skippedRules).map {
                $0.map { skipped in
                    Notification(
                        message: Message(text: "Rule \(skipped.id) did not run: \(skipped.reason)"), level: "note",
                        descriptor: DescriptorReference(id: skipped.id))
                }
            })
        let run = Run(
            tool: Tool(driver: Driver(name: "dbadvisor", version: report.toolVersion, rules: rules)),
            invocations: [invocation], results: results,
            properties: RunProperties(command: report.command, source: report.source))
        return try encode(Log(runs: [run]))
    }

    /// The rule catalogue as a SARIF log without results (`dbadvisor rules --format sarif`).
    static func catalogue(_ rules: [any Rule.Type]) throws -> String {
        let descriptors = rules.map { rule in
            descriptor(
                id: rule.description.id, summary: RuleSummary(rule.description), description: rule.description,
                findings: [])
        }
        let run = Run(
            tool: Tool(driver: Driver(name: "dbadvisor", version: nil, rules: descriptors)), invocations: nil,
            results: [], properties: nil)
        return try encode(Log(runs: [run]))
    }

    /// Critical and high findings are errors, medium warnings, the rest notes.
    static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    // MARK: - Building

    /// The rules that ran in catalogue order, then any rule a finding names that the list lacks.
    private static func orderedRuleIds(_ report: Report) -> [String] {
        var ids = report.rules.map(\.id)
        for finding in report.findings where !ids.contains(finding.ruleId) { ids.append(finding.ruleId) }
        return ids
    }

    private static func builtInDescription(_ id: String) -> RuleDescription? {
        builtInRules.first { $0.description.id == id }?.description
    }

    /// A rule grades its findings by what it measures, so its default level is the highest severity it
    /// reported in this run; a rule that found nothing keeps SARIF's own default, warning.
    private static func descriptor(
        id: String, summary: RuleSummary?, description: RuleDescription?, findings: [Finding]
    ) -> ReportingDescriptor {
        let title = summary?.title ?? description?.title ?? id
        let short = summary?.summary ?? description?.summary ?? title
        let rationale = description?.rationale ?? short
        let category = summary?.category ?? description?.category
        return ReportingDescriptor(
            id: id, name: pascalCase(id), shortDescription: Message(text: short),
            fullDescription: Message(text: rationale),
            help: MultiformatMessage(text: rationale, markdown: rationale),
            defaultConfiguration: Configuration(level: findings.map(\.severity).max().map(level) ?? "warning"),
            properties: RuleProperties(
                title: title, category: category?.rawValue,
                engines: description.map { $0.engines.sorted().map(\.rawValue) },
                tags: category.map { ["dbadvisor", $0.rawValue] } ?? ["dbadvisor"]))
    }

    private static func result(_ finding: Finding, rank: Int, ruleIndex: Int, report: Report) -> Result {
        let object = finding.object
        let location = LogicalLocation(
            name: object.name, fullyQualifiedName: "\(object.kind.rawValue):\(object.key)",
            kind: object.kind.rawValue)
        return Result(
            ruleId: finding.ruleId, ruleIndex: ruleIndex, level: level(finding.severity),
            message: Message(text: finding.message),
            partialFingerprints: [fingerprintKey: finding.fingerprint],
            locations: [Location(logicalLocations: [location])],
            properties: ResultProperties(
                rank: rank, severity: finding.severity.rawValue, category: finding.category.rawValue,
                objectKind: object.kind.rawValue, objectKey: object.key, plan: object.plan, node: object.node,
                impact: finding.impact, evidence: finding.evidence, recommendation: finding.recommendation,
                fixSQL: finding.fixSQL, risk: finding.risk, validation: finding.validation,
                new: report.newFingerprints.map { $0.contains(finding.fingerprint) }))
    }

    /// Nil for an empty list: SARIF leaves out what there is none of.
    private static func nonEmpty<Element>(_ list: [Element]) -> [Element]? {
        list.isEmpty ? nil : list
    }

    /// "statement-top-time" → "StatementTopTime".
    private static func pascalCase(_ id: String) -> String {
        id.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    private static func encode(_ log: Log) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(log), as: UTF8.self) + "\n"
    }

    // MARK: - The SARIF objects used (names as the specification spells them)

    private struct Log: Encodable {
        var schema = SARIFReporter.schemaURI
        var version = "2.1.0"
        var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    private struct Run: Encodable {
        var tool: Tool
        var invocations: [Invocation]?
        var results: [Result]
        var properties: RunProperties?
    }

    private struct RunProperties: Encodable {
        var command: String
        var source: String
    }

    private struct Tool: Encodable {
        var driver: Driver
    }

    private struct Driver: Encodable {
        var name: String
        var version: String?
        var rules: [ReportingDescriptor]
    }

    private struct ReportingDescriptor: Encodable {
        var id: String
        var name: String
        var shortDescription: Message
        var fullDescription: Message
        var help: MultiformatMessage
        var defaultConfiguration: Configuration
        var properties: RuleProperties
    }

    private struct RuleProperties: Encodable {
        var title: String
        var category: String?
        var engines: [String]?
        var tags: [String]
    }

    private struct Configuration: Encodable {
        var level: String
    }

    private struct Message: Encodable {
        var text: String
    }

    private struct MultiformatMessage: Encodable {
        var text: String
        var markdown: String
    }

    private struct Invocation: Encodable {
        var executionSuccessful: Bool
        var endTimeUtc: Date
        var toolExecutionNotifications: [Notification]?
        var toolConfigurationNotifications: [Notification]?
    }

    private struct Notification: Encodable {
        var message: Message
        var level: String
        var descriptor: DescriptorReference?
    }

    private struct DescriptorReference: Encodable {
        var id: String
    }

    private struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var partialFingerprints: [String: String]
        var locations: [Location]
        var properties: ResultProperties
    }

    private struct Location: Encodable {
        var logicalLocations: [LogicalLocation]
    }

    private struct LogicalLocation: Encodable {
        var name: String
        var fullyQualifiedName: String
        var kind: String
    }

    private struct ResultProperties: Encodable {
        var rank: Int
        var severity: String
        var category: String
        var objectKind: String
        var objectKey: String
        var plan: Int?
        var node: Int?
        var impact: Impact
        var evidence: [Evidence]
        var recommendation: String
        var fixSQL: String?
        var risk: String
        var validation: String
        /// Whether the finding is new since the previous run; absent when nothing was compared.
        var new: Bool?
    }
}
