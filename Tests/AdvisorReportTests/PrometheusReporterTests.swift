import AdvisorCore
import Foundation
import TestSupport
import Testing

@testable import AdvisorReport

/// The exposition is checked twice: by promtool where Debian's prometheus package is installed, and by
/// a strict parser of the text format written here, which runs everywhere.
struct PrometheusReporterTests {
    /// The scan report with connections, a pooler and label values that need escaping.
    private func report() -> Report {
        var report = ScanReportGoldenTests.report()
        var idle = ConnectionState.Session(id: 2, state: "idle in transaction")
        idle.user = "app"
        report.snapshot.connections = ConnectionState(
            maxConnections: 100, reservedConnections: 3,
            sessions: [
                ConnectionState.Session(id: 1, state: "active"), idle, ConnectionState.Session(id: 3, state: "active"),
                ConnectionState.Session(id: 4, state: nil),
            ],
            pooler: PoolerState(
                kind: "pgbouncer",
                pools: [
                    PoolerState.Pool(
                        database: "shop \"main\"", user: "app\\batch", clientsActive: 20, clientsWaiting: 7,
                        serversActive: 20, maxWaitSeconds: 1.5)
                ]))
        report.snapshot.statements[0].text = "SELECT '\\' AS \"quoted\",\n  'two lines'"
        report.scanDurationSeconds = 2.25
        report.newFingerprints = [report.findings[0].fingerprint]
        report.resolvedFindings = [
            ResolvedFinding(fingerprint: "0000000000000001", ruleId: "index-unused", severity: .low, objectName: "x")
        ]
        return report
    }

    @Test func parsesStrictly() throws {
        let text = try PrometheusReporter.render(report(), options: RenderOptions())
        let families = try ExpositionParser.parse(text)
        #expect(families["dbadvisor_findings"]?.type == "gauge")
        #expect(families["dbadvisor_statement_time_seconds_total"]?.type == "counter")
        let sessions = try #require(families["dbadvisor_sessions"])
        let byState = Dictionary(uniqueKeysWithValues: sessions.samples.map { ($0.labels["state"] ?? "", $0.value) })
        #expect(byState == ["active": 2, "idle in transaction": 1, "unknown": 1])
        let waiting = try #require(families["dbadvisor_pool_clients_waiting"]?.samples.first)
        #expect(waiting.labels["pool_database"] == "shop \"main\"")
        #expect(waiting.labels["pool_user"] == "app\\batch")
        #expect(waiting.value == 7)
        let statement = try #require(families["dbadvisor_statement_calls_total"]?.samples.first)
        #expect(statement.labels["query"] == "SELECT '\\' AS \"quoted\", 'two lines'")
        #expect(families["dbadvisor_scan_duration_seconds"]?.samples.first?.value == 2.25)
        #expect(families["dbadvisor_findings_new"]?.samples.map(\.value).reduce(0, +) == 1)
        #expect(families["dbadvisor_findings_resolved"]?.samples.map(\.value).reduce(0, +) == 1)
        let findings = try #require(families["dbadvisor_findings"])
        #expect(findings.samples.map(\.value).reduce(0, +) == Double(report().findings.count))
        let impacts = try #require(families["dbadvisor_finding_impact_seconds_per_day"])
        #expect(Set(impacts.samples.compactMap { $0.labels["fingerprint"] }).count == report().findings.count)
        #expect(families["dbadvisor_statement_mean_time_seconds"]?.samples.count == 13)
    }

    @Test func statementsAreBounded() throws {
        var report = report()
        report.snapshot.statements = (1...50).map {
            StatementStats(id: "\($0)", text: "SELECT \($0)", calls: $0, totalTimeMs: Double($0), rows: 1)
        }
        let families = try ExpositionParser.parse(try PrometheusReporter.render(report, options: RenderOptions()))
        let calls = try #require(families["dbadvisor_statement_calls_total"])
        #expect(calls.samples.count == PrometheusReporter.statementCount)
        #expect(calls.samples.first?.labels["id"] == "50")
    }

    @Test func escapesLabelValues() {
        #expect(PrometheusExposition.escapeLabelValue("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
        #expect(PrometheusExposition.value(5) == "5")
        #expect(PrometheusExposition.value(0.25) == "0.25")
        #expect(PrometheusExposition.value(.infinity) == "+Inf")
        #expect(PrometheusExposition.value(.nan) == "NaN")
    }

    @Test func planReportParses() throws {
        let report = try ReporterGoldenTests.report("postgres/plans/nested_loop_seq_inner.json")
        let families = try ExpositionParser.parse(try PrometheusReporter.render(report, options: RenderOptions()))
        // A plan read from a file has no call rate: its per-execution scores are not daily figures.
        #expect(families["dbadvisor_finding_impact_seconds_per_day"] == nil)
        #expect(families["dbadvisor_findings"]?.samples.map(\.value).reduce(0, +) == 2)
    }

    @Test func promtoolAccepts() throws {
        guard let promtool = CommandRunner.program(named: "promtool") else {
            ExternalCheck.unavailable("promtool (Debian package prometheus) not installed: promtool check skipped")
            return
        }
        let plan = try ReporterGoldenTests.report("postgres/plans/nested_loop_seq_inner.json")
        for report in [report(), ScanReportGoldenTests.report(), plan] {
            let text = try PrometheusReporter.render(report, options: RenderOptions())
            let result = try CommandRunner.run(program: promtool, ["check", "metrics"], stdin: text)
            #expect(result.exitCode == 0, "promtool: \(result.stdout) \(result.stderr)")
        }
    }
}
