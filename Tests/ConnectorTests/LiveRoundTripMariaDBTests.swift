import AdvisorCore
import Foundation
import MySQLConnector
import Testing

/// Every MariaDB scenario as the server prints it today, through `MySQLSession`: `EXPLAIN FORMAT=JSON`,
/// `ANALYZE FORMAT=JSON` and the tabular EXPLAIN as `mariadb -B` prints it, read by `PlanReader`,
/// reviewed by the default rules.
@Suite(.enabled(if: LiveServers.mysqlIsUsable, LiveServers.mysqlSkipMessage))
struct LiveRoundTripMariaDBTests {
    /// The columns of MariaDB's tabular EXPLAIN, in the order the server sends them.
    static let tabularColumns = [
        "id", "select_type", "table", "type", "possible_keys", "key", "key_len", "ref", "rows", "Extra",
    ]

    /// Rules that miss a planted problem in one form, by form and rule id, with what happens instead.
    /// `withKnownIssue` fails once the rule finds it, so this list cannot go stale.
    static let knownMisses: [String: [String: String]] = [:]

    private static func ownerSession() throws -> MySQLSession {
        let url = try #require(
            LiveServers.mysqlURL, "DBADVISOR_TEST_MYSQL_URL is not set (scripts/test-servers.sh env)")
        return try MySQLSession.open(url)
    }

    /// The result rows of `PREFIX statement` for each statement, after the settings in a fresh session,
    /// inside a transaction that is rolled back (ANALYZE executes the statement).
    private static func explain(_ scenario: LiveScenario, prefix: String) throws -> [[MySQLSession.Row]] {
        let session = try ownerSession()
        for setting in scenario.settings { _ = try session.rows(setting) }
        _ = try session.rows("START TRANSACTION READ ONLY")
        defer { _ = try? session.rows("ROLLBACK") }
        return try scenario.statements.map { try session.rows("\(prefix) \($0)") }
    }

    /// The single value of each one-column result (the JSON document), one document per line group.
    private static func documents(_ results: [[MySQLSession.Row]]) throws -> String {
        try results.map { rows in
            let row = try #require(rows.first, "no result row")
            return try #require(row.count == 1 ? row.values.first ?? nil : nil, "not one JSON column: \(row.keys)")
        }.joined(separator: "\n")
    }

    /// The rows as `mariadb -B` prints them: a header row, tab-separated values, NULL as `NULL`.
    static func tabSeparated(_ rows: [MySQLSession.Row]) throws -> String {
        var lines = [tabularColumns.joined(separator: "\t")]
        for row in rows {
            #expect(Set(row.keys) == Set(tabularColumns), "unexpected EXPLAIN columns \(row.keys.sorted())")
            lines.append(tabularColumns.map { (row[$0] ?? nil).map(batchEscaped) ?? "NULL" }.joined(separator: "\t"))
        }
        return lines.joined(separator: "\n")
    }

    /// Batch mode's escapes, so a value cannot break its line or column.
    private static func batchEscaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    @Test(arguments: try LiveScenario.all("mysql"))
    func sessionOutputParsesAndFires(scenario: LiveScenario) throws {
        let tabular = try Self.explain(scenario, prefix: "EXPLAIN").map(Self.tabSeparated).joined(separator: "\n")
        let forms = [
            ("EXPLAIN FORMAT=JSON", try Self.documents(Self.explain(scenario, prefix: "EXPLAIN FORMAT=JSON")), false),
            ("ANALYZE FORMAT=JSON", try Self.documents(Self.explain(scenario, prefix: "ANALYZE FORMAT=JSON")), true),
            ("EXPLAIN, tab-separated", tabular, false),
        ]
        var accesses: [[String]] = []
        for (label, output, analyzed) in forms {
            let form = "\(scenario.name) \(label)"
            let plans = try PlanReader.read(PlanInput(text: output, name: form))
            #expect(plans.count == scenario.statements.count, "\(form)")
            #expect(plans.allSatisfy { $0.engine != .postgres && $0.hasActuals == analyzed }, "\(form)")
            let findings = ScenarioCheck.findings(plans, source: form)
            let expected = scenario.fires + (analyzed ? scenario.firesAnalyzed : [])
            ScenarioCheck.expectFired(expected, in: findings, form, knownMisses: Self.knownMisses[form] ?? [:])
            ScenarioCheck.expectAtMost(scenario.highestSeverity, in: findings, form)
            accesses.append(plans.flatMap { Self.tableAccesses(in: $0.root) })
        }
        // One optimizer, one plan: every format must name the same tables read the same way.
        #expect(Set(accesses.map { $0.sorted() }).count == 1, "\(scenario.name): \(accesses)")
    }

    /// `table access key` for every node that reads a table, in pre-order.
    static func tableAccesses(in node: PlanNode) -> [String] {
        let own =
            node.accessType.map { access in
                ["\(node.alias ?? node.relation ?? "?") \(access) \(node.index ?? "-")"]
            } ?? []
        return own + node.children.flatMap(tableAccesses(in:))
    }

    @Test func plainExplainOfWritesIsReviewedAndChangesNothing() throws {
        let session = try Self.ownerSession()
        let counts = "SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_items) AS items"
        let before = try session.rows(counts)
        for statement in [
            "UPDATE orders SET status = 'cancelled' WHERE status = 'refunded'",
            "DELETE FROM order_items WHERE unit_price > 100",
        ] {
            // Unlike PostgreSQL, MariaDB refuses even a plain EXPLAIN of a write in a read-only transaction.
            let refusal = #expect(throws: ServerError.self) { try session.rows("EXPLAIN \(statement)") }
            #expect(refusal?.sqlState == "25006", "\(statement)")
            _ = try session.rows("START TRANSACTION READ WRITE")
            defer { _ = try? session.rows("ROLLBACK") }
            for (prefix, output) in [
                ("EXPLAIN FORMAT=JSON", try Self.documents([session.rows("EXPLAIN FORMAT=JSON \(statement)")])),
                ("EXPLAIN", try Self.tabSeparated(session.rows("EXPLAIN \(statement)"))),
            ] {
                let form = "\(prefix) \(statement)"
                let plans = try PlanReader.read(PlanInput(text: output, name: form))
                #expect(plans.count == 1 && plans.allSatisfy { !$0.hasActuals && !$0.hasTiming }, "\(form)")
                let outcome = RuleEngine.defaults.run(Snapshot(plans: plans, source: form))
                #expect(!outcome.ran.isEmpty, "\(form)")
                // Estimates only: no finding may claim it measured its impact.
                #expect(outcome.findings.allSatisfy { $0.impact.confidence != .high }, "\(form)")
            }
        }
        #expect(try session.rows(counts) == before)
    }
}
