import Foundation

/// One number followed over past runs of the same target (a statement's mean time, its calls per day),
/// as the history store gives it; the HTML report draws it as a small line chart.
public struct ReportTrend: Codable, Equatable, Sendable {
    /// One run's value.
    public struct Point: Codable, Equatable, Sendable {
        public var at: Date
        public var value: Double

        public init(at: Date, value: Double) {
            self.at = at
            self.value = value
        }
    }

    /// What is followed, for people: "mean time of SELECT … FROM orders WHERE …".
    public var title: String
    /// The unit of the values, as `Evidence.unit` names units: "ms", "count", "rows", "percent".
    public var unit: String
    /// The identity of what is followed (`StatementStats.findingKey`, a finding fingerprint), when there is one.
    public var key: String?
    /// Oldest first.
    public var points: [Point]

    public init(title: String, unit: String, key: String? = nil, points: [Point]) {
        self.title = title
        self.unit = unit
        self.key = key
        self.points = points
    }
}
