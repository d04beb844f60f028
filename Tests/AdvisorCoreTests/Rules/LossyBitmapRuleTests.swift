import AdvisorCore
import Testing

struct LossyBitmapRuleTests {
    typealias B = RulePlanBuilder

    private func bitmapPlan(exact: Double, lossy: Double, loops: Double = 1, parallel: Bool = false) -> Plan {
        let index = B.node("Bitmap Index Scan", timeMs: 85, rows: 1_185_531, loops: loops) {
            $0.index = "events_created_at_idx"
        }
        let heap = B.node("Bitmap Heap Scan", timeMs: 2_391, rows: 1_185_531, loops: loops, children: [index]) {
            $0.relation = "events"
            $0.recheckCondition = "(created_at >= '2024-01-01 00:00:00'::timestamp without time zone)"
            $0.rowsRemovedByIndexRecheck = 8_123_880
            $0.exactHeapBlocks = exact
            $0.lossyHeapBlocks = lossy
            $0.isParallelAware = parallel
        }
        return B.plan(heap, executionTimeMs: 2_391 * loops + 50)
    }

    @Test func lossyPagesAreReportedWithTheBitmapSize() throws {
        let finding = try #require(B.findings(LossyBitmapRule(), bitmapPlan(exact: 38_322, lossy: 79_844)).first)
        #expect(finding.object.name == "Bitmap Heap Scan on events")
        // 118,166 pages × 64 bytes × 1.25 = 9,231.7 kB: 16MB.
        let neededKB = 118_166.0 * 64 * 1.25 / 1024
        #expect(abs((finding.evidence("estimated bitmap size") ?? 0) - neededKB) < 0.001)
        #expect(finding.fixSQL == "SET LOCAL work_mem = '16MB';")
        #expect(finding.evidence("rows removed by index recheck per loop") == 8_123_880)
        #expect(finding.message.contains("8,123,880 rows per loop were removed by the recheck"))
    }

    @Test func eachLoopBuildsItsOwnBitmap() throws {
        // 10 loops share the 1,000,000 pages: 100,000 per bitmap → 7,813 kB.
        let finding = try #require(
            B.findings(LossyBitmapRule(), bitmapPlan(exact: 200_000, lossy: 800_000, loops: 10)).first)
        #expect(abs((finding.evidence("estimated bitmap size") ?? 0) - 100_000 * 64 * 1.25 / 1024) < 0.001)
        #expect(finding.fixSQL == "SET LOCAL work_mem = '8MB';")
    }

    @Test func aParallelScanSharesOneBitmapOfWhichTheLeaderCountsItsShare() throws {
        // Three processes; the leader's 100,000 pages stand for about 300,000 → 23,438 kB.
        let plan = bitmapPlan(exact: 20_000, lossy: 80_000, loops: 3, parallel: true)
        let finding = try #require(B.findings(LossyBitmapRule(), plan).first)
        #expect(abs((finding.evidence("estimated bitmap size") ?? 0) - 300_000 * 64 * 1.25 / 1024) < 0.001)
        #expect(finding.evidence("processes") == 3)
        #expect(finding.fixSQL == "SET LOCAL work_mem = '32MB';")
    }

    @Test func thresholds() {
        // Exact only.
        #expect(B.findings(LossyBitmapRule(), bitmapPlan(exact: 6_120, lossy: 0)).isEmpty)
        // Under 100 lossy blocks.
        #expect(B.findings(LossyBitmapRule(), bitmapPlan(exact: 100, lossy: 99)).isEmpty)
        // 100 lossy blocks but under 10 % of the blocks.
        #expect(B.findings(LossyBitmapRule(), bitmapPlan(exact: 1_000, lossy: 100)).isEmpty)
        // 100 lossy of 1,000 blocks: exactly 10 %.
        #expect(B.findings(LossyBitmapRule(), bitmapPlan(exact: 900, lossy: 100)).count == 1)
    }

    @Test func severityFollowsTheShareTheLossyPagesExplain() throws {
        let finding = try #require(B.findings(LossyBitmapRule(), bitmapPlan(exact: 38_322, lossy: 79_844)).first)
        // Own time 2,306 ms of 2,441 ms × 67.6 % lossy ≈ 64 %.
        #expect(finding.severity == .critical)
        let mild = try #require(B.findings(LossyBitmapRule(), bitmapPlan(exact: 900, lossy: 100)).first)
        // ≈ 94 % × 10 %.
        #expect(mild.severity == .low)
    }
}
