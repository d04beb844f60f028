import AdvisorCore
import Testing

struct MySQLTreePlanParserTests {
    static let analyze = """
        -> Nested loop inner join  (cost=4.70 rows=10) (actual time=0.120..0.480 rows=12 loops=1)
            -> Filter: (o.status = 'open')  (cost=1.25 rows=5) (actual time=0.050..0.210 rows=6 loops=1)
                -> Table scan on o  (cost=1.25 rows=50) (actual time=0.040..0.180 rows=50 loops=1)
            -> Index lookup on c using idx_order (order_id = o.id)  (cost=0.52 rows=2) (actual time=0.030..0.040 rows=2 loops=6)
        """

    @Test func readsEstimatesAndPerLoopActuals() throws {
        let plans = try MySQLTreePlanParser.parse(PlanInput(text: Self.analyze))
        #expect(plans.count == 1)
        let plan = try #require(plans.first)
        #expect(plan.engine == .mysql && plan.format == .mysqlTree)
        #expect(plan.hasActuals && plan.hasTiming)
        #expect(
            outline(plan) == """
                nestedLoop: Nested loop inner join
                  filter: Filter
                    seqScan: Table scan on o
                  indexScan: Index lookup on c using idx_order
                """)
        let join = plan.root
        #expect(join.joinType == "Inner")
        #expect(join.totalCost == 4.70 && join.estimatedRows == 10)
        #expect(join.actualStartupTimeMs == 0.120 && join.actualTotalTimeMs == 0.480)
        #expect(join.actualRows == 12 && join.loops == 1)
        let filter = join.children[0]
        #expect(filter.filter == "(o.status = 'open')")
        let scan = filter.children[0]
        #expect(scan.relation == "o" && scan.accessType == "ALL" && scan.estimatedRows == 50)
        let lookup = join.children[1]
        #expect(lookup.relation == "c" && lookup.index == "idx_order" && lookup.accessType == "ref")
        #expect(lookup.properties.contains(PlanProperty("Lookup condition", "order_id = o.id")))
        #expect(lookup.startupCost == nil && lookup.totalCost == 0.52)
        #expect(lookup.actualRows == 2 && lookup.loops == 6 && lookup.actualTotalTimeMs == 0.040)
    }

    @Test func readsTheClientTableFrameAndItsStatement() throws {
        let framed = """
            mysql> EXPLAIN ANALYZE SELECT * FROM orders o
                -> JOIN order_lines c ON c.order_id = o.id WHERE o.status = 'open';
            +------------------------------------------------------------------------------------------------+
            | EXPLAIN                                                                                        |
            +------------------------------------------------------------------------------------------------+
            | \(Self.analyze.split(separator: "\n").joined(separator: "\n"))
             |
            +------------------------------------------------------------------------------------------------+
            1 row in set (0.01 sec)
            """
        let plan = try #require(try MySQLTreePlanParser.parse(PlanInput(text: framed)).first)
        let bare = try #require(try MySQLTreePlanParser.parse(PlanInput(text: Self.analyze)).first)
        #expect(plan.root == bare.root)
        #expect(
            plan.queryText == "SELECT * FROM orders o\nJOIN order_lines c ON c.order_id = o.id WHERE o.status = 'open'")
        #expect(plan.sourceLine == 6)
    }

    @Test func readsTheVerticalFormAndEveryLineFramed() throws {
        let vertical = """
            mysql> EXPLAIN FORMAT=TREE SELECT * FROM t1 WHERE a > 1\\G
            *************************** 1. row ***************************
            EXPLAIN: -> Filter: (t1.a > 1)  (cost=0.55 rows=1.67)
                -> Table scan on t1  (cost=0.55 rows=5)

            1 row in set (0.00 sec)
            """
        let lineFramed = """
            +--------------------------------------------------+
            | EXPLAIN                                          |
            +--------------------------------------------------+
            | -> Filter: (t1.a > 1)  (cost=0.55 rows=1.67)     |
            |     -> Table scan on t1  (cost=0.55 rows=5)      |
            +--------------------------------------------------+
            """
        for text in [vertical, lineFramed] {
            let plans = try MySQLTreePlanParser.parse(PlanInput(text: text))
            #expect(plans.count == 1)
            let plan = try #require(plans.first)
            #expect(outline(plan) == "filter: Filter\n  seqScan: Table scan on t1")
            #expect(plan.root.estimatedRows == 1.67 && plan.root.children[0].totalCost == 0.55)
            #expect(!plan.hasActuals)
        }
        let plan = try #require(try MySQLTreePlanParser.parse(PlanInput(text: vertical)).first)
        #expect(plan.queryText == "SELECT * FROM t1 WHERE a > 1")
    }

    @Test func readsIndexAccessOperands() throws {
        let text = """
            -> Nested loop inner join  (cost=2.50 rows=3)
                -> Index range scan on t using k over (1 < a <= 5) (reverse), with index condition: (t.a > 1)  (cost=1.2 rows=4)
                -> Single-row covering index lookup on u using PRIMARY (id = t.u_id)  (cost=0.3 rows=1)
                -> Index range scan on v (re-planned for each iteration)  (cost=0.9 rows=7)
                -> Full-text index search on d using ft_body (body = 'x')  (cost=0.4 rows=1)
                -> Index scan on w using k2  (cost=3 rows=100)
            """
        let plan = try #require(try MySQLTreePlanParser.parse(PlanInput(text: text)).first)
        let nodes = plan.root.children
        #expect(nodes[0].nodeType == "Index range scan" && nodes[0].operation == .indexScan)
        #expect(nodes[0].relation == "t" && nodes[0].index == "k" && nodes[0].accessType == "range")
        #expect(nodes[0].strategy == "Backward" && nodes[0].indexCondition == "(t.a > 1)")
        #expect(nodes[0].properties.contains(PlanProperty("Ranges", "(1 < a <= 5)")))
        #expect(nodes[1].operation == .indexOnlyScan && nodes[1].accessType == "eq_ref" && nodes[1].index == "PRIMARY")
        #expect(nodes[2].relation == "v" && nodes[2].index == nil && nodes[2].accessType == "range")
        #expect(nodes[2].notes == ["Range checked for each record"])
        #expect(nodes[3].accessType == "fulltext" && nodes[3].index == "ft_body")
        #expect(nodes[4].operation == .fullIndexScan && nodes[4].accessType == "index")
    }

    @Test func turnsHeadingsIntoHashNodesAndSubqueries() throws {
        let text = """
            -> Inner hash join (x2.a = x1.a), extra conditions: (x2.b < (select #2))  (cost=1.1 rows=2)
                -> Table scan on x2  (cost=0.35 rows=2)
                -> Hash
                    -> Table scan on x1  (cost=0.35 rows=2)
                -> Select #2 (subquery in extra conditions; dependent)
                    -> Aggregate: min(x3.a)  (cost=0.45 rows=1)
                        -> Table scan on x3  (cost=0.35 rows=2)
            -> Select #3 (subquery in projection; run only once)
                -> Table scan on x4  (cost=0.35 rows=2)
            """
        let plans = try MySQLTreePlanParser.parse(PlanInput(text: text))
        #expect(plans.count == 1)
        let plan = try #require(plans.first)
        #expect(
            outline(plan) == """
                hashJoin: Inner hash join
                  seqScan: Table scan on x2
                  hash: Hash
                    seqScan: Table scan on x1
                  aggregate: Aggregate [SubPlan: Select #2 (subquery in extra conditions; dependent)]
                    seqScan: Table scan on x3
                  seqScan: Table scan on x4 [InitPlan: Select #3 (subquery in projection; run only once)]
                """)
        #expect(plan.root.hashCondition == "(x2.a = x1.a)")
        #expect(plan.root.joinFilter == "(x2.b < (select #2))")
        #expect(plan.root.children[1].estimatedRows == 2)
    }

    @Test func readsNeverExecutedMaskedAndCountOnlyActuals() throws {
        let text = """
            -> Nested loop left join  (...)
                -> Table scan on t1  (rows=3) (actual rows=3 loops=1)
                -> Filter: (t2.a = t1.a)  (rows=1) (never executed)
                    -> Table scan on t2  (rows=1) (never executed)
            """
        let plan = try #require(try MySQLTreePlanParser.parse(PlanInput(text: text)).first)
        #expect(plan.hasActuals && !plan.hasTiming)
        #expect(plan.root.estimatedRows == nil && plan.root.joinType == "Left")
        let scan = plan.root.children[0]
        #expect(scan.estimatedRows == 3 && scan.actualRows == 3 && scan.loops == 1 && scan.actualTotalTimeMs == nil)
        let filter = plan.root.children[1]
        #expect(filter.neverExecuted && filter.loops == 0 && filter.actualRows == 0)
    }

    @Test func classifiesRowOperations() throws {
        let text = """
            -> Limit: 10 row(s)  (cost=9 rows=10)
                -> Sort: t.a DESC, coalesce(t.b, 'x, y'), limit input to 10 row(s) per chunk  (cost=9 rows=100)
                    -> Stream results  (cost=8 rows=100)
                        -> Group aggregate with rollup: count(0)  (cost=8 rows=100)
                            -> Table scan on <temporary>  (cost=2 rows=100)
                                -> Aggregate using temporary table  (cost=2 rows=100)
                                    -> Window aggregate with buffering: sum(t.c) OVER (PARTITION BY t.a )   (cost=1 rows=100)
                                        -> Remove duplicate t rows using temporary table (weedout)  (cost=1 rows=100)
                                            -> Table scan on t  (cost=1 rows=100)
            """
        let plan = try #require(try MySQLTreePlanParser.parse(PlanInput(text: text)).first)
        #expect(
            outline(plan) == """
                limit: Limit
                  sort: Sort
                    other: Stream results
                      aggregate: Group aggregate with rollup
                        subqueryScan: Table scan on <temporary>
                          aggregate: Aggregate using temporary table
                            windowAgg: Window aggregate with buffering
                              unique: Remove duplicates using temporary table (weedout)
                                seqScan: Table scan on t
                """)
        let sort = plan.root.children[0]
        #expect(sort.usingFilesort && sort.sortKey == ["t.a DESC", "coalesce(t.b, 'x, y')"])
        #expect(sort.properties.contains(PlanProperty("Limit per chunk", "10 row(s) per chunk")))
        var temporary: [String] = []
        plan.root.visit { if $0.usingTemporary { temporary.append($0.nodeType) } }
        #expect(temporary == ["Aggregate using temporary table", "Remove duplicates using temporary table (weedout)"])
    }

    @Test func readsSeveralResultsAndContinuationLines() throws {
        let text = """
            mysql> EXPLAIN FORMAT=TREE SELECT * FROM t1 WHERE b = 'a
                '> b';
            +---------------------------------------------+
            | EXPLAIN                                     |
            +---------------------------------------------+
            | -> Filter: (t1.b = 'a
            b')  (cost=0.55 rows=1)
                -> Table scan on t1  (cost=0.55 rows=5)
             |
            +---------------------------------------------+
            1 row in set (0.00 sec)

            Note: the second plan is trivial.

            mysql> EXPLAIN FORMAT=TREE SELECT 1;
            +----------------------------------------------+
            | EXPLAIN                                      |
            +----------------------------------------------+
            | -> Rows fetched before execution  (cost=0..0 rows=1)
             |
            +----------------------------------------------+
            """
        let plans = try MySQLTreePlanParser.parse(PlanInput(text: text))
        #expect(plans.count == 2)
        #expect(plans[0].root.filter == "(t1.b = 'a\nb')" && plans[0].root.estimatedRows == 1)
        #expect(plans[0].queryText == "SELECT * FROM t1 WHERE b = 'a\nb'")
        #expect(plans[1].root.operation == .result && plans[1].queryText == "SELECT 1")
        #expect(plans[1].root.startupCost == 0 && plans[1].sourceLine == 19)
    }

    @Test func skipsTextAfterThePlan() throws {
        let text = """
            SELECT * FROM t1;
            -> Table scan on t1  (cost=0.55 rows=5)
            This one is slow: 5 rows (of 5) take seconds.
            """
        let plan = try #require(try MySQLTreePlanParser.parse(PlanInput(text: text)).first)
        #expect(plan.root.totalCost == 0.55 && plan.root.relation == "t1" && plan.queryText == "SELECT * FROM t1")
    }

    @Test func rejectsWhatIsNotATreePlan() {
        let cases: [(text: String, line: Int?, column: Int?, reason: String)] = [
            ("", nil, nil, "no plan found"),
            (
                "Seq Scan on t  (cost=0.00..1.05 rows=5 width=8)\n  ->  Index Scan using k on t\n", 1, 1,
                "expected a plan line"
            ),
            ("-> Table scan on t1  (cost=0.55 rows=five)", 1, 38, "expected a number or a range"),
            ("| id | select_type | table |\n", nil, nil, "no plan found"),
        ]
        for example in cases {
            do {
                _ = try MySQLTreePlanParser.parse(PlanInput(text: example.text, name: "plan.txt"))
                Issue.record("accepted: \(example.text)")
            } catch let error as InputError {
                #expect(error.file == "plan.txt" && error.format == .mysqlTree)
                #expect(error.line == example.line && error.column == example.column, "\(error)")
                #expect(error.reason.contains(example.reason), "\(error)")
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        let table = """
            +----+-------------+-------+------+
            | id | select_type | table | type |
            +----+-------------+-------+------+
            |  1 | SIMPLE      | t1    | ALL  |
            +----+-------------+-------+------+
            """
        #expect {
            try MySQLTreePlanParser.parse(PlanInput(text: table))
        } throws: { error in
            (error as? InputError)?.reason.contains("tabular EXPLAIN") == true
        }
    }
}
