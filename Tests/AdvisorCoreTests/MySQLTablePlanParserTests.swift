import AdvisorCore
import Foundation
import TestSupport
import Testing

struct MySQLTablePlanParserTests {
    private func fixture(_ name: String) throws -> [Plan] {
        let url = RepositoryPaths.fixtures.appendingPathComponent("mysql/handwritten-plans/\(name)")
        return try MySQLTablePlanParser.parse(PlanInput(bytes: Array(try Data(contentsOf: url)), name: name))
    }

    @Test func joinsRowsOfOneSelectLeftDeep() throws {
        let plans = try fixture("mysql8_join_filesort_hash.table.txt")
        #expect(plans.count == 1)  // SHOW WARNINGS output is not a plan
        let plan = try #require(plans.first)
        #expect(plan.engine == .mysql && plan.format == .mysqlTable && !plan.hasActuals && plan.sourceLine == 7)
        #expect(plan.queryText?.hasPrefix("SELECT c.name, r.name AS region") == true)
        #expect(
            outline(plan) == """
                sort: Sort
                  hashJoin: Hash join
                    seqScan: Table scan on r
                    hash: Hash
                      nestedLoop: Nested loop join
                        seqScan: Table scan on o
                        indexScan: Single-row index lookup on c using PRIMARY
                """)
        let sort = plan.root
        #expect(sort.usingFilesort && sort.estimatedRows == 49820.4 * 120)
        let orders = sort.children[0].children[1].children[0].children[0]
        #expect(
            orders.relation == "o" && orders.accessType == "ALL"
                && orders.possibleKeys == ["idx_customer", "idx_status"])
        #expect(orders.rowsExaminedPerScan == 498204 && orders.filteredPercent == 10 && orders.index == nil)
        #expect(orders.usingTemporary && !orders.usingFilesort)
        #expect(orders.notes == ["Using where", "Using temporary", "Using filesort"])
        #expect(orders.properties.map(\.name) == ["id", "select_type"])
        let customers = sort.children[0].children[1].children[0].children[1]
        #expect(customers.accessType == "eq_ref" && customers.index == "PRIMARY" && customers.notes.isEmpty)
        #expect(customers.properties.contains(PlanProperty("ref", "shop.o.customer_id")))
        #expect(customers.properties.contains(PlanProperty("key_len", "4")))
        #expect(sort.children[0].children[0].notes == ["Using where", "Using join buffer (hash join)"])
    }

    @Test func placesDerivedTablesUnionsAndSubqueries() throws {
        let plan = try #require(try fixture("mysql8_derived_union_subqueries.table.txt").first)
        #expect(
            outline(plan) == """
                subqueryScan: Table scan on <union1,4>
                  materialize: Union materialize with deduplication
                    subqueryScan: Table scan on <derived2> [Member]
                      materialize: Materialize
                        indexOnlyScan: Covering index scan on orders using idx_customer
                    seqScan: Table scan on customers [Member]
                  seqScan: Table scan on customer_stats [InitPlan: Select #3 (subquery; run only once)]
                  indexOnlyScan: Covering index lookup on o2 using idx_customer [SubPlan: Select #5 (subquery; dependent)]
                """)
        #expect(plan.root.usingTemporary && plan.root.estimatedRows == nil)
    }

    @Test func readsMariaDBAnalyzeColumns() throws {
        let plan = try #require(try fixture("mariadb_analyze_join_buffer.table.txt").first)
        #expect(plan.hasActuals && !plan.hasTiming)
        #expect(
            outline(plan)
                == "nestedLoop: Block nested loop join\n  seqScan: Table scan on c\n  seqScan: Table scan on o")
        let orders = plan.root.children[1]
        #expect(
            orders.rowsExaminedPerScan == 498204 && orders.actualRows == 1000 && orders.actualFilteredPercent == 0.2)
        #expect(orders.rowsRemovedByFilter == 499000 && orders.loops == nil)
        #expect(orders.properties.contains(PlanProperty("r_rows", "500000.00")))
    }

    @Test func readsTheVerticalForm() throws {
        let plan = try #require(try fixture("mysql8_ref_filesort.vertical.txt").first)
        #expect(plan.queryText == "SELECT * FROM orders WHERE customer_id = 42 AND status = 'open' ORDER BY created_at")
        #expect(outline(plan) == "sort: Sort\n  indexScan: Index lookup on orders using idx_customer")
        let lookup = plan.root.children[0]
        #expect(
            lookup.estimatedRows == 6 && lookup.accessType == "ref" && lookup.notes.first == "Using index condition")
    }

    @Test func readsBatchOutputAndRowsWithoutTables() throws {
        let batch = """
            id\tselect_type\ttable\tpartitions\ttype\tpossible_keys\tkey\tkey_len\tref\trows\tfiltered\tExtra
            1\tPRIMARY\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNo tables used
            2\tUNCACHEABLE SUBQUERY\tt1\tNULL\tindex_merge\ta,b\ta,b\t5,5\tNULL\t20\t100.00\tUsing intersect(a,b); Using where
            """
        let plan = try #require(try MySQLTablePlanParser.parse(PlanInput(text: batch)).first)
        #expect(
            outline(plan) == """
                result: No tables used
                  bitmapAnd: Index merge on t1 using a,b [SubPlan: Select #2 (subquery; uncacheable)]
                """)
        #expect(plan.root.children[0].accessType == "index_merge" && plan.root.children[0].possibleKeys == ["a", "b"])
    }

    @Test func readsOldColumnSetsAndSemiJoins() throws {
        let mariaDB = """
            +------+-------------+-------+--------+---------------+---------+---------+-----------+------+-------------------------------------+
            | id   | select_type | table | type   | possible_keys | key     | key_len | ref       | rows | Extra                               |
            +------+-------------+-------+--------+---------------+---------+---------+-----------+------+-------------------------------------+
            |    1 | PRIMARY     | t1    | ALL    | NULL          | NULL    | NULL    | NULL      |  100 | Using where                         |
            |    1 | PRIMARY     | t2    | ref    | a             | a       | 5       | test.t1.a |    2 | Using index; FirstMatch(t1)         |
            |    1 | PRIMARY     | t3    | ALL    | NULL          | NULL    | NULL    | NULL      |   10 | Using where; Not exists             |
            +------+-------------+-------+--------+---------------+---------+---------+-----------+------+-------------------------------------+
            """
        let plan = try #require(try MySQLTablePlanParser.parse(PlanInput(text: mariaDB)).first)
        #expect(plan.root.joinType == "Anti" && plan.root.children[0].joinType == "Semi")
        #expect(plan.root.estimatedRows == 2000 && plan.root.children[1].filteredPercent == nil)
        #expect(plan.root.children[0].children[1].operation == .indexOnlyScan)
    }

    @Test func rejectsWhatIsNotATabularPlan() {
        let badRows = """
            +----+-------------+-------+------+------+
            | id | select_type | table | type | rows |
            +----+-------------+-------+------+------+
            |  1 | SIMPLE      | t1    | ALL  | many |
            +----+-------------+-------+------+------+
            """
        let noTable = """
            +----+-------------+------+
            | id | select_type | type |
            +----+-------------+------+
            |  1 | SIMPLE      | ALL  |
            +----+-------------+------+
            """
        let cases: [(text: String, line: Int?, reason: String)] = [
            (badRows, 4, "expected a number in column 'rows', found 'many'"),
            (noTable, 4, "expected a 'table' column"),
            ("-> Table scan on t1  (cost=0.55 rows=5)\n", nil, "read the input as that format"),
            ("", nil, "no plan found"),
        ]
        for example in cases {
            do {
                _ = try MySQLTablePlanParser.parse(PlanInput(text: example.text, name: "explain.txt"))
                Issue.record("accepted: \(example.text)")
            } catch let error as InputError {
                #expect(error.file == "explain.txt" && error.format == .mysqlTable && error.line == example.line)
                #expect(error.reason.contains(example.reason), "\(error)")
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
