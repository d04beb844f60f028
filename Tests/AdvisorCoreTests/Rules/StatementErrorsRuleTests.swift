import Foundation
import Testing

@testable import AdvisorCore

struct StatementErrorsRuleTests {
    typealias E = StatementRuleExamples

    private func findings(_ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [StatementErrorsRule()]).run(snapshot).findings
    }

    @Test func timeoutsAreReportedFromTheFirstAndHighFromAHundred() throws {
        let report = E.failing(
            "SELECT customer_id, sum(total) FROM orders GROUP BY 1",
            ["canceling statement due to statement timeout": 120, "canceling statement due to user request": 3])
        let finding = try #require(findings(E.errors([report])).first)
        #expect(finding.severity == .high)
        #expect(
            finding.message
                == "It failed 123 times: canceling statement due to statement timeout (120); canceling statement due "
                + "to user request (3).")
        #expect(finding.recommendation.hasPrefix("It runs into statement_timeout"))
        #expect(finding.recommendation.contains("The client cancelled it"))
        #expect(finding.impact.summary == "123 executions cancelled or stopped after doing their work")
        let once = E.failing("SELECT 1 FROM big", ["canceling statement due to conflict with recovery": 1])
        let single = try #require(findings(E.errors([once])).first)
        #expect(single.severity == .medium)
        #expect(single.recommendation.contains("hot_standby_feedback"))
    }

    @Test func otherFailuresCountFromMinFailures() throws {
        let duplicate = "duplicate key value violates unique constraint \"carts_pkey\""
        #expect(findings(E.errors([E.failing("INSERT INTO carts (id) VALUES ($1)", [duplicate: 4])])).isEmpty)
        let finding = try #require(
            findings(E.errors([E.failing("INSERT INTO carts (id) VALUES ($1)", [duplicate: 5])])).first)
        #expect(finding.severity == .low)
        #expect(finding.recommendation.contains("ON CONFLICT DO NOTHING"))
    }

    /// ERROR then STATEMENT, in a log: counted per statement class, the varying position left out of the message.
    @Test func logErrorsReachTheSnapshot() throws {
        let snapshot = try StderrLogExample.snapshot([
            "2026-03-01 10:00:01 UTC [7] ERROR:  relation \"gone\" does not exist at character 15",
            "2026-03-01 10:00:01 UTC [7] STATEMENT:  SELECT * FROM gone WHERE id = 1",
            "2026-03-01 10:00:02 UTC [7] ERROR:  relation \"gone\" does not exist at character 15",
            "2026-03-01 10:00:02 UTC [7] STATEMENT:  SELECT * FROM gone WHERE id = 2",
            "2026-03-01 10:00:03 UTC [8] ERROR:  canceling statement due to statement timeout",
            "2026-03-01 10:00:03 UTC [8] STATEMENT:  SELECT count(*) FROM orders",
            "2026-03-01 10:00:04 UTC [8] LOG:  duration: 1.000 ms  statement: SELECT 1",
        ])
        #expect(snapshot.facets.contains(.serverLogEvents))
        #expect(snapshot.statementErrors.map(\.count) == [2, 1])
        #expect(snapshot.statementErrors.first?.messages.map(\.text) == ["relation \"gone\" does not exist"])
        #expect(findings(snapshot).map(\.object.name) == ["select count(*) from orders"])
    }

    @Test func errorsOfOneClassFromTwoLogsAddUp() {
        var a = E.failing("SELECT 1", ["x": 2, "y": 1])
        let b = E.failing("SELECT 1", ["y": 5])
        a.merge(b)
        #expect(a.count == 8)
        #expect(a.messages.map(\.text) == ["y", "x"])
    }
}
