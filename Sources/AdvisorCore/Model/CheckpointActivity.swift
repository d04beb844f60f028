/// How often PostgreSQL wrote checkpoints, and why: `checkpoint_timeout` elapsed (timed), or the WAL written since the
/// last one neared `max_wal_size` (requested). From `pg_stat_bgwriter` (12–16), `pg_stat_checkpointer` (17+), or a
/// server log with `log_checkpoints` (on by default since PostgreSQL 15).
public struct CheckpointActivity: Codable, Equatable, Sendable {
    /// Where the counts come from: `pg_stat_bgwriter`, `pg_stat_checkpointer` or `log`.
    public var source: String
    /// Checkpoints started by `checkpoint_timeout`.
    public var timed: Int
    /// Checkpoints requested before it: by WAL volume in a log (`checkpoint starting: wal`); in the statistics also
    /// `CHECKPOINT` commands, base backups and `CREATE DATABASE`, which they do not tell apart.
    public var requested: Int
    /// A log's other checkpoints: forced or immediate (`CHECKPOINT`, backups), shutdown, end of recovery.
    public var other: Int?
    /// Seconds the counts cover; nil when unknown.
    public var windowSeconds: Double?
    /// A log's `checkpoints are occurring too frequently (N seconds apart)` warnings, and the smallest N.
    public var tooFrequentWarnings: Int?
    public var shortestSecondsApart: Double?
    /// A log's average WAL between checkpoints (`distance=` of `checkpoint complete`), kB, and the average time
    /// between their starts, seconds: together, the WAL rate.
    public var averageDistanceKilobytes: Double?
    public var averageIntervalSeconds: Double?

    public init(source: String, timed: Int, requested: Int, windowSeconds: Double? = nil) {
        self.source = source
        self.timed = timed
        self.requested = requested
        self.windowSeconds = windowSeconds
    }

    /// The share of timed and requested checkpoints that were requested.
    public var requestedShare: Double {
        timed + requested > 0 ? Double(requested) / Double(timed + requested) : 0
    }
}
