import AdvisorCore
import Foundation

/// Prometheus text exposition, for node_exporter's textfile collector or a Pushgateway after a nightly
/// scan: findings by rule and severity, each finding's daily impact, the top statements' counters,
/// connection saturation, and when the scan ran. Every series carries the report's `target`.
///
/// Units are Prometheus base units (seconds), as `promtool check metrics` requires: the daily impact
/// is `dbadvisor_finding_impact_seconds_per_day`, statement time `dbadvisor_statement_time_seconds_total`.
public enum PrometheusReporter: Reporter {
    public static let identifier = "prometheus"
    public static let description = "Prometheus text exposition for the textfile collector or a Pushgateway."

    /// The statements exported, by total time: enough for a dashboard, bounded for the time series database.
    static let statementCount = 20
    /// Statement texts in labels are cut to this many characters.
    static let queryLabelLength = 80

    public static func render(_ report: Report, options: RenderOptions) throws -> String {
        let target = ("target", report.source)
        var out = PrometheusExposition()
        renderRun(report, target: target, into: &out)
        renderFindings(report, target: target, into: &out)
        renderStatements(report.snapshot, target: target, into: &out)
        if let connections = report.snapshot.connections {
            renderConnections(connections, target: target, into: &out)
        }
        return out.text
    }

    private typealias Label = (name: String, value: String)
    private typealias Sample = PrometheusExposition.Sample

    private static func renderRun(_ report: Report, target: Label, into out: inout PrometheusExposition) {
        let server = report.snapshot.server
        out.family(
            "dbadvisor_info", .gauge, help: "The dbadvisor run: version, command, and the server it read.",
            samples: [
                Sample(
                    labels: [
                        target, ("version", report.toolVersion), ("command", report.command),
                        ("engine", server.engine.rawValue), ("server_version", server.version ?? ""),
                    ], value: 1)
            ])
        out.family(
            "dbadvisor_scan_timestamp_seconds", .gauge, help: "When the report was made, Unix time.",
            samples: [Sample(labels: [target], value: report.generatedAt.timeIntervalSince1970.rounded())])
        out.family(
            "dbadvisor_scan_duration_seconds", .gauge, help: "How long collecting the snapshot took.",
            samples: report.scanDurationSeconds.map { [Sample(labels: [target], value: $0)] } ?? [])
    }

    private static func renderFindings(_ report: Report, target: Label, into out: inout PrometheusExposition) {
        // Every rule that ran gets a series per severity, zeros included, so that alerts and sums see a
        // count drop to zero instead of a series vanishing.
        let ruleIds = Set(report.rules.map(\.id)).union(report.findings.map(\.ruleId)).sorted()
        var counts: [String: Int] = [:]
        for finding in report.findings { counts[finding.ruleId + "\u{0}" + finding.severity.rawValue, default: 0] += 1 }
        out.family(
            "dbadvisor_findings", .gauge, help: "Findings of the run by rule and severity.",
            samples: ruleIds.flatMap { rule in
                Severity.allCases.reversed().map { severity in
                    Sample(
                        labels: [target, ("rule", rule), ("severity", severity.rawValue)],
                        value: Double(counts[rule + "\u{0}" + severity.rawValue] ?? 0))
                }
            })
        if let newFingerprints = report.newFingerprints {
            out.family(
                "dbadvisor_findings_new", .gauge, help: "Findings that were not in the previous run, by severity.",
                samples: Severity.allCases.reversed().map { severity in
                    let count = report.findings.filter {
                        $0.severity == severity && newFingerprints.contains($0.fingerprint)
                    }
                    return Sample(labels: [target, ("severity", severity.rawValue)], value: Double(count.count))
                })
        }
        if let resolved = report.resolvedFindings {
            out.family(
                "dbadvisor_findings_resolved", .gauge,
                help: "Findings of the previous run gone in this one, by severity.",
                samples: Severity.allCases.reversed().map { severity in
                    Sample(
                        labels: [target, ("severity", severity.rawValue)],
                        value: Double(resolved.filter { $0.severity == severity }.count))
                })
        }
        out.family(
            "dbadvisor_finding_impact_seconds_per_day", .gauge,
            help: "Database time per day fixing the finding would save, as ranked (risk findings: their "
                + "severity's daily equivalent; plans without a call rate are left out).",
            samples: report.findings.compactMap { finding in
                guard let score = dailyScore(finding, snapshot: report.snapshot) else { return nil }
                return Sample(
                    labels: [
                        target, ("fingerprint", finding.fingerprint), ("rule", finding.ruleId),
                        ("severity", finding.severity.rawValue), ("object_kind", finding.object.kind.rawValue),
                        ("object", finding.object.name),
                    ], value: seconds(score))
            })
    }

    /// The finding's score when it is a daily figure: plan findings are per execution unless the plan's
    /// statement has a known call rate.
    private static func dailyScore(_ finding: Finding, snapshot: Snapshot) -> Double? {
        if let plan = finding.object.plan {
            guard plan >= 1, plan <= snapshot.plans.count, snapshot.plans[plan - 1].callsPerDay != nil else {
                return nil
            }
        }
        return finding.impact.score
    }

    private static func renderStatements(_ snapshot: Snapshot, target: Label, into out: inout PrometheusExposition) {
        let top = snapshot.statements.sorted { a, b in
            a.totalTimeMs != b.totalTimeMs ? a.totalTimeMs > b.totalTimeMs : a.findingKey < b.findingKey
        }.prefix(statementCount)
        func labels(_ statement: StatementStats) -> [Label] {
            [
                target, ("id", statement.id), ("database", statement.database ?? ""), ("user", statement.user ?? ""),
                ("query", statement.oneLineText(maxLength: queryLabelLength)),
            ]
        }
        out.family(
            "dbadvisor_statement_time_seconds_total", .counter,
            help: "Total execution time of the statement since its statistics were reset (top statements by time).",
            samples: top.map { Sample(labels: labels($0), value: seconds($0.totalTimeMs)) })
        out.family(
            "dbadvisor_statement_calls_total", .counter,
            help: "Calls of the statement since its statistics were reset (top statements by time).",
            samples: top.map { Sample(labels: labels($0), value: Double($0.calls)) })
        out.family(
            "dbadvisor_statement_mean_time_seconds", .gauge,
            help: "Mean execution time per call of the statement (top statements by time).",
            samples: top.map { Sample(labels: labels($0), value: seconds($0.meanTimeMs)) })
    }

    /// Milliseconds as seconds, to the microsecond: what the model's milliseconds carry, without the
    /// binary fraction noise a division leaves (200, not 199.99999999999994).
    private static func seconds(_ milliseconds: Double) -> Double {
        (milliseconds * 1_000).rounded() / 1_000_000
    }

    private static func renderConnections(
        _ connections: ConnectionState, target: Label, into out: inout PrometheusExposition
    ) {
        out.family(
            "dbadvisor_connections_max", .gauge, help: "The server's max_connections.",
            samples: [Sample(labels: [target], value: Double(connections.maxConnections))])
        out.family(
            "dbadvisor_connections_reserved", .gauge, help: "Connection slots reserved for superusers and roles.",
            samples: [Sample(labels: [target], value: Double(connections.reservedConnections))])
        var byState: [String: Int] = [:]
        for session in connections.sessions { byState[session.state ?? "unknown", default: 0] += 1 }
        out.family(
            "dbadvisor_sessions", .gauge, help: "Client sessions by state at collection time.",
            samples: byState.keys.sorted().map { state in
                Sample(labels: [target, ("state", state)], value: Double(byState[state] ?? 0))
            })
        let pools = (connections.pooler?.pools ?? []).sorted { ($0.database, $0.user) < ($1.database, $1.user) }
        func labels(_ pool: PoolerState.Pool) -> [Label] {
            [target, ("pool_database", pool.database), ("pool_user", pool.user)]
        }
        out.family(
            "dbadvisor_pool_clients_waiting", .gauge, help: "Clients waiting for a server connection in the pooler.",
            samples: pools.map { Sample(labels: labels($0), value: Double($0.clientsWaiting)) })
        out.family(
            "dbadvisor_pool_clients_active", .gauge, help: "Clients linked to a server connection in the pooler.",
            samples: pools.map { Sample(labels: labels($0), value: Double($0.clientsActive)) })
        out.family(
            "dbadvisor_pool_max_wait_seconds", .gauge, help: "How long the oldest waiting client has waited.",
            samples: pools.map { Sample(labels: labels($0), value: $0.maxWaitSeconds) })
        out.family(
            "dbadvisor_pool_size", .gauge, help: "The pool's size limit.",
            samples: pools.compactMap { pool in pool.size.map { Sample(labels: labels(pool), value: Double($0)) } })
    }
}
