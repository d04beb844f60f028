import AdvisorCore
import Testing

struct DiskSpillRuleTests {
    typealias B = RulePlanBuilder

    private func sortPlan(diskKB: Double, sortTime: Double = 800, scanTime: Double = 100) -> Plan {
        let scan = B.node("Seq Scan", timeMs: scanTime, rows: 1_000_000) { $0.relation = "orders" }
        let sort = B.node("Sort", timeMs: sortTime, rows: 1_000_000, children: [scan]) {
            $0.sortKey = ["created_at DESC"]
            $0.sortMethod = "external merge"
            $0.sortSpaceType = "Disk"
            $0.sortSpaceUsedKB = diskKB
            $0.buffers = B.buffers(tempRead: diskKB / 8, tempWritten: diskKB / 8)
        }
        return B.plan(sort, executionTimeMs: sortTime + 5)
    }

    @Test func sortOnDiskProposesDiskSizeTimesFactorRoundedUp() throws {
        let findings = B.findings(DiskSpillRule(), sortPlan(diskKB: 55_672))
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.object.name == "Sort")
        // 55,672 kB × 2.5 = 139,180 kB, more than 128 MB: 256MB.
        #expect(finding.evidence("estimated memory needed") == 55_672.0 * 2.5)
        #expect(finding.evidence("proposed work_mem") == 256.0 * 1024)
        #expect(finding.fixSQL == "SET LOCAL work_mem = '256MB';")
        #expect(finding.recommendation.contains("SET LOCAL work_mem = '256MB'"))
        #expect(finding.evidence("temp blocks written") == 55_672.0 / 8)
        #expect(finding.severity == .critical)
        #expect(finding.impact.timeMs == 700)
    }

    @Test func sortInMemoryIsSilent() {
        let scan = B.node("Seq Scan", timeMs: 1, rows: 10_000) { $0.relation = "orders" }
        let sort = B.node("Sort", timeMs: 7, rows: 10_000, children: [scan]) {
            $0.sortMethod = "quicksort"
            $0.sortSpaceType = "Memory"
            $0.sortSpaceUsedKB = 1_791
        }
        #expect(B.findings(DiskSpillRule(), B.plan(sort, executionTimeMs: 7.6)).isEmpty)
    }

    @Test func spillInANodeThatCostsLittleIsSilent() {
        // The sort's own time is 2 % of the statement: below min_share.
        let plan = sortPlan(diskKB: 1_160, sortTime: 102, scanTime: 100)
        let slow = B.node("Nested Loop", timeMs: 5_000, rows: 1, children: [plan.root])
        #expect(B.findings(DiskSpillRule(), B.plan(slow, executionTimeMs: 5_000)).isEmpty)
    }

    @Test func hashJoinSpillIsReportedOnceOnTheHashWithTheJoinsTime() throws {
        let inner = B.node("Seq Scan", timeMs: 80, rows: 1_000_000) { $0.relation = "customers" }
        let hash = B.node("Hash", timeMs: 300, rows: 1_000_000, children: [inner]) {
            $0.hashBatches = 16
            $0.originalHashBatches = 1
            $0.peakMemoryUsageKB = 5_153
            $0.buffers = B.buffers(tempWritten: 6_624)
        }
        let outer = B.node("Seq Scan", timeMs: 90, rows: 1_000_000) { $0.relation = "orders" }
        let join = B.node("Hash Join", timeMs: 1_200, rows: 1_000_000, children: [outer, hash]) {
            $0.hashCondition = "(o.customer_id = c.id)"
            $0.buffers = B.buffers(tempRead: 11_062, tempWritten: 11_062)
        }
        let findings = B.findings(DiskSpillRule(), B.plan(join, executionTimeMs: 1_235))
        let finding = try #require(findings.first)
        #expect(findings.map(\.object.name) == ["Hash"])
        #expect(finding.evidence("batches") == 16)
        #expect(finding.evidence("batches planned") == 1)
        // 5,153 kB per batch × 16 batches = 82,448 kB: 128MB.
        #expect(finding.evidence("estimated memory needed") == 5_153.0 * 16)
        #expect(finding.fixSQL == "SET LOCAL work_mem = '128MB';")
        // The hash's own 6,624 written blocks plus the join's own 4,438.
        #expect(finding.evidence("temp blocks written") == 11_062)
        #expect(finding.evidence("temp blocks read") == 11_062)
        // Hash: 300 − 80 = 220 ms; join: 1,200 − 90 − 300 = 810 ms.
        #expect(finding.impact.timeMs == 1_030)
        #expect(finding.message.contains("planned: 1"))
    }

    @Test func hashMemMultiplierFromSettingsShrinksTheProposal() throws {
        let inner = B.node("Seq Scan", timeMs: 80, rows: 1_000_000) { $0.relation = "customers" }
        let hash = B.node("Hash", timeMs: 300, rows: 1_000_000, children: [inner]) {
            $0.hashBatches = 16
            $0.peakMemoryUsageKB = 5_153
        }
        let outer = B.node("Seq Scan", timeMs: 90, rows: 1_000_000) { $0.relation = "orders" }
        let join = B.node("Hash Join", timeMs: 1_200, rows: 1_000_000, children: [outer, hash])
        let plan = B.plan(join, executionTimeMs: 1_235, settings: ["hash_mem_multiplier": "'2'"])
        let finding = try #require(B.findings(DiskSpillRule(), plan).first)
        #expect(finding.evidence("estimated memory needed") == 5_153.0 * 16 / 2)
        #expect(finding.fixSQL == "SET LOCAL work_mem = '64MB';")
    }

    @Test func hashAggregateNeedsItsMemoryPlusItsDiskUsage() throws {
        let scan = B.node("Seq Scan", timeMs: 88, rows: 1_000_000) { $0.relation = "orders" }
        let aggregate = B.node("HashAggregate", timeMs: 950, rows: 999_818, children: [scan]) {
            $0.strategy = "Hashed"
            $0.hashBatches = 81
            $0.peakMemoryUsageKB = 4_145
            $0.diskUsageKB = 58_184
        }
        let finding = try #require(B.findings(DiskSpillRule(), B.plan(aggregate, executionTimeMs: 987)).first)
        #expect(finding.object.name == "HashAggregate")
        #expect(finding.evidence("estimated memory needed") == 4_145.0 + 58_184)
        #expect(finding.fixSQL == "SET LOCAL work_mem = '64MB';")
    }

    @Test func hashAggregateInOneBatchIsSilent() {
        let scan = B.node("Seq Scan", timeMs: 88, rows: 1_000_000) { $0.relation = "orders" }
        let aggregate = B.node("HashAggregate", timeMs: 300, rows: 50, children: [scan]) {
            $0.hashBatches = 1
            $0.peakMemoryUsageKB = 48
        }
        #expect(B.findings(DiskSpillRule(), B.plan(aggregate, executionTimeMs: 301)).isEmpty)
    }

    @Test func otherNodesWritingTempFilesAreReportedFromTheirOwnBlocks() throws {
        let scan = B.node("Seq Scan", timeMs: 40, rows: 500_000) {
            $0.relation = "promotions"
            $0.buffers = B.buffers(sharedHit: 4_000)
        }
        let materialize = B.node("Materialize", timeMs: 400, rows: 500_000, children: [scan]) {
            $0.buffers = B.buffers(tempRead: 2_000, tempWritten: 1_000, sharedHit: 4_000)
        }
        let finding = try #require(B.findings(DiskSpillRule(), B.plan(materialize, executionTimeMs: 410)).first)
        #expect(finding.object.name == "Materialize")
        // 1,000 blocks × 8 kB × 2.5.
        #expect(finding.evidence("estimated memory needed") == 20_000)
        #expect(finding.fixSQL == "SET LOCAL work_mem = '32MB';")
    }

    @Test func parentBuffersIncludingAChildsSpillDoNotFireTwice() throws {
        // The Limit's temp counts are the Sort's: only the Sort spilled.
        let sortPlan = sortPlan(diskKB: 55_672)
        let limit = B.node("Limit", timeMs: 900, rows: 10, children: [sortPlan.root]) {
            $0.buffers = sortPlan.root.buffers
        }
        let findings = B.findings(DiskSpillRule(), B.plan(limit, executionTimeMs: 905))
        #expect(findings.map(\.object.name) == ["Sort"])
    }

    @Test func aSpillTooLargeForWorkMemGetsNoFixSQL() throws {
        let finding = try #require(B.findings(DiskSpillRule(), sortPlan(diskKB: 1_151_688)).first)
        #expect(finding.fixSQL == nil)
        #expect(finding.recommendation.contains("index"))
        #expect(finding.evidence("proposed work_mem") == nil)
    }

    @Test func neverExecutedAndMySQLPlansAreSilent() {
        var plan = sortPlan(diskKB: 55_672)
        plan.root.neverExecuted = true
        #expect(B.findings(DiskSpillRule(), plan).isEmpty)
        let mysql = B.plan(sortPlan(diskKB: 55_672).root, engine: .mysql, executionTimeMs: 805)
        #expect(B.findings(DiskSpillRule(), mysql).isEmpty)
    }

    @Test func workMemInEffectIsQuotedInTheMessage() throws {
        var plan = sortPlan(diskKB: 55_672)
        plan.settings = ["work_mem": "'4MB'"]
        let finding = try #require(B.findings(DiskSpillRule(), plan).first)
        #expect(finding.message.contains("work_mem in effect: 4MB"))
    }
}

extension DiskSpillRuleTests {
    @Test func aCTEScanCountsOnlyItsOwnTuplestoreNotTheCTEsSort() throws {
        // CTE t2b sorts on disk (its temp blocks are also in the CTE Scan's counts); the scan's own
        // tuplestore spilled 17,700 more blocks.
        let source = B.node("Seq Scan", timeMs: 700, rows: 2_500_000) { $0.relation = "t2" }
        let cteSort = B.node("Sort", timeMs: 5_800, rows: 2_500_000, children: [source]) {
            $0.parentRelationship = "InitPlan"
            $0.subplanName = "CTE t2b"
            $0.sortMethod = "external merge"
            $0.sortSpaceType = "Disk"
            $0.sortSpaceUsedKB = 141_936
            $0.buffers = B.buffers(tempRead: 35_480, tempWritten: 49_892)
        }
        let scan = B.node("CTE Scan", timeMs: 6_356, rows: 2_500_000) {
            $0.cteName = "t2b"
            $0.alias = "t2b"
            $0.buffers = B.buffers(tempRead: 35_480, tempWritten: 67_592)
        }
        let root = B.node("Aggregate", timeMs: 7_000, rows: 1, children: [cteSort, scan])
        let findings = B.findings(DiskSpillRule(), B.plan(root, executionTimeMs: 7_000))
        let cteScan = try #require(findings.first { $0.object.name.hasPrefix("CTE Scan") })
        #expect(cteScan.evidence("temp blocks written") == 17_700)
        #expect(cteScan.evidence("temp blocks read") == nil)
    }

    @Test func scansDoNotSpillEvenWhenTheirCountsSaySo() {
        let scan = B.node("Index Scan", timeMs: 23, rows: 8_183) {
            $0.relation = "domains"
            $0.index = "idea_1"
            $0.buffers = B.buffers(tempWritten: 864_226, sharedHit: 5_063_706)
        }
        #expect(B.findings(DiskSpillRule(), B.plan(scan, executionTimeMs: 23.8)).isEmpty)
    }
}
