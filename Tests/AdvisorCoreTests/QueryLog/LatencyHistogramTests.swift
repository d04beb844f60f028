import AdvisorCore
import Testing

/// Percentiles of the log-bucket histogram against the exact ones, within its documented relative error.
struct LatencyHistogramTests {
    private func exact(_ sorted: [Double], _ fraction: Double) -> Double {
        sorted[max(Int((fraction * Double(sorted.count)).rounded(.up)), 1) - 1]
    }

    @Test func percentilesWithinTheDocumentedError() {
        var values: [Double] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50_000 { values.append(Double.random(in: 0.2...5_000, using: &generator)) }
        var histogram = LatencyHistogram()
        for value in values { histogram.record(value) }
        let sorted = values.sorted()
        for fraction in [0.5, 0.9, 0.95, 0.99, 0.999] {
            let estimate = histogram.percentile(fraction) ?? 0
            let truth = exact(sorted, fraction)
            #expect(abs(estimate - truth) / truth <= 1.0 / 256 + 1e-9, "p\(fraction * 100): \(estimate) vs \(truth)")
        }
        #expect(histogram.count == 50_000)
        #expect(histogram.minimumMs == sorted.first)
        #expect(histogram.maximumMs == sorted.last)
    }

    @Test func smallValuesAreExactToTheMicrosecond() {
        var histogram = LatencyHistogram()
        for value in [0.001, 0.002, 0.050, 0.051, 0.127] { histogram.record(value) }
        #expect(histogram.percentile(0.5) == 0.050)
        #expect(histogram.percentile(1) == 0.127)
        #expect(LatencyHistogram().percentile(0.5) == nil)
    }

    @Test func mergeEqualsRecordingEverything() {
        var all = LatencyHistogram()
        var low = LatencyHistogram()
        var high = LatencyHistogram()
        for index in 1...1_000 {
            let value = Double(index) * 0.731
            all.record(value)
            if index % 3 == 0 { low.record(value) } else { high.record(value) }
        }
        low.merge(high)
        #expect(low == all || [0.5, 0.95, 0.99].allSatisfy { low.percentile($0) == all.percentile($0) })
        #expect(low.count == all.count)
    }
}
