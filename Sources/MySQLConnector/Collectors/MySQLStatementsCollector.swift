import AdvisorCore
import AdvisorQueries
import Foundation

/// Statement statistics from `performance_schema.events_statements_summary_by_digest`
/// (`mysql_digests.sql`; MySQL 8: `mysql_digests_v8.sql`, with `QUERY_SAMPLE_TEXT`).
///
/// Mapping: `id` is the DIGEST, `text` the DIGEST_TEXT, `database` the default schema (the summary is
/// per digest and schema, not per user: `user` stays nil), `rows` = rows sent + rows affected, timers
/// from picoseconds to milliseconds, and the MySQL-family counters (`rowsExamined`, `noIndexUsedCalls`,
/// `noGoodIndexUsedCalls`, `tempTables`, `tempDiskTables`, `sortMergePasses`, `sampleText`) as named.
///
/// The source is `performance_schema` with `capacity` = `performance_schema_digests_size` and `evictions`
/// = `Performance_schema_digest_lost` (statements counted in the catch-all row with a NULL digest). The
/// summary keeps no reset time: `resetAt` is the oldest FIRST_SEEN of the table (right after a
/// TRUNCATE the first statement arrives within moments; without one, the first statement after the
/// server's start), and nil when the table is empty, which makes the window start at the server's start.
enum MySQLStatementsCollector: MySQLCollector {
    static let name = "statement digests"

    /// What the digests query returned.
    struct Collected: Equatable {
        var statements: [StatementStats]
        /// Calls counted in the catch-all row (digest NULL) once the table was full.
        var overflowCalls: Int
        var oldestFirstSeen: Date?
    }

    static func collect(from session: MySQLSession, server: MySQLServer, into snapshot: inout Snapshot) throws {
        guard MySQLSettingsCollector.isPerformanceSchemaOn(snapshot.settings) else { return }
        let query = query(for: server)
        let collected = try parse(rows: session.rows(query), query: query)
        snapshot.statements = collected.statements
        snapshot.statementSource = source(settings: snapshot.settings, oldestFirstSeen: collected.oldestFirstSeen)
        if collected.overflowCalls > 0 {
            snapshot.notices.append(
                Notice(
                    level: .info,
                    message: "the digest table is full: \(collected.overflowCalls) calls of statements that did "
                        + "not fit were counted together without a text"))
        }
        snapshot.facets.insert(.statements)
    }

    static func query(for server: MySQLServer) -> QueryText {
        server.isMySQL8 ? .mysqlDigestsV8 : .mysqlDigests
    }

    static func parse(rows: [MySQLSession.Row], query: QueryText) throws(UnexpectedRowError) -> Collected {
        var collected = Collected(statements: [], overflowCalls: 0, oldestFirstSeen: nil)
        for row in MySQLRowReader.readers(of: rows, query: query) {
            collected.oldestFirstSeen = try row.optionalDate("oldest_first_seen_epoch")
            let calls = try row.integer("calls")
            guard let digest = try row.optionalText("digest"), let text = try row.optionalText("digest_text") else {
                collected.overflowCalls += calls
                continue
            }
            var statement = StatementStats(
                id: digest, text: text, database: try row.optionalText("schema_name"), calls: calls,
                totalTimeMs: try row.number("total_time_ms"),
                rows: try row.integer("rows_sent") + row.integer("rows_affected"))
            statement.minTimeMs = try row.optionalNumber("min_time_ms")
            statement.maxTimeMs = try row.optionalNumber("max_time_ms")
            statement.rowsExamined = try row.optionalInteger("rows_examined")
            statement.lockTimeMs = try row.optionalNumber("lock_time_ms")
            statement.noIndexUsedCalls = try row.optionalInteger("no_index_used")
            statement.noGoodIndexUsedCalls = try row.optionalInteger("no_good_index_used")
            statement.tempTables = try row.optionalInteger("tmp_tables")
            statement.tempDiskTables = try row.optionalInteger("tmp_disk_tables")
            statement.sortMergePasses = try row.optionalInteger("sort_merge_passes")
            statement.sampleText = try row.optionalText("sample_text").flatMap { $0.isEmpty ? nil : $0 }
            collected.statements.append(statement)
        }
        return collected
    }

    /// The source as the settings and status describe it.
    static func source(settings: [String: String], oldestFirstSeen: Date?) -> StatementSource {
        var sourceSettings: [String: String] = [:]
        for name in ["performance_schema_max_digest_length", "performance_schema_events_statements_history_long_size"] {
            if let value = settings[name] { sourceSettings[name] = value }
        }
        return StatementSource(
            name: "performance_schema", capacity: settings["performance_schema_digests_size"].flatMap { Int($0) },
            evictions: settings[MySQLSettingsCollector.statusPrefix + "Performance_schema_digest_lost"]
                .flatMap { Int($0) },
            resetAt: oldestFirstSeen, settings: sourceSettings)
    }
}
