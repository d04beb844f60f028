import AdvisorCore
import AdvisorQueries
import Foundation

/// `--explain-top N` and `--analyze`: plans for the statements that cost the most, for the plan rules.
///
/// The statements are taken by total time, most expensive first. Those that cannot be EXPLAINed here do
/// not use up a place: utility commands (VACUUM, COPY, SET…) and dbadvisor's own queries silently; texts
/// that are hidden (`<insufficient privilege>`), possibly cut (`track_activity_query_size`), hold several
/// statements, or belong to another database with a notice. Each statement is EXPLAINed in its own
/// read-only transaction that is rolled back, under the session's `statement_timeout`; how a text with
/// `$n` placeholders is planned on each version is described on `PostgresExplainRequest` (PostgreSQL 16
/// and later: `GENERIC_PLAN`; 12–15: `PREPARE` with a forced generic plan). A statement the server
/// refuses to plan (no privilege on a table, parameter types it cannot infer, a timeout) becomes a
/// notice naming its id and the SQLSTATE, and the others are still EXPLAINed.
public enum PostgresExplainer {
    /// Why a statement among the most expensive is passed over.
    public enum SkipReason: String, Sendable, CaseIterable {
        /// Not a query or data-modifying statement: EXPLAIN cannot plan it. No notice.
        case utility
        /// One of dbadvisor's own queries. No notice.
        case ownQuery
        /// Collected from another database than the one connected to.
        case otherDatabase
        /// The role may not read the text (`<insufficient privilege>`) or there is none.
        case hiddenText
        /// The text may have been cut at `track_activity_query_size`, or ends inside a literal or comment.
        case cutText
        /// The text holds more than one statement.
        case severalStatements
    }

    /// The statements to EXPLAIN, and the ids of those passed over before them, by reason.
    public struct Selection: Sendable, Equatable {
        /// Most expensive first.
        public var chosen: [StatementStats]
        /// Statement ids in rank order, for every reason that applied.
        public var skipped: [SkipReason: [String]]
    }

    /// What the server says about the session, from `pg_explain_context.sql`.
    public struct Context: Sendable, Equatable {
        /// The database connected to; nil means statements of any database are taken as its own.
        public var database: String?
        /// `track_activity_query_size` in bytes; nil when unknown.
        public var textLimitBytes: Int?
        /// HypoPG's version when the extension is in the database: suggested indexes are then checked.
        public var hypopg: String?

        public init(database: String?, textLimitBytes: Int?, hypopg: String? = nil) {
            self.database = database
            self.textLimitBytes = textLimitBytes
            self.hypopg = hypopg
        }
    }

    /// EXPLAINs the `count` most expensive statements that can be EXPLAINed and adds their plans (and
    /// the facet `.plans` once there is one) and notices to the snapshot.
    ///
    /// - Parameter analyze: run `EXPLAIN (ANALYZE, BUFFERS)` for read-only queries without placeholders.
    /// - Throws: `ConnectionError` only, when the connection is lost; the plans made before it are kept.
    public static func explain(
        _ statements: [StatementStats], top count: Int, analyze: Bool, session: LibPQSession,
        server: PostgresServer, into snapshot: inout Snapshot
    ) throws {
        guard count > 0 else { return }
        let context: Context
        do {
            context = try readContext(from: session)
        } catch let error as ServerError {
            snapshot.notices.append(Notice(level: .warning, message: "could not EXPLAIN statements: \(error)"))
            return
        }
        let selection = select(statements, top: count, context: context)
        snapshot.notices += skipNotices(for: selection, statements: statements, context: context)
        var notExecuted: [String] = []
        /// The plans whose suggestions HypoPG checked, with what planned them.
        var checked: [(plan: Int, statement: PostgresStatementText, rank: Int)] = []
        for (rank, statement) in selection.chosen.enumerated() {
            let text = PostgresStatementText(statement.text)
            let request = PostgresExplainRequest(
                statement: text, serverMajor: server.major, analyze: analyze,
                preparedName: "dbadvisor_explain_\(rank + 1)")
            do {
                let output = try run(request, on: session)
                let label = "statement \(statement.id)"
                let plans = try PlanReader.read(PlanInput(text: output, name: label), format: .postgresJSON)
                if analyze, text.isReadOnlyQuery, text.hasPlaceholders { notExecuted.append(statement.id) }
                for var plan in plans {
                    plan.queryText = plan.queryText ?? statement.text
                    var captured = CapturedPlan(
                        label: label, statementFingerprint: statement.findingKey,
                        callsPerDay: snapshot.callsPerDay(of: statement), plan: plan)
                    if context.hypopg != nil {
                        captured.indexValidations = try validateIndexes(
                            PlanIndexSuggestions.all(in: plan), for: plan, statement: text, rank: rank, server: server,
                            session: session, notices: &snapshot.notices)
                        checked.append((snapshot.plans.count, text, rank))
                    }
                    snapshot.plans.append(captured)
                }
            } catch let error as ServerError {
                snapshot.notices.append(failureNotice(statement, request: request, error: error))
            } catch let error as InputError {
                snapshot.notices.append(
                    Notice(level: .warning, message: "could not read the plan of \(describe(statement)): \(error)"))
            }
        }
        try checkCoveringIndexes(checked, server: server, session: session, into: &snapshot)
        if !notExecuted.isEmpty {
            snapshot.notices.append(
                Notice(
                    level: .info,
                    message: """
                        --analyze: \(listed(notExecuted, "has", "have")) $n placeholders instead of values and cannot \
                        be executed: \(notExecuted.count == 1 ? "its plan was" : "their plans were") captured \
                        without running (no actual rows or times)
                        """))
        }
        if !snapshot.plans.isEmpty { snapshot.facets.insert(.plans) }
    }

    /// The `count` most expensive statements (by total time, then id) that can be EXPLAINed in `context`.
    public static func select(_ statements: [StatementStats], top count: Int, context: Context) -> Selection {
        let ranked = statements.sorted {
            $0.totalTimeMs != $1.totalTimeMs ? $0.totalTimeMs > $1.totalTimeMs : $0.id < $1.id
        }
        var selection = Selection(chosen: [], skipped: [:])
        for statement in ranked {
            guard selection.chosen.count < count else { break }
            if let reason = skipReason(for: statement, context: context) {
                selection.skipped[reason, default: []].append(statement.id)
            } else {
                selection.chosen.append(statement)
            }
        }
        return selection
    }

    /// Why the statement cannot be EXPLAINed here, or nil when it can.
    public static func skipReason(for statement: StatementStats, context: Context) -> SkipReason? {
        let trimmed = statement.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == "<insufficient privilege>" { return .hiddenText }
        if let database = context.database, let own = statement.database, own != database { return .otherDatabase }
        let text = PostgresStatementText(statement.text)
        if text.isDBAdvisorQuery { return .ownQuery }
        if !text.isExplainable { return .utility }
        if text.isUnterminated || isPossiblyCut(statement.text, limit: context.textLimitBytes) { return .cutText }
        if text.hasSeveralStatements { return .severalStatements }
        return nil
    }

    // MARK: - Private helpers

    private static func readContext(from session: LibPQSession) throws -> Context {
        let row = try session.rows(.pgExplainContext).first
        let database = row?["database"] ?? nil
        let limit = (row?["track_activity_query_size"] ?? nil).flatMap { Int($0) }
        return Context(database: database, textLimitBytes: limit, hypopg: row?["hypopg"] ?? nil)
    }

    /// The server cuts texts to at most `limit - 1` bytes, backing off to a character boundary (up to 3
    /// more bytes for UTF-8), so a text whose length falls in that window may be cut.
    private static func isPossiblyCut(_ text: String, limit: Int?) -> Bool {
        guard let limit else { return false }
        return (limit - 4...limit - 1).contains(text.utf8.count)
    }

    /// Runs the request in a read-only transaction and returns the `QUERY PLAN` text.
    /// Where one statement's index would be served by a wider one suggested for another statement on the same
    /// table (`IndexSuggestionSet`), plans that statement with the wider index too: the findings merge only
    /// when the planner would use it there.
    private static func checkCoveringIndexes(
        _ checked: [(plan: Int, statement: PostgresStatementText, rank: Int)], server: PostgresServer,
        session: LibPQSession, into snapshot: inout Snapshot
    ) throws {
        var everySuggestion: [String] = []
        for entry in checked {
            for sql in PlanIndexSuggestions.all(in: snapshot.plans[entry.plan].plan)
            where !everySuggestion.contains(sql) {
                everySuggestion.append(sql)
            }
        }
        let owners = IndexSuggestionSet.covering(everySuggestion)
        guard !owners.isEmpty else { return }
        for entry in checked {
            let captured = snapshot.plans[entry.plan]
            let done = Set((captured.indexValidations ?? []).map(\.createSQL))
            let needed = PlanIndexSuggestions.all(in: captured.plan).compactMap { owners[$0] }.filter {
                !done.contains($0)
            }
            guard !needed.isEmpty else { continue }
            let more = try validateIndexes(
                needed, for: captured.plan, statement: entry.statement, rank: entry.rank, server: server,
                session: session, notices: &snapshot.notices)
            snapshot.plans[entry.plan].indexValidations = (captured.indexValidations ?? []) + more
        }
    }

    /// Each of `indexes` planned with as a hypothetical index for the plan's statement (plain EXPLAIN: a
    /// hypothetical index cannot be read). A statement the server will not plan with one is left out with a
    /// notice.
    private static func validateIndexes(
        _ indexes: [String], for plan: Plan, statement: PostgresStatementText, rank: Int, server: PostgresServer,
        session: LibPQSession, notices: inout [Notice]
    ) throws -> [IndexValidation] {
        guard let costBefore = plan.root.totalCost else { return [] }
        var validations: [IndexValidation] = []
        for createSQL in indexes {
            let request = PostgresExplainRequest(
                statement: statement, serverMajor: server.major, analyze: false,
                preparedName: "dbadvisor_whatif_\(rank + 1)")
            var name: String?
            do {
                let output = try run(request, on: session, hypothetical: createSQL) { name = $0 }
                guard let name, let after = try PlanReader.read(PlanInput(text: output), format: .postgresJSON).first,
                    let costAfter = after.root.totalCost
                else { continue }
                var isUsed = false
                after.root.visit { node, _ in isUsed = isUsed || node.index == name }
                validations.append(
                    IndexValidation(
                        createSQL: createSQL, hypotheticalName: name, costBefore: costBefore, costAfter: costAfter,
                        isUsed: isUsed))
            } catch let error as ServerError {
                notices.append(
                    Notice(
                        level: .info,
                        message:
                            "HypoPG could not check \(createSQL): \(error.message) (SQLSTATE \(error.sqlState ?? "?"))")
                )
            } catch is InputError {
                continue
            }
        }
        return validations
    }

    /// Runs the request's EXPLAIN in a read-only transaction that is rolled back; with `hypothetical`, after
    /// adding that CREATE INDEX as a hypothetical index (its name to `named`), removed again afterwards.
    private static func run(
        _ request: PostgresExplainRequest, on session: LibPQSession, hypothetical: String? = nil,
        named: (String) -> Void = { _ in }
    ) throws -> String {
        var needsCleanup = false
        var needsReset = false
        defer {
            // Hypothetical indexes outlive the transaction: the next statement must not plan with this one.
            if needsReset { _ = try? session.rows(.pgHypopgReset) }
        }
        let output = Result {
            try session.inReadOnlyTransaction {
                _ = try session.rows(.pgPlannerDefaults)
                if let hypothetical {
                    needsReset = true
                    let created = try session.rows(.pgHypopgCreateIndex, [hypothetical])
                    if let name = created.first?["indexname"] ?? nil { named(name) }
                }
                for command in request.setup { _ = try session.rows(command) }
                needsCleanup = true
                let rows =
                    try request.explainsWithoutParameters
                    ? session.simpleRows(request.explain) : session.rows(request.explain)
                return rows.compactMap { $0["QUERY PLAN"] ?? nil }.joined(separator: "\n")
            }
        }
        if needsCleanup {
            for command in request.cleanup { _ = try session.rows(command) }
        }
        return try output.get()
    }

    private static func failureNotice(
        _ statement: StatementStats, request: PostgresExplainRequest, error: ServerError
    ) -> Notice {
        let state = error.sqlState ?? "unknown"
        var message = "could not EXPLAIN \(describe(statement)): \(error.message) (SQLSTATE \(state))"
        var remedy: String?
        if error.sqlState == "42501" {
            remedy = """
                pg_monitor reads statistics, not tables: to EXPLAIN statements, scan as a role that may \
                SELECT from the tables they use
                """
        } else if ["42P18", "42725"].contains(state), request.method == .preparedGenericPlan {
            message += "; the server cannot infer the types of its parameters without values"
            remedy = "PostgreSQL 16 and later plan such statements with EXPLAIN (GENERIC_PLAN)"
        } else if error.sqlState == "57014" {
            remedy = "raise the statement timeout of the scan to give planning more time"
        }
        return Notice(level: .warning, message: message, remedy: remedy)
    }

    private static func skipNotices(
        for selection: Selection, statements: [StatementStats], context: Context
    ) -> [Notice] {
        var notices: [Notice] = []
        if let ids = selection.skipped[.hiddenText] {
            let message = "\(listed(ids, "shows", "show")) no text to this role: \(notExplained(ids))"
            notices.append(
                Notice(
                    level: .warning, message: "--explain-top: \(message)",
                    remedy: "GRANT pg_read_all_stats (or pg_monitor) TO the scanning role"))
        }
        if let ids = selection.skipped[.cutText] {
            let limit = context.textLimitBytes.map { " at track_activity_query_size (\($0) bytes)" } ?? ""
            let texts = ids.count == 1 ? "the text of" : "the texts of"
            let message = "\(texts) \(listed(ids, "", "")) may be cut\(limit): \(notExplained(ids))"
            notices.append(
                Notice(
                    level: .warning, message: "--explain-top: \(message)",
                    remedy: "raise track_activity_query_size (takes effect after a server restart)"))
        }
        if let ids = selection.skipped[.severalStatements] {
            let message = "\(listed(ids, "holds", "hold")) several statements: \(notExplained(ids))"
            notices.append(Notice(level: .info, message: "--explain-top: \(message)"))
        }
        if let ids = selection.skipped[.otherDatabase] {
            let skipped = Set(ids)
            let databases = Set(
                statements.filter { skipped.contains($0.id) && $0.database != context.database }.compactMap(\.database))
            let message = """
                \(listed(ids, "belongs", "belong")) to other databases \
                (\(databases.sorted().joined(separator: ", "))): \(notExplained(ids))
                """
            notices.append(
                Notice(
                    level: .info, message: "--explain-top: \(message)",
                    remedy: "scan each of those databases to EXPLAIN its statements"))
        }
        return notices
    }

    /// "statement 42 (SELECT … FROM orders …)": the id and the start of the text.
    private static func describe(_ statement: StatementStats) -> String {
        let words = statement.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let excerpt = words.count > 80 ? String(words.prefix(79)) + "…" : words
        return "statement \(statement.id) (\(excerpt))"
    }

    /// "statement 7 has", "3 statements (7, 8, 9) have": at most five ids named, and the verb agreeing.
    private static func listed(_ ids: [String], _ singular: String, _ plural: String) -> String {
        let subject: String
        if ids.count > 1 {
            let more = ids.count > 5 ? " and \(ids.count - 5) more" : ""
            subject = "\(ids.count) statements (\(ids.prefix(5).joined(separator: ", "))\(more))"
        } else {
            subject = "statement \(ids.first ?? "")"
        }
        let verb = ids.count > 1 ? plural : singular
        return verb.isEmpty ? subject : "\(subject) \(verb)"
    }

    private static func notExplained(_ ids: [String]) -> String {
        ids.count == 1 ? "it was not EXPLAINed" : "they were not EXPLAINed"
    }
}
