import AdvisorCore
import AdvisorQueries
import Foundation
import PostgresConnector
import Testing

/// `--explain-top` and `--analyze` against the test server: statements run here, read back from
/// `pg_stat_statements` (placeholders and all) and EXPLAINed by `PostgresExplainer`.
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

        static let marker = "/* explain-top probe */"

        var normalizedText: String { "\(Self.marker) \(rawValue)" }
    }

    private static func session(_ url: String?) throws -> LibPQSession {
        let url = try #require(url, "DBADVISOR_TEST_PG_URL / _MONITOR_URL are not set (scripts/test-servers.sh env)")
        return try LibPQSession.open(url)
    }

    /// Resets the statistics, runs the workload as the owner and returns what `pg_stat_statements` keeps
    /// of it, with one of dbadvisor's own queries.
    private static func collectedStatements() throws -> [StatementStats] {
        let owner = try session(LiveServers.postgresURL)
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
        let marker = Probe.marker
        _ = try owner.rows(.pgServerVersion)
        for customer in ["42", "43"] {
            _ = try owner.rows("\(marker) SELECT id, status FROM orders WHERE customer_id = $1", [customer])
        }
        _ = try owner.rows("\(marker) SELECT count(*) FROM orders")
        _ = try owner.rows("\(marker) SELECT 5 IS NULL AS unknown")
        _ = try owner.rows("\(marker) SHOW work_mem")
        // The session is read-only by default; this UPDATE matches no row.
        _ = try owner.rows("BEGIN READ WRITE")
        _ = try owner.rows("\(marker) UPDATE orders SET note = note WHERE id = -1")
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
             WHERE s.query LIKE $1 OR s.query LIKE '-- pg_server_version:%'
            """, ["\(Probe.marker)%"])
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

    @Test func topStatementsGetPlansWithTheirFingerprints() throws {
        let statements = try Self.collectedStatements()
        let session = try Self.session(LiveServers.postgresURL)
        let before = try session.rows(Self.ordersDigest)
        var snapshot = Self.snapshot(for: session)
        try PostgresExplainer.explain(
            statements, top: 5, analyze: false, session: session,
            server: PostgresServer(versionNumber: session.serverVersion), into: &snapshot)

        let explained: [Probe] = [.lookup, .update, .count]
        let expected = try explained.map { try Self.statement($0, in: statements) }
        #expect(snapshot.plans.map(\.statementFingerprint) == expected.map(\.findingKey))
        #expect(snapshot.plans.map(\.label) == expected.map { "statement \($0.id)" })
        #expect(snapshot.plans.map(\.plan.queryText) == explained.map(\.normalizedText))
        #expect(snapshot.plans.allSatisfy { !$0.plan.hasActuals && $0.plan.format == .postgresJSON })
        #expect(snapshot.plans.map(\.plan.root.relation) == ["orders", "orders", nil])
        #expect(snapshot.plans.dropFirst().first?.plan.root.operation == .modifyTable)
        #expect(snapshot.facets.contains(.plans))

        // The statement whose parameter type cannot be inferred is named with its SQLSTATE; the utility
        // command and dbadvisor's own query are passed over without a word.
        let untyped = try Self.statement(.untyped, in: statements)
        let warnings = snapshot.notices.filter { $0.level == .warning }
        #expect(warnings.count == 1, "\(snapshot.notices)")
        #expect(warnings.first?.message.contains("statement \(untyped.id)") == true)
        #expect(warnings.first?.message.contains("SQLSTATE 42P18") == true)
        #expect(snapshot.notices.count == 1, "\(snapshot.notices)")

        #expect(try session.rows(Self.ordersDigest) == before)
        #expect(try session.rows("SELECT name FROM pg_prepared_statements").isEmpty)
        // Its own EXPLAIN, PREPARE and DEALLOCATE commands are in pg_stat_statements, but not in the next scan.
        let owned = try session.rows("SELECT query FROM pg_stat_statements WHERE query LIKE '-- pg\\_explain:%'")
        #expect(!owned.isEmpty)
        let rescanned = try Self.readStatements(from: session)
        #expect(!rescanned.contains { $0.text.contains("dbadvisor_explain") || $0.text.hasPrefix("EXPLAIN") })
    }

    @Test func analyzeExecutesOnlyReadOnlyQueriesWithoutPlaceholders() throws {
        let statements = try Self.collectedStatements()
        let session = try Self.session(LiveServers.postgresURL)
        let before = try session.rows(Self.ordersDigest)
        var snapshot = Self.snapshot(for: session)
        try PostgresExplainer.explain(
            statements, top: 5, analyze: true, session: session,
            server: PostgresServer(versionNumber: session.serverVersion), into: &snapshot)

        let count = try Self.statement(.count, in: statements).findingKey
        let analysed = snapshot.plans.filter(\.plan.hasActuals)
        #expect(analysed.map(\.statementFingerprint) == [count])
        #expect(analysed.allSatisfy { $0.plan.hasTiming && $0.plan.executionTimeMs != nil })
        #expect(snapshot.plans.count == 3)
        let lookup = try Self.statement(.lookup, in: statements)
        let info = snapshot.notices.filter { $0.level == .info }
        #expect(info.count == 1 && info.first?.message.contains("--analyze: statement \(lookup.id) has") == true)

        #expect(try session.rows(Self.ordersDigest) == before)
        #expect(try session.rows("SHOW transaction_read_only") == [["transaction_read_only": "on"]])
    }

    @Test func passedOverStatementsAreNamedInNotices() throws {
        let session = try Self.session(LiveServers.postgresURL)
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

    @Test func monitoringRoleGetsNoticesAndTheScanGoesOn() throws {
        let statements = try Self.collectedStatements()
        let session = try Self.session(LiveServers.postgresMonitorURL)
        var snapshot = Self.snapshot(for: session)
        try PostgresExplainer.explain(
            statements, top: 5, analyze: true, session: session,
            server: PostgresServer(versionNumber: session.serverVersion), into: &snapshot)

        #expect(snapshot.plans.isEmpty)
        #expect(!snapshot.facets.contains(.plans))
        let denied = snapshot.notices.filter { $0.message.contains("SQLSTATE 42501") }
        for probe in [Probe.lookup, .update, .count] {
            let id = try Self.statement(probe, in: statements).id
            #expect(denied.contains { $0.message.contains("statement \(id) ") }, "\(probe): \(snapshot.notices)")
        }
        #expect(denied.allSatisfy { $0.remedy?.contains("pg_monitor") == true })
        // Prepared statements made before the denial are gone, and the session still answers.
        #expect(try session.rows("SELECT name FROM pg_prepared_statements").isEmpty)

        let url = try #require(LiveServers.postgresMonitorURL)
        let outcome = try PostgresScanner.scan(url, options: .init(explainTop: 5, analyze: true))
        #expect(outcome.interruption == nil)
        #expect(
            outcome.snapshot.notices.contains { $0.message.hasPrefix("--explain-top") || $0.message.contains("42501") })
    }
}
