import Foundation
import Testing

@testable import AdvisorCore

struct StatementTrackingEvictionsRuleTests {
    typealias E = StatementRuleExamples

    private func findings(_ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [StatementTrackingEvictionsRule()]).run(snapshot).findings
    }

    private func statements(_ count: Int) -> [StatementStats] {
        (0..<count).map { E.statement("\($0)", "SELECT $\($0)", calls: 1, totalTimeMs: 1, rows: 1) }
    }

    @Test func evictionsAskForTwiceTheCapacity() throws {
        let source = StatementSource(name: "pg_stat_statements", capacity: 5_000, evictions: 12_400)
        let finding = try #require(findings(E.snapshot(statements: statements(3), source: source)).first)
        #expect(finding.object.kind == .setting)
        #expect(finding.object.key == "pg_stat_statements.max")
        #expect(finding.severity == .high)
        #expect(finding.impact.score == Impact.riskScore(.high))
        #expect(finding.fixSQL == "ALTER SYSTEM SET pg_stat_statements.max = 10000;  -- takes effect after a restart")
        #expect(finding.recommendation.hasPrefix("Raise pg_stat_statements.max from 5,000 to 10,000"))
        #expect(finding.evidence("evictions per day") == 12_400)
    }

    @Test func fewEvictionsAreMediumAndAFullTableLow() throws {
        let few = StatementSource(name: "pg_stat_statements", capacity: 5_000, evictions: 40)
        #expect(findings(E.snapshot(statements: statements(3), source: few)).first?.severity == .medium)
        let full = StatementSource(name: "pg_stat_statements", capacity: 100, evictions: 0)
        let finding = try #require(findings(E.snapshot(statements: statements(96), source: full)).first)
        #expect(finding.severity == .low)
        #expect(finding.message.contains("nearly full (96 of 100 statements tracked)"))
        #expect(findings(E.snapshot(statements: statements(94), source: full)).isEmpty)
    }

    @Test func capacityFromSettingsAndMySQLFamilyFixes() throws {
        let mysql = StatementSource(name: "performance_schema", evictions: 10)
        let snapshot = E.snapshot(
            engine: .mysql, statements: statements(2), source: mysql,
            settings: ["performance_schema_digests_size": "10000"])
        let finding = try #require(findings(snapshot).first)
        #expect(finding.object.name == "performance_schema_digests_size")
        #expect(
            finding.fixSQL
                == "SET PERSIST_ONLY performance_schema_digests_size = 20000;  -- takes effect after a restart")
        let mariadb = E.snapshot(engine: .mariadb, statements: statements(2), source: mysql)
        let mariaFinding = try #require(findings(mariadb).first)
        #expect(mariaFinding.fixSQL == nil)
        #expect(mariaFinding.recommendation.contains("configuration file"))
    }
}
