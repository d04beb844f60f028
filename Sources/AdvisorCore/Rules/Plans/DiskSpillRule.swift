/// Reports sorts, hashes and other nodes that spilled to temporary files because `work_mem` was too
/// small, with the `work_mem` that would have kept them in memory.
public struct DiskSpillRule: Rule {
    public struct Options: RuleOptions {
        /// The spilling node must account for at least this share of the statement (its own time, or its
        /// own estimated cost when the plan has no timing).
        public var minShare = 0.05
        /// Spills in nodes whose own time is below this are not worth a finding.
        public var minTimeMs = 1.0
        /// How much more memory sorted data needs in memory than in its on-disk runs. In memory every tuple
        /// also carries an allocation-chunk header and a 24-byte SortTuple slot, which the runs written to
        /// disk do not: the in-memory size is commonly 2–3× the disk size, and 2.5 is the middle.
        public var sortMemoryFactor = 2.5
        /// Above this much memory (1 GB) raising work_mem is no longer a sensible fix for one query:
        /// the advice becomes "process fewer rows" and there is no fix SQL.
        public var maxWorkMemKb = 1_048_576.0
        /// Severity by the share of the statement the spilling node accounts for.
        public var severityByShare = Levels(medium: 0.1, high: 0.3, critical: 0.6)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "plan-disk-spill",
        title: "Sort or hash spilled to disk",
        category: .plans,
        engines: [.postgres],
        requires: [.plans],
        summary: "A sort, hash or aggregate ran out of work_mem and wrote temporary files.",
        rationale: """
            When a sort, hash table or hash aggregate does not fit in `work_mem`, PostgreSQL writes it to \
            temporary files and reads it back: `Sort Method: external merge  Disk: …`, a Hash with \
            `Batches` above 1 (`originally 1` means the planner did not expect it), a HashAggregate with \
            `Disk Usage`, or `temp read/written` blocks in `BUFFERS`. The extra I/O and the merge passes \
            often make the node several times slower than in memory.

            The size that would have fitted is estimated from the plan: for a sort, the disk space × \
            `sort_memory_factor` (2.5: tuples take more room in memory than in the on-disk runs); for a hash \
            join, the peak memory of one batch × the number of batches; for a hash aggregate, its memory plus \
            its disk usage; otherwise the temporary blocks written × 8 kB × the sort factor. Hash nodes may \
            use `work_mem × hash_mem_multiplier`: the multiplier is taken from the plan's `SETTINGS` when \
            shown, else assumed to be 1 (the PostgreSQL 13–14 default; 15+ defaults to 2, so the suggestion \
            can be up to twice what is needed there). The value is rounded up to a power of two megabytes. The \
            time attributed is the node's own time; for a Hash, plus its Hash Join's own time, where the outer \
            side's batches are written and both sides read back (an upper bound).

            **Fix:** raise `work_mem` for this query only, inside its transaction: \
            `BEGIN; SET LOCAL work_mem = '64MB'; <the query>; COMMIT;`. `ALTER ROLE reporting SET work_mem = \
            '64MB';` is the wider option for a role that only runs such queries; raising it server-wide is \
            risky because every sort and hash of every session may use that much. When the needed size is \
            very large, sort or hash fewer rows instead (an index that delivers the order, an earlier filter, \
            fewer columns). **Validate:** run `EXPLAIN (ANALYZE, BUFFERS)` again in the same transaction: the \
            node should show `Sort Method: quicksort  Memory: …` or `Batches: 1` and no `temp` blocks.
            """,
        examples: [
            RuleExample(
                "a sort written to disk",
                plan: """
                    Sort  (cost=162082.84..164582.84 rows=1000000 width=44) (actual time=612.301..801.212 rows=1000000 loops=1)
                      Sort Key: created_at DESC
                      Sort Method: external merge  Disk: 55672kB
                      Buffers: shared hit=2048 read=6306, temp read=6959 written=6973
                      ->  Seq Scan on orders  (cost=0.00..18334.00 rows=1000000 width=44) (actual time=0.012..95.114 rows=1000000 loops=1)
                            Buffers: shared hit=2048 read=6306
                    Planning Time: 0.080 ms
                    Execution Time: 842.934 ms
                    """,
                expecting: ["Sort"]),
            RuleExample(
                "a hash join in 16 batches",
                plan: """
                    Hash Join  (cost=38647.00..120412.51 rows=1000000 width=52) (actual time=301.455..1202.300 rows=1000000 loops=1)
                      Hash Cond: (o.customer_id = c.id)
                      Buffers: shared hit=96 read=14706, temp read=11062 written=11062
                      ->  Seq Scan on orders o  (cost=0.00..18334.00 rows=1000000 width=16) (actual time=0.010..90.200 rows=1000000 loops=1)
                            Buffers: shared hit=32 read=8302
                      ->  Hash  (cost=20310.00..20310.00 rows=1000000 width=40) (actual time=300.800..300.801 rows=1000000 loops=1)
                            Buckets: 131072  Batches: 16  Memory Usage: 5153kB
                            Buffers: shared hit=64 read=6404, temp written=6624
                            ->  Seq Scan on customers c  (cost=0.00..20310.00 rows=1000000 width=40) (actual time=0.008..80.100 rows=1000000 loops=1)
                                  Buffers: shared hit=64 read=6404
                    Planning Time: 0.210 ms
                    Execution Time: 1235.600 ms
                    """,
                expecting: ["Hash"]),
            RuleExample(
                "a hash aggregate spilling (PostgreSQL 13+)",
                plan: """
                    HashAggregate  (cost=89211.00..106836.00 rows=1000000 width=16) (actual time=402.113..951.872 rows=999818 loops=1)
                      Group Key: customer_id
                      Planned Partitions: 16  Batches: 81  Memory Usage: 4145kB  Disk Usage: 58184kB
                      Buffers: shared hit=2080 read=6274, temp read=6110 written=10672
                      ->  Seq Scan on orders  (cost=0.00..18334.00 rows=1000000 width=16) (actual time=0.009..88.402 rows=1000000 loops=1)
                            Buffers: shared hit=2080 read=6274
                    Planning Time: 0.095 ms
                    Execution Time: 987.116 ms
                    """,
                expecting: ["HashAggregate"]),
            RuleExample(
                "a sort that fits in memory",
                plan: """
                    Sort  (cost=1209.82..1234.82 rows=10000 width=44) (actual time=6.101..7.020 rows=10000 loops=1)
                      Sort Key: created_at DESC
                      Sort Method: quicksort  Memory: 1791kB
                      Buffers: shared hit=84
                      ->  Seq Scan on orders  (cost=0.00..184.00 rows=10000 width=44) (actual time=0.008..1.200 rows=10000 loops=1)
                            Buffers: shared hit=84
                    Planning Time: 0.060 ms
                    Execution Time: 7.612 ms
                    """,
                expecting: []),
            RuleExample(
                "a small spill in a node that costs almost nothing",
                plan: """
                    Nested Loop  (cost=8402.16..98613.71 rows=20000 width=52) (actual time=9.804..1480.311 rows=20000 loops=1)
                      Buffers: shared hit=80412 read=21050, temp read=145 written=146
                      ->  Sort  (cost=8401.73..8451.73 rows=20000 width=12) (actual time=9.781..12.004 rows=20000 loops=1)
                            Sort Key: o.customer_id
                            Sort Method: external merge  Disk: 1160kB
                            Buffers: shared hit=12 read=72, temp read=145 written=146
                            ->  Seq Scan on orders o  (cost=0.00..384.00 rows=20000 width=12) (actual time=0.010..3.106 rows=20000 loops=1)
                                  Buffers: shared hit=12 read=72
                      ->  Index Scan using customers_pkey on customers c  (cost=0.43..4.50 rows=1 width=40) (actual time=0.072..0.072 rows=1 loops=20000)
                            Index Cond: (id = o.customer_id)
                            Buffers: shared hit=80400 read=20978
                    Planning Time: 0.312 ms
                    Execution Time: 1482.540 ms
                    """,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for (offset, captured) in context.snapshot.plans.enumerated() where captured.plan.engine == .postgres {
            let reader = SpillReader(captured.plan, options: options)
            captured.plan.root.visit { node, parent in
                guard !node.neverExecuted, let spill = reader.spill(of: node), !reader.isReportedThroughChild(node)
                else { return }
                let nodeContext = PlanNodeContext(
                    captured: captured, planNumber: offset + 1, node: node, parent: parent)
                let cost = Self.spillCost(nodeContext)
                guard let share = cost.share, share >= options.minShare else { return }
                if let time = cost.timeMs, captured.plan.hasTiming, time < options.minTimeMs { return }
                findings.append(finding(nodeContext, spill: spill, reader: reader, timeMs: cost.timeMs, share: share))
            }
        }
        return findings
    }

    private func finding(
        _ context: PlanNodeContext, spill: Spill, reader: SpillReader, timeMs: Double?, share: Double
    ) -> Finding {
        let node = context.node
        var evidence = spill.evidence
        var (tempRead, tempWritten) = reader.ownTempBlocks(of: node)
        // A hash join writes the outer side's batches itself: that I/O belongs to the Hash's spill.
        if node.operation == .hash, let parent = context.parent, parent.operation == .hashJoin {
            let join = reader.ownTempBlocks(of: parent)
            tempRead += join.read
            tempWritten += join.written
        }
        if tempRead > 0 { evidence.append(Evidence("temp blocks read", tempRead, "blocks")) }
        if tempWritten > 0 {
            evidence.append(Evidence("temp blocks written", tempWritten, "blocks"))
            evidence.append(Evidence("temp written", tempWritten * SpillReader.blockKB, "kB"))
        }
        let fits = spill.neededKB <= options.maxWorkMemKb
        let advice = WorkMemAdvice(neededKB: spill.neededKB)
        evidence.append(Evidence("estimated memory needed", spill.neededKB, "kB"))
        if fits { evidence.append(Evidence("proposed work_mem", advice.settingKB, "kB")) }
        if let time = node.exclusiveTimeMs { evidence.append(Evidence("exclusive time", time, "ms")) }
        if let timeMs, timeMs != node.exclusiveTimeMs {
            evidence.append(Evidence("exclusive time with the hash join", timeMs, "ms"))
        }
        evidence.append(Evidence("share of statement", share * 100, "percent"))
        return Finding(
            ruleId: Self.description.id,
            severity: options.severityByShare.severity(for: share),
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(context, spill: spill),
            evidence: evidence,
            impact: .plan(
                context.captured, timeMs: timeMs, share: share,
                confidence: context.plan.hasTiming && timeMs == node.exclusiveTimeMs ? .medium : .low),
            recommendation: fits
                ? Self.recommendation(advice: advice, spill: spill)
                : Self.tooLargeRecommendation(spill: spill),
            fixSQL: fits ? advice.fixSQL : nil,
            risk: fits ? advice.risk : "None from this advice; an index or query change has its own review.",
            validation: Self.validation(spill: spill))
    }

    // MARK: - Spill detection

    /// What kind of spill a node shows and how much memory would have avoided it.
    fileprivate struct Spill {
        enum Kind { case sort, hash, hashAggregate, tempFiles }
        var kind: Kind
        /// Memory the operation would have needed, already divided by `hash_mem_multiplier` for hashes.
        var neededKB: Double
        var evidence: [Evidence]
        /// What happened, as the middle of the message: "sorted on disk (external merge, 54.4 MB)".
        var summary: String
    }

    /// The time (and share of the statement) a spill costs: the node's own time. For a Hash, its Hash
    /// Join's own time is added: the join writes the outer side's batches and reads both sides back, so
    /// most of the batching cost lands there (an upper bound, as the join's probing is in it too).
    private static func spillCost(_ context: PlanNodeContext) -> (timeMs: Double?, share: Double?) {
        let plan = context.plan
        var nodes = [context.node]
        if context.node.operation == .hash, let parent = context.parent, parent.operation == .hashJoin {
            nodes.append(parent)
        }
        let shares = nodes.compactMap { plan.exclusiveShare(of: $0) }
        let times = nodes.compactMap(\.exclusiveTimeMs)
        return (
            times.count == nodes.count ? times.reduce(0, +) : nil,
            shares.count == nodes.count ? min(1, shares.reduce(0, +)) : nil
        )
    }

}

/// Reads the spills of one plan: what each node shows, and the temp blocks it wrote itself.
private struct SpillReader {
    /// PostgreSQL's block size: temp block counts × 8 kB is the data written.
    static let blockKB = 8.0

    let options: DiskSpillRule.Options
    /// `hash_mem_multiplier` from the plan's SETTINGS; 1 when not shown (see the rationale).
    let hashMemMultiplier: Double
    /// Temp blocks of each CTE's subtree, by CTE name: a CTE runs when a CTE Scan pulls rows, so its I/O
    /// is inside that scan's counts.
    let cteTempBlocks: [String: (read: Double, written: Double)]

    init(_ plan: Plan, options: DiskSpillRule.Options) {
        self.options = options
        if let text = plan.settings["hash_mem_multiplier"], let value = Double(text.filter { $0 != "'" }), value >= 1 {
            hashMemMultiplier = value
        } else {
            hashMemMultiplier = 1
        }
        var ctes: [String: (read: Double, written: Double)] = [:]
        plan.root.visit { node in
            guard let name = node.cteDefinitionName else { return }
            ctes[name] = (node.buffers?.tempRead ?? 0, node.buffers?.tempWritten ?? 0)
        }
        cteTempBlocks = ctes
    }

    func spill(of node: PlanNode) -> DiskSpillRule.Spill? {
        switch node.operation {
        case .sort, .incrementalSort: sortSpill(node) ?? tempFileSpill(node)
        case .hash: hashSpill(node) ?? tempFileSpill(node)
        case .aggregate: hashAggregateSpill(node) ?? tempFileSpill(node)
        // The other nodes that keep rows in a work_mem-bounded tuplestore or hash table. Scans, joins other
        // than Hash Join, and Gathers (whose counts add up their workers') write no temp files of their own.
        case .hashJoin, .materialize, .cteScan, .recursiveUnion, .functionScan, .windowAgg, .setOp:
            tempFileSpill(node)
        default: nil
        }
    }

    /// A Hash Join is reported through its spilling Hash child, not a second time for the same batches.
    func isReportedThroughChild(_ node: PlanNode) -> Bool {
        guard node.operation == .hashJoin else { return false }
        return node.children.contains { $0.operation == .hash && hashSpill($0) != nil }
    }

    /// Temp blocks the node read and wrote itself: PostgreSQL's buffer counts include the children's,
    /// and a CTE Scan's include the CTE's. CTE subtrees are left out of their parent's subtraction, as in
    /// `PlanTiming`. Clamped at 0 where the counts do not add up (several scans of one CTE).
    func ownTempBlocks(of node: PlanNode) -> (read: Double, written: Double) {
        guard let buffers = node.buffers else { return (0, 0) }
        var read = buffers.tempRead
        var written = buffers.tempWritten
        for child in node.children where !child.isCTE {
            read -= child.buffers?.tempRead ?? 0
            written -= child.buffers?.tempWritten ?? 0
        }
        if node.operation == .cteScan, let name = node.cteName, let cte = cteTempBlocks[name] {
            read -= cte.read
            written -= cte.written
        }
        return (max(0, read), max(0, written))
    }

    private func sortSpill(_ node: PlanNode) -> DiskSpillRule.Spill? {
        let method = node.sortMethod ?? ""
        let onDisk = node.sortSpaceType?.lowercased() == "disk" || method.hasPrefix("external")
        guard onDisk else { return nil }
        let diskKB = node.sortSpaceType?.lowercased() == "disk" ? node.sortSpaceUsedKB : nil
        let spilledKB = diskKB ?? ownTempBlocks(of: node).written * Self.blockKB
        guard spilledKB > 0 else { return nil }
        let evidence = [
            Evidence("disk used by the sort", spilledKB, "kB"),
            Evidence("sort memory factor", options.sortMemoryFactor, "factor"),
        ]
        let methodText = method.isEmpty ? "" : "\(method), "
        return DiskSpillRule.Spill(
            kind: .sort, neededKB: spilledKB * options.sortMemoryFactor, evidence: evidence,
            summary: "sorted on disk (\(methodText)\(Formatting.kilobytes(spilledKB)))")
    }

    private func hashSpill(_ node: PlanNode) -> DiskSpillRule.Spill? {
        guard let batches = node.hashBatches, batches > 1 else { return nil }
        var evidence = [Evidence("batches", batches, "count")]
        var summary = "split its hash table into \(Formatting.count(batches)) batches"
        if let original = node.originalHashBatches, original != batches {
            evidence.append(Evidence("batches planned", original, "count"))
            summary += " (planned: \(Formatting.count(original)))"
        }
        summary += " on disk"
        // One batch's peak memory × the batch count is the whole hash table; without the peak, the temp
        // blocks written are the part that did not fit, to which the in-memory part (one batch) is added.
        let tableKB: Double
        if let peak = node.peakMemoryUsageKB, peak > 0 {
            evidence.append(Evidence("peak memory per batch", peak, "kB"))
            tableKB = peak * batches
        } else {
            let writtenKB = ownTempBlocks(of: node).written * Self.blockKB
            guard writtenKB > 0 else { return nil }
            tableKB = writtenKB * batches / (batches - 1)
        }
        if hashMemMultiplier != 1 { evidence.append(Evidence("hash_mem_multiplier", hashMemMultiplier, "factor")) }
        return DiskSpillRule.Spill(
            kind: .hash, neededKB: tableKB / hashMemMultiplier, evidence: evidence, summary: summary)
    }

    private func hashAggregateSpill(_ node: PlanNode) -> DiskSpillRule.Spill? {
        let diskKB = node.diskUsageKB ?? 0
        let batches = node.hashBatches ?? 0
        guard diskKB > 0 || batches > 1 else { return nil }
        var evidence: [Evidence] = []
        if diskKB > 0 { evidence.append(Evidence("disk used by the aggregate", diskKB, "kB")) }
        if batches > 1 { evidence.append(Evidence("batches", batches, "count")) }
        let peak = node.peakMemoryUsageKB ?? 0
        if peak > 0 { evidence.append(Evidence("peak memory", peak, "kB")) }
        if hashMemMultiplier != 1 { evidence.append(Evidence("hash_mem_multiplier", hashMemMultiplier, "factor")) }
        // Spilled input tuples collapse into their groups once they fit: memory + disk is an upper bound
        // when groups have several rows each and about right when most groups are distinct.
        let spilledKB = diskKB > 0 ? diskKB : ownTempBlocks(of: node).written * Self.blockKB
        guard peak + spilledKB > 0 else { return nil }
        var parts: [String] = []
        if batches > 1 { parts.append("\(Formatting.count(batches)) batches") }
        if diskKB > 0 { parts.append("\(Formatting.kilobytes(diskKB)) on disk") }
        return DiskSpillRule.Spill(
            kind: .hashAggregate, neededKB: (peak + spilledKB) / hashMemMultiplier, evidence: evidence,
            summary: "spilled to disk (\(parts.joined(separator: ", ")))")
    }

    /// A node that wrote temporary files of its own without saying more (Materialize, CTE Scan,
    /// WindowAgg, a sort or hash whose parser output lacks the details), sized from the blocks written
    /// or PostgreSQL 18's `Storage: Disk  Maximum Storage: N kB`.
    private func tempFileSpill(_ node: PlanNode) -> DiskSpillRule.Spill? {
        let writtenKB = ownTempBlocks(of: node).written * Self.blockKB
        let storageKB = Self.diskStorageKB(node)
        let spilledKB = max(writtenKB, storageKB ?? 0)
        guard spilledKB > 0 else { return nil }
        let evidence = storageKB.map { [Evidence("maximum storage on disk", $0, "kB")] } ?? []
        return DiskSpillRule.Spill(
            kind: .tempFiles, neededKB: spilledKB * options.sortMemoryFactor, evidence: evidence,
            summary: "wrote \(Formatting.kilobytes(spilledKB)) to temporary files")
    }

    /// PostgreSQL 18 `Storage: Disk  Maximum Storage: 17kB` (text) or `"Storage": "Disk"` with
    /// `"Maximum Storage": 17` (JSON), kept in `properties` by the parsers.
    private static func diskStorageKB(_ node: PlanNode) -> Double? {
        guard let storage = node.properties.first(where: { $0.name == "Storage" }),
            storage.value.hasPrefix("Disk")
        else { return nil }
        let maximum =
            node.properties.first { $0.name == "Maximum Storage" }?.value
            ?? storage.value.text(after: "Maximum Storage:")
        return maximum.flatMap { Double($0.prefix { $0.isNumber || $0 == "." }) }
    }
}

extension String {
    /// The text after `label`, leading spaces dropped ("Disk  Maximum Storage: 17kB" → "17kB").
    fileprivate func text(after label: String) -> String? {
        guard let range = range(of: label) else { return nil }
        return String(self[range.upperBound...].drop { $0 == " " })
    }
}

// MARK: - Messages

extension DiskSpillRule {
    fileprivate static func message(_ context: PlanNodeContext, spill: Spill) -> String {
        "\(context.displayName) (node \(context.node.id)) \(spill.summary); keeping it in memory needs about "
            + "\(Formatting.kilobytes(spill.neededKB)) of work_mem\(WorkMemAdvice.currentSettingText(context.plan))."
    }

    fileprivate static func recommendation(advice: WorkMemAdvice, spill: Spill) -> String {
        let operation: String
        switch spill.kind {
        case .sort: operation = "the sort"
        case .hash: operation = "the hash table"
        case .hashAggregate: operation = "the aggregate"
        case .tempFiles: operation = "this step"
        }
        return "Run SET LOCAL work_mem = '\(advice.setting)' in the transaction that runs this query so "
            + "\(operation) stays in memory."
    }

    fileprivate static func tooLargeRecommendation(spill: Spill) -> String {
        switch spill.kind {
        case .sort:
            "Avoid sorting this many rows: an index that returns them in this order, an earlier filter, or "
                + "fewer columns."
        case .hash, .hashAggregate:
            "Hash fewer rows: filter before the join or aggregate, select fewer columns, or pre-aggregate."
        case .tempFiles:
            "Reduce the rows this step holds: filter earlier or select fewer columns."
        }
    }

    fileprivate static func validation(spill: Spill) -> String {
        let expected: String
        switch spill.kind {
        case .sort: expected = "\"Sort Method: quicksort  Memory: …\""
        case .hash, .hashAggregate: expected = "\"Batches: 1\""
        case .tempFiles: expected = "no temporary storage"
        }
        return "Run EXPLAIN (ANALYZE, BUFFERS) in the same transaction after the change: the node should show "
            + "\(expected) and no temp read/written blocks, and its time should drop."
    }
}
