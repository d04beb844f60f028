import AdvisorCore
import PostgresConnector
import Testing

/// The commands for each form of statement and server version, and which statements are picked; no server.
struct PostgresExplainRequestTests {
    /// Every command carries dbadvisor's mark after its first keyword: scans leave marked texts out.
    private func m(_ command: String) -> String { PostgresStatementText.marked(command, as: "pg_explain") }
    private func request(_ text: String, major: Int, analyze: Bool = false) -> PostgresExplainRequest {
        PostgresExplainRequest(
            statement: PostgresStatementText(text), serverMajor: major, analyze: analyze,
            preparedName: "dbadvisor_explain_3")
    }

    @Test func placeholdersUseGenericPlanFromPostgres16() {
        let request = request("SELECT * FROM orders WHERE id = $1", major: 16, analyze: true)
        #expect(request.method == .genericPlan)
        #expect(request.setup.isEmpty && request.cleanup.isEmpty)
        #expect(m("EXPLAIN x") == "EXPLAIN /* dbadvisor:pg_explain */ x")
        #expect(request.explain == m("EXPLAIN (GENERIC_PLAN, FORMAT JSON) SELECT * FROM orders WHERE id = $1"))
    }

    @Test(arguments: [12, 13, 14, 15])
    func placeholdersArePreparedWithAForcedGenericPlanBefore16(major: Int) {
        let text = "SELECT * FROM t WHERE a = $2 AND b IN ($1, $3, $4, $5, $6, $7, $8, $9, $10) AND c = '$11'"
        let request = request(text, major: major)
        #expect(request.method == .preparedGenericPlan)
        #expect(
            request.setup == [
                m("SET LOCAL plan_cache_mode = force_generic_plan"), m("PREPARE dbadvisor_explain_3 AS \(text)"),
            ])
        let nulls = Array(repeating: "NULL", count: 10).joined(separator: ", ")
        #expect(request.explain == m("EXPLAIN (FORMAT JSON) EXECUTE dbadvisor_explain_3(\(nulls))"))
        #expect(request.cleanup == [m("DEALLOCATE dbadvisor_explain_3")])
    }

    @Test(arguments: [12, 15, 16, 17])
    func textsWithoutPlaceholdersAreExplainedAsTheyAre(major: Int) {
        let request = request("UPDATE orders SET note = NULL WHERE false", major: major, analyze: true)
        #expect(request.method == .plain)
        #expect(request.setup.isEmpty && request.cleanup.isEmpty)
        #expect(request.explain == m("EXPLAIN (FORMAT JSON) UPDATE orders SET note = NULL WHERE false"))
    }

    @Test func analyzeRunsOnlyReadOnlyQueriesWithoutPlaceholders() {
        let select = request("SELECT count(*) FROM orders", major: 15, analyze: true)
        #expect(select.method == .analyze)
        #expect(select.explain == m("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT count(*) FROM orders"))
        #expect(request("SELECT count(*) FROM orders", major: 15).method == .plain)
        #expect(request("SELECT * FROM orders WHERE id = $1", major: 15, analyze: true).method == .preparedGenericPlan)
        #expect(request("SELECT * FROM orders WHERE id = $1", major: 17, analyze: true).method == .genericPlan)
        #expect(request("SELECT * FROM orders FOR UPDATE", major: 15, analyze: true).method == .plain)
        let cte = "WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone"
        #expect(request(cte, major: 15, analyze: true).method == .plain)
    }

    // MARK: - Selection

    private func statement(_ id: String, _ text: String, totalMs: Double, database: String? = "shop") -> StatementStats
    {
        StatementStats(id: id, text: text, database: database, user: "app", calls: 10, totalTimeMs: totalMs, rows: 10)
    }

    @Test func theMostExpensiveExplainableStatementsAreChosenAndSkipsDoNotCount() {
        let statements = [
            statement("cheap", "SELECT 1", totalMs: 1),
            statement("vacuum", "VACUUM orders", totalMs: 900),
            statement("ours", "-- pg_server_version: the server's version\nSELECT 1", totalMs: 800),
            statement("hidden", "<insufficient privilege>", totalMs: 700),
            statement("elsewhere", "SELECT * FROM t", totalMs: 600, database: "other"),
            statement("two", "SELECT 1; SELECT 2", totalMs: 550),
            statement("update", "UPDATE orders SET note = $1 WHERE id = $2", totalMs: 500),
            statement("lookup", "SELECT * FROM orders WHERE id = $1", totalMs: 400),
            statement("count", "SELECT count(*) FROM orders", totalMs: 300),
            statement("tie-b", "SELECT 2", totalMs: 100),
            statement("tie-a", "SELECT 3", totalMs: 100),
        ]
        let context = PostgresExplainer.Context(database: "shop", textLimitBytes: 1024)
        let selection = PostgresExplainer.select(statements, top: 4, context: context)
        #expect(selection.chosen.map(\.id) == ["update", "lookup", "count", "tie-a"])
        #expect(
            selection.skipped == [
                .utility: ["vacuum"], .ownQuery: ["ours"], .hiddenText: ["hidden"], .otherDatabase: ["elsewhere"],
                .severalStatements: ["two"],
            ])
        #expect(PostgresExplainer.select(statements, top: 0, context: context).chosen.isEmpty)
        #expect(PostgresExplainer.select(statements, top: 100, context: context).chosen.count == 6)
    }

    @Test func textsThatMayBeCutAreSkipped() {
        let context = PostgresExplainer.Context(database: "shop", textLimitBytes: 1024)
        let select = "SELECT * FROM orders WHERE note = $1 OR note IN ("
        func text(bytes: Int) -> String { select + String(repeating: "x", count: bytes - select.utf8.count) }
        for length in [1020, 1023] {
            let cut = statement("cut", text(bytes: length), totalMs: 1)
            #expect(PostgresExplainer.skipReason(for: cut, context: context) == .cutText, "\(length) bytes")
        }
        for length in [1019, 1024, 5000] {
            let whole = statement("whole", text(bytes: length), totalMs: 1)
            #expect(PostgresExplainer.skipReason(for: whole, context: context) == nil, "\(length) bytes")
        }
        let unterminated = statement("open", "SELECT * FROM orders WHERE note = 'abc", totalMs: 1)
        #expect(PostgresExplainer.skipReason(for: unterminated, context: context) == .cutText)
        let unknownLimit = PostgresExplainer.Context(database: nil, textLimitBytes: nil)
        #expect(
            PostgresExplainer.skipReason(for: statement("x", text(bytes: 1023), totalMs: 1), context: unknownLimit)
                == nil)
    }
}
