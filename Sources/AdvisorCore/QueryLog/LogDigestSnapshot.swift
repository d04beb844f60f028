import Foundation

extension LogDigest {
    /// The plans of at most this many classes (the ones with the most time) are read and reviewed.
    public static let defaultPlanLimit = 20

    /// The digest as a snapshot the rules read: the classes as `statements` (source "log", the span from the
    /// first to the last timestamp as the window), the bursts as `queryBursts`, the auto_explain plans of the
    /// costliest classes as `plans`, and what could not be read (per log summary) as notices.
    public func snapshot(summaries: [QueryLogSummary], planLimit: Int = defaultPlanLimit) -> Snapshot {
        let engine = engine ?? .postgres
        let statements = classes.map(statementStats)
        var snapshot = Snapshot(
            server: ServerInfo(
                engine: engine, target: summaries.map(\.file).joined(separator: ", "),
                database: statements.allSatisfy { $0.database == statements.first?.database }
                    ? statements.first?.database : nil,
                collectedAt: lastTime.map { Date(timeIntervalSince1970: $0) }),
            facets: [.statements],
            statements: statements,
            statementSource: StatementSource(
                name: StatementSource.logName, resetAt: firstTime.map { Date(timeIntervalSince1970: $0) },
                settings: ["formats": Set(summaries.map(\.format.rawValue)).sorted().joined(separator: ",")]))
        let window = firstTime.flatMap { first in lastTime.map { $0 - first } }
        if statementsWithoutSession < statements.count || statements.isEmpty {
            snapshot.facets.insert(.queryHistory)
            snapshot.queryBursts = bursts
            snapshot.queryHistoryWindowSeconds = window
        }
        snapshot.notices = summaries.flatMap(Self.notices)
        if implausibleValues > 0 {
            snapshot.notices.append(
                Notice(
                    level: .warning,
                    message: "\(Formatting.count(Double(implausibleValues))) logged "
                        + "\(implausibleValues == 1 ? "value was" : "values were") left out because no server could have "
                        + "written them (a duration past 30 years or not a number, a counter past what 64 bits hold): "
                        + "those statements count as untimed or without that counter"))
        }
        if engine == .postgres {
            snapshot.facets.insert(.serverLogEvents)
            snapshot.lockWaits = Self.lockWaits(summaries)
            snapshot.statementErrors = Self.statementErrors(summaries)
            var checkpoints = QueryLogSummary.CheckpointLog()
            for summary in summaries { checkpoints.merge(summary.checkpoints) }
            if !checkpoints.isEmpty {
                snapshot.facets.insert(.checkpoints)
                snapshot.checkpoints = Self.activity(checkpoints, window: window)
            }
            let connections = summaries.reduce(0) { $0 + $1.connections }
            if connections > 0 {
                snapshot.facets.insert(.sessions)
                snapshot.sessionActivity = SessionActivity(
                    source: StatementSource.logName, sessions: connections,
                    timedSessions: summaries.reduce(0) { $0 + $1.disconnections },
                    totalSessionSeconds: summaries.reduce(0) { $0 + $1.sessionSeconds }, windowSeconds: window)
            }
        }
        if statementsWithoutSession > 0 {
            snapshot.notices.append(
                Notice(
                    level: .warning,
                    message: "\(statementsWithoutSession) of \(self.statements) statements name no session: "
                        + "they are left out of N+1 detection",
                    remedy: "log the session: %c or %p in PostgreSQL's log_line_prefix (the slow and general logs "
                        + "of MySQL always carry the thread id)"))
        }
        let (plans, planNotices) = capturedPlans(statements, window: window, limit: planLimit)
        snapshot.plans = plans
        snapshot.notices += planNotices
        if !plans.isEmpty { snapshot.facets.insert(.plans) }
        return snapshot.redactingSecrets()
    }

    // MARK: - Private

    private static func activity(_ log: QueryLogSummary.CheckpointLog, window: Double?) -> CheckpointActivity {
        let starts = log.timed + log.requested + log.other
        let span = log.firstStart.flatMap { first in log.lastStart.map { $0 - first } }
        var activity = CheckpointActivity(
            source: StatementSource.logName, timed: log.timed, requested: log.requested,
            windowSeconds: [window, span].compactMap { $0 }.max())
        activity.other = log.other
        if let span, span > 0, starts > 1 { activity.averageIntervalSeconds = span / Double(starts - 1) }
        activity.tooFrequentWarnings = log.tooFrequentWarnings
        activity.shortestSecondsApart = log.shortestSecondsApart
        if log.distances > 0 { activity.averageDistanceKilobytes = log.distanceKilobytes / Double(log.distances) }
        return activity
    }

    /// Every log's errors per statement class, most failures first.
    private static func statementErrors(_ summaries: [QueryLogSummary]) -> [StatementErrors] {
        merged(summaries.map(\.statementErrors)) { $0.merge($1) }
            .sorted { ($0.count, $1.statementId) > ($1.count, $0.statementId) }
    }

    /// Every log's lock waits per statement class, most time waited first.
    private static func lockWaits(_ summaries: [QueryLogSummary]) -> [StatementLockWaits] {
        merged(summaries.map(\.lockWaits)) { $0.merge($1) }
            .sorted { ($0.waitedMs, $0.deadlocks, $1.statementId) > ($1.waitedMs, $1.deadlocks, $0.statementId) }
    }

    /// Per-class tallies of several logs as one tally per class.
    private static func merged<Tally>(
        _ perLog: [[UInt64: Tally]], _ merge: (inout Tally, Tally) -> Void
    ) -> [Tally] {
        var byClass: [UInt64: Tally] = [:]
        for tallies in perLog {
            for (hash, tally) in tallies {
                if var known = byClass.removeValue(forKey: hash) {
                    merge(&known, tally)
                    byClass[hash] = known
                } else {
                    byClass[hash] = tally
                }
            }
        }
        return Array(byClass.values)
    }

    private func statementStats(_ statementClass: LogStatementClass) -> StatementStats {
        var stats = StatementStats(
            id: statementClass.id, text: statementClass.normalized,
            database: statementClass.databases.count == 1 ? statementClass.databases[0] : nil,
            user: statementClass.users.count == 1 ? statementClass.users[0] : nil, calls: statementClass.calls,
            totalTimeMs: statementClass.totalTimeMs, rows: statementClass.rowsSent)
        let histogram = statementClass.histogram
        if histogram.count > 0 {
            stats.minTimeMs = histogram.minimumMs
            stats.maxTimeMs = histogram.maximumMs
            stats.stddevTimeMs = statementClass.stddevTimeMs
            stats.p50TimeMs = histogram.percentile(0.50)
            stats.p95TimeMs = histogram.percentile(0.95)
            stats.p99TimeMs = histogram.percentile(0.99)
        }
        stats.rowsExamined = statementClass.rowsExamined
        stats.lockTimeMs = statementClass.lockTimeMs
        // Temporary files in PostgreSQL's 8 kB blocks, as pg_stat_statements counts them (temp_blks_written).
        stats.tempBlocksWritten = statementClass.tempFileBytes.map { ($0 + 8_191) / 8_192 }
        if let counters = statementClass.executionCounters {
            // As performance_schema's digests count them (SUM_NO_INDEX_USED, SUM_CREATED_TMP_(DISK_)TABLES, …).
            stats.noIndexUsedCalls = counters.fullScans
            stats.tempTables = counters.tempTables
            stats.tempDiskTables = counters.tempDiskTables
            stats.sortMergePasses = counters.sortMergePasses
        }
        stats.tag = statementClass.tag
        stats.sampleText = statementClass.sample.text
        return stats
    }

    /// The auto_explain plans of the `limit` classes with the most time that logged one.
    private func capturedPlans(_ statements: [StatementStats], window: Double?, limit: Int) -> (
        [CapturedPlan], [Notice]
    ) {
        let withPlans = classes.indices.filter { classes[$0].plan != nil }
            .sorted { (classes[$0].totalTimeMs, classes[$1].id) > (classes[$1].totalTimeMs, classes[$0].id) }
            .prefix(limit)
        var plans: [CapturedPlan] = []
        var notices: [Notice] = []
        for position in withPlans {
            let statementClass = classes[position]
            guard let text = statementClass.plan else { continue }
            let origin = statementClass.sample.origin
            let name = "\(origin.file): plan of \(statementClass.id)"
            do {
                for plan in try PlanReader.read(PlanInput(text: text, name: name)) {
                    plans.append(
                        CapturedPlan(
                            label: "\(statementClass.id) · \(StatementStats.oneLine(statementClass.normalized))",
                            statementFingerprint: statements[position].findingKey,
                            callsPerDay: window.flatMap {
                                $0 >= 1 && !statements[position].isOneOff(engine: .postgres)
                                    ? Double(statementClass.calls) * 86_400 / $0 : nil
                            }, plan: plan))
                }
            } catch {
                notices.append(
                    Notice(
                        level: .warning, message: "the auto_explain plan of \(statementClass.id) was not read: \(error)"
                    ))
            }
        }
        return (plans, notices)
    }

    /// What a log's summary says could not be read.
    static func notices(_ summary: QueryLogSummary) -> [Notice] {
        var notices: [Notice] = []
        if let prefix = summary.logLinePrefix, !summary.otherFittingPrefixes.isEmpty {
            let others = summary.otherFittingPrefixes.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
            notices.append(
                Notice(
                    level: .warning,
                    message: "\(summary.file): log_line_prefix guessed as '\(prefix)', the prefix reading the most "
                        + "lines with plausible user and database names; \(others) read as many lines with other "
                        + "fields, so users, databases and sessions may be misread",
                    remedy: "give the server's setting with --log-line-prefix or --pg-config"))
        }
        if summary.unparsableLines > 0 {
            let lines = summary.unparsableSamples.map { String($0.line) }.joined(separator: ", ")
            let more = summary.unparsableLines > summary.unparsableSamples.count ? ", …" : ""
            notices.append(
                Notice(
                    level: .warning,
                    message: "\(summary.file): \(summary.unparsableLines) "
                        + (summary.unparsableLines == 1 ? "line was" : "lines were")
                        + " not read as \(summary.format.rawValue) and skipped "
                        + "(line\(summary.unparsableSamples.count == 1 ? "" : "s") \(lines)\(more))",
                    remedy: summary.format == .postgresStderr
                        ? "if the prefix is wrong, give it with --log-line-prefix or --pg-config (read as "
                            + "'\(summary.logLinePrefix ?? "")')" : nil))
        }
        if summary.truncatedEntries > 0 {
            notices.append(
                Notice(
                    level: .warning,
                    message: "\(summary.file): \(summary.truncatedEntries) entries were longer than the reader keeps "
                        + "and were cut"))
        }
        if summary.statements == 0 {
            notices.append(
                Notice(
                    level: .warning,
                    message: "\(summary.file): no statement found in this \(summary.format.rawValue) log"))
        }
        return notices
    }
}
