import AdvisorCore

/// Renders a report in one output format. Pure and deterministic: same report, same bytes.
public protocol Reporter {
    /// The `--format` value.
    static var identifier: String { get }
    /// One line for `--help`.
    static var description: String { get }
    static func render(_ report: Report) throws -> String
}
