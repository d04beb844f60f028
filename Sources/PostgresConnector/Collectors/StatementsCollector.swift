import AdvisorCore
import AdvisorQueries
import Foundation

/// Statement statistics of the current database from `pg_stat_statements`, all users, the most
/// expensive by total time first (`Queries/postgres/pg_statements_v*.sql`, `pg_statements_info.sql`).
///
/// - The extension is looked up in `pg_extension` first; its schema goes on `search_path` for one
///   read-only transaction, so it is found wherever it was installed.
/// - The query follows the extension's version, not the server's: an extension not updated after
///   `pg_upgrade` keeps the columns of its version (1.7 and earlier: PostgreSQL 12's `total_time`;
///   1.8: `total_exec_time`, `wal_bytes`; 1.9–1.10: `toplevel`; 1.11+: `shared_blk_read_time`).
/// - At most `rowLimit` statements are read; a notice says when there are more.
/// - Known gaps become notices with a code (`pg_stat_statements_missing`,
///   `pg_stat_statements_not_preloaded`, `pg_stat_statements_texts_hidden`); the scan goes on without
///   the `.statements` facet when the statistics cannot be read at all.
/// - With `pg_stat_statements.track = all` a statement run both at top level and inside a function has two
///   entries under one queryid: the nested one's id is the queryid followed by `:nested`.
enum StatementsCollector: PostgresCollector {
    static let name = "statements"

    /// The most statements read: the top by total time. pg_stat_statements keeps 5000 by default
    /// (`pg_stat_statements.max`), so a default installation is read whole.
    static let rowLimit = 5000

    /// Where and at which version the extension is installed.
    struct Installation: Equatable {
        var version: String
        var schema: String
        /// The schema and the login as SQL identifiers (`quote_ident`).
        var quotedSchema: String
        var quotedUser: String
    }

    /// What the statements query returned.
    struct Collected: Equatable {
        var statements: [StatementStats]
        /// Entries whose text and queryid the login may not see (other users', without pg_read_all_stats).
        var hiddenCount: Int
        var hiddenTimeMs: Double
        /// Entries of the database in all, before the row limit.
        var availableCount: Int
    }

    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws {
        guard let installation = try parseInstallation(rows: session.rows(.pgStatementsExtension)) else {
            snapshot.notices.append(missingNotice(settings: snapshot.settings))
            return
        }
        let query = query(forExtensionVersion: installation.version)
        let readsInfo = hasInfoView(extensionVersion: installation.version)
        let rows: [LibPQSession.Row]
        let infoRows: [LibPQSession.Row]
        do {
            (rows, infoRows) = try inTransaction(session) {
                _ = try session.rows(.pgSearchPath, [installation.quotedSchema])
                let rows = try session.rows(query, [String(rowLimit)])
                return (rows, readsInfo ? try session.rows(.pgStatementsInfo) : [])
            }
        } catch let error as ServerError where error.sqlState == objectNotInPrerequisiteState {
            snapshot.notices.append(notPreloadedNotice(settings: snapshot.settings))
            return
        }
        let collected = try parse(rows: rows, query: query, database: snapshot.server.database)
        var source = source(settings: snapshot.settings)
        if readsInfo {
            (source.evictions, source.resetAt) = try parseInfo(rows: infoRows)
        }
        snapshot.statements = StatementStats.mergingIdenticalTexts(collected.statements)
        snapshot.statementSource = source
        snapshot.notices += notices(for: collected, installation: installation)
        snapshot.facets.insert(.statements)
    }

    /// The installation `pg_statements_extension` found, nil when the extension is not installed.
    static func parseInstallation(rows: [LibPQSession.Row]) throws(UnexpectedRowError) -> Installation? {
        guard !rows.isEmpty else { return nil }
        let row = try PostgresRowReader.single(of: rows, query: .pgStatementsExtension)
        return Installation(
            version: try row.text("extension_version"), schema: try row.text("extension_schema"),
            quotedSchema: try row.text("quoted_schema"), quotedUser: try row.text("quoted_user"))
    }

    /// The query for the columns of an extension version ("1.10").
    static func query(forExtensionVersion version: String) -> QueryText {
        let number = versionNumbers(version)
        if number.lexicographicallyPrecedes([1, 8]) { return .pgStatementsV12 }
        if number.lexicographicallyPrecedes([1, 9]) { return .pgStatementsV13 }
        if number.lexicographicallyPrecedes([1, 11]) { return .pgStatementsV14 }
        return .pgStatementsV17
    }

    /// `pg_stat_statements_info` came with 1.9 (PostgreSQL 14).
    static func hasInfoView(extensionVersion version: String) -> Bool {
        !versionNumbers(version).lexicographicallyPrecedes([1, 9])
    }

    /// The statements of one of the `pg_statements_v*` queries (they share their columns).
    static func parse(
        rows: [LibPQSession.Row], query: QueryText, database: String?
    ) throws(UnexpectedRowError) -> Collected {
        var collected = Collected(statements: [], hiddenCount: 0, hiddenTimeMs: 0, availableCount: 0)
        for row in PostgresRowReader.readers(of: rows, query: query) {
            collected.availableCount = try row.integer("statement_count")
            let totalTimeMs = try row.number("total_time_ms")
            let text = try row.optionalText("query_text")
            guard let queryID = try row.optionalText("query_id"), let text, text != hiddenText else {
                collected.hiddenCount += 1
                collected.hiddenTimeMs += totalTimeMs
                continue
            }
            var statement = StatementStats(
                id: try row.flag("toplevel") ? queryID : "\(queryID):nested", text: text, database: database,
                user: try row.optionalText("user_name"), calls: try row.integer("calls"), totalTimeMs: totalTimeMs,
                rows: try row.integer("rows"))
            statement.minTimeMs = try row.optionalNumber("min_time_ms")
            statement.maxTimeMs = try row.optionalNumber("max_time_ms")
            statement.stddevTimeMs = try row.optionalNumber("stddev_time_ms")
            statement.planningTimeMs = try row.optionalNumber("planning_time_ms")
            statement.sharedBlocksHit = try row.optionalInteger("shared_blocks_hit")
            statement.sharedBlocksRead = try row.optionalInteger("shared_blocks_read")
            statement.sharedBlocksDirtied = try row.optionalInteger("shared_blocks_dirtied")
            statement.sharedBlocksWritten = try row.optionalInteger("shared_blocks_written")
            statement.localBlocksHit = try row.optionalInteger("local_blocks_hit")
            statement.localBlocksRead = try row.optionalInteger("local_blocks_read")
            statement.tempBlocksRead = try row.optionalInteger("temp_blocks_read")
            statement.tempBlocksWritten = try row.optionalInteger("temp_blocks_written")
            statement.blockReadTimeMs = try row.optionalNumber("block_read_time_ms")
            statement.blockWriteTimeMs = try row.optionalNumber("block_write_time_ms")
            statement.walBytes = try row.optionalInteger("wal_bytes")
            collected.statements.append(statement)
        }
        return collected
    }

    /// Evictions and the reset time from `pg_statements_info`.
    static func parseInfo(rows: [LibPQSession.Row]) throws(UnexpectedRowError) -> (evictions: Int?, resetAt: Date?) {
        let row = try PostgresRowReader.single(of: rows, query: .pgStatementsInfo)
        return (try row.optionalInteger("evictions"), try row.optionalDate("stats_reset_epoch"))
    }

    /// The source as the settings describe it (capacity, what is tracked); evictions and reset come later.
    static func source(settings: [String: String]) -> StatementSource {
        let prefix = "pg_stat_statements."
        var sourceSettings: [String: String] = [:]
        for (name, value) in settings where name.hasPrefix(prefix) && name != "\(prefix)max" {
            sourceSettings[String(name.dropFirst(prefix.count))] = value
        }
        return StatementSource(
            name: "pg_stat_statements", capacity: settings["\(prefix)max"].flatMap { Int($0) },
            settings: sourceSettings)
    }

    /// Notices about statements the login could not see and statements beyond the row limit.
    static func notices(for collected: Collected, installation: Installation) -> [Notice] {
        var notices: [Notice] = []
        if collected.hiddenCount > 0 {
            notices.append(
                Notice(
                    level: .warning,
                    message: """
                        pg_stat_statements hides the text and queryid of \(collected.hiddenCount) \
                        \(collected.hiddenCount == 1 ? "statement" : "statements") of other users \
                        (\(formatted(milliseconds: collected.hiddenTimeMs)) in all): reading them needs \
                        pg_read_all_stats
                        """,
                    remedy: "Grant pg_read_all_stats (or pg_monitor) to the login dbadvisor scans with.",
                    code: "pg_stat_statements_texts_hidden",
                    fixSQL: "GRANT pg_read_all_stats TO \(installation.quotedUser);"))
        }
        let read = collected.statements.count + collected.hiddenCount
        if collected.availableCount > read {
            notices.append(
                Notice(
                    level: .info,
                    message: """
                        read the \(read) statements with the most total time of the \(collected.availableCount) \
                        pg_stat_statements holds for this database
                        """))
        }
        return notices
    }

    /// The notice for a database without the extension; the remedy depends on whether the library is preloaded.
    static func missingNotice(settings: [String: String]) -> Notice {
        let create = "CREATE EXTENSION \(extensionName);"
        let message = "pg_stat_statements is not installed in this database: no statement statistics"
        switch isPreloaded(settings) {
        case false:
            return Notice(
                level: .warning, message: message,
                remedy: """
                    Add pg_stat_statements to shared_preload_libraries, restart the server, then create the \
                    extension in this database.
                    """,
                code: "pg_stat_statements_missing", fixSQL: "\(preloadSQL(settings: settings))\n\(create)")
        case true:
            return Notice(
                level: .warning, message: message,
                remedy: "Create the extension in this database (the library is already preloaded: no restart).",
                code: "pg_stat_statements_missing", fixSQL: create)
        case nil:
            return Notice(
                level: .warning, message: message,
                remedy: """
                    Create the extension in this database; its library must be in shared_preload_libraries \
                    (changing that needs a restart).
                    """,
                code: "pg_stat_statements_missing", fixSQL: create)
        }
    }

    /// The notice for an extension whose library is not preloaded (its view fails with SQLSTATE 55000).
    static func notPreloadedNotice(settings: [String: String]) -> Notice {
        Notice(
            level: .warning,
            message: """
                pg_stat_statements is installed but its library is not in shared_preload_libraries: \
                no statement statistics
                """,
            remedy:
                "Add pg_stat_statements to shared_preload_libraries and restart the server (a reload is not enough).",
            code: "pg_stat_statements_not_preloaded", fixSQL: preloadSQL(settings: settings))
    }

    // MARK: - Private helpers

    /// pg_stat_statements' text for a statement of another user the login may not see.
    private static let hiddenText = "<insufficient privilege>"

    /// SQLSTATE 55000: "pg_stat_statements must be loaded via shared_preload_libraries".
    private static let objectNotInPrerequisiteState = "55000"

    private static let extensionName = "pg_stat_statements"

    /// "1.10" → [1, 10]; parts that are not numbers count as 0.
    private static func versionNumbers(_ version: String) -> [Int] {
        version.split(separator: ".").map { Int($0) ?? 0 }
    }

    /// Runs `body` in a transaction (read-only, as every transaction of the session), so settings made
    /// with `is_local` end with it; rolled back when `body` throws.
    private static func inTransaction<Result>(
        _ session: LibPQSession, _ body: () throws -> Result
    ) throws -> Result {
        _ = try session.rows(LibPQSession.begin)
        do {
            let result = try body()
            _ = try session.rows(LibPQSession.commit)
            return result
        } catch {
            // The original error is the one worth reporting; a failed ROLLBACK (a lost connection)
            // would only hide it.
            _ = try? session.rows(LibPQSession.rollback)
            throw error
        }
    }

    private static func isPreloaded(_ settings: [String: String]) -> Bool? {
        guard let libraries = settings["shared_preload_libraries"] else { return nil }
        return libraries.split(separator: ",").contains {
            $0.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\"'"))) == extensionName
        }
    }

    /// `ALTER SYSTEM` adding the extension to the libraries already preloaded.
    private static func preloadSQL(settings: [String: String]) -> String {
        let current = (settings["shared_preload_libraries"] ?? "").trimmingCharacters(in: .whitespaces)
        let libraries = current.isEmpty ? extensionName : "\(current), \(extensionName)"
        let literal = libraries.replacingOccurrences(of: "'", with: "''")
        return "ALTER SYSTEM SET shared_preload_libraries = '\(literal)';"
    }

    private static func formatted(milliseconds: Double) -> String {
        milliseconds >= 1000
            ? String(format: "%.0f s", milliseconds / 1000) : String(format: "%.0f ms", milliseconds)
    }
}
