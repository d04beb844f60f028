import Foundation

/// Reports a scanned database whose buffer cache misses often: the reads it makes go to the operating
/// system or the disks instead of shared memory.
public struct DatabaseCacheHitRatioRule: Rule {
    public struct Options: RuleOptions {
        /// Below this hit ratio the cache misses more than an OLTP database should (99 %).
        public var minHitRatio = 0.99
        /// Fewer blocks read than this per day (in total when the window is unknown) do not matter.
        public var minBlocksReadPerDay = 100_000.0
        /// The cost of one block read when the statements' I/O time is not measured: between a read the
        /// operating system's cache serves (~0.01 ms) and an SSD read (~0.1 ms).
        public var assumedReadTimeMs = 0.05
        /// Severity by miss ratio (1 − hit ratio); below `medium` it is low.
        public var severityByMissRatio = Levels(medium: 0.03, high: 0.1, critical: 0.3)
        /// At most this many tables are named as the largest readers.
        public var maxTablesNamed = 3

        public init() {}
    }

    public static let description = RuleDescription(
        id: "database-cache-hit-ratio",
        title: "Low buffer cache hit ratio",
        category: .configuration,
        engines: [.postgres, .mysql, .mariadb],
        requires: [.databases],
        summary: "The database reads many blocks from outside its buffer cache.",
        rationale: """
            Every block a query needs is looked up in the buffer cache (PostgreSQL `shared_buffers`, InnoDB's \
            buffer pool); a miss reads it from the operating system, which serves it from its own cache or \
            from disk. An OLTP database whose working set fits in memory hits ≥ `min_hit_ratio` (99 %); a lower \
            ratio with `min_blocks_read_per_day` or more reads means queries wait on I/O. A PostgreSQL database \
            no larger than `shared_buffers` is not reported: once read it stays cached, so its misses were \
            one-off passes (a cold start, VACUUM, an index build, a foreign key's validation). The ratio is \
            `blocks hit / (blocks hit + blocks read)` of the scanned database since its statistics reset; the \
            tables that read the most blocks are named when table I/O statistics were collected.

            **Estimate:** the time of the reads above the target miss ratio: the statements' measured block \
            read time (`track_io_timing`) when present, else the blocks read × `assumed_read_time_ms` (low \
            confidence). On PostgreSQL a miss may still be a cheap read from the OS page cache, so the ratio \
            overstates the problem when `shared_buffers` is small on purpose.

            **Fix:** first find what reads: a large table read by sequential scans for lack of an index \
            (see the table and plan findings) is the usual cause, and an index fixes it for good. Raise \
            `shared_buffers` (restart; about 25 % of RAM is the usual ceiling, the OS cache uses the rest) or \
            `innodb_buffer_pool_size` (resizable online; 50–75 % of RAM on a dedicated server) only when the \
            data read often is genuinely larger than the cache. **Validate:** the hit ratio over a day after \
            the change, and the read time of the top statements.
            """,
        examples: [
            RuleExample(
                "a database reading a tenth of its blocks from outside the cache",
                snapshot: StatementRuleExamples.snapshot(
                    databases: [DatabaseCacheHitRatioRule.exampleDatabase(hit: 90_000_000, read: 10_000_000)],
                    settings: ["shared_buffers": "128MB"]),
                expecting: ["database shop"]),
            RuleExample(
                "a database served from memory",
                snapshot: StatementRuleExamples.snapshot(
                    databases: [DatabaseCacheHitRatioRule.exampleDatabase(hit: 99_950_000, read: 50_000)],
                    settings: ["shared_buffers": "4GB"]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        let snapshot = context.snapshot
        guard let database = Self.scannedDatabase(snapshot), let hit = database.blocksHit,
            let read = database.blocksRead, hit + read > 0
        else { return [] }
        let hitRatio = Double(hit) / Double(hit + read)
        let window = Self.windowSeconds(database, snapshot: snapshot)
        let readsPerDay = window.map { Double(read) * 86_400 / $0 } ?? Double(read)
        guard hitRatio < options.minHitRatio, readsPerDay >= options.minBlocksReadPerDay,
            !Self.fitsInCache(database, snapshot: snapshot)
        else { return [] }
        return [finding(database, hitRatio: hitRatio, readsPerDay: readsPerDay, window: window, snapshot: snapshot)]
    }

    private func finding(
        _ database: DatabaseStats, hitRatio: Double, readsPerDay: Double, window: Double?, snapshot: Snapshot
    ) -> Finding {
        // From the counters rather than 1 − hitRatio, so that a ratio on a level's boundary grades exactly.
        let missRatio =
            Double(database.blocksRead ?? 0) / Double((database.blocksHit ?? 0) + (database.blocksRead ?? 0))
        let reducible = (missRatio - (1 - options.minHitRatio)) / missRatio
        let measured = Self.measuredReadTimePerDay(database, snapshot: snapshot)
        let readTimePerDay = measured ?? readsPerDay * options.assumedReadTimeMs
        let saved = readTimePerDay * reducible
        let periodText = window == nil ? "since the statistics reset (window unknown: cumulative)" : "per day"
        var evidence = [
            Evidence("hit ratio", hitRatio * 100, "percent"),
            Evidence("blocks hit", Double(database.blocksHit ?? 0), "blocks"),
            Evidence("blocks read", Double(database.blocksRead ?? 0), "blocks"),
        ]
        if window != nil { evidence.append(Evidence("blocks read per day", readsPerDay, "blocks")) }
        if let measured { evidence.append(Evidence("statement read time per day", measured, "ms")) }
        if let size = database.sizeBytes { evidence.append(Evidence("database size", Double(size), "bytes")) }
        let readers = readers(snapshot)
        for reader in readers {
            evidence.append(Evidence("blocks read by \(reader.table.qualifiedName)", reader.blocks, "blocks"))
        }
        let engine = snapshot.server.engine
        let cacheSetting = engine == .postgres ? "shared_buffers" : "innodb_buffer_pool_size"
        return Finding(
            ruleId: Self.description.id,
            severity: options.severityByMissRatio.severity(for: missRatio),
            category: Self.description.category,
            object: FindingObject(kind: .server, name: "database \(database.name)", key: "database:\(database.name)"),
            message: "Database \(database.name) finds \(Formatting.percent(fraction: hitRatio)) of the blocks it "
                + "needs in the buffer cache (target \(Formatting.percent(fraction: options.minHitRatio))): "
                + "\(Formatting.count(Double(database.blocksRead ?? 0))) blocks read from outside it.",
            evidence: evidence,
            impact: .daily(
                msPerDay: saved, share: reducible, confidence: measured == nil || window == nil ? .low : .medium,
                summary: "\(Formatting.milliseconds(readTimePerDay)) of block reads \(periodText)"
                    + (measured == nil
                        ? " (at an assumed \(Formatting.milliseconds(options.assumedReadTimeMs)) each)" : "")
                    + "; reaching \(Formatting.percent(fraction: options.minHitRatio)) would avoid "
                    + "\(Formatting.percent(fraction: reducible)) of them: \(Formatting.milliseconds(saved))"),
            recommendation: Self.recommendation(
                readers: readers, cacheSetting: cacheSetting, current: snapshot.settings[cacheSetting],
                size: database.sizeBytes),
            risk: "An index has its own write and space cost; raising \(cacheSetting) takes memory from the "
                + "operating system's cache and other processes\(engine == .postgres ? " and needs a restart" : "").",
            validation: "Compare the hit ratio and the blocks read per day over a similar window after the change; "
                + "the read time of the top statements should drop.")
    }

    /// The tables that read the most blocks, with their count.
    private func readers(_ snapshot: Snapshot) -> [Reader] {
        let readers = snapshot.tables.compactMap { table -> Reader? in
            guard let read = table.blocksRead, read > 0 else { return nil }
            return Reader(table: table, blocks: Double(read))
        }
        let sorted = readers.sorted { a, b in
            a.blocks != b.blocks ? a.blocks > b.blocks : a.table.qualifiedName < b.table.qualifiedName
        }
        return Array(sorted.prefix(max(options.maxTablesNamed, 0)))
    }

    fileprivate struct Reader {
        var table: TableStats
        var blocks: Double
    }

    /// The database the scan was connected to; the only one when the snapshot does not say.
    private static func scannedDatabase(_ snapshot: Snapshot) -> DatabaseStats? {
        if let name = snapshot.server.database, let match = snapshot.databases.first(where: { $0.name == name }) {
            return match
        }
        return snapshot.databases.count == 1 ? snapshot.databases[0] : nil
    }

    /// A PostgreSQL database no larger than `shared_buffers` stays in it once read: its misses were one-off
    /// passes (a cold start, VACUUM, an index build, a foreign key's validation), which more memory cannot avoid.
    private static func fitsInCache(_ database: DatabaseStats, snapshot: Snapshot) -> Bool {
        guard snapshot.server.engine == .postgres, let size = database.sizeBytes,
            let cache = MemorySetting.kilobytes(snapshot.settings["shared_buffers"], bareUnitKilobytes: 8)
        else { return false }
        return Double(size) <= cache * 1024
    }

    /// Seconds the database counters cover, from their reset (or the server's) to collection.
    private static func windowSeconds(_ database: DatabaseStats, snapshot: Snapshot) -> Double? {
        guard let start = database.statsResetAt ?? snapshot.server.statsResetAt ?? snapshot.server.startedAt,
            let end = snapshot.server.collectedAt
        else { return nil }
        let seconds = end.timeIntervalSince(start)
        return seconds >= 60 ? seconds : nil
    }

    /// The block read time the database's statements measured, per day; nil without I/O timing.
    private static func measuredReadTimePerDay(_ database: DatabaseStats, snapshot: Snapshot) -> Double? {
        let timed = snapshot.statements.filter { statement in
            statement.blockReadTimeMs != nil && (statement.database == nil || statement.database == database.name)
        }
        let total = timed.reduce(0) { $0 + ($1.blockReadTimeMs ?? 0) }
        guard !timed.isEmpty, total > 0 else { return nil }
        return snapshot.perDay(total)
    }

    fileprivate static func recommendation(
        readers: [Reader], cacheSetting: String, current: String?, size: Int?
    ) -> String {
        var text = "Find what reads before adding memory"
        if !readers.isEmpty {
            let names = readers.map { "\($0.table.qualifiedName) (\(Formatting.count($0.blocks)) blocks)" }
            text +=
                ": \(names.joined(separator: ", ")) read the most; a large table scanned for lack of an index "
                + "is the usual cause"
        } else {
            text +=
                ": the statements with the most block reads and the tables read by sequential scans are the usual cause"
        }
        let sizes = [
            current.map { "\(cacheSetting) is \($0)" },
            size.map { "the database is \(Formatting.kilobytes(Double($0) / 1024))" },
        ]
        .compactMap { $0 }
        let context = sizes.isEmpty ? "" : " (\(sizes.joined(separator: ", ")))"
        return text + ". Raise \(cacheSetting)\(context) only if the data read often is larger than it and the "
            + "server has the memory."
    }

    /// An example database whose counters cover one day.
    fileprivate static func exampleDatabase(hit: Int, read: Int) -> DatabaseStats {
        var database = DatabaseStats(name: "shop")
        database.blocksHit = hit
        database.blocksRead = read
        return database
    }
}
