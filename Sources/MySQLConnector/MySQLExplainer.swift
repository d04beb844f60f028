import AdvisorCore
import AdvisorQueries

/// `--explain-top N` and `--analyze` on MySQL and MariaDB: plans for the digests that cost the most, for
/// the plan rules.
///
/// A digest's text has `?` where the literals were and cannot be EXPLAINed, so each digest needs a real
/// execution: MySQL 8's `QUERY_SAMPLE_TEXT` (`StatementStats.sampleText`), else the newest execution of
/// the digest in `events_statements_history_long` (MariaDB keeps no sample). Digests are taken by total
/// time, most expensive first; those that cannot be EXPLAINed do not use up a place: utility statements
/// and statements on the server's own schemas silently, the others with a notice (no real text, a text
/// that may be cut at `performance_schema_max_sql_text_length`, `?` of a prepared statement, and on
/// MariaDB writes, which it refuses to EXPLAIN in a read-only transaction). Each EXPLAIN runs in a
/// read-only transaction that is rolled back; `--analyze` executes SELECTs only (`EXPLAIN ANALYZE` on
/// MySQL 8.0.18 and later, `ANALYZE FORMAT=JSON` on MariaDB). A statement the server refuses to plan
/// becomes a notice naming its digest and the error, and the others are still EXPLAINed.
public enum MySQLExplainer {
    /// Why a digest among the most expensive is passed over.
    public enum SkipReason: String, Sendable, CaseIterable {
        /// Not SELECT, INSERT, UPDATE, DELETE, REPLACE or TABLE: EXPLAIN cannot plan it. No notice.
        case utility
        /// Reads the server's own schemas (performance_schema, information_schema, mysql, sys). No notice.
        case systemSchema
        /// No execution with literals: no sample text and none in the statement history.
        case noText
        /// The text may have been cut at `performance_schema_max_sql_text_length`.
        case cutText
        /// The text has `?` placeholders (a prepared statement's text).
        case placeholders
        /// A write on MariaDB, which refuses EXPLAIN of writes in a read-only transaction.
        case readOnlyWrite
    }

    /// A digest chosen for EXPLAIN with the text that will be EXPLAINed.
    public struct Candidate: Sendable, Equatable {
        public var statement: StatementStats
        public var text: String
        /// The schema the text ran in, when known.
        public var schema: String?
    }

    /// The digests to EXPLAIN, and the ids of those passed over before them, by reason.
    public struct Selection: Sendable, Equatable {
        /// Most expensive first.
        public var chosen: [Candidate]
        /// Digests in rank order, for every reason that applied.
        public var skipped: [SkipReason: [String]]
    }

    /// Real executions of the statements in the history, newest per digest, from `mysql_statement_samples`.
    public struct Samples: Sendable, Equatable {
        /// Digest → (text, schema).
        public var byDigest: [String: (text: String, schema: String?)]
        /// `performance_schema_max_sql_text_length`: texts this long may have been cut.
        public var textLimit: Int?

        public init(byDigest: [String: (text: String, schema: String?)] = [:], textLimit: Int? = nil) {
            self.byDigest = byDigest
            self.textLimit = textLimit
        }

        /// The newest text of each digest from rows ordered newest first.
        public init(rows: [MySQLSession.Row]) {
            var byDigest: [String: (text: String, schema: String?)] = [:]
            var limit: Int?
            for row in rows {
                limit = limit ?? (row["text_limit"] ?? nil).flatMap { Int($0) }
                guard let digest = row["digest"] ?? nil, let text = row["sql_text"] ?? nil,
                    byDigest[digest] == nil
                else { continue }
                byDigest[digest] = (text, row["current_schema"] ?? nil)
            }
            self.init(byDigest: byDigest, textLimit: limit)
        }

        public static func == (lhs: Samples, rhs: Samples) -> Bool {
            lhs.textLimit == rhs.textLimit && lhs.byDigest.keys == rhs.byDigest.keys
                && lhs.byDigest.allSatisfy { rhs.byDigest[$0.key]?.text == $0.value.text }
        }
    }

    /// EXPLAINs the `count` most expensive digests that can be EXPLAINed and adds their plans (and the
    /// facet `.plans` once there is one) and notices to the snapshot.
    ///
    /// - Throws: `ConnectionError` only, when the connection is lost; the plans made before it are kept.
    public static func explain(
        _ statements: [StatementStats], top count: Int, analyze: Bool, session: MySQLSession, server: MySQLServer,
        into snapshot: inout Snapshot
    ) throws {
        guard count > 0 else { return }
        var samples = Samples()
        do {
            samples = Samples(rows: try session.rows(.mysqlStatementSamples))
        } catch let error as ServerError {
            snapshot.notices.append(
                Notice(level: .warning, message: "--explain-top: could not read the statement history: \(error)"))
        }
        let selection = select(statements, top: count, samples: samples, engine: server.engine)
        snapshot.notices += skipNotices(selection, samples: samples)
        let connectedSchema = try session.rows("SELECT DATABASE() AS name").first?["name"] ?? nil
        var currentSchema = connectedSchema
        defer {
            if currentSchema != connectedSchema, let connectedSchema {
                _ = try? session.rows("USE \(quoted(connectedSchema))")
            }
        }
        for candidate in selection.chosen {
            let label = "digest \(candidate.statement.id)"
            do {
                if let schema = candidate.schema, schema != currentSchema {
                    _ = try session.rows("USE \(quoted(schema))")
                    currentSchema = schema
                }
                let request = Request(candidate.text, analyze: analyze, server: server)
                let output = try run(request.sql, on: session)
                let plans = try PlanReader.read(PlanInput(text: output, name: label), format: request.format)
                for var plan in plans {
                    plan.queryText = plan.queryText ?? candidate.text
                    snapshot.plans.append(
                        CapturedPlan(
                            label: label, statementFingerprint: candidate.statement.findingKey,
                            callsPerDay: snapshot.callsPerDay(of: candidate.statement), plan: plan))
                }
            } catch let error as ServerError {
                let state = error.sqlState.map { " (SQLSTATE \($0))" } ?? ""
                snapshot.notices.append(
                    Notice(
                        level: .warning,
                        message: "could not EXPLAIN \(describe(candidate)): \(error.message)\(state)",
                        remedy: error.sqlState == "42000"
                            ? "scan as a user that may SELECT from the tables the statement reads" : nil))
            } catch let error as InputError {
                snapshot.notices.append(
                    Notice(level: .warning, message: "could not read the plan of \(describe(candidate)): \(error)"))
            }
        }
        if !snapshot.plans.isEmpty { snapshot.facets.insert(.plans) }
    }

    /// The `count` most expensive digests (by total time, then id) that can be EXPLAINed, with their texts.
    public static func select(
        _ statements: [StatementStats], top count: Int, samples: Samples, engine: Engine
    ) -> Selection {
        let ranked = statements.sorted {
            $0.totalTimeMs != $1.totalTimeMs ? $0.totalTimeMs > $1.totalTimeMs : $0.id < $1.id
        }
        var selection = Selection(chosen: [], skipped: [:])
        for statement in ranked {
            guard selection.chosen.count < count else { break }
            let sample =
                statement.sampleText.map { (text: $0, schema: statement.database) }
                ?? samples.byDigest[statement.id]
            // The digest text decides what kind of statement it is even when no execution is at hand.
            let kind = StatementKind(sample?.text ?? statement.text)
            var reason: SkipReason?
            if !kind.isExplainable {
                reason = .utility
            } else if kind.readsSystemSchemas {
                reason = .systemSchema
            } else if sample == nil {
                reason = .noText
            } else if engine == .mariadb, !kind.isSelect {
                reason = .readOnlyWrite
            } else if let limit = samples.textLimit, let text = sample?.text, text.utf8.count >= limit - 3 {
                reason = .cutText
            } else if kind.hasPlaceholders {
                reason = .placeholders
            }
            if let reason {
                selection.skipped[reason, default: []].append(statement.id)
            } else if let sample {
                selection.chosen.append(Candidate(statement: statement, text: sample.text, schema: sample.schema))
            }
        }
        return selection
    }

    // MARK: - Private helpers

    /// The EXPLAIN for one text on one server, and the format of its output.
    private struct Request {
        let sql: String
        let format: PlanFormat

        init(_ text: String, analyze: Bool, server: MySQLServer) {
            let kind = StatementKind(text)
            let release = server.release
            let canAnalyze = analyze && kind.isSelect
            if server.engine == .mariadb {
                sql = (canAnalyze ? "ANALYZE FORMAT=JSON " : "EXPLAIN FORMAT=JSON ") + text
                format = .mariadbJSON
            } else if canAnalyze, release >= (8, 0), !(release == (8, 0) && Self.patch(server.version) < 18) {
                sql = "EXPLAIN ANALYZE " + text
                format = .mysqlTree
            } else {
                sql = "EXPLAIN FORMAT=JSON " + text
                format = .mysqlJSON
            }
        }

        /// The third number of the version, "8.0.36" → 36.
        private static func patch(_ version: String) -> Int {
            let numbers = version.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            return numbers.count > 2 ? numbers[2] : 0
        }
    }

    /// Runs the EXPLAIN in a read-only transaction that is rolled back, and returns its output.
    private static func run(_ sql: String, on session: MySQLSession) throws -> String {
        _ = try session.rows("START TRANSACTION READ ONLY")
        let result = Result { try session.rows(sql) }
        _ = try session.rows("ROLLBACK")
        let rows = try result.get()
        return rows.compactMap { $0["EXPLAIN"] ?? $0["ANALYZE"] ?? $0.values.first ?? nil }.joined(separator: "\n")
    }

    private static func quoted(_ identifier: String) -> String {
        "`" + identifier.replacingOccurrences(of: "`", with: "``") + "`"
    }

    private static func skipNotices(_ selection: Selection, samples: Samples) -> [Notice] {
        var notices: [Notice] = []
        if let ids = selection.skipped[.noText] {
            notices.append(
                Notice(
                    level: .info,
                    message: "--explain-top: \(listed(ids)) no execution with literals to EXPLAIN "
                        + "(no sample text, none in the statement history): \(notExplained(ids))",
                    remedy: "MySQL 8 keeps one per digest (QUERY_SAMPLE_TEXT); on MariaDB, scan while the "
                        + "statements run so that the statement history holds them"))
        }
        if let ids = selection.skipped[.cutText] {
            let limit = samples.textLimit.map { " (\($0) bytes)" } ?? ""
            notices.append(
                Notice(
                    level: .warning,
                    message: "--explain-top: the texts of \(listed(ids, verb: false)) may be cut at "
                        + "performance_schema_max_sql_text_length\(limit): \(notExplained(ids))",
                    remedy: "raise performance_schema_max_sql_text_length (takes effect after a restart)"))
        }
        if let ids = selection.skipped[.placeholders] {
            notices.append(
                Notice(
                    level: .info,
                    message: "--explain-top: \(listed(ids)) only prepared texts with ? placeholders: "
                        + notExplained(ids)))
        }
        if let ids = selection.skipped[.readOnlyWrite] {
            notices.append(
                Notice(
                    level: .info,
                    message: "--explain-top: \(listed(ids)) writes, which MariaDB does not EXPLAIN in a read-only "
                        + "transaction: \(notExplained(ids))",
                    remedy: "EXPLAIN them by hand on a replica or a copy"))
        }
        return notices
    }

    /// "digest ab12 (SELECT … FROM orders …)".
    private static func describe(_ candidate: Candidate) -> String {
        "digest \(candidate.statement.id) (\(candidate.statement.oneLineText()))"
    }

    /// "digest ab12 has", "3 digests (a, b, c) have": at most five named.
    private static func listed(_ ids: [String], verb: Bool = true) -> String {
        guard ids.count > 1 else { return "digest \(ids.first ?? "")" + (verb ? " has" : "") }
        let more = ids.count > 5 ? " and \(ids.count - 5) more" : ""
        return "\(ids.count) digests (\(ids.prefix(5).joined(separator: ", "))\(more))" + (verb ? " have" : "")
    }

    private static func notExplained(_ ids: [String]) -> String {
        ids.count == 1 ? "it was not EXPLAINed" : "they were not EXPLAINed"
    }
}
