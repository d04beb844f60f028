import AdvisorCore
import Testing

struct BlockedQueriesRuleTests {
    private typealias S = ConnectionSnapshots

    @Test func oneFindingPerRootBlockerWithTheChainToIt() throws {
        let snapshot = S.snapshot(sessions: [
            S.session(1, "idle in transaction", seconds: 300, application: "admin", query: "UPDATE orders SET a = 1"),
            S.session(2, "active", seconds: 50, wait: "Lock", blockedBy: [1], query: "UPDATE orders SET b = 2"),
            S.session(3, "active", seconds: 80, wait: "Lock", blockedBy: [2], query: "UPDATE orders SET c = 3"),
            S.session(4, "active", seconds: 20, wait: "Lock", blockedBy: [9]),
            S.session(5, "active", seconds: 1, wait: "Lock", blockedBy: [1]),
        ])
        let findings = S.findings(BlockedQueriesRule(), snapshot)
        #expect(findings.map(\.object.name) == ["sessions blocked by session 1", "sessions blocked by session 9"])
        let first = findings[0]
        #expect(first.message.hasPrefix("Session 1 (admin as app on shop, idle in transaction for 5.0 min"))
        #expect(first.message.contains("blocks 2 sessions; the longest has waited 1.3 min: session 3"))
        #expect(first.message.contains("waits for session 2, which waits for session 1."))
        #expect(first.severity == .medium)
        #expect(first.recommendation.hasPrefix("End the idle transaction of session 1"))
        #expect(first.fixSQL?.hasSuffix("SELECT pg_terminate_backend(1);") == true)
        // A blocker outside the snapshot (another database, or not visible) is still named.
        #expect(findings[1].message.hasPrefix("Session 9 blocks 1 session"))
    }

    @Test func aCycleStillHasARoot() {
        let snapshot = S.snapshot(sessions: [
            S.session(1, "active", seconds: 30, wait: "Lock", blockedBy: [2]),
            S.session(2, "active", seconds: 30, wait: "Lock", blockedBy: [1]),
        ])
        let names = S.findings(BlockedQueriesRule(), snapshot).map(\.object.name)
        #expect(names == ["sessions blocked by session 1"])
    }

    /// 20,000 sessions each waiting for the previous: one root, found once per session rather than once per waiter
    /// and link (quadratic before: 4,000 took 1.7 s, 100,000 never ended) (issue 13).
    @Test func aLongBlockingChainHasOneRoot() throws {
        let sessions =
            [S.session(1, "idle in transaction", seconds: 600)]
            + (2...20_000).map { S.session($0, "active", seconds: 30, wait: "Lock", blockedBy: [$0 - 1]) }
        let findings = S.findings(BlockedQueriesRule(), S.snapshot(sessions: sessions))
        #expect(findings.map(\.object.name) == ["sessions blocked by session 1"])
        #expect(try #require(findings.first).evidence("sessions blocked") == 19_999)
    }

    @Test func manyWaitersRaiseTheSeverity() {
        let snapshot = S.snapshot(
            sessions: [S.session(1, "active", seconds: 200)]
                + (2...7).map { S.session($0, "active", seconds: 10, wait: "Lock", blockedBy: [1]) })
        #expect(S.findings(BlockedQueriesRule(), snapshot).first?.severity == .medium)
    }
}
