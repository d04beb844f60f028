import Foundation

/// Reports index-only scans that still visit the heap for many rows because the table's visibility
/// map is stale (not vacuumed since the rows changed).
public struct HeapFetchesRule: Rule {
    public struct Options: RuleOptions {
        /// Fewer heap fetches than this over the whole execution are noise.
        public var minHeapFetches = 1_000.0
        /// Heap fetches per row returned from which the index-only scan is no longer "index only".
        public var minFetchRatio = 0.1
        /// The scan must account for at least this share of the statement (its own time, or its own
        /// estimated cost when the plan has no timing).
        public var minShare = 0.05
        /// Severity by the share of the statement's time the heap fetches explain.
        public var severityByShare = Levels(medium: 0.1, high: 0.3, critical: 0.6)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "plan-heap-fetches",
        title: "Index-only scan visits the heap",
        category: .plans,
        engines: [.postgres],
        requires: [.plans],
        summary: "An Index Only Scan fetched many rows from the table because the visibility map is stale.",
        rationale: """
            An Index Only Scan can skip the table only for pages the visibility map marks all-visible; for \
            every other row it fetches the heap tuple to check visibility (`Heap Fetches`), which costs a \
            random page read like a plain Index Scan. Pages lose the all-visible bit when rows on them are \
            inserted, updated or deleted, and get it back when VACUUM processes them. Many heap fetches \
            relative to the rows returned mean the table changes faster than (auto)vacuum visits it. `Heap \
            Fetches` is a total over all loops, so it is compared with actual rows × loops. The time \
            attributed to the problem is the scan's own time × the fraction of rows that needed a fetch \
            (a rough estimate: the fetches are usually the dearer part).

            **Fix:** `VACUUM (ANALYZE) schema.table;` now, then make autovacuum keep up with this table, e.g. \
            `ALTER TABLE schema.table SET (autovacuum_vacuum_scale_factor = 0.01, \
            autovacuum_vacuum_insert_scale_factor = 0.01);` (the insert threshold exists from PostgreSQL 13; \
            insert-only tables were never vacuumed before it). **Validate:** `SELECT relallvisible, relpages \
            FROM pg_class WHERE oid = 'schema.table'::regclass;` should show most pages all-visible, and \
            `EXPLAIN (ANALYZE, BUFFERS)` should show `Heap Fetches` near 0.

            Not reported: an Index Scan that could have been index-only with a covering index. The plan does \
            not say which columns the index holds, so that cannot be told reliably from EXPLAIN alone.
            """,
        examples: [
            RuleExample(
                "most rows fetched from the heap",
                plan: """
                    Index Only Scan using orders_customer_id_created_at_idx on orders  (cost=0.43..4521.43 rows=48210 width=12) (actual time=0.031..182.442 rows=50112 loops=1)
                      Index Cond: (customer_id = 42)
                      Heap Fetches: 41877
                      Buffers: shared hit=30211 read=12890
                    Planning Time: 0.110 ms
                    Execution Time: 186.002 ms
                    """,
                expecting: ["Index Only Scan using orders_customer_id_created_at_idx on orders"]),
            RuleExample(
                "a freshly vacuumed table",
                plan: """
                    Index Only Scan using orders_customer_id_created_at_idx on orders  (cost=0.43..1321.43 rows=48210 width=12) (actual time=0.025..9.114 rows=50112 loops=1)
                      Index Cond: (customer_id = 42)
                      Heap Fetches: 0
                      Buffers: shared hit=140
                    Planning Time: 0.098 ms
                    Execution Time: 11.420 ms
                    """,
                expecting: []),
            RuleExample(
                "a few heap fetches, under the floor",
                plan: """
                    Index Only Scan using orders_customer_id_created_at_idx on orders  (cost=0.43..1321.43 rows=48210 width=12) (actual time=0.027..12.801 rows=50112 loops=1)
                      Index Cond: (customer_id = 42)
                      Heap Fetches: 812
                      Buffers: shared hit=952
                    Planning Time: 0.101 ms
                    Execution Time: 14.930 ms
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
            guard node.operation == .indexOnlyScan, !node.neverExecuted,
                let fetches = node.heapFetches, fetches >= options.minHeapFetches,
                let rowsPerLoop = node.actualRows
            else { continue }
            let rows = rowsPerLoop * (node.loops ?? 1)
            // Rows filtered out after the fetch still cost it; with no rows returned every fetch is waste.
            let ratio = rows > 0 ? fetches / rows : 1
            guard ratio >= options.minFetchRatio,
                let share = nodeContext.plan.exclusiveShare(of: node), share >= options.minShare
            else { continue }
            findings.append(finding(nodeContext, fetches: fetches, rows: rows, ratio: ratio, nodeShare: share))
        }
        return findings
    }

    private func finding(
        _ context: PlanNodeContext, fetches: Double, rows: Double, ratio: Double, nodeShare: Double
    ) -> Finding {
        let node = context.node
        let fetchedFraction = min(1, ratio)
        let explainedShare = nodeShare * fetchedFraction
        let explainedTime = node.exclusiveTimeMs.map { $0 * fetchedFraction }
        var evidence = [
            Evidence("heap fetches", fetches, "rows"),
            Evidence("rows returned", rows, "rows"),
            Evidence("heap fetches per row returned", ratio * 100, "percent"),
        ]
        if let loops = node.loops, loops > 1 { evidence.append(Evidence("loops", loops, "loops")) }
        if let time = node.exclusiveTimeMs { evidence.append(Evidence("exclusive time", time, "ms")) }
        if let buffers = node.buffers, buffers.sharedRead > 0 {
            evidence.append(Evidence("shared blocks read", buffers.sharedRead, "blocks"))
        }
        let table = Self.qualifiedTable(node)
        return Finding(
            ruleId: Self.description.id,
            severity: options.severityByShare.severity(for: explainedShare),
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(context, fetches: fetches, rows: rows, ratio: ratio),
            evidence: evidence,
            impact: .plan(
                context.captured, timeMs: explainedTime, share: explainedShare,
                confidence: context.plan.hasTiming ? .medium : .low),
            recommendation: Self.recommendation(table: table),
            fixSQL: table.map { "VACUUM (ANALYZE) \($0);" },
            risk: "VACUUM reads every page not yet all-visible and adds I/O while it runs; it takes no lock that "
                + "blocks reads or writes, but on a large table run it off-peak or let autovacuum do it.",
            validation: Self.validation(table: table))
    }

    /// "public.orders" with each part quoted where PostgreSQL needs it; nil without a relation.
    private static func qualifiedTable(_ node: PlanNode) -> String? {
        node.relation.map { PlanFixSQL.qualifiedName(table: $0, schema: node.schema, engine: .postgres) }
    }
}

// MARK: - Messages

extension HeapFetchesRule {
    fileprivate static func message(_ context: PlanNodeContext, fetches: Double, rows: Double, ratio: Double) -> String
    {
        "\(context.displayName) (node \(context.node.id)) fetched \(Formatting.count(fetches)) rows from the table "
            + "for \(Formatting.count(rows)) rows returned (\(Formatting.percent(fraction: ratio))): "
            + "the visibility map is stale, so the index-only scan is not index-only."
    }

    fileprivate static func recommendation(table: String?) -> String {
        let target = table ?? "the table"
        return "Run VACUUM (ANALYZE) on \(target) and tune its autovacuum thresholds so the visibility map stays "
            + "current and the scan stops visiting the heap."
    }

    fileprivate static func validation(table: String?) -> String {
        let check =
            table.map {
                let literal = $0.replacingOccurrences(of: "'", with: "''")
                return "SELECT relallvisible, relpages FROM pg_class WHERE oid = '\(literal)'::regclass; "
                    + "should show most pages all-visible, and "
            } ?? ""
        return "\(check)EXPLAIN (ANALYZE, BUFFERS) should show Heap Fetches near 0 for this scan."
    }
}
