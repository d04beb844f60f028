import Foundation
import Testing

@testable import AdvisorCore

struct MonitoringGapRuleTests {
    private func findings(_ notices: [Notice], engine: Engine = .postgres) -> [Finding] {
        RuleEngine(rules: [MonitoringGapRule()]).run(StatementRuleExamples.snapshot(engine: engine, notices: notices))
            .findings
    }

    @Test func eachCodedNoticeOnceWithItsRemedy() throws {
        let grant = Notice(
            level: .warning, message: "dbadvisor may not read other roles' activity", remedy: "Grant pg_monitor.",
            code: "pg_stat_activity_restricted", fixSQL: "GRANT pg_monitor TO app;")
        let found = findings([grant, grant, Notice(level: .info, message: "no code")])
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.severity == .info)
        #expect(finding.object.kind == .server)
        #expect(finding.object.key == "pg_stat_activity_restricted")
        #expect(finding.recommendation == "Grant pg_monitor.")
        #expect(finding.fixSQL == "GRANT pg_monitor TO app;")
        #expect(finding.message == "dbadvisor may not read other roles' activity")
        #expect(finding.category == .configuration)
    }

    @Test func severityAndKindByCode() {
        let notices = ["performance_schema_off", "track_io_timing_off", "pg_stat_statements_not_preloaded"].map {
            Notice(level: .warning, message: $0, code: $0)
        }
        let found = findings(notices, engine: .mysql)
        #expect(
            found.map(\.object.name) == ["pg_stat_statements_not_preloaded", "performance_schema", "track_io_timing"])
        #expect(found.map(\.severity) == [.medium, .medium, .low])
        #expect(found.map(\.object.kind) == [.server, .setting, .setting])
        #expect(found.allSatisfy { $0.recommendation == "Enable what the note names and scan again." })
    }
}
