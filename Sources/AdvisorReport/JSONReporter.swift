import AdvisorCore
import Foundation

/// The machine-readable report: a versioned contract (README "JSON output"), snake_case keys,
/// sorted for stable diffs. Bump `formatVersion` on any breaking change.
public enum JSONReporter: Reporter {
    public static let identifier = "json"
    public static let description = "Versioned JSON for tools and CI (see README, \"JSON output\")."
    public static let formatVersion = 1

    struct Document: Encodable {
        var formatVersion: Int
        var tool: Tool
        var command: String
        var source: String
        var generatedAt: Date
        var summary: Summary
        var server: ServerInfo
        var statements: [StatementEntry]
        var findings: [RankedFinding]
        var plans: [PlanEntry]
        var notices: [Notice]
        var rules: [RuleSummary]
        var skippedRules: [SkippedRule]
        /// Only when the run was compared with an earlier one (history store).
        var resolvedFindings: [ResolvedFinding]?
    }

    struct Tool: Encodable {
        var name: String
        var version: String
    }

    struct Summary: Encodable {
        var findings: Int
        var bySeverity: [String: Int]
        var highestSeverity: Severity?
    }

    struct RankedFinding: Encodable {
        var rank: Int
        var finding: Finding
        /// Whether the previous run lacked it; nil when there was nothing to compare with.
        var isNew: Bool?

        func encode(to encoder: Encoder) throws {
            try finding.encode(to: encoder)
            var container = encoder.container(keyedBy: RankKey.self)
            try container.encode(rank, forKey: .rank)
            try container.encodeIfPresent(isNew, forKey: .new)
        }

        enum RankKey: String, CodingKey { case rank, new }
    }

    /// One statement of the profile: the most expensive by total time, with its share of all of them.
    struct StatementEntry: Encodable {
        var rank: Int
        var share: Double
        var meanTimeMs: Double
        var statement: StatementStats

        func encode(to encoder: Encoder) throws {
            try statement.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(rank, forKey: .rank)
            try container.encode(share, forKey: .share)
            try container.encode(meanTimeMs, forKey: .meanTimeMs)
        }

        enum Keys: String, CodingKey { case rank, share, meanTimeMs }
    }

    /// The statement profile holds this many statements at most.
    static let profileSize = 50

    struct PlanEntry: Encodable {
        var number: Int
        var label: String
        var statementFingerprint: String?
        var totalTimeMs: Double?
        var nodeCount: Int
        var plan: Plan
    }

    public static func render(_ report: Report, options: RenderOptions) throws -> String {
        var bySeverity: [String: Int] = [:]
        for severity in Severity.allCases {
            bySeverity[severity.rawValue] = report.findings.filter { $0.severity == severity }.count
        }
        let document = Document(
            formatVersion: formatVersion,
            tool: Tool(name: "dbadvisor", version: report.toolVersion),
            command: report.command,
            source: report.source,
            generatedAt: report.generatedAt,
            summary: Summary(
                findings: report.findings.count, bySeverity: bySeverity,
                highestSeverity: report.findings.map(\.severity).max()),
            server: report.snapshot.server,
            statements: profile(report.snapshot.statements),
            findings: report.findings.enumerated().map { offset, finding in
                RankedFinding(
                    rank: offset + 1, finding: finding,
                    isNew: report.newFingerprints.map { $0.contains(finding.fingerprint) })
            },
            plans: report.snapshot.plans.enumerated().map { offset, captured in
                PlanEntry(
                    number: offset + 1, label: captured.label, statementFingerprint: captured.statementFingerprint,
                    totalTimeMs: captured.plan.totalTimeMs, nodeCount: captured.plan.root.nodeCount,
                    plan: captured.plan)
            },
            notices: report.snapshot.notices,
            rules: report.rules,
            skippedRules: report.skippedRules,
            resolvedFindings: report.resolvedFindings)
        let data = try encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Snake_case keys, sorted, ISO dates, and non-finite numbers as strings: shared by every JSON document.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    private static func profile(_ statements: [StatementStats]) -> [StatementEntry] {
        let total = statements.reduce(0) { $0 + $1.totalTimeMs }
        let top = statements.sorted { ($0.totalTimeMs, $1.id) > ($1.totalTimeMs, $0.id) }.prefix(profileSize)
        return top.enumerated().map { offset, statement in
            StatementEntry(
                rank: offset + 1, share: total > 0 ? statement.totalTimeMs / total : 0,
                meanTimeMs: statement.meanTimeMs, statement: statement)
        }
    }
}
