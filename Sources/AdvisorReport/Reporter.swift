import AdvisorCore

/// Renders a report in one output format. Pure and deterministic: same report, same bytes.
public protocol Reporter {
    /// The `--format` value.
    static var identifier: String { get }
    /// One line for `--help`.
    static var description: String { get }
    static func render(_ report: Report, options: RenderOptions) throws -> String
}

/// Presentation choices that are not part of the report itself.
public struct RenderOptions: Sendable {
    /// ANSI colours; only for a terminal, never with NO_COLOR (the command line decides).
    public var color: Bool
    /// Plans with more nodes than this show only the nodes that matter (and say how many are hidden).
    public var maxTreeNodes: Int

    public init(color: Bool = false, maxTreeNodes: Int = 60) {
        self.color = color
        self.maxTreeNodes = maxTreeNodes
    }
}

/// The `--format` values.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, markdown, html, sarif, prometheus

    public var reporter: any Reporter.Type {
        switch self {
        case .text: TextReporter.self
        case .json: JSONReporter.self
        case .markdown: MarkdownReporter.self
        case .html: HTMLReporter.self
        case .sarif: SARIFReporter.self
        case .prometheus: PrometheusReporter.self
        }
    }
}
