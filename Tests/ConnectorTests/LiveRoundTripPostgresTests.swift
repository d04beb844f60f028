import AdvisorCore
import Foundation
import PostgresConnector
import Testing

/// Every PostgreSQL scenario as the server prints it today, through `LibPQSession`: EXPLAIN in JSON and
/// in text, read by `PlanReader`, reviewed by the default rules.
@Suite(.enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage))
struct LiveRoundTripPostgresTests {
    private static func ownerSession() throws -> LibPQSession {
        let url = try #require(
            LiveServers.postgresURL, "DBADVISOR_TEST_PG_URL is not set (scripts/test-servers.sh env)")
        return try LibPQSession.open(url)
    }

    /// The `QUERY PLAN` rows of each statement's EXPLAIN, run after the settings in a fresh session
    /// (so planning starts cold for each form) inside a transaction that is rolled back.
    private static func explain(_ scenario: LiveScenario, options: [String]) throws -> [[String]] {
        let session = try ownerSession()
        _ = try session.rows(scenario.writes ? "BEGIN READ WRITE" : "BEGIN")
        defer { _ = try? session.rows("ROLLBACK") }
        // As a user's psql session would plan: with the server's JIT and parallel settings.
        _ = try session.rows(.pgPlannerDefaults)
        for setting in scenario.settings { _ = try session.rows(setting) }
        let list = options.filter { !$0.isEmpty }.joined(separator: ", ")
        let prefix = list.isEmpty ? "EXPLAIN" : "EXPLAIN (\(list))"
        return try scenario.statements.map { statement in
            try session.rows("\(prefix) \(statement)").map { try #require($0["QUERY PLAN"] ?? nil) }
        }
    }

    /// Runs the statements once, in a session of its own and a transaction that is rolled back, so the
    /// measured runs read warm buffers as a production server would, while their sessions still plan cold.
    private static func warmUp(_ scenario: LiveScenario) throws {
        guard scenario.analyzes else { return }
        _ = try explain(scenario, options: ["ANALYZE", "TIMING OFF", "SUMMARY OFF"])
    }

    @Test(arguments: try LiveScenario.all("postgres"))
    func sessionOutputParsesAndFires(scenario: LiveScenario) throws {
        try Self.warmUp(scenario)
        let json = try Self.explain(scenario, options: [scenario.explainOptions, "FORMAT JSON"])
        let text = try Self.explain(scenario, options: [scenario.explainOptions])
        let textOutput = text.map { $0.joined(separator: "\n") }.joined(separator: "\n")
        let forms = [
            ("JSON", PlanFormat.postgresJSON, json.map { $0.joined(separator: "\n") }.joined(separator: "\n")),
            ("text", PlanFormat.postgresText, textOutput),
        ]
        var trees: [[String]] = []
        for (label, format, output) in forms {
            let form = "\(scenario.name) (\(label))"
            let plans = try PlanReader.read(PlanInput(text: output, name: form))
            #expect(plans.count == scenario.statements.count, "\(form)")
            #expect(plans.allSatisfy { $0.format == format }, "\(form)")
            #expect(plans.allSatisfy { $0.hasActuals == scenario.analyzes }, "\(form): hasActuals")
            #expect(plans.allSatisfy { $0.hasTiming == scenario.timed }, "\(form): hasTiming")
            let findings = ScenarioCheck.findings(plans, source: form)
            ScenarioCheck.expectFired(scenario.fires, in: findings, form)
            ScenarioCheck.expectAtMost(scenario.highestSeverity, in: findings, form)
            trees.append(plans.flatMap { Self.shape(of: $0.root) })
        }
        try ScenarioCheck.expectSymptom(scenario.symptom, in: textOutput, "\(scenario.name) (text)")
        // Two runs of one statement in the same settings plan alike: both parsers must give that tree.
        #expect(trees[0] == trees[1], "\(scenario.name): the JSON and text trees differ")
    }

    /// Each node's planned shape in pre-order: what two runs of a statement share and both parsers read.
    /// Costs and row estimates are left out: the planner scales them by the table's current size in
    /// pages, which grows while the rolled-back INSERT of `insert_verbose_settings_wal` runs beside.
    static func shape(of node: PlanNode) -> [String] {
        let fields: [Any?] = [
            node.nodeType, node.operation, node.parentRelationship, node.subplanName, node.joinType, node.strategy,
            node.relation, node.schema, node.alias, node.index, node.cteName, node.functionName,
            node.isParallelAware, node.estimatedWidth, node.filter, node.indexCondition, node.recheckCondition,
            node.joinFilter, node.hashCondition, node.mergeCondition, node.sortKey, node.output, node.workersPlanned,
        ]
        let line = fields.map { $0.map { "\($0)" } ?? "-" }.joined(separator: " | ")
        return [line] + node.children.flatMap(shape(of:))
    }

    @Test func plainExplainOfWritesIsReviewedAndChangesNothing() throws {
        let session = try Self.ownerSession()
        let counts = "SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_items) AS items"
        let before = try session.rows(counts)
        let statements = [
            "UPDATE orders SET status = 'cancelled' WHERE status = 'refunded'",
            "DELETE FROM order_items WHERE unit_price > 100",
        ]
        for statement in statements {
            for format in ["", "(FORMAT JSON)"] {
                let rows = try session.rows("EXPLAIN \(format) \(statement)")
                let output = try rows.map { try #require($0["QUERY PLAN"] ?? nil) }.joined(separator: "\n")
                let plans = try PlanReader.read(PlanInput(text: output, name: "plain EXPLAIN \(format)"))
                let plan = try #require(plans.first)
                #expect(plans.count == 1 && !plan.hasActuals && !plan.hasTiming, "\(statement) \(format)")
                #expect(plan.root.operation == .modifyTable, "\(statement) \(format): \(plan.root.nodeType)")
                let outcome = RuleEngine.defaults.run(Snapshot(plans: plans, source: statement))
                #expect(!outcome.ran.isEmpty, "\(statement) \(format)")
                // Estimates only: no finding may claim it measured its impact.
                #expect(outcome.findings.allSatisfy { $0.impact.confidence != .high }, "\(statement) \(format)")
            }
        }
        #expect(try session.rows(counts) == before)
    }
}
