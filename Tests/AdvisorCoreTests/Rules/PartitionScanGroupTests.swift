import AdvisorCore
import Foundation
import TestSupport
import Testing

/// `plan-seq-scan-filter` on the partitions of a partitioned table: scans under one Append with the same
/// filter are judged and reported together, once, with the index on the parent.
struct PartitionScanGroupTests {
    private let rule = SeqScanFilterRule()
    private static let pathFilter = "((payload ->> 'path'::text) = '/products/42'::text)"

    private func partition(
        _ relation: String, alias: String?, removed: Double = 4_000, kept: Double = 1, timeMs: Double = 1,
        filter: String = pathFilter
    ) -> PlanNode {
        PlanBuilder.node(
            "Seq Scan", relation: relation, alias: alias, estimated: kept, actual: kept, timeMs: timeMs,
            filter: filter, removed: removed)
    }

    /// `count` partitions of `events` named by month, with PostgreSQL's aliases `events_1`….
    private func eventPartitions(_ count: Int, removed: Double = 4_000, alias: String = "events") -> [PlanNode] {
        (1...count).map { month in
            partition(String(format: "events_2024_%02d", month), alias: "\(alias)_\(month)", removed: removed)
        }
    }

    private func append(_ children: [PlanNode], nodeType: String = "Append") -> PlanNode {
        let time = children.compactMap(\.actualTotalTimeMs).reduce(0, +) + 0.1
        let rows = children.compactMap(\.actualRows).reduce(0, +)
        return PlanBuilder.node(nodeType, estimated: rows, actual: rows, timeMs: time, children: children)
    }

    private func findings(_ root: PlanNode, queryText: String? = nil) -> [Finding] {
        var snapshot = PlanBuilder.snapshot(root)
        snapshot.plans[0].plan.queryText = queryText
        return PlanBuilder.findings(rule, snapshot)
    }

    @Test func partitionsTooSmallAloneAreReportedOnceOnTheParent() throws {
        let root = append(eventPartitions(4))
        let findings = findings(root)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.object.name == "Seq Scan on 4 partitions of events")
        #expect(finding.object.node == 1)
        #expect(finding.fixSQL == "CREATE INDEX events_expr_idx ON events ((payload ->> 'path'::text));")
        #expect(finding.evidence.first { $0.name == "partitions" }?.value == 4)
        #expect(finding.evidence.first { $0.name == "rows read" }?.value == 16_004)
        #expect(finding.evidence.first { $0.name == "rows kept" }?.value == 4)
        #expect(finding.risk.contains("cannot CREATE INDEX CONCURRENTLY on a partitioned table"))
        #expect(finding.risk.contains("SHARE lock"))
        #expect(finding.risk.contains("ON ONLY events"))
        #expect(!finding.risk.contains("inferred"))
        #expect(finding.message.contains("together read 16,004 rows"))
        #expect(finding.message.contains("keeps only 4 of them (under 0.1 %)"))
        #expect(SeqScanFilterRule.description.rationale.contains("ATTACH PARTITION"))
    }

    @Test func scansThatWouldFireAloneAreReportedOnceNotPerPartition() throws {
        let root = append(eventPartitions(3, removed: 50_000))
        let findings = findings(root)
        #expect(findings.map(\.object.name) == ["Seq Scan on 3 partitions of events"])
    }

    @Test func aGroupBelowTheThresholdsLeavesItsLargePartitionToItself() {
        // Together the three keep over half the rows they read; the third alone keeps one row in 50,001.
        var children = (1...2).map {
            partition("events_2024_0\($0)", alias: "events_\($0)", removed: 100, kept: 30_000)
        }
        children.append(partition("events_2024_03", alias: "events_3", removed: 50_000, timeMs: 30))
        let findings = findings(append(children))
        #expect(findings.map(\.object.name) == ["Seq Scan on events_2024_03 events_3"])
        // The single scan keeps its own fix on the partition itself.
        #expect(findings.first?.fixSQL?.hasPrefix("CREATE INDEX CONCURRENTLY events_2024_03_expr_idx") == true)
    }

    @Test func onlyScansWithTheSameFilterAreGrouped() {
        var children = eventPartitions(2, removed: 6_000)
        children.append(
            partition("events_2024_03", alias: "events_3", removed: 6_000, filter: "(customer_id = 7)"))
        // The two scans with the path filter read 12,002 rows: a group; the odd one out is alone and small.
        #expect(findings(append(children)).map(\.object.name) == ["Seq Scan on 2 partitions of events"])
        let differentFilters = [
            partition("events_2024_01", alias: "events_1", removed: 6_000, filter: "(customer_id = 7)"),
            partition("events_2024_02", alias: "events_2", removed: 6_000, filter: "(customer_id = 8)"),
        ]
        #expect(findings(append(differentFilters)).isEmpty)
    }

    @Test func verboseFiltersQualifiedByThePartitionAliasAreTheSameFilter() throws {
        let children = (1...3).map { month in
            var node = partition(
                "events_2024_0\(month)", alias: "events_\(month)", removed: 5_000,
                filter: "((events_\(month).payload ->> 'path'::text) = '/products/42'::text)")
            node.schema = "public"
            return node
        }
        let finding = try #require(findings(append(children)).first)
        #expect(finding.object.name == "Seq Scan on 3 partitions of public.events")
        #expect(finding.fixSQL == "CREATE INDEX events_expr_idx ON public.events ((payload ->> 'path'::text));")
        #expect(finding.message.contains("their filter ((payload ->> 'path'::text) = '/products/42'::text)"))
    }

    @Test func aQueryAliasIsResolvedThroughTheStatementOrGuessedFromThePartitionNames() throws {
        let root = append(eventPartitions(4, alias: "e"))
        let guessed = try #require(findings(root).first)
        #expect(guessed.object.name == "Seq Scan on 4 partitions of events")
        #expect(guessed.risk.contains("inferred from the partitions' names"))
        let query = "SELECT e.id FROM events e JOIN customers c ON c.id = e.customer_id WHERE e.payload ->> 'path' = $1"
        let resolved = try #require(findings(root, queryText: query).first)
        #expect(resolved.object.name == "Seq Scan on 4 partitions of events")
        #expect(!resolved.risk.contains("inferred"))
    }

    @Test func partitionsWithoutAliasesAreNamedByTheirCommonPrefix() throws {
        let children = (1...3).map { partition("tprt_\($0)", alias: nil, removed: 5_000) }
        let finding = try #require(findings(append(children)).first)
        #expect(finding.object.name == "Seq Scan on 3 partitions of tprt")
        #expect(finding.fixSQL == "CREATE INDEX tprt_expr_idx ON tprt ((payload ->> 'path'::text));")
    }

    @Test func anUnknownParentGetsNoFix() throws {
        let children = [
            partition("orders_archive", alias: nil, removed: 6_000),
            partition("legacy_orders", alias: nil, removed: 6_000),
        ]
        let finding = try #require(findings(append(children)).first)
        #expect(finding.object.name == "Seq Scan on 2 partitions of an unidentified table")
        #expect(finding.fixSQL == nil)
        #expect(finding.recommendation.contains("could not be told"))
        #expect(finding.recommendation.contains("orders_archive, legacy_orders"))
    }

    @Test func theSameTableTwiceIsNotAPartitionedTable() {
        // UNION ALL of one table with itself: PostgreSQL prints `t` and `t t_1`.
        let children = [
            partition("events", alias: nil, removed: 6_000), partition("events", alias: "events_1", removed: 6_000),
        ]
        #expect(findings(append(children)).isEmpty)
    }

    @Test func perPartitionAggregatesAndParallelAppends() throws {
        let aggregated = eventPartitions(3, removed: 5_000).map { scan in
            PlanBuilder.node("Partial HashAggregate", estimated: 1, actual: 1, timeMs: 1.2, children: [scan])
        }
        let finding = try #require(findings(append(aggregated)).first)
        #expect(finding.object.name == "Seq Scan on 3 partitions of events")

        let parallel = eventPartitions(3, removed: 2_000).map { scan in
            var node = scan
            node.isParallelAware = true
            node.nodeType = "Parallel Seq Scan"
            node.loops = 3
            return node
        }
        var gather = PlanBuilder.node(
            "Gather", estimated: 3, actual: 3, timeMs: 5, children: [append(parallel, nodeType: "Parallel Append")])
        gather.workersPlanned = 2
        gather.workersLaunched = 2
        let parallelFinding = try #require(findings(gather).first)
        #expect(parallelFinding.object.name == "Parallel Seq Scan on 3 partitions of events")
        #expect(parallelFinding.object.node == 2)
        #expect(parallelFinding.evidence.first { $0.name == "rows read" }?.value == 18_009)
    }

    @Test func theKeyIgnoresThePartitionCount() throws {
        let four = try #require(findings(append(eventPartitions(4))).first)
        let five = try #require(findings(append(eventPartitions(5))).first)
        #expect(four.object.name != five.object.name)
        #expect(four.fingerprint == five.fingerprint)
    }

    @Test func mysqlScansAreNeverGrouped() {
        let tables = (1...3).map { number in
            PlanBuilder.node(
                "Table scan", operation: .seqScan, relation: "events_\(number)", alias: "events_\(number)",
                estimated: 1, actual: 1, timeMs: 2, filter: "(events_\(number).kind = 'view')", removed: 4_000)
        }
        let root = PlanBuilder.node("Append", operation: .append, estimated: 3, actual: 3, timeMs: 7, children: tables)
        #expect(PlanBuilder.findings(rule, PlanBuilder.snapshot(root, engine: .mysql, format: .mysqlTree)).isEmpty)
    }

    @Test func theCapturedFixtureGivesOneFindingWithAnExpressionIndexOnEvents() throws {
        for format in ["txt", "json"] {
            let path = "postgres/plans/partitioned_append.\(format)"
            let url = RepositoryPaths.fixtures.appendingPathComponent(path)
            let plans = try PlanReader.read(PlanInput(bytes: Array(try Data(contentsOf: url)), name: path))
            let findings = RuleEngine.defaults.run(Snapshot(plans: plans, source: path)).findings
            #expect(findings.map(\.object.name) == ["Seq Scan on 120 partitions of events"], "\(format)")
            let finding = try #require(findings.first)
            #expect(finding.ruleId == "plan-seq-scan-filter")
            #expect(finding.object.node == 1)
            #expect(finding.fixSQL == "CREATE INDEX events_expr_idx ON events ((payload ->> 'path'::text));")
            // 97 % of the statement, capped at high by the engine: the statement takes 23 ms + 8 ms planning.
            #expect(finding.severity == .high)
            let removed = try #require(finding.evidence.first { $0.name == "rows removed by filter" }?.value)
            #expect(removed > 99.9)
        }
    }
}
