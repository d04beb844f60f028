import Foundation
import Testing

@testable import AdvisorCore

struct ConnectionChurnRuleTests {
    private func findings(_ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [ConnectionChurnRule()]).run(snapshot).findings
    }

    @Test func manyShortSessionsAreAdvisedAPool() throws {
        let finding = try #require(
            findings(ConnectionChurnRule.example(sessions: 3_456_000, totalSessionSeconds: 172_800)).first)
        #expect(finding.severity == .high)
        #expect(
            finding.message
                == "The server started 3,456,000 sessions over 1.0 days (40.0 a second), lasting 50.0 ms on average: "
                + "clients connect per request instead of reusing connections.")
        #expect(finding.recommendation.contains("PgBouncer in transaction mode"))
        // 40 a second × 86,400 s × 2 ms.
        #expect(finding.evidence("estimated start-up time per day") == 6_912_000)
    }

    @Test func behindAPoolerTheAdviceIsThePooler() throws {
        var snapshot = ConnectionChurnRule.example(sessions: 200_000, totalSessionSeconds: 20_000)
        snapshot.connections = ConnectionState(
            maxConnections: 100, pooler: PoolerState(kind: "pgbouncer", version: "1.21", pools: []))
        let finding = try #require(findings(snapshot).first)
        #expect(finding.severity == .medium)
        #expect(finding.recommendation.hasPrefix("Sessions are started even with a pooler in front"))
    }

    @Test func mysqlConnectionsOverUptimeWithAThreadCacheTooSmall() throws {
        var snapshot = StatementRuleExamples.snapshot(
            engine: .mysql, settings: ["status.Threads_created": "400000", "status.Connections": "864000"])
        snapshot.facets.insert(.sessions)
        snapshot.sessionActivity = SessionActivity(
            source: "SHOW GLOBAL STATUS", sessions: 864_000, windowSeconds: 86_400)
        let finding = try #require(findings(snapshot).first)
        #expect(finding.message.hasPrefix("The server started 864,000 sessions over 1.0 days (10.0 a second):"))
        #expect(finding.recommendation.contains("ProxySQL"))
        #expect(finding.recommendation.contains("46 % of connections created a thread: raise thread_cache_size"))
        // 10 a second × 86,400 s × 0.5 ms.
        #expect(finding.evidence("estimated start-up time per day") == 432_000)
    }

    @Test func longSessionsOrAnUnknownWindowAreNoFinding() {
        #expect(findings(ConnectionChurnRule.example(sessions: 400_000, totalSessionSeconds: 40_000_000)).isEmpty)
        var unknown = ConnectionChurnRule.example(sessions: 3_456_000, totalSessionSeconds: 172_800)
        unknown.sessionActivity?.windowSeconds = nil
        #expect(findings(unknown).isEmpty)
    }

    @Test func logConnectionsAndDisconnections() throws {
        var lines: [String] = []
        for second in 0..<60 {
            let time = String(format: "2026-03-01 10:00:%02d UTC", second)
            for pid in 0..<3 {
                let process = 100 + second * 3 + pid
                lines.append("\(time) [\(process)] LOG:  connection authorized: user=app database=shop")
                lines.append("\(time) [\(process)] LOG:  duration: 0.100 ms  statement: SELECT \(pid)")
                lines.append(
                    "\(time) [\(process)] LOG:  disconnection: session time: 0:00:00.040 user=app database=shop")
            }
        }
        let snapshot = try StderrLogExample.snapshot(lines)
        let activity = try #require(snapshot.sessionActivity)
        #expect(activity.sessions == 180 && activity.timedSessions == 180)
        #expect(abs((activity.meanSessionSeconds ?? 0) - 0.04) < 1e-9)
        #expect(activity.windowSeconds == 59)
        // A minute says nothing about a rate: below min_window_seconds.
        #expect(findings(snapshot).isEmpty)
        var longer = snapshot
        longer.sessionActivity?.windowSeconds = 150
        longer.sessionActivity?.sessions = 180
        #expect(findings(longer).isEmpty)
        longer.sessionActivity?.windowSeconds = 600
        longer.sessionActivity?.sessions = 1_200
        #expect(findings(longer).first?.severity == .medium)
    }
}
