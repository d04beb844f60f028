import AdvisorCore
import Foundation
import TestSupport
import Testing

@testable import AdvisorReport

/// `dbadvisor logs` on the hand-written N+1 log, in every format, compared byte for byte with `Snapshots/`.
/// A fixed set of rules runs, so adding rules does not churn these files.
struct LogsReportGoldenTests {
    private func report() throws -> Report {
        let fixture = "logs/postgres-n-plus-one.log"
        var options = LogAnalyzer.Options()
        options.reader.logLinePrefix = PostgresLogLinePrefix("%m [%p] %q%u@%d/%a ")
        let input = QueryLogInput(path: RepositoryPaths.fixtures.appendingPathComponent(fixture).path)
        var snapshot = try LogAnalyzer.analyze([input], options: options).snapshot
        // The target is the path as given, which differs between machines.
        snapshot.server.target = fixture
        snapshot.notices = snapshot.notices.map { notice in
            var notice = notice
            notice.message = notice.message.replacingOccurrences(of: input.name, with: fixture)
            return notice
        }
        let rules: [any Rule] = [NPlusOneBurstRule(), StatementTopTimeRule(), StatementNPlusOneRule(), HotNodeRule()]
        let outcome = RuleEngine(rules: rules).run(snapshot)
        return Report(
            command: "logs", source: fixture, toolVersion: "0.0.0-test",
            generatedAt: Date(timeIntervalSince1970: 1_772_442_000), snapshot: snapshot, findings: outcome.findings,
            rules: outcome.ran, skippedRules: outcome.skipped)
    }

    @Test(arguments: OutputFormat.allCases)
    func nPlusOneLog(format: OutputFormat) throws {
        assertGolden(
            try format.reporter.render(report(), options: RenderOptions()), named: "logs_n_plus_one.\(format.rawValue)")
    }
}
