import AdvisorCore
import Foundation

/// Turns a scan's cumulative statement counters into figures since the previous run of the same target,
/// and notices when the counters restarted in between instead of reporting differences that mean nothing.
///
/// Only statements get deltas. Table and index counters stay cumulative since their reset: the index and
/// table rules judge usage over the longest window there is (an index unused since yesterday is not an
/// unused index), so a shorter window would make them wrong rather than more precise.
public struct StatementDeltas: Sendable {
    /// The snapshot the rules run on: statements over the window since the previous run (only those called
    /// in it), `statementSource.resetAt` moved to the window's start, evictions counted over the window.
    public var snapshot: Snapshot
    /// Every statement's counters, cumulative and over the window, for the store.
    public var counters: [String: StatementCounters]

    /// The deltas of `current` against `previous` (nil: the first run of its target, counters as they are).
    public init(current: Snapshot, previous: RecordedRun?) {
        var snapshot = current
        let cumulativeWindow = current.statementWindowSeconds
        guard current.facets.contains(.statements) else {
            self.snapshot = snapshot
            self.counters = [:]
            return
        }
        guard let previous, let collectedAt = current.server.collectedAt else {
            self.snapshot = snapshot
            self.counters = Self.cumulative(current.statements, window: cumulativeWindow)
            return
        }
        if let restart = Self.restart(current: current, previous: previous) {
            snapshot.notices.append(
                Notice(
                    level: .info,
                    message: "The statement counters restarted since the previous run of \(previous.target) "
                        + "(\(restart)): the figures cover the time since then, not since the previous run."))
            self.snapshot = snapshot
            self.counters = Self.cumulative(current.statements, window: cumulativeWindow)
            return
        }
        let window = max(collectedAt.timeIntervalSince(previous.collectedAt), 0)
        var counters: [String: StatementCounters] = [:]
        var statements: [StatementStats] = []
        var wentDown = 0
        for statement in current.statements {
            let key = statement.findingKey
            var delta = statement
            if let before = previous.statements[key] {
                // Scans always count rows (only logs do not, and logs keep no history): `?? 0` never applies.
                if statement.calls >= before.calls, (statement.rows ?? 0) >= before.rows,
                    statement.totalTimeMs >= before.totalTimeMs - 0.001
                {
                    delta = Self.subtract(before, from: statement)
                } else {
                    // The entry was evicted and created again (or reset on its own): all it counts now
                    // happened after the previous run.
                    wentDown += 1
                }
            }
            counters[key] = StatementCounters(
                statementId: statement.id, text: Self.shortText(statement), calls: statement.calls,
                totalTimeMs: statement.totalTimeMs, rows: statement.rows ?? 0, windowCalls: delta.calls,
                windowTotalTimeMs: delta.totalTimeMs, windowRows: delta.rows ?? 0, windowSeconds: window)
            if delta.calls > 0 { statements.append(delta) }
        }
        snapshot.statements = statements
        snapshot.statementSource?.resetAt = previous.collectedAt
        snapshot.notices.append(
            Notice(
                level: .info,
                message: "Statement figures are since the previous run of \(previous.target) "
                    + "(\(Self.timestamp(previous.collectedAt)), \(Formatting.duration(seconds: window)) ago): "
                    + "per-day rates are over that window."))
        if wentDown > 0 {
            snapshot.notices.append(
                Notice(
                    level: .info,
                    message: "\(wentDown) statement\(wentDown == 1 ? "'s" : "s'") counters went down since the "
                        + "previous run (evicted and tracked again, or reset): their current values are used."))
        }
        if let now = current.statementSource?.evictions {
            let evicted = now - (previous.statementEvictions ?? 0)
            snapshot.statementSource?.evictions = max(evicted, 0)
            if evicted > 0 {
                snapshot.notices.append(
                    Notice(
                        level: .warning,
                        message: "\(evicted) statement entr\(evicted == 1 ? "y was" : "ies were") evicted since "
                            + "the previous run: statements that came and went in between are missing, and some "
                            + "figures cover less than the window.",
                        remedy: "Raise the statement statistics' capacity (see statement-tracking-evictions)."))
            }
        }
        self.snapshot = snapshot
        self.counters = counters
    }

    // MARK: - Helpers

    /// Why the counters restarted since `previous`, or nil when they did not.
    private static func restart(current: Snapshot, previous: RecordedRun) -> String? {
        if let collectedAt = current.server.collectedAt, collectedAt <= previous.collectedAt {
            return "this snapshot is not newer than the previous run"
        }
        if previous.engine != current.server.engine { return "the engine changed" }
        if changed(previous.startedAt, current.server.startedAt) {
            return "server restarted at \(current.server.startedAt.map(timestamp) ?? "an unknown time")"
        }
        // A reset after the previous run's collection is one even when it falls within a second of the
        // previous reset time (a fast job, whole-second times in snapshot files).
        let resetSincePrevious = current.statementSource?.resetAt.map { $0 > previous.collectedAt } ?? false
        if resetSincePrevious || changed(previous.statementsResetAt, current.statementSource?.resetAt) {
            let name = current.statementSource?.name ?? "statement statistics"
            return "\(name) reset at \(current.statementSource?.resetAt.map(timestamp) ?? "an unknown time")"
        }
        return nil
    }

    /// True when both are known and differ by more than a second (snapshots read from JSON keep whole seconds).
    private static func changed(_ before: Date?, _ now: Date?) -> Bool {
        guard let before, let now else { return before != nil && now != nil }
        return abs(now.timeIntervalSince(before)) >= 1
    }

    private static func cumulative(_ statements: [StatementStats], window: Double?) -> [String: StatementCounters] {
        var counters: [String: StatementCounters] = [:]
        for statement in statements {
            counters[statement.findingKey] = StatementCounters(
                statementId: statement.id, text: shortText(statement), calls: statement.calls,
                totalTimeMs: statement.totalTimeMs, rows: statement.rows ?? 0, windowCalls: statement.calls,
                windowTotalTimeMs: statement.totalTimeMs, windowRows: statement.rows ?? 0, windowSeconds: window)
        }
        return counters
    }

    /// `now` minus the counters of `before`; minimum, maximum and deviation are kept as they are (they
    /// cannot be taken apart), every other counter becomes a difference.
    private static func subtract(_ before: StatementCounters, from now: StatementStats) -> StatementStats {
        var delta = now
        delta.calls = now.calls - before.calls
        delta.totalTimeMs = max(now.totalTimeMs - before.totalTimeMs, 0)
        delta.rows = now.rows.map { $0 - before.rows }
        let share = now.calls > 0 ? Double(delta.calls) / Double(now.calls) : 0
        // The other counters are not stored per run: scale them by the share of calls in the window, which
        // keeps ratios (I/O per call, temp blocks per call) as they are over the whole counter span.
        func scaled(_ value: Int?) -> Int? { value.map { Int((Double($0) * share).rounded()) } }
        func scaled(_ value: Double?) -> Double? { value.map { $0 * share } }
        delta.planningTimeMs = scaled(now.planningTimeMs)
        delta.sharedBlocksHit = scaled(now.sharedBlocksHit)
        delta.sharedBlocksRead = scaled(now.sharedBlocksRead)
        delta.sharedBlocksDirtied = scaled(now.sharedBlocksDirtied)
        delta.sharedBlocksWritten = scaled(now.sharedBlocksWritten)
        delta.localBlocksHit = scaled(now.localBlocksHit)
        delta.localBlocksRead = scaled(now.localBlocksRead)
        delta.tempBlocksRead = scaled(now.tempBlocksRead)
        delta.tempBlocksWritten = scaled(now.tempBlocksWritten)
        delta.blockReadTimeMs = scaled(now.blockReadTimeMs)
        delta.blockWriteTimeMs = scaled(now.blockWriteTimeMs)
        delta.walBytes = scaled(now.walBytes)
        delta.rowsExamined = scaled(now.rowsExamined)
        delta.noIndexUsedCalls = scaled(now.noIndexUsedCalls)
        delta.noGoodIndexUsedCalls = scaled(now.noGoodIndexUsedCalls)
        delta.tempTables = scaled(now.tempTables)
        delta.tempDiskTables = scaled(now.tempDiskTables)
        delta.sortMergePasses = scaled(now.sortMergePasses)
        return delta
    }

    static func shortText(_ statement: StatementStats) -> String {
        let line = statement.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return line.count > 200 ? String(line.prefix(199)) + "…" : line
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
