/// Reads one input format into plans. One type per format; `PlanReader` picks among them.
public protocol PlanParser {
    /// The format this parser reads.
    static var format: PlanFormat { get }
    /// Every plan in the input, in order (a file may hold one plan per statement).
    /// Throws `InputError` naming the position and what was expected; never returns an empty array.
    static func parse(_ input: PlanInput) throws -> [Plan]
}
