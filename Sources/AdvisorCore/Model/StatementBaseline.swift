/// A statement's figures in earlier runs of the same target, as the history store remembers them: what
/// `statement-regression` compares the current run with.
///
/// Every figure is over a run's own window (since the run before it, or since the counters started).
public struct StatementBaseline: Codable, Equatable, Sendable {
    /// `StatementStats.findingKey` of the statement.
    public var key: String
    /// The previous run: calls, mean time and rows per call in its window.
    public var previousCalls: Int
    public var previousMeanTimeMs: Double
    public var previousRowsPerCall: Double
    /// The runs of the rolling baseline (the previous run included) where the statement was called, and
    /// its mean time and rows per call over all their calls together.
    public var baselineRuns: Int
    public var baselineCalls: Int
    public var baselineMeanTimeMs: Double
    public var baselineRowsPerCall: Double

    public init(
        key: String, previousCalls: Int, previousMeanTimeMs: Double, previousRowsPerCall: Double,
        baselineRuns: Int, baselineCalls: Int, baselineMeanTimeMs: Double, baselineRowsPerCall: Double
    ) {
        self.key = key
        self.previousCalls = previousCalls
        self.previousMeanTimeMs = previousMeanTimeMs
        self.previousRowsPerCall = previousRowsPerCall
        self.baselineRuns = baselineRuns
        self.baselineCalls = baselineCalls
        self.baselineMeanTimeMs = baselineMeanTimeMs
        self.baselineRowsPerCall = baselineRowsPerCall
    }
}
