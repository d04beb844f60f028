import AdvisorCore
import AdvisorQueries
import Foundation
import PostgresConnector
import Testing

/// `--explain-top` and `--analyze` against the test servers: statements run here, read back from
/// `pg_stat_statements` (placeholders and all) and EXPLAINed by `PostgresExplainer`, on PostgreSQL 15
/// (`PREPARE` with a forced generic plan) and 18 (`EXPLAIN (GENERIC_PLAN)`).
///
/// Serialized: every test resets `pg_stat_statements` and runs the same workload.
@Suite(.serialized, .enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage))
struct ExplainTopLiveTests {
    /// The workload, each statement marked so it can be found in `pg_stat_statements`, with its key there.
    private enum Probe: String, CaseIterable {
        case lookup = "SELECT id, status FROM orders WHERE customer_id = $1"
        case update = "UPDATE orders SET note = note WHERE id = $1"
        case count = "SELECT count(*) FROM orders"
        case untyped = "SELECT $1 IS NULL AS unknown"
        case utility = "SHOW work_mem"

        /// After the first keyword: PostgreSQL 18 drops a leading comment from the text it keeps.
        static let marker = "/* explain-top probe */"

        var normalizedText: String { Self.marked(rawValue) }

        /// The text with the marker after its first word.
        static func marked(_ text: String) -> String {
            let keyword = text.prefix { $0 != " " }
            return "\(keyword) \(marker)\(text.dropFirst(keyword.count))"
        }
    }

    private static func session(_ url: String?, on server: PostgresTestServer) throws -> LibPQSession {
        try LibPQSession.open(try server.require(url))
    }

    /// Resets the statistics, runs the workload as the owner and returns what `pg_stat_statements` keeps
    /// of it, with one of dbadvisor's own queries.
    private static func collectedStatements(on server: PostgresTestServer) throws -> [StatementStats] {
        let owner = try session(server.url, on: server)
        _ = try owner.rows("SELECT pg_stat_statements_reset()")
        // Other test runs may reset the statistics too: run the workload again when some of it is gone.
        for _ in 1...3 {
            try runWorkload(on: owner)
            let statements = try readStatements(from: owner)
            let texts = Set(statements.map(\.text))
            if Probe.allCases.allSatisfy({ texts.contains($0.normalizedText) }) { return statements }
        }
        Issue.record("the workload's statements did not all show up in pg_stat_statements")
        return []
    }

    private static func runWorkload(on owner: LibPQSession) throws {
        let marked = Probe.marked
        _ = try owner.rows(.pgServerVersion)
        for customer in ["42", "43"] {
            _ = try owner.rows(marked("SELECT id, status FROM orders WHERE customer_id = $1"), [customer])
        }
        _ = try owner.rows(marked("SELECT count(*) FROM orders"))
        _ = try owner.rows(marked("SELECT 5 IS NULL AS unknown"))
        _ = try owner.rows(marked("SHOW work_mem"))
        // The session is read-only by default; this UPDATE matches no row.
        _ = try owner.rows("BEGIN READ WRITE")
        _ = try owner.rows(marked("UPDATE orders SET note = note WHERE id = -1"))
        _ = try owner.rows("COMMIT")
    }

    private static func readStatements(from session: LibPQSession) throws -> [StatementStats] {
        let rows = try session.rows(
            """
            SELECT s.queryid::text AS id, s.query, d.datname, r.rolname, s.calls::text AS calls,
                   s.total_exec_time::text AS total_ms, s.rows::text AS rows
              FROM pg_stat_statements AS s
              JOIN pg_catalog.pg_database AS d ON d.oid = s.dbid
              JOIN pg_catalog.pg_roles AS r ON r.oid = s.userid
             WHERE s.query LIKE $1 OR s.query LIKE '%/* dbadvisor:pg\\_server\\_version */%'
            """, ["%\(Probe.marker)%"])
        return try rows.map { row in
            func value(_ name: String) throws -> String { try #require(row[name] ?? nil, "\(name)") }
            // The time each one took does not matter here; the order given does: the probes' order.
            let text = try value("query")
            let rank = Probe.allCases.firstIndex { $0.normalizedText == text } ?? Probe.allCases.count
            return StatementStats(
                id: try value("id"), text: text, database: try value("datname"), user: try value("rolname"),
                calls: Int(try value("calls")) ?? 0, totalTimeMs: Double(100 - rank), rows: 0)
        }
    }

    private static func statement(_ probe: Probe, in statements: [StatementStats]) throws -> StatementStats {
        try #require(statements.first { $0.text == probe.normalizedText }, "\(probe) in pg_stat_statements")
    }

    private static func snapshot(for session: LibPQSession) -> Snapshot {
        Snapshot(server: ServerInfo(engine: .postgres, versionNumber: session.serverVersion, collectedAt: Date()))
    }

    private static let ordersDigest =
        "SELECT count(*) AS rows, md5(string_agg(id || status || coalesce(note, ''), ',' ORDER BY id)) AS digest FROM orders"

    /// The statements with placeholders whose plan the server gives: PostgreSQL 16 and later plan even the
    /// one whose parameter type nothing fixes (`SELECT $1 IS NULL`), which 15 cannot `PREPARE`.
    private static func planned(on server: PostgresTestServer) -> [Probe] {
        server.major >= 16 ? [.lookup, .update, .count, .untyped] : [.lookup, .update, .count]
    }

    @Test(arguments: LiveServers.postgresServers)
    func topStatementsGetPlansWithTheirFingerprints(server: PostgresTestServer) throws {
        let statements = try Self.collectedStatements(on: server)
        let session = try Self.session(server.url, on: server)
        let before = try session.rows(Self.ordersDigest)
        var snapshot = Self.snapshot(for: session)
        try PostgresExplainer.explain(
            statements, top: 5, analyze: false, session: session,
            server: PostgresServer(versionNumber: session.serverVersion), into: &snapshot)

        let explained = Self.planned(on: server)
        let expected = try explained.map { try Self.statement($0, in: statements) }
        #expect(snapshot.plans.map(\.statementFingerprint) == expected.map(\.findingKey))
        #expect(snapshot.plans.map(\.label) == expected.map { "statement \($0.id)" })
        #expect(snapshot.plans.map(\.plan.queryText) == explained.map(\.normalizedText))
        #expect(snapshot.plans.allSatisfy { !$0.plan.hasActuals && $0.plan.format == .postgresJSON })
        #expect(
            snapshot.plans.map(\.plan.root.relation) == Array(["orders", "orders", nil, nil].prefix(explained.count)))
        #expect(snapshot.plans.dropFirst().first?.plan.root.operation == .modifyTable)
        #expect(snapshot.facets.contains(.plans))

        // Before 16, the statement whose parameter type cannot be inferred is named with its SQLSTATE; the
        // utility command and dbadvisor's own query are passed over without a word.
        let untyped = try Self.statement(.untyped, in: statements)
        let warnings = snapshot.notices.filter { $0.level == .warning }
        if server.major < 16 {
            #expect(warnings.count == 1, "\(snapshot.notices)")
            #expect(warnings.first?.message.contains("statement \(untyped.id)") == true)
            #expect(warnings.first?.message.contains("SQLSTATE 42P18") == true)
            #expect(snapshot.notices.count == 1, "\(snapshot.notices)")
        } else {
            #expect(snapshot.notices.isEmpty, "\(snapshot.notices)")
        }

        #expect(try session.rows(Self.ordersDigest) == before)
        #expect(try session.rows("SELECT name FROM pg_prepared_statements").isEmpty)
        // Its own EXPLAIN (PREPARE, DEALLOCATE) and transaction commands are in pg_stat_statements, with
        // dbadvisor's mark, but not in the next scan.
        let owned = try session.rows(
            "SELECT query FROM pg_stat_statements WHERE query LIKE '%/* dbadvisor:pg\\_explain */%'")
        #expect(!owned.isEmpty)
        let outcome = try PostgresScanner.scan(try server.require(server.url), options: .init())
        let ownTexts = outcome.snapshot.statements.map(\.text).filter {
            // The workload's own BEGIN READ WRITE and COMMIT belong to it.
            $0.contains("dbadvisor") || $0.hasPrefix("EXPLAIN") || ["BEGIN", "ROLLBACK"].contains($0)
                || $0.hasPrefix("BEGIN READ ONLY") || $0.contains("pg_catalog.set_config")
        }
        #expect(ownTexts.isEmpty, "\(ownTexts)")
    }

    @Test(arguments: LiveServers.postgresServers)
    func analyzeExecutesOnlyReadOnlyQueriesWithoutPlaceholders(server: PostgresTestServer) throws {
        let statements = try Self.collectedStatements(on: server)
        let session = try Self.session(server.url, on: server)
        let before = try session.rows(Self.ordersDigest)
        var snapshot = Self.snapshot(for: session)
        try PostgresExplainer.explain(
            statements, top: 5, analyze: true, session: session,
            server: PostgresServer(versionNumber: session.serverVersion), into: &snapshot)

        let count = try Self.statement(.count, in: statements).findingKey
        let analysed = snapshot.plans.filter(\.plan.hasActuals)
        #expect(analysed.map(\.statementFingerprint) == [count])
        #expect(analysed.allSatisfy { $0.plan.hasTiming && $0.plan.executionTimeMs != nil })
        #expect(snapshot.plans.count == Self.planned(on: server).count)
        let lookup = try Self.statement(.lookup, in: statements)
        let untyped = try Self.statement(.untyped, in: statements)
        let notExecuted =
            server.major >= 16 ? "2 statements (\(lookup.id), \(untyped.id)) have" : "statement \(lookup.id) has"
        let info = snapshot.notices.filter { $0.level == .info }
        #expect(info.count == 1 && info.first?.message.contains("--analyze: \(notExecuted)") == true, "\(info)")

        #expect(try session.rows(Self.ordersDigest) == before)
        #expect(try session.rows("SHOW transaction_read_only") == [["transaction_read_only": "on"]])
    }

    @Test func passedOverStatementsAreNamedInNotices() throws {
        let session = try LibPQSession.open(try #require(LiveServers.postgresURL))
        func statement(_ id: String, _ text: String, database: String = "shop") -> StatementStats {
            StatementStats(id: id, text: text, database: database, calls: 1, totalTimeMs: 1, rows: 1)
        }
        let statements = [
            statement("1", "<insufficient privilege>"), statement("2", "<insufficient privilege>"),
            statement("3", "SELECT * FROM orders WHERE note = 'cut he"), statement("4", "SELECT 1; SELECT 2"),
            statement("5", "SELECT 1", database: "elsewhere"), statement("6", "SELECT count(*) FROM countries"),
        ]
        var snapshot = Self.snapshot(for: session)
        try PostgresExplainer.explain(
            statements, top: 3, analyze: false, session: session,
            server: PostgresServer(versionNumber: session.serverVersion), into: &snapshot)
        #expect(snapshot.plans.map(\.label) == ["statement 6"])
        #expect(
            snapshot.notices.map(\.message) == [
                "--explain-top: 2 statements (1, 2) show no text to this role: they were not EXPLAINed",
                "--explain-top: the text of statement 3 may be cut at track_activity_query_size (1024 bytes): "
                    + "it was not EXPLAINed",
                "--explain-top: statement 4 holds several statements: it was not EXPLAINed",
                "--explain-top: statement 5 belongs to other databases (elsewhere): it was not EXPLAINed",
            ])
    }

    @Test func analyzeStopsAtTheStatementTimeout() throws {
        let url = try #require(LiveServers.postgresURL)
        let session = try LibPQSession.open(url, limits: .init(statementTimeoutMs: 200))
        let statements = [
            StatementStats(id: "slow", text: "SELECT pg_sleep(5)", calls: 1, totalTimeMs: 2, rows: 1),
            StatementStats(id: "fast", text: "SELECT count(*) FROM countries", calls: 1, totalTimeMs: 1, rows: 1),
        ]
        var snapshot = Self.snapshot(for: session)
        try PostgresExplainer.explain(
            statements, top: 2, analyze: true, session: session,
            server: PostgresServer(versionNumber: session.serverVersion), into: &snapshot)
        #expect(snapshot.plans.map(\.label) == ["statement fast"])
        #expect(snapshot.plans.first?.plan.hasActuals == true)
        #expect(snapshot.notices.count == 1)
        #expect(
            snapshot.notices.first?.message.hasPrefix("could not EXPLAIN statement slow (SELECT pg_sleep(5))") == true)
        #expect(snapshot.notices.first?.message.hasSuffix("(SQLSTATE 57014)") == true)
    }

    @Test(arguments: LiveServers.postgresServers)
    func monitoringRoleGetsNoticesAndTheScanGoesOn(server: PostgresTestServer) throws {
        let statements = try Self.collectedStatements(on: server)
        let session = try Self.session(server.monitorURL, on: server)
        var snapshot = Self.snapshot(for: session)
        try PostgresExplainer.explain(
            statements, top: 5, analyze: true, session: session,
            server: PostgresServer(versionNumber: session.serverVersion), into: &snapshot)

        // Only the statement that reads no table gets a plan (on 16 and later, which can plan it).
        let untyped = try Self.statement(.untyped, in: statements)
        #expect(snapshot.plans.map(\.label) == (server.major >= 16 ? ["statement \(untyped.id)"] : []))
        #expect(snapshot.facets.contains(.plans) == (server.major >= 16))
        let denied = snapshot.notices.filter { $0.message.contains("SQLSTATE 42501") }
        for probe in [Probe.lookup, .update, .count] {
            let id = try Self.statement(probe, in: statements).id
            #expect(denied.contains { $0.message.contains("statement \(id) ") }, "\(probe): \(snapshot.notices)")
        }
        #expect(denied.allSatisfy { $0.remedy?.contains("pg_monitor") == true })
        // Prepared statements made before the denial are gone, and the session still answers.
        #expect(try session.rows("SELECT name FROM pg_prepared_statements").isEmpty)

        let url = try server.require(server.monitorURL)
        let outcome = try PostgresScanner.scan(url, options: .init(explainTop: 5, analyze: true))
        #expect(outcome.interruption == nil)
        #expect(
            outcome.snapshot.notices.contains { $0.message.hasPrefix("--explain-top") || $0.message.contains("42501") })
    }
}
