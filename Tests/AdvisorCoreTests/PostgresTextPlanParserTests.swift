import AdvisorCore
import Foundation
import Testing

/// The text-format parser on small plans written for each feature.
@Suite struct PostgresTextPlanParserTests {
    static func parse(_ text: String) throws -> [Plan] {
        try PostgresTextPlanParser.parse(PlanInput(text: text, name: "plan.txt"))
    }

    static func plan(_ text: String) throws -> Plan {
        let plans = try parse(text)
        #expect(plans.count == 1)
        return try #require(plans.first)
    }

    static func node(_ line: String) throws -> PlanNode {
        try plan(line).root
    }

    static func property(_ node: PlanNode, _ name: String) -> String? {
        node.properties.first { $0.name == name }?.value
    }

    // MARK: - Node lines

    @Test func nodeLineWithEstimatesAndActuals() throws {
        let plan = try Self.plan(
            "Seq Scan on public.orders o  (cost=0.00..35.50 rows=2550 width=4) "
                + "(actual time=0.010..0.250 rows=2500 loops=3)")
        let root = plan.root
        #expect(root.nodeType == "Seq Scan")
        #expect(root.operation == .seqScan)
        #expect(root.schema == "public")
        #expect(root.relation == "orders")
        #expect(root.alias == "o")
        #expect(root.startupCost == 0)
        #expect(root.totalCost == 35.5)
        #expect(root.estimatedRows == 2550)
        #expect(root.estimatedWidth == 4)
        #expect(root.actualStartupTimeMs == 0.01)
        #expect(root.actualTotalTimeMs == 0.25)
        #expect(root.actualRows == 2500)
        #expect(root.loops == 3)
        #expect(plan.hasActuals && plan.hasTiming)
        #expect(plan.engine == .postgres && plan.format == .postgresText)
        #expect(root.id == 0 && root.inclusiveTimeMs == nil)
    }

    @Test func aliasEqualToTheTableIsNotRepeated() throws {
        let root = try Self.node("Seq Scan on orders orders  (cost=0.00..1.00 rows=1 width=4)")
        #expect(root.relation == "orders")
        #expect(root.alias == nil)
    }

    @Test func timingOffHasActualsWithoutTimes() throws {
        let plan = try Self.plan("Seq Scan on t  (cost=0.00..1.00 rows=1 width=4) (actual rows=5 loops=2)")
        #expect(plan.hasActuals)
        #expect(!plan.hasTiming)
        #expect(plan.root.actualRows == 5 && plan.root.loops == 2)
        #expect(plan.root.actualTotalTimeMs == nil)
    }

    @Test func costsOffWithoutAnalyze() throws {
        let plan = try Self.plan(
            """
            Hash Join
              Hash Cond: (a.id = b.id)
              ->  Seq Scan on a
              ->  Hash
                    ->  Seq Scan on b
            """)
        #expect(!plan.hasActuals)
        #expect(plan.root.nodeType == "Hash Join" && plan.root.hashCondition == "(a.id = b.id)")
        #expect(plan.root.children.map(\.nodeType) == ["Seq Scan", "Hash"])
        #expect(plan.root.children[1].children.first?.relation == "b")
    }

    @Test func neverExecutedGetsZeroActualsLikeTheJSONFormat() throws {
        let plan = try Self.plan(
            """
            Nested Loop  (cost=0.00..2.00 rows=1 width=8) (actual time=0.010..0.020 rows=0 loops=1)
              ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4) (actual time=0.005..0.006 rows=0 loops=1)
              ->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4) (never executed)
            """)
        let inner = plan.root.children[1]
        #expect(inner.neverExecuted)
        #expect(inner.loops == 0 && inner.actualRows == 0)
        #expect(inner.actualTotalTimeMs == 0 && inner.actualStartupTimeMs == 0)
    }

    @Test func fractionalRowsOfPostgres18() throws {
        let root = try Self.node(
            "Seq Scan on t  (cost=0.00..1.00 rows=10 width=4) (actual time=0.1..0.2 rows=2.50 loops=4)")
        #expect(root.actualRows == 2.5)
    }

    @Test(arguments: [
        ("Hash Join", "Hash Join", "Inner"), ("Hash Left Join", "Hash Join", "Left"),
        ("Hash Right Anti Join", "Hash Join", "Right Anti"), ("Merge Full Join", "Merge Join", "Full"),
        ("Merge Join", "Merge Join", "Inner"), ("Nested Loop", "Nested Loop", "Inner"),
        ("Nested Loop Anti Join", "Nested Loop", "Anti"), ("Nested Loop Semi Join", "Nested Loop", "Semi"),
        ("Hash Right Semi Join", "Hash Join", "Right Semi"),
    ])
    func joinTypesAreSplitOutAsInTheJSONFormat(name: String, nodeType: String, joinType: String) throws {
        let root = try Self.node("\(name)  (cost=1.00..2.00 rows=1 width=8)")
        #expect(root.nodeType == nodeType)
        #expect(root.joinType == joinType)
    }

    @Test(arguments: [
        ("Aggregate", "Plain"), ("GroupAggregate", "Sorted"), ("HashAggregate", "Hashed"), ("MixedAggregate", "Mixed"),
        ("Partial HashAggregate", "Hashed"), ("Finalize GroupAggregate", "Sorted"), ("Finalize Aggregate", "Plain"),
    ])
    func aggregatesKeepTheirNameAndGetTheJSONStrategy(name: String, strategy: String) throws {
        let root = try Self.node("\(name)  (cost=1.00..2.00 rows=1 width=8)")
        #expect(root.nodeType == name)
        #expect(root.operation == .aggregate)
        #expect(root.strategy == strategy)
        #expect(root.properties.isEmpty)
    }

    @Test func indexScans() throws {
        let forward = try Self.node("Index Scan using orders_pkey on public.orders o  (cost=0.29..8.30 rows=1 width=4)")
        #expect(forward.nodeType == "Index Scan" && forward.strategy == "Forward")
        #expect(forward.index == "orders_pkey" && forward.relation == "orders" && forward.schema == "public")
        #expect(forward.alias == "o")
        let backward = try Self.node("Index Only Scan Backward using t_pkey on t  (cost=0.29..8.30 rows=1 width=4)")
        #expect(backward.nodeType == "Index Only Scan" && backward.strategy == "Backward")
        #expect(backward.index == "t_pkey" && backward.relation == "t")
        let bitmap = try Self.node("Bitmap Index Scan on t_idx  (cost=0.00..4.30 rows=10 width=0)")
        #expect(bitmap.nodeType == "Bitmap Index Scan" && bitmap.index == "t_idx" && bitmap.relation == nil)
        let quoted = try Self.node(
            #"Index Scan using "Weird ""Idx""" on "My Schema"."My Table" "m t"  (cost=0.29..8.30 rows=1 width=4)"#)
        #expect(quoted.index == #"Weird "Idx""#)
        #expect(quoted.schema == "My Schema" && quoted.relation == "My Table" && quoted.alias == "m t")
    }

    @Test func otherScanTargets() throws {
        let cte = try Self.node("CTE Scan on recent r  (cost=0.00..0.02 rows=1 width=4)")
        #expect(cte.nodeType == "CTE Scan" && cte.cteName == "recent" && cte.alias == "r" && cte.relation == nil)
        let function = try Self.node(
            "Function Scan on pg_catalog.generate_series g  (cost=0.00..10.00 rows=1000 width=4)")
        #expect(function.functionName == "generate_series" && function.schema == "pg_catalog" && function.alias == "g")
        let subquery = try Self.node("Subquery Scan on sub  (cost=0.00..1.00 rows=1 width=4)")
        #expect(subquery.nodeType == "Subquery Scan" && subquery.alias == "sub")
        let values = try Self.node(#"Values Scan on "*VALUES*"  (cost=0.00..0.04 rows=3 width=4)"#)
        #expect(values.alias == "*VALUES*")
        let heap = try Self.node("Parallel Bitmap Heap Scan on t  (cost=4.30..20.00 rows=10 width=4)")
        #expect(heap.nodeType == "Parallel Bitmap Heap Scan" && heap.isParallelAware && heap.relation == "t")
        let parallel = try Self.node("Parallel Seq Scan on big  (cost=0.00..100.00 rows=1000 width=4)")
        #expect(parallel.nodeType == "Parallel Seq Scan" && parallel.isParallelAware && parallel.operation == .seqScan)
        let tid = try Self.node("Tid Range Scan on t  (cost=0.00..1.00 rows=1 width=6)")
        #expect(tid.operation == .tidScan && tid.relation == "t")
    }

    @Test func modifyTableNodes() throws {
        for operation in ["Insert", "Update", "Delete", "Merge"] {
            let root = try Self.node("\(operation) on public.t x  (cost=0.00..1.00 rows=0 width=0)")
            #expect(root.nodeType == "ModifyTable" && root.operation == .modifyTable)
            #expect(Self.property(root, "Operation") == operation)
            #expect(root.relation == "t" && root.schema == "public" && root.alias == "x")
        }
        let partitioned = try Self.plan(
            """
            Update on parent  (cost=0.00..2.00 rows=0 width=0)
              Update on part_1 parent_1
              Update on part_2 parent_2
              ->  Append  (cost=0.00..2.00 rows=2 width=10)
                    ->  Seq Scan on part_1 parent_1  (cost=0.00..1.00 rows=1 width=10)
                    ->  Seq Scan on part_2 parent_2  (cost=0.00..1.00 rows=1 width=10)
            """)
        #expect(
            partitioned.root.properties.filter { $0.name == "Target Table" }.map(\.value) == [
                "Update on part_1 parent_1", "Update on part_2 parent_2",
            ])
        #expect(partitioned.root.children.first?.children.count == 2)
    }

    @Test func miscellaneousNodes() throws {
        let setOp = try Self.node("HashSetOp Except All  (cost=0.00..1.00 rows=1 width=4)")
        #expect(setOp.nodeType == "HashSetOp" && setOp.strategy == "Hashed")
        #expect(Self.property(setOp, "Command") == "Except All")
        let custom = try Self.node("Custom Scan (ChunkAppend) on metrics  (cost=0.00..1.00 rows=1 width=4)")
        #expect(custom.nodeType == "Custom Scan" && custom.relation == "metrics")
        #expect(Self.property(custom, "Custom Plan Provider") == "ChunkAppend")
        let foreign = try Self.node("Async Foreign Scan on remote_t r  (cost=100.00..200.00 rows=10 width=4)")
        #expect(foreign.nodeType == "Foreign Scan" && foreign.relation == "remote_t" && foreign.alias == "r")
        #expect(Self.property(foreign, "Async Capable") == "true" && Self.property(foreign, "Operation") == "Select")
        let memoize = try Self.node("Memoize  (cost=0.30..8.32 rows=1 width=4)")
        #expect(memoize.operation == .memoize)
        let gather = try Self.node("Gather Merge  (cost=1000.00..2000.00 rows=100 width=4)")
        #expect(gather.operation == .gatherMerge)
        let unknown = try Self.node("Frobnicate Scan on t  (cost=0.00..1.00 rows=1 width=4)")
        #expect(unknown.nodeType == "Frobnicate Scan" && unknown.relation == "t" && unknown.operation == .other)
    }

    @Test func appendWithHundredsOfChildren() throws {
        var lines = ["Append  (cost=0.00..300.00 rows=300 width=4) (actual time=0.01..3.00 rows=300 loops=1)"]
        for index in 0..<300 {
            lines.append(
                "  ->  Seq Scan on part_\(index)  (cost=0.00..1.00 rows=1 width=4) (actual time=0.01..0.01 rows=1 loops=1)"
            )
            lines.append("        Filter: (x = \(index))")
        }
        let root = try Self.node(lines.joined(separator: "\n"))
        #expect(root.children.count == 300)
        #expect(root.children.allSatisfy { $0.parentRelationship == "Member" })
        #expect(root.children[299].relation == "part_299" && root.children[299].filter == "(x = 299)")
    }

    @Test func childrenAreNamedOuterAndInner() throws {
        let plan = try Self.plan(
            """
            Hash Join  (cost=1.00..2.00 rows=1 width=8)
              Hash Cond: (a.id = b.id)
              ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)
              ->  Hash  (cost=1.00..1.00 rows=1 width=4)
                    ->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4)
            """)
        #expect(plan.root.children.map(\.parentRelationship) == ["Outer", "Inner"])
        #expect(plan.root.children[1].children.first?.parentRelationship == "Outer")
    }

    // MARK: - Sub-plans

    @Test func subPlansHangUnderTheirNodeWithJSONNames() throws {
        let plan = try Self.plan(
            """
            Result  (cost=0.01..10.02 rows=1 width=4) (actual time=0.1..0.2 rows=1 loops=1)
              One-Time Filter: ($0 > 1)
              CTE recent
                ->  Seq Scan on orders  (cost=0.00..1.00 rows=1 width=4) (actual time=0.01..0.02 rows=1 loops=1)
              InitPlan 1 (returns $0)
                ->  Limit  (cost=0.00..0.01 rows=1 width=4) (actual time=0.01..0.01 rows=1 loops=1)
                      ->  Seq Scan on t  (cost=0.00..1.00 rows=100 width=4) (actual time=0.01..0.01 rows=1 loops=1)
              InitPlan 2
                ->  Result  (cost=0.00..0.01 rows=1 width=4) (actual time=0.01..0.01 rows=1 loops=1)
              ->  CTE Scan on recent  (cost=0.00..0.02 rows=1 width=4) (actual time=0.01..0.02 rows=1 loops=1)
                    Filter: (x > (InitPlan 2).col1)
              SubPlan 3
                ->  Seq Scan on u  (cost=0.00..1.00 rows=1 width=4) (actual time=0.01..0.01 rows=1 loops=10)
            """)
        let children = plan.root.children
        #expect(children.map(\.nodeType) == ["Seq Scan", "Limit", "Result", "CTE Scan", "Seq Scan"])
        #expect(children.map(\.parentRelationship) == ["InitPlan", "InitPlan", "InitPlan", "Outer", "SubPlan"])
        #expect(
            children.map(\.subplanName) == ["CTE recent", "InitPlan 1 (returns $0)", "InitPlan 2", nil, "SubPlan 3"])
        #expect(children[1].children.first?.relation == "t")
        #expect(children[3].filter == "(x > (InitPlan 2).col1)")
        #expect(Self.property(plan.root, "One-Time Filter") == "($0 > 1)")
    }

    @Test func nestedInitPlans() throws {
        let plan = try Self.plan(
            """
             Index Scan using c_oid on c  (cost=0.17..8.44 rows=1 width=4)
               Index Cond: (oid = $1)
               InitPlan 2 (returns $1)
                 ->  Result  (cost=0.16..0.17 rows=1 width=0)
                       InitPlan 1 (returns $0)
                         ->  Limit  (cost=0.00..0.16 rows=1 width=4)
            """)
        let outer = try #require(plan.root.children.first)
        #expect(outer.subplanName == "InitPlan 2 (returns $1)")
        #expect(outer.children.first?.subplanName == "InitPlan 1 (returns $0)")
    }

    // MARK: - Properties

    @Test func conditionsAndCounters() throws {
        let root = try Self.node(
            """
            Bitmap Heap Scan on t  (cost=4.30..20.00 rows=10 width=4) (actual time=0.1..0.5 rows=8 loops=1)
              Output: a, (b + 1), f(c, d), 'x,y'::text
              Recheck Cond: (a > 1)
              Filter: (b < 2)
              Rows Removed by Filter: 3
              Rows Removed by Index Recheck: 4
              Heap Blocks: exact=12 lossy=30
              Heap Fetches: 7
              Index Cond: (a > 1)
              Join Filter: (x = y)
              Rows Removed by Join Filter: 5
              Hash Cond: (h = i)
              Merge Cond: (m = n)
              Group Key: a, b
              Index Searches: 1
            """)
        #expect(root.output == ["a", "(b + 1)", "f(c, d)", "'x,y'::text"])
        #expect(root.recheckCondition == "(a > 1)" && root.filter == "(b < 2)" && root.indexCondition == "(a > 1)")
        #expect(
            root.rowsRemovedByFilter == 3 && root.rowsRemovedByIndexRecheck == 4 && root.rowsRemovedByJoinFilter == 5)
        #expect(root.exactHeapBlocks == 12 && root.lossyHeapBlocks == 30 && root.heapFetches == 7)
        #expect(root.joinFilter == "(x = y)" && root.hashCondition == "(h = i)" && root.mergeCondition == "(m = n)")
        #expect(root.properties.map(\.name) == ["Group Key", "Index Searches"])
        #expect(Self.property(root, "Group Key") == "a, b")
    }

    @Test func linesWithoutAFieldAreKeptInOrder() throws {
        let plan = try Self.plan(
            """
            Incremental Sort  (cost=10.00..20.00 rows=100 width=8) (actual rows=70 loops=1)
              Sort Key: a, b
              Presorted Key: a
              Full-sort Groups: 1  Sort Method: quicksort  Average Memory: 26kB  Peak Memory: 26kB
              ->  Subquery Scan on s  (cost=0.00..10.00 rows=100 width=8) (actual rows=70 loops=1)
                    Disabled: true
                    ->  Materialize  (cost=0.00..10.00 rows=100 width=8) (actual rows=70 loops=1)
                          Storage: Memory  Maximum Storage: 17kB
            """)
        #expect(plan.root.properties.map(\.name) == ["Presorted Key", "Full-sort Groups"])
        #expect(Self.property(plan.root, "Full-sort Groups")?.hasPrefix("1  Sort Method: quicksort") == true)
        let subquery = try #require(plan.root.children.first)
        #expect(Self.property(subquery, "Disabled") == "true")
        #expect(subquery.children.first?.parentRelationship == "Subquery")
        #expect(subquery.children.first.map { Self.property($0, "Storage") } == "Memory")
        #expect(subquery.children.first.map { Self.property($0, "Maximum Storage") } == "17kB")
    }

    @Test(arguments: [
        ("quicksort  Memory: 25kB", "quicksort", "Memory", 25.0),
        ("external merge  Disk: 1234kB", "external merge", "Disk", 1234.0),
        ("top-N heapsort  Memory: 26kB", "top-N heapsort", "Memory", 26.0),
        (" quicksort  Memory: 3536kB", "quicksort", "Memory", 3536.0),
    ])
    func sortMethods(line: String, method: String, type: String, kilobytes: Double) throws {
        let root = try Self.node(
            "Sort  (cost=1.00..2.00 rows=1 width=4)\n  Sort Key: a, b DESC\n  Sort Method: \(line)")
        #expect(root.sortKey == ["a", "b DESC"])
        #expect(root.sortMethod == method && root.sortSpaceType == type && root.sortSpaceUsedKB == kilobytes)
    }

    @Test func hashAndHashAggregateCounters() throws {
        let hash = try Self.node(
            "Hash  (cost=1.00..1.00 rows=1 width=4)\n  Buckets: 1024 (originally 512)  Batches: 4 (originally 1)  Memory Usage: 25kB"
        )
        #expect(hash.hashBuckets == 1024 && hash.originalHashBuckets == 512)
        #expect(hash.hashBatches == 4 && hash.originalHashBatches == 1 && hash.peakMemoryUsageKB == 25)
        let plain = try Self.node(
            "Hash  (cost=1.00..1.00 rows=1 width=4)\n  Buckets: 1024  Batches: 1  Memory Usage: 9kB")
        #expect(plain.originalHashBuckets == 1024 && plain.originalHashBatches == 1)
        let aggregate = try Self.node(
            "HashAggregate  (cost=1.00..2.00 rows=1 width=4)\n"
                + "  Group Key: name\n  Planned Partitions: 32  Batches: 193  Memory Usage: 4153kB  Disk Usage: 31752kB"
        )
        #expect(aggregate.hashBatches == 193 && aggregate.peakMemoryUsageKB == 4153 && aggregate.diskUsageKB == 31752)
        #expect(aggregate.originalHashBatches == nil && Self.property(aggregate, "Planned Partitions") == "32")
    }

    @Test func memoizeCounters() throws {
        let root = try Self.node(
            """
            Memoize  (cost=0.30..8.32 rows=1 width=4) (actual time=0.001..0.001 rows=1 loops=1000)
              Cache Key: t.a
              Cache Mode: logical
              Hits: 990  Misses: 10  Evictions: 0  Overflows: 0  Memory Usage: 2kB
            """)
        #expect(Self.property(root, "Cache Key") == "t.a" && Self.property(root, "Cache Mode") == "logical")
        #expect(Self.property(root, "Cache Hits") == "990" && Self.property(root, "Cache Misses") == "10")
        #expect(Self.property(root, "Cache Evictions") == "0" && Self.property(root, "Cache Overflows") == "0")
        #expect(root.peakMemoryUsageKB == 2)
    }

    @Test func buffersIOTimingsAndWAL() throws {
        let root = try Self.node(
            """
            Seq Scan on t  (cost=0.00..1.00 rows=1 width=4) (actual time=0.1..0.2 rows=1 loops=1)
              Buffers: shared hit=1 read=2 dirtied=3 written=4, local hit=5 read=6 dirtied=7 written=8, temp read=9 written=10
              I/O Timings: shared read=1.5 write=2.5, local read=0.5, temp read=3.25 write=4.75
              WAL: records=20 fpi=1 bytes=1320 buffers full=0
            """)
        let buffers = try #require(root.buffers)
        #expect(
            buffers.sharedHit == 1 && buffers.sharedRead == 2 && buffers.sharedDirtied == 3
                && buffers.sharedWritten == 4)
        #expect(
            buffers.localHit == 5 && buffers.localRead == 6 && buffers.localDirtied == 7 && buffers.localWritten == 8)
        #expect(buffers.tempRead == 9 && buffers.tempWritten == 10)
        #expect(buffers.readTimeMs == 2 && buffers.writeTimeMs == 2.5)
        #expect(buffers.tempReadTimeMs == 3.25 && buffers.tempWriteTimeMs == 4.75)
        #expect(Self.property(root, "WAL Records") == "20" && Self.property(root, "WAL FPI") == "1")
        #expect(Self.property(root, "WAL Bytes") == "1320" && Self.property(root, "WAL Buffers Full") == "0")
    }

    @Test(
        arguments: [
            ("read=1.116 write=0.5", 1.116, 0.5, nil),
            ("shared/local read=2.0 write=1.0, temp read=3.0", 2.0, 1.0, 3.0),
            ("temp write=16.5", nil, nil, nil),
        ] as [(String, Double?, Double?, Double?)])
    func ioTimingsOfEachRelease(line: String, read: Double?, write: Double?, tempRead: Double?) throws {
        let root = try Self.node("Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n  I/O Timings: \(line)")
        #expect(root.buffers?.readTimeMs == read && root.buffers?.writeTimeMs == write)
        #expect(root.buffers?.tempReadTimeMs == tempRead)
    }

    @Test func parallelWorkersAndPerWorkerDetails() throws {
        let plan = try Self.plan(
            """
            Gather  (cost=1000.00..2000.00 rows=100 width=4) (actual time=1.0..5.0 rows=100 loops=1)
              Workers Planned: 2
              Workers Launched: 1
              ->  Sort  (cost=900.00..950.00 rows=50 width=4) (actual time=1.0..4.0 rows=50 loops=2)
                    Sort Key: a
                    Sort Method: quicksort  Memory: 25kB
                    Worker 0:  Sort Method: quicksort  Memory: 26kB
                    Worker 0:  actual time=1.1..4.1 rows=49 loops=1
                      Buffers: shared hit=10
                      JIT:
                        Functions: 2
                    Buffers: shared hit=20
            """)
        #expect(plan.root.workersPlanned == 2 && plan.root.workersLaunched == 1)
        let sort = try #require(plan.root.children.first)
        #expect(sort.sortMethod == "quicksort" && sort.sortSpaceUsedKB == 25)
        #expect(
            sort.properties == [
                PlanProperty(
                    "Worker 0",
                    "Sort Method: quicksort  Memory: 26kB, Actual Startup Time: 1.1, Actual Total Time: 4.1, "
                        + "Actual Rows: 49, Actual Loops: 1, Buffers: shared hit=10, JIT Functions: 2")
            ])
        #expect(sort.buffers?.sharedHit == 20)
        #expect(plan.jit == nil)
    }

    // MARK: - Statement level

    @Test func statementLevelLines() throws {
        let plan = try Self.plan(
            """
             Insert on foo  (cost=0.00..0.01 rows=1 width=24) (actual time=0.2..0.2 rows=0 loops=1)
               ->  Result  (cost=0.00..0.01 rows=1 width=24) (actual time=0.01..0.01 rows=1 loops=1)
             Query Identifier: -5424821330993577306
             Settings: work_mem = '100MB', search_path = 'public, "$user"', random_page_cost = '1.1'
             Planning:
               Buffers: shared hit=3 read=1
               I/O Timings: shared read=0.073
               Memory: used=6kB  allocated=8kB
             Planning Time: 0.098 ms
             Serialization: time=4.690 ms  output=31251kB  format=text
               Buffers: shared hit=200
             Trigger trig_a on foo: time=1.234 calls=3
             Trigger for constraint fk_bar: time=2.5 calls=1
             Trigger RI_ConstraintTrigger_a_1 for constraint fk_baz on foo: calls=2
             JIT:
               Functions: 3
               Options: Inlining false, Optimization false, Expressions true, Deforming true
               Timing: Generation 0.340 ms (Deform 0.134 ms), Inlining 0.000 ms, Optimization 0.168 ms, Emission 1.907 ms, Total 2.414 ms
             Execution Time: 11.797 ms
            """)
        #expect(plan.planningTimeMs == 0.098 && plan.executionTimeMs == 11.797)
        #expect(plan.settings == ["work_mem": "100MB", "search_path": #"public, "$user""#, "random_page_cost": "1.1"])
        #expect(plan.planningBuffers?.sharedHit == 3 && plan.planningBuffers?.sharedRead == 1)
        #expect(plan.planningBuffers?.readTimeMs == 0.073)
        #expect(
            plan.triggers == [
                TriggerTime(name: "trig_a", relation: "foo", timeMs: 1.234, calls: 3),
                TriggerTime(name: "fk_bar", timeMs: 2.5, calls: 1),
                TriggerTime(name: "RI_ConstraintTrigger_a_1", relation: "foo", calls: 2),
            ])
        #expect(
            plan.jit
                == JITSummary(
                    functions: 3, generationTimeMs: 0.34, inliningTimeMs: 0, optimizationTimeMs: 0.168,
                    emissionTimeMs: 1.907,
                    totalTimeMs: 2.414))
        #expect(
            plan.properties == [
                PlanProperty("Query Identifier", "-5424821330993577306"), PlanProperty("Planning Memory Used", "6"),
                PlanProperty("Planning Memory Allocated", "8"),
                PlanProperty("Serialization", "time=4.690 ms  output=31251kB  format=text"),
                PlanProperty("Serialization Buffers", "shared hit=200"),
                PlanProperty("JIT Options", "Inlining false, Optimization false, Expressions true, Deforming true"),
                PlanProperty("JIT Generation Deform", "0.134"),
            ])
        #expect(plan.root.children.count == 1 && plan.root.properties.map(\.name) == ["Operation"])
    }

    @Test func oldReleasesWordTimesDifferently() throws {
        let plan = try Self.plan(
            """
            Seq Scan on t  (cost=0.00..1.00 rows=1 width=4) (actual time=0.01..0.02 rows=1 loops=1)
            Planning time: 0.5 ms
            Execution time: 1.5 ms
            """)
        #expect(plan.planningTimeMs == 0.5 && plan.executionTimeMs == 1.5)
        let old = try Self.plan(
            "Seq Scan on t  (cost=0.00..1.00 rows=1 width=4) (actual time=0.01..0.02 rows=1 loops=1)\nTotal runtime: 0.083 ms"
        )
        #expect(old.executionTimeMs == 0.083)
    }

    // MARK: - What clients add

    static let expectedFrameRoot = "Nested Loop"

    @Test(arguments: [
        // psql, border 1 (the default).
        """
                                      QUERY PLAN
        -----------------------------------------------------------------------
         Nested Loop  (cost=0.00..2.00 rows=1 width=8)
           ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)
                 Filter: (x = 1)
           ->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4)
         Planning Time: 0.053 ms
        (5 rows)

        """,
        // psql, border 2.
        """
        +----------------------------------------------------------+
        |                        QUERY PLAN                        |
        +----------------------------------------------------------+
        | Nested Loop  (cost=0.00..2.00 rows=1 width=8)            |
        |   ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)    |
        |         Filter: (x = 1)                                  |
        |   ->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4)    |
        | Planning Time: 0.053 ms                                  |
        +----------------------------------------------------------+
        (5 rows)
        """,
        // psql, Unicode border 2.
        """
        ┌──────────────────────────────────────────────────────────┐
        │                        QUERY PLAN                        │
        ├──────────────────────────────────────────────────────────┤
        │ Nested Loop  (cost=0.00..2.00 rows=1 width=8)            │
        │   ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)    │
        │         Filter: (x = 1)                                  │
        │   ->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4)    │
        │ Planning Time: 0.053 ms                                  │
        └──────────────────────────────────────────────────────────┘
        """,
        // DBeaver: a bar at the end only.
        """
        QUERY PLAN                                               |
        ---------------------------------------------------------+
        Nested Loop  (cost=0.00..2.00 rows=1 width=8)            |
          ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)    |
                Filter: (x = 1)                                  |
          ->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4)    |
        Planning Time: 0.053 ms                                  |
        """,
        // One cell holding the whole plan: psql marks each line break with "+".
        """
                            QUERY PLAN
        ---------------------------------------------------
         Nested Loop  (cost=0.00..2.00 rows=1 width=8)    +
           ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)+
                 Filter: (x = 1)                          +
           ->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4)+
         Planning Time: 0.053 ms
        (1 row)
        """,
        // psql's expanded mode.
        """
        -[ RECORD 1 ]-----------------------------------------------
        QUERY PLAN | Nested Loop  (cost=0.00..2.00 rows=1 width=8)
        -[ RECORD 2 ]-----------------------------------------------
        QUERY PLAN |   ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)
        -[ RECORD 3 ]-----------------------------------------------
        QUERY PLAN |         Filter: (x = 1)
        -[ RECORD 4 ]-----------------------------------------------
        QUERY PLAN |   ->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4)
        -[ RECORD 5 ]-----------------------------------------------
        QUERY PLAN | Planning Time: 0.053 ms
        """,
        // pgAdmin / CSV: every line quoted.
        """
        "Nested Loop  (cost=0.00..2.00 rows=1 width=8)"
        "  ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)"
        "        Filter: (x = 1)"
        "  ->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4)"
        "Planning Time: 0.053 ms"
        """,
        // Single quotes.
        """
        'Nested Loop  (cost=0.00..2.00 rows=1 width=8)'
        '  ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)'
        '        Filter: (x = 1)'
        '  ->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4)'
        'Planning Time: 0.053 ms'
        """,
        // Tabs for indentation, Windows line ends.
        "Nested Loop  (cost=0.00..2.00 rows=1 width=8)\r\n\t->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)\r\n"
            + "\t\t\tFilter: (x = 1)\r\n\t->  Seq Scan on b  (cost=0.00..1.00 rows=1 width=4)\r\nPlanning Time: 0.053 ms\r\n",
    ])
    func framesAndQuotesAreRemoved(text: String) throws {
        let plan = try Self.plan(text)
        #expect(plan.root.nodeType == Self.expectedFrameRoot)
        #expect(plan.root.children.map(\.relation) == ["a", "b"])
        #expect(plan.root.children.first?.filter == "(x = 1)")
        #expect(plan.planningTimeMs == 0.053)
    }

    @Test func settingsEndingInAQuoteSurviveLineQuoteDetection() throws {
        let plan = try Self.plan(
            """
            Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)
              Filter: (name = 'x'::text)
            Settings: work_mem = '64MB'
            """)
        #expect(plan.settings == ["work_mem": "64MB"])
        #expect(plan.root.filter == "(name = 'x'::text)")
    }

    @Test func psqlSessionGivesTheStatement() throws {
        let plan = try Self.plan(
            """
            shop=# SET work_mem = '64MB';
            SET
            shop=# EXPLAIN (ANALYZE, BUFFERS)
            shop-# SELECT *
            shop-#   FROM orders WHERE id = 1;
                                     QUERY PLAN
            ------------------------------------------------------------
             Index Scan using orders_pkey on orders  (cost=0.29..8.30 rows=1 width=4) (actual time=0.01..0.02 rows=1 loops=1)
               Index Cond: (id = 1)
             Planning Time: 0.1 ms
             Execution Time: 0.2 ms
            (4 rows)

            Time: 1.234 ms
            shop=# \\q
            """)
        #expect(plan.queryText == "SELECT *\n  FROM orders WHERE id = 1;")
        #expect(plan.sourceLine == 6)
        #expect(plan.root.indexCondition == "(id = 1)")
        #expect(plan.properties.isEmpty)
    }

    @Test func autoExplainLogEntry() throws {
        let plan = try Self.plan(
            """
            LOG:  duration: 1681.452 ms  plan:
            \tQuery Text: SELECT *
            \t  FROM api_keys WHERE scope = $1;
            \tQuery Parameters: $1 = 'organization'
            \tSeq Scan on api_keys  (cost=0.00..11.93 rows=1 width=132) (actual time=0.01..1681.0 rows=1 loops=1)
            \t  Filter: (scope = 'organization'::text)
            """)
        #expect(plan.queryText == "SELECT *\n  FROM api_keys WHERE scope = $1;")
        #expect(plan.properties == [PlanProperty("Query Parameters", "$1 = 'organization'")])
        #expect(plan.root.relation == "api_keys" && plan.root.filter == "(scope = 'organization'::text)")
        #expect(plan.sourceLine == 1)
    }

    @Test func linesWrappedByATerminal() throws {
        let plan = try Self.plan(
            """
                                  QUERY PLAN
            ──────────────────────────────────────────────────────
             Sort  (cos
            t=32.88..32.9
            6 rows=32 width=224) (actual time=0.532..0.532\u{20}
            rows=0 loops=1)
               Sort Key: n.nspname
               ->  Hash Join  (cost=1.09..32.08 rows=32 width=224) (actual time=0.5
            24..0.525 rows=0 loops=1)
                     Join Filter: (n.a >
             n.b)
                     ->  Index Scan using pg_namespace_oid_index on pg_nam
            espace n  (cost=0.14..8.16 rows=1 width=68)
              (actual time=0.01..0.02 rows=1 loops=1)
             Execution Time: 0.616 ms
            """)
        let root = plan.root
        #expect(root.nodeType == "Sort" && root.startupCost == 32.88 && root.totalCost == 32.96)
        #expect(root.actualTotalTimeMs == 0.532 && root.actualRows == 0)
        let join = try #require(root.children.first)
        #expect(join.actualStartupTimeMs == 0.524 && join.joinFilter == "(n.a > n.b)")
        let scan = try #require(join.children.first)
        #expect(scan.relation == "pg_namespace" && scan.alias == "n" && scan.loops == 1)
        #expect(plan.executionTimeMs == 0.616)
    }

    @Test func severalPlansInOneFile() throws {
        let plans = try Self.parse(
            """
            db=# EXPLAIN SELECT 1;
                            QUERY PLAN
            ------------------------------------------
             Result  (cost=0.00..0.01 rows=1 width=4)
            (1 row)

            db=# EXPLAIN SELECT * FROM t;
                                 QUERY PLAN
            -----------------------------------------------------
             Seq Scan on t  (cost=0.00..35.50 rows=2550 width=4)
            (1 row)

            Seq Scan on u  (cost=0.00..1.00 rows=1 width=4)

            Seq Scan on v  (cost=0.00..1.00 rows=1 width=4)
            """)
        #expect(plans.map(\.root.nodeType) == ["Result", "Seq Scan", "Seq Scan", "Seq Scan"])
        #expect(plans.map(\.root.relation) == [nil, "t", "u", "v"])
        #expect(plans.map(\.queryText) == ["SELECT 1;", "SELECT * FROM t;", nil, nil])
        #expect(plans.map(\.sourceLine) == [2, 8, 13, 15])
    }

    @Test func hangingChildWhoseArrowLinesUpWithItsParent() throws {
        let plan = try Self.plan(
            """
            Delete on t  (cost=1.00..2.00 rows=0 width=0)
            ->  Seq Scan on t  (cost=0.00..1.00 rows=1 width=6)
            """)
        #expect(plan.root.children.first?.relation == "t")
    }

    // MARK: - Errors

    @Test func emptyInputIsAnError() {
        let error = #expect(throws: InputError.self) { try Self.parse(" \n\n ") }
        #expect(error?.reason.contains("empty") == true)
        #expect(error?.format == .postgresText)
    }

    @Test func textWithoutANodeIsAnError() {
        let error = #expect(throws: InputError.self) {
            try Self.parse("Hello,\nthe query is slow, can you help?\nFilter: something\n(3 rows)\n")
        }
        #expect(error?.reason.contains("no plan node found") == true)
        #expect(error?.file == "plan.txt")
    }

    @Test func binaryInputIsAnError() {
        let error = #expect(throws: InputError.self) {
            try PostgresTextPlanParser.parse(
                PlanInput(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], name: "x.png"))
        }
        #expect(error?.reason.contains("binary") == true)
        #expect(error?.line == 3)
    }

    @Test func brokenNumberNamesTheOriginalLineAndColumn() {
        let error = #expect(throws: InputError.self) {
            try Self.parse(
                """
                                 QUERY PLAN
                ---------------------------------------------
                 Limit  (cost=0.00..1.00 rows=1 width=4)
                   ->  Seq Scan on t  (cost=0.00..1x.00 rows=1 width=4)
                """)
        }
        #expect(error?.line == 4)
        #expect(error?.column == 36)
        #expect(error?.reason.contains("expected 'rows='") == true)
    }

    @Test func brokenNumberInAWrappedLineNamesThePhysicalLine() {
        let error = #expect(throws: InputError.self) {
            try Self.parse(
                "Limit  (cost=0.00..1.00 rows=1 width=4)\n  ->  Seq Scan on t  (cost=0.00..1.00 ro\nws=abc width=4)")
        }
        #expect(error?.line == 3)
        #expect(error?.column == 4)
        #expect(error?.reason.contains("expected a number after 'rows='") == true)
    }

    @Test func nodeWithoutAParentIsAnError() {
        let error = #expect(throws: InputError.self) {
            try Self.parse(
                """
                  Limit  (cost=0.00..1.00 rows=1 width=4)
                    ->  Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)
                ->  Seq Scan on u  (cost=0.00..1.00 rows=1 width=4)
                """)
        }
        #expect(error?.line == 3)
        #expect(error?.column == 1)
        #expect(error?.reason.contains("no parent") == true)
    }

    @Test func hugeCountsAreKeptAsText() throws {
        let plan = try Self.plan(
            """
            Gather  (cost=0.00..1.00 rows=1 width=4)
              Workers Planned: 99999999999999999999999999
            JIT:
              Functions: 123456789012345678901234567890
            """)
        #expect(plan.root.workersPlanned == nil)
        #expect(Self.property(plan.root, "Workers Planned") == "99999999999999999999999999")
        #expect(plan.jit?.functions == nil)
    }

    @Test func absurdNestingIsRefused() {
        var lines = ["Limit  (cost=0.00..1.00 rows=1 width=4)"]
        for depth in 1...1_100 {
            lines.append(String(repeating: " ", count: depth * 2) + "->  Limit  (cost=0.00..1.00 rows=1 width=4)")
        }
        let error = #expect(throws: InputError.self) { try Self.parse(lines.joined(separator: "\n")) }
        #expect(error?.reason.contains("nests deeper") == true)
    }

    @Test func arbitraryInputNeverCrashes() {
        var generator = SplitMix64(seed: 42)
        let vocabulary = [
            "->  ", "Seq Scan on t", "  (cost=", "0.00", "..", "1.5", " rows=", "7", " width=", "4", ")",
            "(actual time=",
            " loops=", "(never executed)", "InitPlan 1 (returns $0)", "SubPlan 2", "CTE x", "Filter: ", "Buffers: ",
            "shared hit=", "Worker 0:  ", "JIT:", "Planning:", "QUERY PLAN", "-----", "(3 rows)", "|", "│", "\"", "'",
            " +", "\n", "\n", "\n", "  ", "    ", "\t", "(", "Trigger t: time=", "Query Text: ", "Settings: a = '1'",
            "Hash Left Join", "Sort Method: ", "Buckets: ", "é", "\u{FFFD}", "\r", "Workers Planned: ",
            "99999999999999999999999999", "Functions: ", "-", "Time: ", "db=# EXPLAIN ", "duration: 1 ms  plan:",
            "Update on t", "Timing: Generation ", " ms, ", "Index Scan using ", " on ",
        ]
        for round in 0..<400 {
            var bytes: [UInt8] = []
            if round % 4 == 0 {
                for _ in 0..<Int(generator.next() % 600) {
                    bytes.append(UInt8(truncatingIfNeeded: generator.next() % 255 + 1))
                }
            } else {
                for _ in 0..<Int(generator.next() % 120) {
                    bytes += Array(vocabulary[Int(generator.next() % UInt64(vocabulary.count))].utf8)
                }
            }
            do {
                let plans = try PostgresTextPlanParser.parse(PlanInput(bytes: bytes, name: "fuzz"))
                #expect(!plans.isEmpty)
            } catch {
                #expect(error is InputError)
            }
        }
    }

    // MARK: - Size

    @Test func tenThousandNodes() throws {
        var lines = ["Append  (cost=0.00..30000.00 rows=10000 width=4) (actual time=0.01..300.00 rows=10000 loops=1)"]
        for index in 1..<10_000 {
            let indent = String(repeating: " ", count: 2 + (index % 3) * 6)
            lines.append(
                indent
                    + "->  Seq Scan on part_\(index) p  (cost=0.00..1.00 rows=1 width=4) (actual time=0.01..0.02 rows=1 loops=1)"
            )
            lines.append(indent + "      Filter: (x = \(index))")
            lines.append(indent + "      Buffers: shared hit=\(index) read=1")
        }
        let input = PlanInput(text: lines.joined(separator: "\n"), name: "big.txt")
        let start = ContinuousClock.now
        let plans = try PostgresTextPlanParser.parse(input)
        print("10,000-node text plan (\(input.bytes.count / 1024) KiB) parsed in \(ContinuousClock.now - start)")
        #expect(plans.first.map { $0.root.nodeCount } == 10_000)
    }
}

/// A small deterministic random number generator for the robustness test.
private struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
