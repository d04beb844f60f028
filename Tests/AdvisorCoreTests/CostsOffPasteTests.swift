import AdvisorCore
import Testing

/// `EXPLAIN (COSTS OFF)` as regression suites (pg_hint_plan, TimescaleDB) and people paste it: node
/// lines without estimates, alone or in psql's frame, several plans in one paste.
@Suite struct CostsOffPasteTests {
    private static func read(_ text: String) throws -> [Plan] {
        try PlanReader.read(PlanInput(text: text, name: "paste.txt"))
    }

    private static func framed(_ lines: String...) -> String {
        "     QUERY PLAN     \n--------------------\n" + lines.map { " " + $0 }.joined(separator: "\n")
            + "\n(\(lines.count) rows)\n"
    }

    /// A name for each node explain.c prints in text format, with the type the JSON format gives it.
    static let nodeNames: [(line: String, nodeType: String)] = [
        ("Result", "Result"), ("ProjectSet", "ProjectSet"), ("Insert on t", "ModifyTable"),
        ("Update on t", "ModifyTable"), ("Delete on t", "ModifyTable"), ("Merge on t", "ModifyTable"),
        ("Append", "Append"), ("Merge Append", "Merge Append"), ("Recursive Union", "Recursive Union"),
        ("BitmapAnd", "BitmapAnd"), ("BitmapOr", "BitmapOr"), ("Nested Loop", "Nested Loop"),
        ("Nested Loop Left Join", "Nested Loop"), ("Merge Join", "Merge Join"), ("Hash Right Semi Join", "Hash Join"),
        ("Seq Scan on t", "Seq Scan"), ("Seq Scan on public.t x", "Seq Scan"), ("Sample Scan on t", "Sample Scan"),
        ("Gather", "Gather"), ("Gather Merge", "Gather Merge"), ("Index Scan using i on t", "Index Scan"),
        ("Index Scan Backward using i on t", "Index Scan"), ("Index Only Scan using i on t", "Index Only Scan"),
        ("Index Only Scan Backward using i on t", "Index Only Scan"), ("Bitmap Index Scan on i", "Bitmap Index Scan"),
        ("Bitmap Heap Scan on t", "Bitmap Heap Scan"), ("Tid Scan on t", "Tid Scan"),
        ("Tid Range Scan on t", "Tid Range Scan"), ("Subquery Scan on s", "Subquery Scan"),
        ("Function Scan on generate_series g", "Function Scan"),
        ("Table Function Scan on \"xmltable\"", "Table Function Scan"),
        ("Values Scan on \"*VALUES*\"", "Values Scan"), ("CTE Scan on c", "CTE Scan"),
        ("Named Tuplestore Scan", "Named Tuplestore Scan"), ("WorkTable Scan on w", "WorkTable Scan"),
        ("Foreign Scan on ft", "Foreign Scan"), ("Async Foreign Scan on ft", "Foreign Scan"),
        ("Foreign Update on ft", "Foreign Scan"), ("Custom Scan (ChunkAppend) on hyper", "Custom Scan"),
        ("Materialize", "Materialize"), ("Memoize", "Memoize"), ("Sort", "Sort"),
        ("Incremental Sort", "Incremental Sort"),
        ("Group", "Group"), ("Aggregate", "Aggregate"), ("GroupAggregate", "GroupAggregate"),
        ("HashAggregate", "HashAggregate"), ("MixedAggregate", "MixedAggregate"),
        ("Partial Aggregate", "Partial Aggregate"),
        ("Finalize GroupAggregate", "Finalize GroupAggregate"), ("WindowAgg", "WindowAgg"), ("Unique", "Unique"),
        ("SetOp Except", "SetOp"), ("HashSetOp Intersect All", "HashSetOp"), ("LockRows", "LockRows"),
        ("Limit", "Limit"),
        ("Hash", "Hash"), ("Parallel Seq Scan on t", "Parallel Seq Scan"),
        ("Parallel Index Scan using i on t", "Parallel Index Scan"),
    ]

    @Test(arguments: nodeNames)
    func singleNodeAloneOrFramed(line: String, nodeType: String) throws {
        for text in [line + "\n", " " + line + "\n", Self.framed(line)] {
            let plans = try Self.read(text)
            #expect(plans.count == 1, "\(text)")
            #expect(plans.first?.root.nodeType == nodeType, "\(text)")
            #expect(plans.first?.root.children.isEmpty == true, "\(text)")
        }
    }

    @Test func framedPlanAfterTheStatementAndHintLog() throws {
        let text = """
            /*+SeqScan(t1)*/
            EXPLAIN (COSTS false) SELECT * FROM s1.t1 WHERE t1.c1 = 1;
            LOG:  pg_hint_plan:
            used hint:
            SeqScan(t1)
            not used hint:
            duplication hint:
            error hint:

            """ + Self.framed("Tid Scan on t1", "  TID Cond: (ctid = '(1,1)'::tid)")
        let plan = try #require(try Self.read(text).first)
        #expect(plan.root.nodeType == "Tid Scan")
        #expect(plan.root.relation == "t1")
        #expect(plan.queryText == "SELECT * FROM s1.t1 WHERE t1.c1 = 1;")
    }

    /// Every plan keeps its root, with or without a blank line or a frame between plans.
    @Test(arguments: ["\n", "\n\n", "\n(2 rows)\n\n"])
    func consecutivePlansKeepTheirRoots(between: String) throws {
        let first = "Aggregate\n  ->  Seq Scan on t1"
        let second =
            "Aggregate\n  ->  Hash Join\n        Hash Cond: (a.id = b.id)\n        ->  Seq Scan on a\n"
            + "        ->  Hash\n              ->  Seq Scan on b"
        let plans = try Self.read(first + between + second + between + "Result\n")
        #expect(plans.map(\.root.nodeType) == ["Aggregate", "Aggregate", "Result"])
        #expect(plans.map { $0.root.nodeCount } == [2, 5, 1])
    }

    @Test func modifyTableTargetLinesStayInTheirPlan() throws {
        let plans = try Self.read(
            "Update on parent\n  Update on part_1 p_1\n  Update on part_2 p_2\n  ->  Append\n"
                + "        ->  Seq Scan on part_1 p_1\n        ->  Seq Scan on part_2 p_2\n")
        #expect(plans.count == 1)
        #expect(plans.first?.root.nodeCount == 4)
    }

    /// explain.c labels every plan of a custom scan alike ("children"; "child" when it has one).
    @Test func customScanChildrenAreLabelledAlike() throws {
        let text = Self.framed(
            "Custom Scan (ChunkAppend) on hyper", "  Chunks excluded during startup: 0",
            "  ->  Seq Scan on _hyper_1_1_chunk", "  ->  Seq Scan on _hyper_1_2_chunk",
            "  ->  Seq Scan on _hyper_1_3_chunk")
        let root = try #require(try Self.read(text).first).root
        #expect(root.children.map(\.parentRelationship) == ["children", "children", "children"])
        let single = try #require(try Self.read("Custom Scan (DecompressChunk) on c\n  ->  Seq Scan on x\n").first)
        #expect(single.root.children.map(\.parentRelationship) == ["child"])
    }

    @Test func backwardScansSayItInTheirName() throws {
        let root = try #require(try Self.read(Self.framed("Index Only Scan Backward using i on t")).first).root
        #expect(root.displayName(engine: .postgres) == "Index Only Scan Backward using i on t")
    }
}
