/// A streaming histogram of durations for percentiles, in the manner of HdrHistogram: values in microseconds,
/// exact below 128 µs, above that 128 log-linear buckets per power of two. A percentile is reported as the middle
/// of its bucket, clamped to the smallest and largest value seen, so its relative error is at most 1/256 (0.4 %)
/// above 128 µs and under 1 µs in absolute terms below.
///
/// Memory is the span of buckets between the smallest and largest value (at most 128 per power of two, 4 bytes
/// each), whatever the number of values: a statement timed from 0.1 ms to 10 s holds about 2,200 counters.
/// Written here rather than taken from the HdrHistogram package because AdvisorCore depends on Foundation alone.
public struct LatencyHistogram: Sendable, Equatable {
    /// Buckets per power of two (and the limit under which values are exact).
    static let subBuckets: UInt64 = 128
    private static let subBucketBits = 7

    /// Counts of the buckets from `firstBucket` on.
    private var counts: [UInt32] = []
    private var firstBucket = 0
    /// Values recorded.
    public private(set) var count = 0
    /// The smallest and largest value recorded, milliseconds.
    public private(set) var minimumMs = Double.infinity
    public private(set) var maximumMs = 0.0

    /// An empty histogram.
    public init() {}

    /// Records one duration in milliseconds (negative values count as 0).
    public mutating func record(_ milliseconds: Double) {
        // Whatever a log says, a value in 0 … 30 years: the top bucket's range then stays far from UInt64.max.
        let value = milliseconds.isFinite ? min(max(milliseconds, 0), 1e12) : 0
        count += 1
        minimumMs = min(minimumMs, value)
        maximumMs = max(maximumMs, value)
        // Beyond about 5.8 million years the bucket of the largest representable value is as good as any.
        let microseconds = value * 1000 < 1.8e19 ? UInt64(value * 1000) : UInt64.max
        add(Self.bucket(of: microseconds), 1)
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        for (offset, bucketCount) in other.counts.enumerated() where bucketCount > 0 {
            add(other.firstBucket + offset, bucketCount)
        }
        count += other.count
        minimumMs = min(minimumMs, other.minimumMs)
        maximumMs = max(maximumMs, other.maximumMs)
    }

    /// The value at `fraction` (0.95 for p95) by nearest rank, milliseconds; nil when empty.
    public func percentile(_ fraction: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for (offset, bucketCount) in counts.enumerated() {
            seen += Int(bucketCount)
            if seen >= rank {
                let (low, high) = Self.range(of: firstBucket + offset)
                let middle = (Double(low) + Double(high)) / 2 / 1000
                return min(max(middle, minimumMs), maximumMs)
            }
        }
        return maximumMs
    }

    // MARK: - Private

    private mutating func add(_ bucket: Int, _ amount: UInt32) {
        if counts.isEmpty {
            firstBucket = bucket
            counts = [0]
        } else if bucket < firstBucket {
            counts.insert(contentsOf: repeatElement(0, count: firstBucket - bucket), at: 0)
            firstBucket = bucket
        } else if bucket >= firstBucket + counts.count {
            counts.append(contentsOf: repeatElement(0, count: bucket - firstBucket - counts.count + 1))
        }
        let index = bucket - firstBucket
        counts[index] = counts[index] &+ amount
    }

    /// Values under 128 are their own bucket; above, the bucket is the power of two and the next 7 bits.
    static func bucket(of value: UInt64) -> Int {
        guard value >= subBuckets else { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount
        let sub = Int(value >> UInt64(exponent - subBucketBits)) - Int(subBuckets)
        return (exponent - subBucketBits + 1) * Int(subBuckets) + sub
    }

    /// The smallest and largest microseconds a bucket holds.
    static func range(of bucket: Int) -> (UInt64, UInt64) {
        guard bucket >= Int(subBuckets) else { return (UInt64(bucket), UInt64(bucket)) }
        let exponent = bucket / Int(subBuckets) + subBucketBits - 1
        let sub = UInt64(bucket % Int(subBuckets)) + subBuckets
        let shift = UInt64(exponent - subBucketBits)
        let low = sub << shift
        return (low, low + (1 << shift) - 1)
    }
}
