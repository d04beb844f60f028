import AdvisorCore
import Foundation

/// What `dbadvisor explain --compare` reports: two plans of one statement compared, and where they came from.
public struct ComparisonReport: Sendable {
    public var beforeSource: String
    public var afterSource: String
    public var toolVersion: String
    public var generatedAt: Date
    public var comparison: PlanComparison
    /// The rules that ran on both plans.
    public var rules: [RuleSummary]

    public init(
        beforeSource: String, afterSource: String, toolVersion: String, generatedAt: Date,
        comparison: PlanComparison, rules: [RuleSummary]
    ) {
        self.beforeSource = beforeSource
        self.afterSource = afterSource
        self.toolVersion = toolVersion
        self.generatedAt = generatedAt
        self.comparison = comparison
        self.rules = rules
    }
}

/// Renders a plan comparison in one output format; pure and deterministic, as `Reporter` is.
public protocol ComparisonReporter {
    static func render(_ report: ComparisonReport, options: RenderOptions) throws -> String
}

extension OutputFormat {
    /// The comparison's reporter; nil for formats that report findings only (SARIF, Prometheus).
    public var comparisonReporter: (any ComparisonReporter.Type)? {
        switch self {
        case .text: ComparisonTextReporter.self
        case .markdown: ComparisonMarkdownReporter.self
        case .json: ComparisonJSONReporter.self
        case .html: ComparisonHTMLReporter.self
        case .sarif, .prometheus: nil
        }
    }
}
