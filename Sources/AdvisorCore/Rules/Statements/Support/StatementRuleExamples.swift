import Foundation

/// Builds the small scan snapshots the statement and database rules use as examples.
enum StatementRuleExamples {
    /// The collection time of every example snapshot (2026-01-01T00:00:00Z).
    static let collectedAt = Date(timeIntervalSince1970: 1_767_225_600)

    /// A scan of database "shop" whose statement counters cover `days` (nil: the window is unknown).
    static func snapshot(
        engine: Engine = .postgres, days: Double? = 1, statements: [StatementStats] = [],
        source: StatementSource? = nil, databases: [DatabaseStats] = [], tables: [TableStats] = [],
        settings: [String: String] = [:], notices: [Notice] = []
    ) -> Snapshot {
        let start = days.map { collectedAt.addingTimeInterval(-$0 * 86_400) }
        var statementSource =
            source ?? StatementSource(name: engine == .postgres ? "pg_stat_statements" : "performance_schema")
        statementSource.resetAt = statementSource.resetAt ?? start
        var facets: Set<Facet> = [.settings]
        if !statements.isEmpty || source != nil { facets.insert(.statements) }
        if !databases.isEmpty { facets.insert(.databases) }
        if !tables.isEmpty { facets.insert(.tables) }
        return Snapshot(
            // MySQL's counters start with the server, and its statement summaries were not truncated since.
            server: ServerInfo(
                engine: engine, database: "shop", collectedAt: collectedAt,
                startedAt: engine == .postgres ? nil : start, statsResetAt: start),
            facets: facets, settings: settings, notices: notices, statements: statements,
            statementSource: facets.contains(.statements) ? statementSource : nil, databases: databases,
            tables: tables)
    }

    /// A scan whose statement history (or log) covering `windowSeconds` held `bursts` (nil: span unknown).
    static func history(
        engine: Engine = .mysql, windowSeconds: Double? = 3_600, bursts: [QueryBurst],
        statements: [StatementStats] = []
    ) -> Snapshot {
        var snapshot = self.snapshot(engine: engine, statements: statements)
        snapshot.facets.insert(.queryHistory)
        snapshot.queryBursts = bursts
        snapshot.queryHistoryWindowSeconds = windowSeconds
        return snapshot
    }

    /// A PostgreSQL log of a day whose lock waits are `waits` (and their statements, one call a second each).
    static func lockWaits(_ waits: [StatementLockWaits]) -> Snapshot {
        var snapshot = self.snapshot(
            statements: waits.map {
                statement($0.statementId, $0.text, calls: 86_400, totalTimeMs: 86_400 * 2, rows: nil)
            },
            source: StatementSource(name: StatementSource.logName))
        snapshot.facets.insert(.serverLogEvents)
        snapshot.lockWaits = waits
        return snapshot
    }

    /// A PostgreSQL log of a day whose statements failed as `errors` say.
    static func errors(_ errors: [StatementErrors]) -> Snapshot {
        var snapshot = self.snapshot(statements: [], source: StatementSource(name: StatementSource.logName))
        snapshot.facets.insert(.serverLogEvents)
        snapshot.statementErrors = errors
        return snapshot
    }

    /// The failures of one statement class, by message.
    static func failing(_ text: String, _ messages: KeyValuePairs<String, Int>) -> StatementErrors {
        var errors = StatementErrors(statementId: "e\(text.count)", text: text, sampleText: text)
        for (message, count) in messages { errors.add(message, count: count) }
        return errors
    }

    /// The lock waits of one statement class, as a log reports them.
    static func lockWait(
        _ text: String, waits: Int, acquiredWaitMs: Double, deadlocks: Int = 0, kinds: [String]
    ) -> StatementLockWaits {
        var lockWaits = StatementLockWaits(statementId: "lw\(text.count)", text: text, sampleText: text)
        lockWaits.waits = waits
        lockWaits.reportedWaitMs = Double(waits) * 1_000
        lockWaits.acquiredWaits = waits
        lockWaits.acquiredWaitMs = acquiredWaitMs
        lockWaits.longestWaitMs = acquiredWaitMs / Double(max(waits, 1)) * 3
        lockWaits.deadlocks = deadlocks
        lockWaits.lockKinds = kinds
        return lockWaits
    }

    /// A statement of database "shop" run by "app".
    static func statement(
        _ id: String, _ text: String, calls: Int, totalTimeMs: Double, rows: Int?,
        _ configure: (inout StatementStats) -> Void = { _ in }
    ) -> StatementStats {
        var statement = StatementStats(
            id: id, text: text, database: "shop", user: "app", calls: calls, totalTimeMs: totalTimeMs, rows: rows)
        configure(&statement)
        return statement
    }
}
