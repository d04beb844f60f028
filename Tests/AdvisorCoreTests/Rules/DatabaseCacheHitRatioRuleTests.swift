import Foundation
import Testing

@testable import AdvisorCore

struct DatabaseCacheHitRatioRuleTests {
    typealias E = StatementRuleExamples

    private func findings(_ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [DatabaseCacheHitRatioRule()]).run(snapshot).findings
    }

    private func database(hit: Int, read: Int, name: String = "shop") -> DatabaseStats {
        var database = DatabaseStats(name: name)
        database.blocksHit = hit
        database.blocksRead = read
        database.sizeBytes = 12 * 1_073_741_824
        return database
    }

    private func table(_ name: String, blocksRead: Int) -> TableStats {
        var table = TableStats(schema: "public", name: name)
        table.blocksRead = blocksRead
        return table
    }

    @Test func estimatedFromBlocksReadAndNamesTheReaders() throws {
        let snapshot = E.snapshot(
            databases: [database(hit: 90_000_000, read: 10_000_000), database(hit: 1, read: 1, name: "other")],
            tables: [
                table("orders", blocksRead: 7_000_000), table("events", blocksRead: 2_000_000),
                table("tiny", blocksRead: 0),
            ],
            settings: ["shared_buffers": "128MB"])
        let finding = try #require(findings(snapshot).first)
        #expect(finding.object.name == "database shop")
        #expect(finding.severity == .high)
        // 10,000,000 reads a day × 0.05 ms, 90 % of them above the 1 % target.
        #expect(abs(finding.impact.score - 450_000) < 1e-6)
        #expect(finding.impact.confidence == .low)
        #expect(finding.evidence("blocks read by public.orders") == 7_000_000)
        #expect(finding.evidence("blocks read by public.tiny") == nil)
        #expect(finding.recommendation.contains("public.orders (7,000,000 blocks), public.events (2,000,000 blocks)"))
        #expect(finding.recommendation.contains("(shared_buffers is 128MB, the database is 12.0 GB)"))
        #expect(finding.fixSQL == nil)
    }

    @Test func measuredReadTimeRaisesConfidence() throws {
        let statement = E.statement("1", "SELECT * FROM orders", calls: 10, totalTimeMs: 900_000, rows: 10) {
            $0.blockReadTimeMs = 600_000
        }
        let snapshot = E.snapshot(statements: [statement], databases: [database(hit: 95_000_000, read: 5_000_000)])
        let finding = try #require(findings(snapshot).first)
        #expect(finding.impact.confidence == .medium)
        #expect(abs(finding.impact.score - 600_000 * 0.8) < 1e-6)
        #expect(finding.severity == .medium)
    }

    /// A 160 MB database in 256 MB of shared_buffers: its 6 % misses were one-off passes.
    @Test func aDatabaseThatFitsInSharedBuffersIsSilent() {
        var small = database(hit: 94_000_000, read: 6_000_000)
        small.sizeBytes = 160 * 1_048_576
        #expect(findings(E.snapshot(databases: [small], settings: ["shared_buffers": "256MB"])).isEmpty)
        #expect(findings(E.snapshot(databases: [small], settings: ["shared_buffers": "128MB"])).count == 1)
    }

    @Test func fewReadsOrAGoodRatioAreSilent() {
        #expect(findings(E.snapshot(databases: [database(hit: 9_000, read: 1_000)])).isEmpty)
        #expect(findings(E.snapshot(databases: [database(hit: 99_950_000, read: 50_000)])).isEmpty)
        // Only another database's counters.
        #expect(
            findings(
                E.snapshot(databases: [
                    database(hit: 1, read: 9_000_000, name: "x"), database(hit: 1, read: 1, name: "y"),
                ])
            ).isEmpty)
    }
}
