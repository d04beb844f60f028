import AdvisorCore
import Testing

struct IdleInTransactionRuleTests {
    private typealias S = ConnectionSnapshots

    @Test func groupsByOwnerNamesEachSessionAndProposesBothRemedies() throws {
        let snapshot = S.snapshot(sessions: [
            S.session(11, "idle in transaction", seconds: 90, application: "billing", query: "UPDATE orders SET x = 1"),
            S.session(12, "idle in transaction", seconds: 400, application: "billing"),
            S.session(13, "idle in transaction (aborted)", seconds: 120, user: "Report User", application: "bi"),
            S.session(14, "idle in transaction", seconds: 5, application: "billing"),
            S.session(15, "idle", seconds: 4_000),
        ])
        let findings = S.findings(IdleInTransactionRule(), snapshot)
        #expect(
            findings.map(\.object.name).sorted() == [
                "idle transactions of bi as Report User on shop", "idle transactions of billing as app on shop",
            ])
        let billing = try #require(findings.first { $0.object.name.contains("billing") })
        #expect(billing.severity == .medium)
        #expect(billing.message.hasPrefix("2 sessions of billing as app on shop are idle in a transaction"))
        #expect(billing.message.contains("session 12 (idle 6.7 min"))
        #expect(
            billing.message.contains(
                "session 11 (idle 1.5 min, transaction open 1.5 min, last statement: UPDATE orders"))
        #expect(!billing.message.contains("session 14"))
        #expect(billing.evidence.map(\.name).contains("session 12 idle time"))
        #expect(
            billing.fixSQL == """
                -- Ends these transactions now, rolling back their work:
                SELECT pg_terminate_backend(12);
                SELECT pg_terminate_backend(11);
                -- From now on, ends transactions idle longer than 5.0 min (new sessions of the role):
                ALTER ROLE app IN DATABASE shop SET idle_in_transaction_session_timeout = '5min';
                """)
        let bi = try #require(findings.first { $0.object.name.contains("bi as") })
        #expect(bi.fixSQL?.contains("ALTER ROLE \"Report User\" IN DATABASE shop") == true)
    }

    @Test func severityGrowsWithAgeAndCount() throws {
        let old = S.snapshot(sessions: [S.session(1, "idle in transaction", seconds: 8_000)])
        #expect(S.findings(IdleInTransactionRule(), old).first?.severity == .critical)
        let many = S.snapshot(sessions: (1...5).map { S.session($0, "idle in transaction", seconds: 70) })
        #expect(S.findings(IdleInTransactionRule(), many).first?.severity == .medium)
    }

    @Test func mySQLFamilyEndsSessionsWithKill() throws {
        let mysql = S.snapshot(engine: .mysql, sessions: [S.session(7, "idle in transaction", seconds: 100)])
        #expect(
            S.findings(IdleInTransactionRule(), mysql).first?.fixSQL
                == "-- Ends these transactions now, rolling back their work:\nKILL 7;")
        let mariadb = S.snapshot(engine: .mariadb, sessions: [S.session(7, "idle in transaction", seconds: 100)])
        #expect(
            S.findings(IdleInTransactionRule(), mariadb).first?.fixSQL?.hasSuffix(
                "SET GLOBAL idle_transaction_timeout = 300;") == true)
    }
}
