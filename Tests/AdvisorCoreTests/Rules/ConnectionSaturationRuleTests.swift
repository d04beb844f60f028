import AdvisorCore
import Testing

struct ConnectionSaturationRuleTests {
    private typealias S = ConnectionSnapshots

    @Test func waitingClientsWithHeadroomAreAPoolTooSmallAndTheSizeToSetIsNamed() throws {
        let snapshot = S.snapshot(
            sessions: S.sessions(2, "active", from: 1, wait: "Timeout") + S.sessions(5, "idle", from: 10),
            pools: [S.pool(waiting: 8, maxWaitSeconds: 6)])
        let finding = try #require(S.findings(ConnectionSaturationRule(), snapshot).first)
        #expect(finding.message.hasPrefix("Pool too small"))
        #expect(finding.recommendation.contains("raise the pool size of shop/app from 2 to 10"))
        #expect(finding.severity == .high)
        #expect(finding.impact.score == Impact.riskScore(.high))
        #expect(finding.evidence.contains { $0.name == "clients waiting in pool shop/app" && $0.value == 8 })
        #expect(finding.fixSQL == nil)
    }

    @Test func theSuggestedPoolSizeStaysWithinTheServersHeadroom() throws {
        let snapshot = S.snapshot(
            maxConnections: 13, reserved: 3,
            sessions: S.sessions(2, "active", from: 1) + S.sessions(4, "idle", from: 10),
            pools: [S.pool(waiting: 30, maxWaitSeconds: 2)])
        let finding = try #require(S.findings(ConnectionSaturationRule(), snapshot).first)
        #expect(finding.recommendation.contains("from 2 to 6"))
    }

    @Test func waitingClientsWhileStatementsWaitOnLocksAndIOAreAnOverloadedServer() throws {
        let snapshot = S.snapshot(
            sessions: S.sessions(2, "active", from: 1, wait: "IO") + S.sessions(1, "active", from: 5, wait: "Lock"),
            pools: [S.pool(waiting: 4, maxWaitSeconds: 2, size: 3, serversActive: 3)])
        let finding = try #require(S.findings(ConnectionSaturationRule(), snapshot).first)
        #expect(finding.message.hasPrefix("Server overloaded"))
        #expect(finding.recommendation.hasPrefix("Do not add connections"))
    }

    @Test func mostlyActiveSessionsNearTheLimitAreAnOverloadedServer() throws {
        let snapshot = S.snapshot(
            sessions: S.sessions(80, "active", from: 1, wait: "LWLock") + S.sessions(15, "idle", from: 200))
        let finding = try #require(S.findings(ConnectionSaturationRule(), snapshot).first)
        #expect(finding.message.hasPrefix("Server overloaded: the server uses 95 of 97 usable connections"))
        #expect(finding.severity == .critical)
    }

    @Test func idleTransactionsHoldingSlotsAreLeakedTransactionsWithATimeoutAsFix() throws {
        let snapshot = S.snapshot(
            sessions: S.sessions(40, "idle in transaction", from: 1, seconds: 30) + S.sessions(40, "idle", from: 100))
        let finding = try #require(S.findings(ConnectionSaturationRule(), snapshot).first)
        #expect(finding.message.hasPrefix("Connections held by idle transactions: 40 sessions keep their connections"))
        #expect(
            finding.fixSQL == "ALTER SYSTEM SET idle_in_transaction_session_timeout = '5min';\nSELECT pg_reload_conf();"
        )
        #expect(finding.severity == .medium)
    }

    @Test func mostlyIdleSessionsNearTheLimitAreConnectionsHeldIdle() throws {
        let snapshot = S.snapshot(sessions: S.sessions(96, "idle", from: 1) + S.sessions(1, "active", from: 500))
        let finding = try #require(S.findings(ConnectionSaturationRule(), snapshot).first)
        #expect(finding.message.hasPrefix("Connections held idle"))
        #expect(finding.severity == .critical)
    }

    @Test func idleTransactionsHoldingThePoolsServersAreLeakedTransactions() throws {
        let pool = S.pool(waiting: 6, maxWaitSeconds: 3)
        let holding = S.snapshot(
            sessions: [S.session(1, "idle in transaction", seconds: 40), S.session(2, "active", seconds: 1)],
            pools: [pool])
        let finding = try #require(S.findings(ConnectionSaturationRule(), holding).first)
        #expect(finding.message.hasPrefix("Connections held by idle transactions: 1 session keeps its connection"))
        // Between two statements of a working transaction, or another user's: the pool is too small.
        let working = S.snapshot(
            sessions: [
                S.session(1, "idle in transaction", seconds: 0.2), S.session(2, "active", seconds: 1),
                S.session(3, "idle in transaction", seconds: 60, user: "batch"),
            ],
            pools: [pool])
        #expect(S.findings(ConnectionSaturationRule(), working).first?.message.hasPrefix("Pool too small") == true)
    }

    @Test func silentOnAHealthyServerAndOnAMomentaryQueue() {
        let healthy = S.snapshot(sessions: S.sessions(20, "idle", from: 1) + S.sessions(3, "active", from: 50))
        #expect(S.findings(ConnectionSaturationRule(), healthy).isEmpty)
        let momentary = S.snapshot(
            sessions: S.sessions(2, "active", from: 1), pools: [S.pool(waiting: 1, maxWaitSeconds: 0.05)])
        #expect(S.findings(ConnectionSaturationRule(), momentary).isEmpty)
    }

    @Test func mariaDBIdleTransactionsGetItsOwnTimeoutSetting() throws {
        let snapshot = S.snapshot(
            engine: .mariadb,
            sessions: S.sessions(50, "idle in transaction", from: 1, seconds: 30) + S.sessions(30, "idle", from: 100))
        let finding = try #require(S.findings(ConnectionSaturationRule(), snapshot).first)
        #expect(finding.fixSQL == "SET GLOBAL idle_transaction_timeout = 300;")
    }
}
