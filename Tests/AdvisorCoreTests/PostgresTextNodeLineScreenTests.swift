import AdvisorCore
import Testing

/// Lines without estimates (COSTS OFF) are told from the SQL and prose around a plan by their node name;
/// a quick screen on the first two bytes spares the other lines the full reading. These check that the
/// screen lets every kind of node name through and still keeps statements out.
@Suite struct PostgresTextNodeLineScreenTests {
    @Test(arguments: [
        ("Result", PlanOperation.result), ("Seq Scan on orders", .seqScan), ("Parallel Seq Scan on orders", .seqScan),
        ("CTE Scan on recent", .cteScan), ("Hash", .hash), ("Hash Right Anti Join", .hashJoin),
        ("Merge Join", .mergeJoin), ("Nested Loop Left Join", .nestedLoop), ("Partial HashAggregate", .aggregate),
        ("GroupAggregate", .aggregate), ("HashSetOp Intersect All", .setOp), ("Insert on orders", .modifyTable),
        ("Index Only Scan using orders_pkey on orders", .indexOnlyScan),
        ("Bitmap Index Scan on orders_pkey", .bitmapIndexScan),
        ("Async Foreign Scan on remote", .foreignScan), ("Custom Scan (ChunkAppend) on metrics", .customScan),
        ("WindowAgg", .windowAgg), ("Gather Merge", .gatherMerge), ("ProjectSet", .projectSet),
        ("WorkTable Scan on tree", .workTableScan), ("Memoize", .memoize), ("LockRows", .lockRows),
    ])
    func readsANodeLineWithoutEstimates(line: String, operation: PlanOperation) throws {
        let plans = try PostgresTextPlanParser.parse(PlanInput(text: line, name: "costs-off.txt"))
        #expect(plans.count == 1)
        #expect(plans.first?.root.operation == operation)
    }

    @Test(arguments: ["INSERT INTO orders VALUES (1)", "SELECT 1;", "CREATE TABLE t (id int);", "DROP TABLE t"])
    func leavesStatementsOut(line: String) {
        #expect(throws: InputError.self) { try PostgresTextPlanParser.parse(PlanInput(text: line, name: "sql.txt")) }
    }
}
