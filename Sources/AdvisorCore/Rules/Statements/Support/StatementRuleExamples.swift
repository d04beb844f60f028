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
            server: ServerInfo(
                engine: engine, database: "shop", collectedAt: collectedAt, statsResetAt: start),
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

    /// A statement of database "shop" run by "app".
    static func statement(
        _ id: String, _ text: String, calls: Int, totalTimeMs: Double, rows: Int,
        _ configure: (inout StatementStats) -> Void = { _ in }
    ) -> StatementStats {
        var statement = StatementStats(
            id: id, text: text, database: "shop", user: "app", calls: calls, totalTimeMs: totalTimeMs, rows: rows)
        configure(&statement)
        return statement
    }
}
