import AdvisorCore
import Testing

/// A two-node plan as PostgreSQL 16 prints `EXPLAIN (ANALYZE, FORMAT JSON)`, without the outer brackets.
private let seqScanStatement = """
      {
        "Plan": {
          "Node Type": "Limit",
          "Startup Cost": 0.00,
          "Total Cost": 0.04,
          "Plan Rows": 1,
          "Plan Width": 194,
          "Actual Startup Time": 0.008,
          "Actual Total Time": 0.009,
          "Actual Rows": 1,
          "Actual Loops": 1,
          "Plans": [
            {
              "Node Type": "Seq Scan",
              "Parent Relationship": "Outer",
              "Relation Name": "pg_class",
              "Alias": "c",
              "Startup Cost": 0.00,
              "Total Cost": 10.81,
              "Plan Rows": 281,
              "Plan Width": 194,
              "Actual Startup Time": 0.007,
              "Actual Total Time": 0.007,
              "Actual Rows": 1,
              "Actual Loops": 1
            }
          ]
        },
        "Planning Time": 0.1,
        "Triggers": [
        ],
        "Execution Time": 0.044
      }
    """

private func parse(_ text: String) throws -> [Plan] {
    try PostgresJSONPlanParser.parse(PlanInput(text: text, name: "plan.json"))
}

private func parseError(_ text: String) -> InputError? {
    do {
        _ = try parse(text)
        return nil
    } catch {
        return error as? InputError
    }
}

/// psql's aligned output of a JSON plan: header, dashes, `+` after every line but the last, footer.
private func psqlFramed(_ json: String) -> String {
    let lines = json.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let width = lines.map(\.count).max() ?? 0
    let body = lines.enumerated().map { index, line in
        " " + line.padding(toLength: width, withPad: " ", startingAt: 0) + (index == lines.count - 1 ? "" : "+")
    }
    return
        ([String(repeating: " ", count: width / 2 - 4) + "QUERY PLAN", String(repeating: "-", count: width + 2)]
        + body + ["(1 row)", ""]).joined(separator: "\n")
}

private func expectSeqScanPlan(_ plan: Plan, line: Int = 1) {
    #expect(plan.engine == .postgres)
    #expect(plan.format == .postgresJSON)
    #expect(plan.sourceLine == line)
    #expect(plan.root.nodeType == "Limit")
    #expect(plan.root.operation == .limit)
    #expect(plan.root.children.map(\.nodeType) == ["Seq Scan"])
    #expect(plan.root.children.first?.relation == "pg_class")
    #expect(plan.root.children.first?.alias == "c")
    #expect(plan.root.children.first?.actualTotalTimeMs == 0.007)
    #expect(plan.executionTimeMs == 0.044)
    #expect(plan.hasActuals && plan.hasTiming)
}

// MARK: - Wrappers

@Suite struct PostgresJSONPlanWrapperTests {
    @Test func readsABareArray() throws {
        let plans = try parse("[\n\(seqScanStatement)\n]")
        #expect(plans.count == 1)
        expectSeqScanPlan(plans[0], line: 2)
        #expect(plans[0].planningTimeMs == 0.1)
    }

    @Test func readsABareObject() throws {
        let plans = try parse(seqScanStatement)
        #expect(plans.count == 1)
        expectSeqScanPlan(plans[0])
    }

    @Test func readsAutoExplainWithItsQueryText() throws {
        let text = """
            {
              "Query Text": "SELECT * FROM pg_class LIMIT 1;",
              "Query Parameters": "$1 = '42'",
              "Plan": {"Node Type": "Result", "Startup Cost": 0.00, "Total Cost": 0.01, "Plan Rows": 1, "Plan Width": 4}
            }
            """
        let plan = try #require(try parse(text).first)
        #expect(plan.queryText == "SELECT * FROM pg_class LIMIT 1;")
        #expect(plan.properties == [PlanProperty("Query Parameters", "$1 = '42'")])
        #expect(plan.root.nodeType == "Result")
        #expect(!plan.hasActuals && !plan.hasTiming)
    }

    @Test func readsAPsqlAlignedFrame() throws {
        let plans = try parse(psqlFramed("[\n\(seqScanStatement)\n]"))
        #expect(plans.count == 1)
        expectSeqScanPlan(plans[0], line: 4)
    }

    @Test func readsAPsqlFrameWithUnicodeBorders() throws {
        let text = """
            ┌──────────────────────────────────────────────┐
            │                  QUERY PLAN                  │
            ├──────────────────────────────────────────────┤
            │ [                                           ↵│
            │   {                                         ↵│
            │     "Plan": {                               ↵│
            │       "Node Type": "Seq Scan",              ↵│
            │       "Relation Name": "users",             ↵│
            │       "Alias": "users",                     ↵│
            │       "Total Cost": 22.70                   ↵│
            │     }                                       ↵│
            │   }                                         ↵│
            │ ]                                            │
            └──────────────────────────────────────────────┘
            (1 row)
            """
        let plan = try #require(try parse(text).first)
        #expect(plan.sourceLine == 5)
        #expect(plan.root.nodeType == "Seq Scan")
        #expect(plan.root.relation == "users")
        #expect(plan.root.alias == nil)  // the same as the relation
        #expect(plan.root.totalCost == 22.70)
    }

    @Test func readsAPsqlFrameWithAsciiBorders() throws {
        let text = """
            +--------------------------------+
            |           QUERY PLAN           |
            +--------------------------------+
            | [                             +|
            |   {                           +|
            |     "Plan": {                 +|
            |       "Node Type": "Seq Scan",+|
            |       "Total Cost": 22.70     +|
            |     }                         +|
            |   }                           +|
            | ]                              |
            +--------------------------------+
            (1 row)
            """
        #expect(try parse(text).first?.root.totalCost == 22.70)
    }

    @Test func readsPsqlExpandedOutput() throws {
        let text = """
            -[ RECORD 1 ]---------------------------
            QUERY PLAN | [                         +
                       |   {                       +
                       |     "Plan": {             +
                       |       "Node Type": "Result"+
                       |     }                     +
                       |   }                       +
                       | ]
            """
        #expect(try parse(text).first?.root.nodeType == "Result")
    }

    @Test func readsSeveralFramedResultsWithSQLAroundThem() throws {
        let text = """
            shop=# EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM pg_class LIMIT 1;
            \(psqlFramed("[\n\(seqScanStatement)\n]"))
            shop=# EXPLAIN (FORMAT JSON) SELECT 1;
                   QUERY PLAN
            -------------------------
             [                      +
               {                    +
                 "Plan": {          +
                   "Node Type": "Result"+
                 }                  +
               }                    +
             ]
            (1 row)

            Time: 0.512 ms
            """
        let plans = try parse(text)
        #expect(plans.count == 2)
        expectSeqScanPlan(plans[0], line: 5)
        #expect(plans[1].root.nodeType == "Result")
        #expect(plans[1].sourceLine == 45)
    }

    @Test func readsCSVDoubledQuotes() throws {
        let text = #"""
            "QUERY PLAN"
            "[
              {
                ""Plan"": {
                  ""Node Type"": ""Seq Scan"",
                  ""Relation Name"": ""say \""hi\"""",
                  ""Total Cost"": 72124.00
                }
              }
            ]"
            """#
        let plan = try #require(try parse(text).first)
        #expect(plan.sourceLine == 3)
        #expect(plan.root.relation == #"say "hi""#)
        #expect(plan.root.totalCost == 72124)
    }

    @Test func readsAutoExplainInAServerLog() throws {
        let text = """
            2024-05-01 10:00:00.100 UTC [4242] LOG:  connection authorized: user=app database=shop
            2024-05-01 10:00:02.434 UTC [4242] LOG:  duration: 2334.085 ms  plan:
            \t{
            \t  "Query Text": "SELECT abalance FROM pgbench_accounts WHERE aid = 2262632;",
            \t  "Plan": {
            \t    "Node Type": "Index Scan",
            \t    "Scan Direction": "Forward",
            \t    "Index Name": "pgbench_accounts_pkey",
            \t    "Relation Name": "pgbench_accounts",
            \t    "Actual Rows": 1,
            \t    "Actual Loops": 1
            \t  }
            \t}
            2024-05-01 10:00:03.000 UTC [4243] LOG:  duration: 1.000 ms  plan: {"Query Text": "SELECT 1", \
            "Plan": {"Node Type": "Result"}}
            2024-05-01 10:00:04.000 UTC [4243] LOG:  disconnection: session time: 0:00:04.000 user=app [local]
            """
        let plans = try parse(text)
        #expect(plans.map(\.sourceLine) == [3, 14])
        #expect(plans.map(\.queryText) == ["SELECT abalance FROM pgbench_accounts WHERE aid = 2262632;", "SELECT 1"])
        #expect(plans[0].root.index == "pgbench_accounts_pkey")
        #expect(plans[0].root.strategy == "Forward")
        // TIMING OFF: rows and loops, no times.
        #expect(plans[0].hasActuals && !plans[0].hasTiming)
    }

    @Test func readsEveryPlanOfALongLog() throws {
        let entry = """
            2024-05-01 10:00:02.434 UTC [4242] LOG:  duration: 0.020 ms  plan:
            \t{
            \t  "Query Text": "SELECT 1",
            \t  "Plan": {"Node Type": "Result", "Actual Rows": 1, "Actual Loops": 1}
            \t}

            """
        let plans = try parse(String(repeating: entry, count: 5_000))
        #expect(plans.count == 5_000)
        #expect(plans.last?.sourceLine == 4_999 * 5 + 2)
    }

    @Test func readsAutoExplainInACSVLog() throws {
        let text = #"""
            2024-05-01 10:00:02.434 UTC,"app","shop",4242,"[local]",6632,1,"SELECT",2024-05-01 10:00:00 UTC,3/7,0,LOG,\#
            00000,"duration: 0.050 ms  plan:
            {
              ""Query Text"": ""SELECT 'a,b'"",
              ""Plan"": {
                ""Node Type"": ""Result"",
                ""Output"": [""'a,b'::text""]
              }
            }",,,,,,,,,"psql","client backend",,0
            """#
        let plan = try #require(try parse(text).first)
        #expect(plan.queryText == "SELECT 'a,b'")
        #expect(plan.root.output == ["'a,b'::text"])
        #expect(plan.sourceLine == 2)
    }

    @Test func readsSeveralStatementsInOneArray() throws {
        let plans = try parse("[\n\(seqScanStatement),\n\(seqScanStatement)\n]")
        #expect(plans.count == 2)
        #expect(plans.map(\.sourceLine) == [2, 35])
    }

    @Test func readsSeveralDocumentsOneAfterTheOther() throws {
        let plans = try parse("[\(seqScanStatement)]\n[\(seqScanStatement)]\n\(seqScanStatement)\n")
        #expect(plans.count == 3)
        #expect(plans.map(\.sourceLine) == [1, 34, 67])
    }

    @Test func ignoresTextAfterBareJSON() throws {
        let plans = try parse("[\(seqScanStatement)]\nTime: 3.172 ms\n")
        #expect(plans.count == 1)
    }

    @Test func acceptsAByteOrderMark() throws {
        let input = PlanInput(bytes: [0xEF, 0xBB, 0xBF] + Array("[\(seqScanStatement)]".utf8), name: "bom.json")
        #expect(try PostgresJSONPlanParser.parse(input).count == 1)
    }
}

// MARK: - Fields

@Suite struct PostgresJSONPlanFieldTests {
    @Test func mapsNodeFields() throws {
        let text = """
            [{"Plan": {
              "Node Type": "Hash Join", "Parallel Aware": false, "Join Type": "Left", "Inner Unique": true,
              "Startup Cost": 1.5, "Total Cost": 20.25, "Plan Rows": 100, "Plan Width": 16,
              "Actual Startup Time": 0.5, "Actual Total Time": 2.5, "Actual Rows": 90, "Actual Loops": 1,
              "Output": ["o.id", "c.name"], "Hash Cond": "(o.customer_id = c.id)", "Join Filter": "(o.x > c.y)",
              "Rows Removed by Join Filter": 7,
              "Shared Hit Blocks": 10, "Shared Read Blocks": 2, "Shared Dirtied Blocks": 1, "Shared Written Blocks": 3,
              "Local Hit Blocks": 4, "Local Read Blocks": 5, "Local Dirtied Blocks": 6, "Local Written Blocks": 7,
              "Temp Read Blocks": 8, "Temp Written Blocks": 9, "I/O Read Time": 0.25, "I/O Write Time": 0.5,
              "Temp I/O Read Time": 0.125, "Temp I/O Write Time": 0.0625,
              "Plans": [
                {"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Relation Name": "orders",
                 "Schema": "shop", "Alias": "o", "Filter": "(o.status = 'x')", "Rows Removed by Filter": 900,
                 "Actual Rows": 10, "Actual Loops": 1, "Shared Hit Blocks": 1,
                 "Shared I/O Read Time": 1.5, "Local I/O Read Time": 0.5, "Shared I/O Write Time": 0.25},
                {"Node Type": "Hash", "Parent Relationship": "Inner", "Hash Buckets": 1024,
                 "Original Hash Buckets": 512, "Hash Batches": 4, "Original Hash Batches": 1, "Peak Memory Usage": 25,
                 "Plans": [
                   {"Node Type": "Index Only Scan", "Parent Relationship": "Outer", "Scan Direction": "Backward",
                    "Index Name": "customers_pkey", "Relation Name": "customers", "Alias": "c",
                    "Index Cond": "(c.id > 5)", "Rows Removed by Index Recheck": 0, "Heap Fetches": 12,
                    "Actual Startup Time": 0, "Actual Total Time": 0, "Actual Rows": 0, "Actual Loops": 0}
                 ]}
              ]}}]
            """
        let root = try #require(try parse(text).first?.root)
        #expect(root.nodeType == "Hash Join")
        #expect(root.operation == .hashJoin)
        #expect(root.joinType == "Left")
        #expect(root.startupCost == 1.5 && root.totalCost == 20.25)
        #expect(root.estimatedRows == 100 && root.estimatedWidth == 16)
        #expect(root.actualStartupTimeMs == 0.5 && root.actualTotalTimeMs == 2.5)
        #expect(root.actualRows == 90 && root.loops == 1)
        #expect(root.output == ["o.id", "c.name"])
        #expect(root.hashCondition == "(o.customer_id = c.id)")
        #expect(root.joinFilter == "(o.x > c.y)")
        #expect(root.rowsRemovedByJoinFilter == 7)
        #expect(root.properties == [PlanProperty("Inner Unique", "true")])
        var buffers = Buffers()
        (buffers.sharedHit, buffers.sharedRead, buffers.sharedDirtied, buffers.sharedWritten) = (10, 2, 1, 3)
        (buffers.localHit, buffers.localRead, buffers.localDirtied, buffers.localWritten) = (4, 5, 6, 7)
        (buffers.tempRead, buffers.tempWritten) = (8, 9)
        (buffers.readTimeMs, buffers.writeTimeMs, buffers.tempReadTimeMs, buffers.tempWriteTimeMs) = (
            0.25, 0.5, 0.125, 0.0625
        )
        #expect(root.buffers == buffers)

        let scan = root.children[0]
        #expect(scan.parentRelationship == "Outer")
        #expect(scan.relation == "orders" && scan.schema == "shop" && scan.alias == "o")
        #expect(scan.filter == "(o.status = 'x')" && scan.rowsRemovedByFilter == 900)
        #expect(scan.buffers?.sharedHit == 1)
        // PostgreSQL 17 splits the I/O times; the model keeps shared + local together.
        #expect(scan.buffers?.readTimeMs == 2.0)
        #expect(scan.buffers?.writeTimeMs == 0.25)

        let hash = root.children[1]
        #expect(hash.hashBuckets == 1024 && hash.originalHashBuckets == 512)
        #expect(hash.hashBatches == 4 && hash.originalHashBatches == 1)
        #expect(hash.peakMemoryUsageKB == 25)
        #expect(hash.buffers == nil)

        let index = try #require(hash.children.first)
        #expect(index.nodeType == "Index Only Scan")
        #expect(index.strategy == "Backward")
        #expect(index.index == "customers_pkey")
        #expect(index.indexCondition == "(c.id > 5)")
        #expect(index.rowsRemovedByIndexRecheck == 0 && index.heapFetches == 12)
        #expect(index.neverExecuted)
        #expect(!scan.neverExecuted)
    }

    @Test func mapsSortAggregateBitmapAndParallelFields() throws {
        let text = """
            [{"Plan": {"Node Type": "Aggregate", "Strategy": "Plain", "Partial Mode": "Finalize",
              "Parallel Aware": false, "Plans": [
              {"Node Type": "Gather Merge", "Parent Relationship": "Outer", "Workers Planned": 2, "Workers Launched": 1,
               "Plans": [
               {"Node Type": "Sort", "Parent Relationship": "Outer", "Sort Key": ["t.a", "t.b DESC"],
                "Sort Method": "external merge", "Sort Space Used": 1234, "Sort Space Type": "Disk",
                "Workers": [
                  {"Worker Number": 0, "Actual Rows": 10, "Actual Loops": 1, "Sort Method": "quicksort"},
                  {"Worker Number": 1, "Actual Rows": 12, "Actual Loops": 1}
                ],
                "Plans": [
                {"Node Type": "Aggregate", "Strategy": "Hashed", "Partial Mode": "Partial",
                 "Parent Relationship": "Outer", "Group Key": ["t.a", "t.b"], "Planned Partitions": 4,
                 "HashAgg Batches": 5, "Peak Memory Usage": 4145, "Disk Usage": 8512, "Plans": [
                  {"Node Type": "Bitmap Heap Scan", "Parent Relationship": "Outer", "Parallel Aware": true,
                   "Relation Name": "t", "Recheck Cond": "(t.a = 1)", "Exact Heap Blocks": 12,
                   "Lossy Heap Blocks": 30, "Plans": [
                    {"Node Type": "Bitmap Index Scan", "Parent Relationship": "Outer", "Index Name": "t_a_idx",
                     "Index Cond": "(t.a = 1)"}]}]}]}]},
              {"Node Type": "CTE Scan", "Parent Relationship": "Outer", "CTE Name": "recent", "Alias": "r"},
              {"Node Type": "Function Scan", "Parent Relationship": "Outer", "Function Name": "generate_series",
               "Alias": "g"},
              {"Node Type": "SetOp", "Strategy": "Hashed", "Command": "Except", "Parent Relationship": "Outer"}
            ]}}]
            """
        let root = try #require(try parse(text).first?.root)
        #expect(root.nodeType == "Finalize Aggregate")
        #expect(root.operation == .aggregate)
        #expect(root.strategy == "Plain")
        let gather = root.children[0]
        #expect(gather.operation == .gatherMerge)
        #expect(gather.workersPlanned == 2 && gather.workersLaunched == 1)
        let sort = gather.children[0]
        #expect(sort.sortKey == ["t.a", "t.b DESC"])
        #expect(sort.sortMethod == "external merge" && sort.sortSpaceUsedKB == 1234 && sort.sortSpaceType == "Disk")
        #expect(
            sort.properties == [
                PlanProperty("Worker 0", "Actual Rows: 10, Actual Loops: 1, Sort Method: quicksort"),
                PlanProperty("Worker 1", "Actual Rows: 12, Actual Loops: 1"),
            ])
        let partial = sort.children[0]
        #expect(partial.nodeType == "Partial HashAggregate")
        #expect(partial.operation == .aggregate)
        #expect(partial.hashBatches == 5 && partial.peakMemoryUsageKB == 4145 && partial.diskUsageKB == 8512)
        #expect(partial.properties == [PlanProperty("Group Key", "t.a, t.b"), PlanProperty("Planned Partitions", "4")])
        let bitmap = partial.children[0]
        #expect(bitmap.nodeType == "Parallel Bitmap Heap Scan")
        #expect(bitmap.isParallelAware && bitmap.operation == .bitmapHeapScan)
        #expect(bitmap.recheckCondition == "(t.a = 1)")
        #expect(bitmap.exactHeapBlocks == 12 && bitmap.lossyHeapBlocks == 30)
        #expect(bitmap.children.first?.operation == .bitmapIndexScan)
        #expect(root.children[1].cteName == "recent" && root.children[1].alias == "r")
        #expect(root.children[2].functionName == "generate_series")
        #expect(root.children[3].nodeType == "HashSetOp" && root.children[3].operation == .setOp)
        #expect(root.children[3].properties == [PlanProperty("Command", "Except")])
    }

    @Test func keepsSubPlansAsChildrenWithTheirNames() throws {
        let text = """
            [{"Plan": {"Node Type": "Seq Scan", "Relation Name": "t", "Plans": [
              {"Node Type": "Result", "Parent Relationship": "InitPlan", "Subplan Name": "InitPlan 1 (returns $0)"},
              {"Node Type": "Index Scan", "Parent Relationship": "SubPlan", "Subplan Name": "SubPlan 2"},
              {"Node Type": "Result", "Parent Relationship": "InitPlan", "Subplan Name": "CTE recent"}
            ]}}]
            """
        let root = try #require(try parse(text).first?.root)
        #expect(root.children.map(\.parentRelationship) == ["InitPlan", "SubPlan", "InitPlan"])
        #expect(root.children.map(\.subplanName) == ["InitPlan 1 (returns $0)", "SubPlan 2", "CTE recent"])
    }

    @Test func mapsStatementLevelSections() throws {
        let text = """
            [{"Plan": {"Node Type": "ModifyTable", "Operation": "Insert", "Relation Name": "t",
                       "Actual Rows": 0, "Actual Loops": 1},
              "Query Identifier": 1234567890123,
              "Settings": {"work_mem": "64kB", "enable_sort": "off"},
              "Planning": {"Shared Hit Blocks": 101, "Shared Read Blocks": 3, "Memory Used": 6, "Memory Allocated": 8},
              "Planning Time": 0.5,
              "Serialization": {"Time": 1.5, "Output Volume": 30, "Format": "text"},
              "Triggers": [
                {"Trigger Name": "RI_ConstraintTrigger_c_16390", "Constraint Name": "t_fk", "Relation": "t",
                 "Time": 1.25, "Calls": 3}
              ],
              "JIT": {"Functions": 4, "Options": {"Inlining": false, "Optimization": false},
                      "Timing": {"Generation": {"Deform": 0.1, "Total": 0.5}, "Inlining": 0.0, "Optimization": 1.5,
                                 "Emission": 2.5, "Total": 4.5}},
              "Execution Time": 12.5
            }]
            """
        let plan = try #require(try parse(text).first)
        #expect(plan.root.operation == .modifyTable)
        #expect(plan.root.properties == [PlanProperty("Operation", "Insert")])
        #expect(plan.settings == ["work_mem": "64kB", "enable_sort": "off"])
        #expect(plan.planningBuffers?.sharedHit == 101 && plan.planningBuffers?.sharedRead == 3)
        #expect(plan.planningTimeMs == 0.5 && plan.executionTimeMs == 12.5)
        #expect(
            plan.triggers == [TriggerTime(name: "RI_ConstraintTrigger_c_16390", relation: "t", timeMs: 1.25, calls: 3)])
        #expect(
            plan.jit
                == JITSummary(
                    functions: 4, generationTimeMs: 0.5, inliningTimeMs: 0, optimizationTimeMs: 1.5,
                    emissionTimeMs: 2.5,
                    totalTimeMs: 4.5))
        #expect(
            plan.properties == [
                PlanProperty("Query Identifier", "1234567890123"), PlanProperty("Planning Memory Used", "6"),
                PlanProperty("Planning Memory Allocated", "8"),
                PlanProperty("Serialization", "{Time: 1.5, Output Volume: 30, Format: text}"),
                PlanProperty("JIT Options", "{Inlining: false, Optimization: false}"),
                PlanProperty("JIT Generation Deform", "0.1"),
            ])
        #expect(plan.hasActuals && !plan.hasTiming)
    }

    @Test func readsTotalRuntimeFromOldServers() throws {
        let plan = try #require(try parse(#"[{"Plan": {"Node Type": "Result"}, "Total Runtime": 0.066}]"#).first)
        #expect(plan.executionTimeMs == 0.066)
    }

    @Test func keepsValuesOfUnexpectedTypesAsProperties() throws {
        let text = #"[{"Plan": {"Node Type": "Result", "Total Cost": "12.5", "Plan Rows": "many", "Output": "x"}}]"#
        let root = try #require(try parse(text).first?.root)
        #expect(root.totalCost == 12.5)
        #expect(root.estimatedRows == nil)
        #expect(root.properties == [PlanProperty("Plan Rows", "many"), PlanProperty("Output", "x")])
    }

    @Test func readsAPlanAThousandNodesDeepAndRefusesDeeper() throws {
        func chain(_ depth: Int) -> String {
            String(repeating: #"{"Node Type": "Limit", "Plans": ["#, count: depth - 1) + #"{"Node Type": "Result"}"#
                + String(repeating: "]}", count: depth - 1)
        }
        let plan = try #require(try parse(#"{"Plan": \#(chain(999))}"#).first)
        #expect(ExpectedPlanTree(inputOrder: plan.root).nodeCount == 999)
        let error = try #require(parseError(#"{"Plan": \#(chain(1_001))}"#))
        #expect(error.reason.contains("1000 nodes deep"))
    }
}

// MARK: - Errors

@Suite struct PostgresJSONPlanErrorTests {
    @Test func reportsATruncatedDocumentAtItsEnd() throws {
        let error = try #require(
            parseError("[\n  {\n    \"Plan\": {\n      \"Node Type\": \"Seq Scan\",\n      \"Total Cost\": 1"))
        #expect(error.format == .postgresJSON)
        #expect(error.file == "plan.json")
        #expect(error.line == 5 && error.column == 22)
        #expect(error.reason == "unexpected end of input: expected ',' or '}'")
    }

    @Test func reportsAnUnterminatedStringWhereItStarts() throws {
        let error = try #require(parseError("[{\"Plan\": {\"Node Type\": \"Seq"))
        #expect(error.line == 1 && error.column == 25)
        #expect(error.reason.contains("closing '\"'"))
    }

    @Test func reportsMalformedJSONAtTheOffendingByte() throws {
        let error = try #require(parseError("[{\"Plan\": {\"Node Type\": \"Result\",\n  , \"Total Cost\": 1}}]"))
        #expect(error.line == 2 && error.column == 3)
        #expect(error.reason == "expected a member name in double quotes")
    }

    @Test func reportsErrorsInsideAPsqlFrameOnTheOriginalLine() throws {
        let framed = psqlFramed(
            "[\n  {\n    \"Plan\": {\n      \"Node Type\": \"Result\"\n      \"Total Cost\": 1\n    }\n  }\n]")
        let error = try #require(parseError(framed))
        // Line 7 of the input: header, dashes, then the JSON's fifth line; column of '"' after " " and 6 spaces.
        #expect(error.line == 7 && error.column == 8)
        #expect(error.reason == "expected ',' or '}'")
    }

    @Test func reportsErrorsInsideCSVQuotesOnTheOriginalLineAndColumn() throws {
        let text = "\"[{\n\"\"Plan\"\": {\"\"Node Type\"\": \"\"Result\"\" \"\"Total Cost\"\": 1}}]\""
        let error = try #require(parseError(text))
        #expect(error.line == 2 && error.column == 38)
        #expect(error.reason == "expected ',' or '}'")
    }

    @Test func reportsEmptyInput() throws {
        for text in ["", "  \n\t\n"] {
            let error = try #require(parseError(text))
            #expect(error.line == 1 && error.column == 1)
            #expect(error.reason.hasPrefix("empty input"))
        }
    }

    @Test func reportsTextThatIsNotJSON() throws {
        let error = try #require(parseError("\nSeq Scan on users  (cost=0.00..22.70 rows=1270 width=36)\n"))
        #expect(error.line == 2 && error.column == 1)
        #expect(error.reason.hasPrefix("no PostgreSQL EXPLAIN (FORMAT JSON) plan found"))
    }

    @Test func reportsJSONThatIsNotAPlan() throws {
        let notAPlan = try #require(parseError("\n  {\"rows\": [1, 2]}"))
        #expect(notAPlan.line == 2 && notAPlan.column == 3)
        #expect(notAPlan.reason.contains("\"Plan\""))

        let numbers = try #require(parseError("[1, 2]"))
        #expect(numbers.line == 1 && numbers.column == 2)
        #expect(numbers.reason.contains("plan object"))

        let empty = try #require(parseError("[]"))
        #expect(empty.line == 1 && empty.column == 1)
        #expect(empty.reason.contains("at least one plan"))

        let noNodeType = try #require(parseError("[{\"Plan\": {\"Total Cost\": 1}}]"))
        #expect(noNodeType.line == 1 && noNodeType.column == 11)
        #expect(noNodeType.reason.contains("\"Node Type\""))

        let scalar = try #require(parseError("[{\"Plan\": 42}]"))
        #expect(scalar.column == 11)
    }

    @Test func reportsATruncatedDocumentAfterAGoodOne() throws {
        let error = try #require(parseError("[{\"Plan\": {\"Node Type\": \"Result\"}}]\n[{\"Plan\": {\"Node Type\": "))
        #expect(error.line == 2 && error.column == 25)
        #expect(error.reason == "unexpected end of input: expected a JSON value")
    }

    @Test func neverCrashesOnBinaryOrRandomInput() {
        var generator = SeededGenerator(seed: 7)
        let seeds = [
            "[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Plans\": [{\"Node Type\": \"Hash\"}]}}]",
            psqlFramed("[\n  {\n    \"Plan\": {\n      \"Node Type\": \"Result\"\n    }\n  }\n]"),
            "\"[{\n\"\"Plan\"\": {\"\"Node Type\"\": \"\"Result\"\"}}]\"",
            "LOG:  duration: 1.0 ms  plan:\n\t{\"Query Text\": \"SELECT 1\", \"Plan\": {\"Node Type\": \"Result\"}}\n",
        ].map { Array($0.utf8) }
        for round in 0..<2_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: index)
                default: bytes = Array(bytes[..<index])
                }
                if bytes.isEmpty { break }
            }
            _ = try? PostgresJSONPlanParser.parse(PlanInput(bytes: bytes, name: "fuzz"))
        }
        let binary = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(throws: InputError.self) { try PostgresJSONPlanParser.parse(PlanInput(bytes: binary, name: "x.bin")) }
    }
}

/// SplitMix64: random enough to mangle inputs, and the same every run.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
