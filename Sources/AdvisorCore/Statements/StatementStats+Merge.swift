extension StatementStats {
    /// The statements with entries of the same normalized text, database and user counted as one.
    ///
    /// `pg_stat_statements` keys on the parse tree with its parameter types, so one query text can hold several
    /// entries: psycopg 3 binds a Python int as int2, int4 or int8 by its value, and `WHERE id = $1` then
    /// splits over three `queryid`s of 21, 13 and 5 calls. Every rule must see the statement whole (its calls,
    /// its rows, a parent's row count), so the entries are added up under the id of the one with the most time;
    /// the others are kept in `mergedIds`. The order of first appearance is kept.
    public static func mergingIdenticalTexts(_ statements: [StatementStats]) -> [StatementStats] {
        var positions: [String: Int] = [:]
        var merged: [StatementStats] = []
        for statement in statements {
            let key = [statement.database ?? "", statement.user ?? "", statement.text].joined(separator: "\u{1F}")
            if let position = positions[key] {
                merged[position] = merged[position].adding(statement)
            } else {
                positions[key] = merged.count
                merged.append(statement)
            }
        }
        return merged
    }

    /// This statement and `other` (same text) as one: counters added, extremes kept, the spread combined.
    func adding(_ other: StatementStats) -> StatementStats {
        var sum = totalTimeMs >= other.totalTimeMs ? self : other
        let second = totalTimeMs >= other.totalTimeMs ? other : self
        sum.mergedIds = (sum.mergedIds ?? []) + [second.id] + (second.mergedIds ?? [])
        sum.calls = calls + other.calls
        sum.totalTimeMs = totalTimeMs + other.totalTimeMs
        sum.stddevTimeMs = Self.combinedStandardDeviation(self, other)
        sum.minTimeMs = Self.extreme(minTimeMs, other.minTimeMs, min)
        sum.maxTimeMs = Self.extreme(maxTimeMs, other.maxTimeMs, max)
        sum.rows = Self.add(rows, other.rows)
        sum.planningTimeMs = Self.add(planningTimeMs, other.planningTimeMs)
        sum.sharedBlocksHit = Self.add(sharedBlocksHit, other.sharedBlocksHit)
        sum.sharedBlocksRead = Self.add(sharedBlocksRead, other.sharedBlocksRead)
        sum.sharedBlocksDirtied = Self.add(sharedBlocksDirtied, other.sharedBlocksDirtied)
        sum.sharedBlocksWritten = Self.add(sharedBlocksWritten, other.sharedBlocksWritten)
        sum.localBlocksHit = Self.add(localBlocksHit, other.localBlocksHit)
        sum.localBlocksRead = Self.add(localBlocksRead, other.localBlocksRead)
        sum.tempBlocksRead = Self.add(tempBlocksRead, other.tempBlocksRead)
        sum.tempBlocksWritten = Self.add(tempBlocksWritten, other.tempBlocksWritten)
        sum.blockReadTimeMs = Self.add(blockReadTimeMs, other.blockReadTimeMs)
        sum.blockWriteTimeMs = Self.add(blockWriteTimeMs, other.blockWriteTimeMs)
        sum.walBytes = Self.add(walBytes, other.walBytes)
        sum.rowsExamined = Self.add(rowsExamined, other.rowsExamined)
        sum.noIndexUsedCalls = Self.add(noIndexUsedCalls, other.noIndexUsedCalls)
        sum.noGoodIndexUsedCalls = Self.add(noGoodIndexUsedCalls, other.noGoodIndexUsedCalls)
        sum.tempTables = Self.add(tempTables, other.tempTables)
        sum.tempDiskTables = Self.add(tempDiskTables, other.tempDiskTables)
        sum.sortMergePasses = Self.add(sortMergePasses, other.sortMergePasses)
        sum.lockTimeMs = Self.add(lockTimeMs, other.lockTimeMs)
        // Percentiles do not add up; a log's digest never splits a text anyway.
        sum.p50TimeMs = nil
        sum.p95TimeMs = nil
        sum.p99TimeMs = nil
        return sum
    }

    private static func add<Value: AdditiveArithmetic>(_ a: Value?, _ b: Value?) -> Value? {
        guard let a else { return b }
        guard let b else { return a }
        return a + b
    }

    private static func extreme(_ a: Double?, _ b: Double?, _ pick: (Double, Double) -> Double) -> Double? {
        guard let a else { return b }
        guard let b else { return a }
        return pick(a, b)
    }

    /// The population standard deviation of two groups' calls together, from each group's count, mean and spread.
    private static func combinedStandardDeviation(_ a: StatementStats, _ b: StatementStats) -> Double? {
        guard let spreadA = a.stddevTimeMs, let spreadB = b.stddevTimeMs, a.calls + b.calls > 0 else { return nil }
        let calls = Double(a.calls + b.calls)
        let mean = (a.totalTimeMs + b.totalTimeMs) / calls
        let squares = [(a, spreadA), (b, spreadB)].reduce(0.0) { total, group in
            let deviation = group.0.meanTimeMs - mean
            return total + Double(group.0.calls) * (group.1 * group.1 + deviation * deviation)
        }
        return (squares / calls).squareRoot()
    }
}
