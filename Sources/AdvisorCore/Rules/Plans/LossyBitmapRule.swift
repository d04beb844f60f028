/// Reports bitmap heap scans whose bitmap outgrew `work_mem` and went lossy, so every row on the lossy
/// pages had to be rechecked.
public struct LossyBitmapRule: Rule {
    public struct Options: RuleOptions {
        /// Fewer lossy heap blocks than this are noise.
        public var minLossyBlocks = 100.0
        /// Lossy blocks as a fraction of all heap blocks the scan visited, from which it matters.
        public var minLossyFraction = 0.1
        /// The scan must account for at least this share of the statement (its own time, or its own
        /// estimated cost when the plan has no timing).
        public var minShare = 0.05
        /// Headroom over the computed bitmap size, so a slightly larger result set stays exact too.
        public var headroomFactor = 1.25
        /// Severity by the share of the statement's time the lossy pages explain.
        public var severityByShare = Levels(medium: 0.1, high: 0.3, critical: 0.6)

        public init() {}
    }

    /// Bytes of `work_mem` one exact heap page costs in a TID bitmap: tidbitmap.c sizes its page table as
    /// `sizeof(PagetableEntry)` (48 bytes on 64-bit builds with 8 kB pages: the block number, flags and
    /// one bit per possible tuple, 291 bits in five 8-byte words) plus two pointers per entry.
    static let bytesPerExactPage = 64.0

    public static let description = RuleDescription(
        id: "plan-lossy-bitmap",
        title: "Lossy bitmap heap scan",
        category: .plans,
        engines: [.postgres],
        requires: [.plans],
        summary: "A Bitmap Heap Scan's bitmap did not fit in work_mem and went lossy, forcing rechecks.",
        rationale: """
            A bitmap scan first collects the matching row positions in a bitmap, one bit per tuple of each \
            heap page. When the bitmap would exceed `work_mem`, PostgreSQL degrades pages to "lossy" (one bit \
            per page): every row on those pages must then be re-evaluated against the condition \
            (`Rows Removed by Index Recheck`), which costs CPU on every row of the page and no longer allows \
            some optimisations. `Heap Blocks: exact=… lossy=…` shows how far it went.

            The memory an exact bitmap needs is estimated as (exact + lossy blocks per loop) × 64 bytes (the \
            page-table entry tidbitmap.c budgets per heap page: 48 bytes plus two pointers), plus 25 % \
            headroom, rounded up to a power of two megabytes. A parallel scan shares one bitmap but counts only \
            the leader's blocks, so its blocks are multiplied by the number of processes. The time attributed to the problem is the scan's \
            own time × the lossy fraction of its blocks.

            **Fix:** raise `work_mem` for this query only: `BEGIN; SET LOCAL work_mem = '16MB'; <the query>; \
            COMMIT;` (`ALTER ROLE … SET work_mem` is the wider option for a role that runs such queries). A \
            more selective condition or index also shrinks the bitmap. **Validate:** `EXPLAIN (ANALYZE, \
            BUFFERS)` in the same transaction should show only `exact=` heap blocks and no `Rows Removed by \
            Index Recheck` from lossy pages.
            """,
        examples: [
            RuleExample(
                "two thirds of the pages lossy",
                plan: """
                    Bitmap Heap Scan on events  (cost=21654.37..392210.05 rows=1160917 width=48) (actual time=92.183..2391.034 rows=1185531 loops=1)
                      Recheck Cond: (created_at >= '2024-01-01 00:00:00'::timestamp without time zone)
                      Rows Removed by Index Recheck: 8123880
                      Heap Blocks: exact=38322 lossy=79844
                      Buffers: shared hit=12 read=121410
                      ->  Bitmap Index Scan on events_created_at_idx  (cost=0.00..21364.14 rows=1160917 width=0) (actual time=85.601..85.601 rows=1185531 loops=1)
                            Index Cond: (created_at >= '2024-01-01 00:00:00'::timestamp without time zone)
                            Buffers: shared hit=12 read=3244
                    Planning Time: 0.141 ms
                    Execution Time: 2440.880 ms
                    """,
                expecting: ["Bitmap Heap Scan on events"]),
            RuleExample(
                "an exact bitmap",
                plan: """
                    Bitmap Heap Scan on events  (cost=1254.37..24210.05 rows=61094 width=48) (actual time=8.183..61.034 rows=60412 loops=1)
                      Recheck Cond: (created_at >= '2024-06-01 00:00:00'::timestamp without time zone)
                      Heap Blocks: exact=6120
                      Buffers: shared hit=6287
                      ->  Bitmap Index Scan on events_created_at_idx  (cost=0.00..1239.10 rows=61094 width=0) (actual time=7.601..7.601 rows=60412 loops=1)
                            Index Cond: (created_at >= '2024-06-01 00:00:00'::timestamp without time zone)
                            Buffers: shared hit=167
                    Planning Time: 0.122 ms
                    Execution Time: 64.020 ms
                    """,
                expecting: []),
            RuleExample(
                "a few lossy pages, under the floor",
                plan: """
                    Bitmap Heap Scan on events  (cost=1254.37..24210.05 rows=61094 width=48) (actual time=8.402..66.310 rows=60412 loops=1)
                      Recheck Cond: (created_at >= '2024-06-01 00:00:00'::timestamp without time zone)
                      Rows Removed by Index Recheck: 3120
                      Heap Blocks: exact=6040 lossy=80
                      Buffers: shared hit=6287
                      ->  Bitmap Index Scan on events_created_at_idx  (cost=0.00..1239.10 rows=61094 width=0) (actual time=7.822..7.822 rows=60412 loops=1)
                            Index Cond: (created_at >= '2024-06-01 00:00:00'::timestamp without time zone)
                            Buffers: shared hit=167
                    Planning Time: 0.119 ms
                    Execution Time: 69.555 ms
                    """,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for nodeContext in context.planNodes where nodeContext.engine == .postgres {
            let node = nodeContext.node
            guard node.operation == .bitmapHeapScan, !node.neverExecuted,
                let lossy = node.lossyHeapBlocks, lossy >= options.minLossyBlocks
            else { continue }
            let exact = node.exactHeapBlocks ?? 0
            let lossyFraction = lossy / (exact + lossy)
            guard lossyFraction >= options.minLossyFraction,
                let share = nodeContext.plan.exclusiveShare(of: node), share >= options.minShare
            else { continue }
            findings.append(finding(nodeContext, exact: exact, lossy: lossy, nodeShare: share))
        }
        return findings
    }

    private func finding(_ context: PlanNodeContext, exact: Double, lossy: Double, nodeShare: Double) -> Finding {
        let node = context.node
        let lossyFraction = lossy / (exact + lossy)
        // Heap Blocks are totals over all loops, and each loop builds its own bitmap. A parallel scan's loops
        // are its processes, which share one bitmap, and only the leader's pages are counted: the bitmap
        // covers about that many times more.
        let isParallel = node.isParallelAware || node.nodeType.hasPrefix("Parallel ")
        let loops = max(1, node.loops ?? 1)
        let pagesPerBitmap = isParallel ? (exact + lossy) * loops : (exact + lossy) / loops
        let neededKB = pagesPerBitmap * Self.bytesPerExactPage * options.headroomFactor / 1024
        let advice = WorkMemAdvice(neededKB: neededKB)
        let explainedShare = nodeShare * lossyFraction
        var evidence = [
            Evidence("exact heap blocks", exact, "blocks"),
            Evidence("lossy heap blocks", lossy, "blocks"),
            Evidence("lossy share of blocks", lossyFraction * 100, "percent"),
        ]
        if let removed = node.rowsRemovedByIndexRecheck {
            evidence.append(Evidence("rows removed by index recheck per loop", removed, "rows"))
        }
        if loops > 1 { evidence.append(Evidence(isParallel ? "processes" : "loops", loops, "loops")) }
        if let time = node.exclusiveTimeMs { evidence.append(Evidence("exclusive time", time, "ms")) }
        evidence.append(Evidence("estimated bitmap size", neededKB, "kB"))
        evidence.append(Evidence("proposed work_mem", advice.settingKB, "kB"))
        return Finding(
            ruleId: Self.description.id,
            severity: options.severityByShare.severity(for: explainedShare),
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(context, lossy: lossy, fraction: lossyFraction, neededKB: neededKB),
            evidence: evidence,
            impact: .plan(
                context.captured, timeMs: node.exclusiveTimeMs.map { $0 * lossyFraction },
                share: explainedShare, confidence: context.plan.hasTiming ? .medium : .low),
            recommendation: Self.recommendation(advice: advice),
            fixSQL: advice.fixSQL,
            risk: advice.risk,
            validation: "Run EXPLAIN (ANALYZE, BUFFERS) in the same transaction after the change: Heap Blocks "
                + "should show only exact= pages, Rows Removed by Index Recheck should drop, and so should the time.")
    }
}

// MARK: - Messages

extension LossyBitmapRule {
    fileprivate static func message(_ context: PlanNodeContext, lossy: Double, fraction: Double, neededKB: Double)
        -> String
    {
        let removed =
            context.node.rowsRemovedByIndexRecheck.map {
                ", and \(Formatting.count($0)) rows per loop were removed by the recheck"
            } ?? ""
        return "\(context.displayName) (node \(context.node.id)) kept \(Formatting.count(lossy)) heap blocks "
            + "(\(Formatting.percent(fraction: fraction))) lossy, so every row on them was rechecked\(removed); "
            + "an exact bitmap needs about \(Formatting.kilobytes(neededKB)) of work_mem"
            + "\(WorkMemAdvice.currentSettingText(context.plan))."
    }

    fileprivate static func recommendation(advice: WorkMemAdvice) -> String {
        "Run SET LOCAL work_mem = '\(advice.setting)' in the transaction that runs this query so the bitmap "
            + "stays exact."
    }
}
