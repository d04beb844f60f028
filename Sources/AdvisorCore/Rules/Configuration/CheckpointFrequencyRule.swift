import Foundation

/// Reports a PostgreSQL server whose checkpoints come from WAL volume rather than `checkpoint_timeout`: its
/// `max_wal_size` is too small for the write load.
public struct CheckpointFrequencyRule: Rule {
    public struct Options: RuleOptions {
        /// Reported from this share of requested checkpoints among timed and requested ones…
        public var minRequestedShare = 0.1
        /// …and at least this many requested checkpoints (or any "too frequently" warning in a log).
        public var minRequested = 3
        /// The statistics do not say why a checkpoint was requested (CHECKPOINT commands, CREATE DATABASE and
        /// base backups count too), so from them the rule wants more and longer evidence.
        public var minRequestedInStatistics = 10
        public var minStatisticsWindowSeconds = 21_600.0
        /// At or above this share, the severity is high.
        public var highRequestedShare = 0.5
        /// The headroom the suggested max_wal_size leaves over the WAL one checkpoint_timeout writes.
        public var headroom = 1.5

        public init() {}
    }

    public static let description = RuleDescription(
        id: "checkpoint-frequency",
        title: "Checkpoints forced by WAL volume",
        category: .configuration,
        engines: [.postgres],
        requires: [.checkpoints],
        summary: "Checkpoints start because WAL reaches max_wal_size instead of every checkpoint_timeout.",
        rationale: """
            A checkpoint writes every dirty buffer to disk. PostgreSQL starts one when `checkpoint_timeout` \
            (5 min by default) has passed, or earlier when the WAL written since the last one nears \
            `max_wal_size` (1 GB by default). Requested checkpoints mean more checkpoint I/O, and after each one \
            the first change to every page writes the whole page to WAL again (full-page writes): more WAL, \
            more I/O, slower writes and replicas further behind. The counts come from `pg_stat_bgwriter` \
            (`pg_stat_checkpointer` on 17+; their requested count also holds `CHECKPOINT` commands, `CREATE \
            DATABASE` and base backups) or from a log with `log_checkpoints` (on by default since 15), whose \
            reasons tell them apart and whose `checkpoints are occurring too frequently` warnings are quoted. \
            The server is reported when requested checkpoints are at least `min_requested_share` of all and at \
            least `min_requested` in a log (`min_requested_in_statistics` over at least \
            `min_statistics_window_seconds` from the statistics), or when the log warned.

            **Fix:** raise `max_wal_size` (a reload is enough) so that checkpoints come from the timeout: to the \
            WAL one `checkpoint_timeout` writes × (1 + `checkpoint_completion_target`) × `headroom` when a log \
            says how much WAL checkpoints saw (`distance=`), else two to four times the current value. The cost \
            is disk: up to max_wal_size of WAL in pg_wal, and a longer crash recovery. **Validate:** over the \
            next day the requested count in `pg_stat_checkpointer` (`pg_stat_bgwriter`) stops growing, and the \
            log's checkpoints start with `time`.
            """,
        examples: [
            RuleExample(
                "most checkpoints requested by WAL volume",
                snapshot: CheckpointFrequencyRule.example(timed: 40, requested: 200),
                expecting: ["server checkpoints"]),
            RuleExample(
                "checkpoints on schedule",
                snapshot: CheckpointFrequencyRule.example(timed: 280, requested: 2),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        guard let checkpoints = context.snapshot.checkpoints else { return [] }
        let warned = (checkpoints.tooFrequentWarnings ?? 0) > 0
        let fromLog = checkpoints.source == StatementSource.logName
        let enough =
            fromLog
            ? checkpoints.requested >= options.minRequested
            : checkpoints.requested >= options.minRequestedInStatistics
                && (checkpoints.windowSeconds ?? 0) >= options.minStatisticsWindowSeconds
        guard warned || (enough && checkpoints.requestedShare >= options.minRequestedShare) else { return [] }
        return [finding(checkpoints, settings: context.snapshot.settings)]
    }

    private func finding(_ checkpoints: CheckpointActivity, settings: [String: String]) -> Finding {
        let share = checkpoints.requestedShare
        let severity: Severity = share >= options.highRequestedShare ? .high : .medium
        let currentKilobytes = MemorySetting.kilobytes(settings["max_wal_size"], bareUnitKilobytes: 1_024)
        let timeoutSeconds = DurationSetting.seconds(settings["checkpoint_timeout"]) ?? 300
        let completionTarget = settings["checkpoint_completion_target"].flatMap(Double.init) ?? 0.9
        let proposed = proposedKilobytes(
            checkpoints, current: currentKilobytes ?? 1_048_576, timeout: timeoutSeconds,
            completionTarget: completionTarget)
        let proposedText = Self.settingText(proposed)
        var evidence = [
            Evidence("timed checkpoints", Double(checkpoints.timed), "count"),
            Evidence("requested checkpoints", Double(checkpoints.requested), "count"),
            Evidence("share requested", share * 100, "percent"),
        ]
        if let other = checkpoints.other, other > 0 {
            evidence.append(Evidence("forced or shutdown checkpoints", Double(other), "count"))
        }
        if let warnings = checkpoints.tooFrequentWarnings, warnings > 0 {
            evidence.append(Evidence("too-frequent warnings", Double(warnings), "count"))
        }
        if let seconds = checkpoints.shortestSecondsApart {
            evidence.append(Evidence("shortest interval warned", seconds, "s"))
        }
        if let distance = checkpoints.averageDistanceKilobytes {
            evidence.append(Evidence("WAL between checkpoints", distance, "kB"))
        }
        if let window = checkpoints.windowSeconds { evidence.append(Evidence("window", window, "s")) }
        if let currentKilobytes { evidence.append(Evidence("max_wal_size", currentKilobytes, "kB")) }
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: FindingObject(kind: .server, name: "server checkpoints", key: "checkpoints"),
            message: Self.message(checkpoints),
            evidence: evidence,
            impact: Impact(
                score: Impact.riskScore(severity),
                confidence: checkpoints.source == StatementSource.logName ? .high : .medium,
                summary: "checkpoint I/O and full-page writes more often than checkpoint_timeout asks for"),
            recommendation: "Raise max_wal_size\(currentKilobytes.map { " from \(Self.settingText($0))" } ?? "") to "
                + "\(proposedText) so that checkpoints come every checkpoint_timeout "
                + "(\(Formatting.duration(seconds: timeoutSeconds))) rather than whenever that much WAL is written; "
                + "a reload applies it.",
            fixSQL: "ALTER SYSTEM SET max_wal_size = '\(proposedText)';\nSELECT pg_reload_conf();",
            risk: "pg_wal may hold up to \(proposedText) of WAL (check the disk has room), and a crash recovery "
                + "replays up to that much WAL, so it takes longer.",
            validation: "Over the next day, the requested checkpoints in pg_stat_checkpointer (pg_stat_bgwriter before "
                + "PostgreSQL 17) stop growing, and the log's checkpoints start with \"time\".")
    }

    /// The WAL one checkpoint_timeout writes × (1 + completion target) × headroom, from what the log's checkpoints
    /// saw; else twice (four times, when most checkpoints are requested) the current value. Whole gigabytes, in kB.
    private func proposedKilobytes(
        _ checkpoints: CheckpointActivity, current: Double, timeout: Double, completionTarget: Double
    ) -> Double {
        var wanted = current * (checkpoints.requestedShare >= options.highRequestedShare ? 4 : 2)
        if let distance = checkpoints.averageDistanceKilobytes, let interval = checkpoints.averageIntervalSeconds,
            interval > 0
        {
            let perTimeout = distance / interval * timeout
            wanted = max(current * 2, perTimeout * (1 + completionTarget) * options.headroom)
        }
        return max((wanted / 1_048_576).rounded(.up), 1) * 1_048_576  // whole gigabytes
    }

    private static func settingText(_ kilobytes: Double) -> String {
        kilobytes >= 1_048_576 && kilobytes.truncatingRemainder(dividingBy: 1_048_576) == 0
            ? "\(Int(kilobytes / 1_048_576))GB" : "\(Int(kilobytes / 1_024))MB"
    }

    private static func message(_ checkpoints: CheckpointActivity) -> String {
        let total = checkpoints.timed + checkpoints.requested
        var text =
            "\(Formatting.count(Double(checkpoints.requested))) of \(Formatting.count(Double(total))) checkpoints "
            + "(\(Formatting.percent(fraction: checkpoints.requestedShare))) were requested before "
            + "checkpoint_timeout"
        text += checkpoints.source == StatementSource.logName ? ", by WAL volume" : " (by WAL volume or a CHECKPOINT)"
        if let window = checkpoints.windowSeconds { text += ", over \(Formatting.duration(seconds: window))" }
        if let warnings = checkpoints.tooFrequentWarnings, warnings > 0 {
            text += "; the server warned \(warnings) time\(warnings == 1 ? "" : "s") that checkpoints occur too often"
            if let seconds = checkpoints.shortestSecondsApart {
                text += " (down to \(Formatting.duration(seconds: seconds)) apart)"
            }
        }
        return text + "."
    }

    /// A day of statistics with `timed` and `requested` checkpoints, at the default max_wal_size.
    static func example(timed: Int, requested: Int) -> Snapshot {
        var snapshot = StatementRuleExamples.snapshot(settings: ["max_wal_size": "1GB", "checkpoint_timeout": "5min"])
        snapshot.facets.insert(.checkpoints)
        snapshot.checkpoints = CheckpointActivity(
            source: "pg_stat_bgwriter", timed: timed, requested: requested, windowSeconds: 86_400)
        return snapshot
    }
}
