import AdvisorCore
import Foundation

/// `explain --compare` for tools and CI: a versioned document (README "JSON output"), snake_case keys, sorted.
public enum ComparisonJSONReporter: ComparisonReporter {
    public static let formatVersion = 1

    struct Document: Encodable {
        var formatVersion: Int
        var tool: JSONReporter.Tool
        var command: String
        var generatedAt: Date
        var before: PlanSummary
        var after: PlanSummary
        var basis: PlanComparison.Basis
        var verdict: Verdict
        var nodes: [Node]
        var estimateChanges: [Node]
        var findings: Findings
    }

    struct PlanSummary: Encodable {
        var source: String
        var engine: Engine
        var format: PlanFormat
        var hasTiming: Bool
        var executionTimeMs: Double?
        var planningTimeMs: Double?
        var totalCost: Double?
        var nodeCount: Int
    }

    struct Verdict: Encodable {
        var direction: ComparisonVerdict.Direction
        var before: Double?
        var after: Double?
        /// (after − before) ÷ before.
        var change: Double?
        var summary: String
        /// Indexes into `nodes`.
        var contributors: [Int]
        /// Why the plans look like plans of different statements, when something says so.
        var unrelated: String?
    }

    struct Node: Encodable {
        var change: NodeComparison.Change
        var accessChange: Bool
        var depth: Int
        var selfDelta: Double?
        var before: NodeFigures?
        var after: NodeFigures?
    }

    struct NodeFigures: Encodable {
        var id: Int
        var name: String
        var nodeType: String
        var relation: String?
        var index: String?
        var selfTimeMs: Double?
        var totalTimeMs: Double?
        var selfCost: Double?
        var totalCost: Double?
        var estimatedRows: Double?
        var actualRows: Double?
        var loops: Double?
        var buffers: Buffers?
        /// Actual ÷ estimated rows, both floored at 1.
        var estimateError: Double?

        init(_ node: PlanNode, engine: Engine) {
            id = node.id
            name = node.displayName(engine: engine)
            nodeType = node.nodeType
            relation = node.relation
            index = node.index
            selfTimeMs = node.exclusiveTimeMs
            totalTimeMs = node.inclusiveTimeMs
            selfCost = node.exclusiveCost
            totalCost = node.totalCost
            estimatedRows = node.estimatedRows
            actualRows = node.actualRows
            loops = node.loops
            buffers = node.buffers
            estimateError = node.misestimate
        }
    }

    struct Findings: Encodable {
        var fixed: [Finding]
        var introduced: [Finding]
        var remaining: [Finding]
    }

    public static func render(_ report: ComparisonReport, options: RenderOptions) throws -> String {
        let comparison = report.comparison
        let verdict = comparison.verdict
        func node(_ node: NodeComparison) -> Node {
            Node(
                change: node.change, accessChange: node.isAccessChange, depth: node.depth,
                selfDelta: node.selfDelta(comparison.basis),
                before: node.before.map { NodeFigures($0, engine: comparison.before.engine) },
                after: node.after.map { NodeFigures($0, engine: comparison.after.engine) })
        }
        let positions = Dictionary(
            comparison.nodes.enumerated().map { ("\($1.before?.id ?? 0)/\($1.after?.id ?? 0)", $0) },
            uniquingKeysWith: { first, _ in first })
        let document = Document(
            formatVersion: formatVersion, tool: JSONReporter.Tool(name: "dbadvisor", version: report.toolVersion),
            command: "explain --compare", generatedAt: report.generatedAt,
            before: summary(comparison.before, source: report.beforeSource),
            after: summary(comparison.after, source: report.afterSource), basis: comparison.basis,
            verdict: Verdict(
                direction: verdict.direction, before: verdict.before, after: verdict.after, change: verdict.change,
                summary: verdict.headline,
                contributors: verdict.contributors.compactMap {
                    positions["\($0.before?.id ?? 0)/\($0.after?.id ?? 0)"]
                }, unrelated: comparison.unrelatedBecause),
            nodes: comparison.nodes.map(node), estimateChanges: comparison.estimateChanges.map(node),
            findings: Findings(
                fixed: comparison.fixedFindings, introduced: comparison.introducedFindings,
                remaining: comparison.remainingFindings))
        let data = try JSONReporter.encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func summary(_ plan: Plan, source: String) -> PlanSummary {
        PlanSummary(
            source: source, engine: plan.engine, format: plan.format, hasTiming: plan.hasTiming,
            executionTimeMs: plan.executionTimeMs, planningTimeMs: plan.planningTimeMs, totalCost: plan.root.totalCost,
            nodeCount: plan.root.nodeCount)
    }
}
