import AdvisorCore
import Testing

struct LongRunningQueryRuleTests {
    private typealias S = ConnectionSnapshots

    @Test func reportsLongStatementsButLeavesLockWaitsToTheLockRule() throws {
        let snapshot = S.snapshot(sessions: [
            S.session(
                1, "active", seconds: 4_000, application: "etl", query: "INSERT INTO archive SELECT * FROM orders"),
            S.session(2, "active", seconds: 5_000, wait: "Lock", blockedBy: [1]),
            S.session(3, "idle", seconds: 9_000),
            S.session(4, "active", seconds: 20),
        ])
        let findings = S.findings(LongRunningQueryRule(), snapshot)
        #expect(findings.map(\.object.name) == ["long-running statement of etl as app on shop"])
        let finding = try #require(findings.first)
        #expect(finding.severity == .high)
        #expect(finding.message.hasPrefix("A statement of etl as app on shop has been running for 1.1 h (session 1)"))
        #expect(
            finding.fixSQL
                == "-- Manual remedy: cancels the statement, the session stays connected:\nSELECT pg_cancel_backend(1);"
        )
    }

    @Test func theSameJobInSeveralSessionsIsOneFinding() throws {
        let snapshot = S.snapshot(
            engine: .mysql,
            sessions: [
                S.session(1, "active", seconds: 400, query: "SELECT * FROM big"),
                S.session(2, "active", seconds: 600, query: "SELECT * FROM big"),
            ])
        let finding = try #require(S.findings(LongRunningQueryRule(), snapshot).first)
        #expect(finding.message.contains("(session 2, session 1)"))
        #expect(finding.fixSQL?.hasSuffix("KILL QUERY 2;\nKILL QUERY 1;") == true)
    }
}
