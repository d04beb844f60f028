import AdvisorCore
import Testing

struct MySQLJSONPlanParserTests {
    /// MySQL 5.7 with end_markers_in_json=on, inside the client's frame.
    static let framedWithEndMarkers = """
        mysql> EXPLAIN FORMAT=JSON SELECT * FROM t1 JOIN t2 ON t2.a = t1.a WHERE t1.b > 3 ORDER BY t1.c;
        +-------------------------------------------------------------------+
        | EXPLAIN                                                           |
        +-------------------------------------------------------------------+
        | {
          "query_block": {
            "select_id": 1,
            "cost_info": {
              "query_cost": "21.00"
            } /* cost_info */,
            "ordering_operation": {
              "using_temporary_table": true,
              "using_filesort": true,
              "nested_loop": [
                {
                  "table": {
                    "table_name": "t1",
                    "access_type": "range",
                    "possible_keys": ["b_idx"] /* possible_keys */,
                    "key": "b_idx",
                    "used_key_parts": ["b"] /* used_key_parts */,
                    "key_length": "5",
                    "rows_examined_per_scan": 10,
                    "rows_produced_per_join": 10,
                    "filtered": "100.00",
                    "index_condition": "(`test`.`t1`.`b` > 3)",
                    "cost_info": {
                      "read_cost": "4.51",
                      "eval_cost": "2.00",
                      "prefix_cost": "6.51",
                      "data_read_per_join": "160"
                    } /* cost_info */
                  } /* table */
                },
                {
                  "table": {
                    "table_name": "t2",
                    "access_type": "ref",
                    "possible_keys": ["a_idx"] /* possible_keys */,
                    "key": "a_idx",
                    "used_key_parts": ["a"] /* used_key_parts */,
                    "key_length": "5",
                    "ref": ["test.t1.a"] /* ref */,
                    "rows_examined_per_scan": 2,
                    "rows_produced_per_join": 10,
                    "filtered": "50.00",
                    "using_index": true,
                    "cost_info": {
                      "read_cost": "10.00",
                      "eval_cost": "4.00",
                      "prefix_cost": "20.51",
                      "data_read_per_join": "320"
                    } /* cost_info */,
                    "attached_condition": "(`test`.`t2`.`c` <> 0)"
                  } /* table */
                }
              ] /* nested_loop */
            } /* ordering_operation */
          } /* query_block */
        } |
        +-------------------------------------------------------------------+
        1 row in set, 1 warning (0.00 sec)
        """

    @Test func readsFormatVersion1InTheClientFrame() throws {
        let plans = try MySQLJSONPlanParser.parse(PlanInput(text: Self.framedWithEndMarkers))
        #expect(plans.count == 1)
        let plan = try #require(plans.first)
        #expect(plan.engine == .mysql && plan.format == .mysqlJSON && !plan.hasActuals && plan.sourceLine == 5)
        #expect(plan.queryText == "SELECT * FROM t1 JOIN t2 ON t2.a = t1.a WHERE t1.b > 3 ORDER BY t1.c")
        #expect(
            outline(plan) == """
                sort: Sort
                  nestedLoop: Nested loop join
                    indexScan: Index range scan on t1 using b_idx
                    indexOnlyScan: Covering index lookup on t2 using a_idx
                """)
        let sort = plan.root
        #expect(sort.usingFilesort && sort.usingTemporary && sort.totalCost == 21 && sort.estimatedRows == 10)
        let join = sort.children[0]
        #expect(join.estimatedRows == 10 && join.totalCost == 20.51 && join.joinType == nil)
        let range = join.children[0]
        #expect(range.accessType == "range" && range.possibleKeys == ["b_idx"] && range.usedKeyParts == ["b"])
        #expect(range.rowsExaminedPerScan == 10 && range.filteredPercent == 100 && range.estimatedRows == 10)
        #expect(range.indexCondition == "(`test`.`t1`.`b` > 3)" && range.totalCost == 6.51)
        #expect(range.notes == ["Using index condition"])
        #expect(range.properties.contains(PlanProperty("key_length", "5")))
        let lookup = join.children[1]
        #expect(lookup.filter == "(`test`.`t2`.`c` <> 0)" && lookup.estimatedRows == 1)
        // 14 for all ten lookups, per lookup as the tree format and PostgreSQL count it.
        #expect(lookup.totalCost == 1.4)
        #expect(lookup.notes == ["Using where", "Using index"])
        #expect(lookup.properties.contains(PlanProperty("ref", "test.t1.a")))
    }

    @Test func readsTheVerticalFormAndSeveralDocuments() throws {
        let vertical = """
            *************************** 1. row ***************************
            EXPLAIN: {
              "query_block": {"select_id": 1, "message": "No tables used"}
            }
            1 row in set, 1 warning (0.00 sec)
            """
        let plan = try #require(try MySQLJSONPlanParser.parse(PlanInput(text: vertical)).first)
        #expect(plan.root.nodeType == "No tables used" && plan.root.operation == .result && plan.sourceLine == 2)
        let two = #"{"query_block": {"message": "Impossible WHERE"}} {"query_block": {"message": "No tables used"}}"#
        #expect(
            try MySQLJSONPlanParser.parse(PlanInput(text: two)).map(\.root.nodeType) == [
                "Impossible WHERE", "No tables used",
            ])
    }

    @Test func readsBatchModeOutput() throws {
        let batch = #"""
            EXPLAIN
            {\n  "query_block": {\n    "select_id": 1,\n    "table": {\n      "table_name": "t1",\n      "access_type": "ALL",\n      "rows_examined_per_scan": 8,\n      "filtered": "12.50",\n      "attached_condition": "(`t1`.`a` = 'x\\ty')"\n    }\n  }\n}
            """#
        let plan = try #require(try MySQLJSONPlanParser.parse(PlanInput(text: batch)).first)
        #expect(plan.root.relation == "t1" && plan.root.estimatedRows == 1 && plan.root.operation == .seqScan)
        #expect(plan.root.filter == "(`t1`.`a` = 'x\ty')")
    }

    @Test func buildsHashJoinsAndMaterializedSubqueries() throws {
        let json = """
            {"query_block": {"select_id": 1, "cost_info": {"query_cost": "30.0"},
              "nested_loop": [
                {"table": {"table_name": "d", "access_type": "ALL", "rows_examined_per_scan": 4,
                  "rows_produced_per_join": 4, "filtered": "100.00",
                  "materialized_from_subquery": {"using_temporary_table": true, "dependent": false, "cacheable": true,
                    "query_block": {"select_id": 2, "grouping_operation": {"using_temporary_table": true,
                      "using_filesort": false, "table": {"table_name": "t3", "access_type": "index", "key": "k",
                        "rows_examined_per_scan": 9, "filtered": "100.00", "using_index": true}}}}}},
                {"table": {"table_name": "t2", "access_type": "ALL", "rows_examined_per_scan": 100,
                  "rows_produced_per_join": 40, "filtered": "10.00", "using_join_buffer": "hash join",
                  "attached_condition": "(t2.a = d.a)",
                  "attached_subqueries": [{"dependent": true, "cacheable": false,
                    "query_block": {"select_id": 3, "table": {"table_name": "t4", "access_type": "eq_ref",
                      "key": "PRIMARY", "rows_examined_per_scan": 1, "filtered": "100.00"}}}]}}
              ]}}
            """
        let plan = try #require(try MySQLJSONPlanParser.parse(PlanInput(text: json)).first)
        #expect(
            outline(plan) == """
                hashJoin: Hash join
                  seqScan: Table scan on t2
                    indexScan: Single-row index lookup on t4 using PRIMARY [SubPlan: Select #3 (subquery in condition; dependent)]
                  hash: Hash
                    subqueryScan: Table scan on d
                      materialize: Materialize
                        aggregate: Aggregate using temporary table
                          indexOnlyScan: Covering index scan on t3 using k
                """)
        #expect(plan.root.estimatedRows == 40 && plan.root.totalCost == 30)
        #expect(plan.root.children[0].notes == ["Using where", "Using join buffer (hash join)"])
        #expect(plan.root.children[1].estimatedRows == 4)
    }

    @Test func readsTheSamePlanAsTabularExplain() throws {
        let tabular = """
            +----+-------------+-------+------------+-------+---------------+-------+---------+-----------+------+----------+--------------------------------------------------------+
            | id | select_type | table | partitions | type  | possible_keys | key   | key_len | ref       | rows | filtered | Extra                                                  |
            +----+-------------+-------+------------+-------+---------------+-------+---------+-----------+------+----------+--------------------------------------------------------+
            |  1 | SIMPLE      | t1    | NULL       | range | b_idx         | b_idx | 5       | NULL      |   10 |   100.00 | Using index condition; Using temporary; Using filesort |
            |  1 | SIMPLE      | t2    | NULL       | ref   | a_idx         | a_idx | 5       | test.t1.a |    2 |    50.00 | Using where; Using index                               |
            +----+-------------+-------+------------+-------+---------------+-------+---------+-----------+------+----------+--------------------------------------------------------+
            """
        let json = try #require(try MySQLJSONPlanParser.parse(PlanInput(text: Self.framedWithEndMarkers)).first)
        let table = try #require(try MySQLTablePlanParser.parse(PlanInput(text: tabular)).first)
        #expect(outline(json) == outline(table))
        var fromJSON: [String] = []
        var fromTable: [String] = []
        json.root.visit { fromJSON.append("\($0.accessType ?? "-") \($0.estimatedRows ?? -1) \($0.usingFilesort)") }
        table.root.visit { fromTable.append("\($0.accessType ?? "-") \($0.estimatedRows ?? -1) \($0.usingFilesort)") }
        #expect(fromJSON == fromTable)
        #expect(table.root.children[0].children[1].notes == json.root.children[0].children[1].notes)
    }

    @Test func costsAddedNodesAndReadsOlderShapes() throws {
        let grouping = """
            {"query_block": {"select_id": 1, "cost_info": {"query_cost": "12.82"},
              "grouping_operation": {"using_filesort": true, "cost_info": {"sort_cost": "9.00"},
                "table": {"table_name": "t1", "access_type": "ALL", "rows_examined_per_scan": 9,
                  "rows_produced_per_join": 9, "filtered": "100.00",
                  "cost_info": {"read_cost": "2.02", "eval_cost": "1.80", "prefix_cost": "3.82"}}}}}
            """
        let plan = try #require(try MySQLJSONPlanParser.parse(PlanInput(text: grouping)).first)
        #expect(outline(plan) == "aggregate: Group aggregate\n  sort: Sort\n    seqScan: Table scan on t1")
        let sort = plan.root.children[0]
        #expect(plan.root.totalCost == 12.82 && abs((sort.totalCost ?? 0) - 12.82) < 1e-9)
        #expect(sort.properties.contains(PlanProperty("sort_cost", "9.00")))

        let olderShapes = """
            {"query_block": {"select_id": 1, "nested_loop": [
              {"table": {"table_name": "c1", "access_type": "ALL", "rows": 10, "filtered": 50,
                "materialized_from_subquery": {"using_temporary_table": true, "query_block": {"select_id": 2,
                  "table": {"table_name": "t", "access_type": "ALL", "rows": 10}}}}},
              {"table": {"table_name": "c2", "access_type": "ALL", "rows": 10, "filtered": 100,
                "materialized_from_subquery": {"sharing_temporary_table_with": {"select_id": 2}}}}]}}
            """
        let shared = try #require(try MySQLJSONPlanParser.parse(PlanInput(text: olderShapes)).first)
        #expect(
            outline(shared) == """
                nestedLoop: Nested loop join
                  subqueryScan: Table scan on c1
                    materialize: Materialize
                      seqScan: Table scan on t
                  subqueryScan: Table scan on c2
                    materialize: Materialize
                """)
        #expect(shared.root.children[0].estimatedRows == 5 && shared.root.estimatedRows == 50)
    }

    /// The same EXPLAIN ANALYZE as `MySQLTreePlanParserTests.analyze`, in JSON format version 2.
    static let formatVersion2 = """
        {
          "query": "/* select#1 */ select `shop`.`o`.`id` AS `id` from `shop`.`orders` `o` join `shop`.`order_lines` `c`",
          "query_plan": {
            "inputs": [
              {
                "inputs": [
                  {
                    "operation": "Table scan on o",
                    "table_name": "orders",
                    "alias": "o",
                    "schema_name": "shop",
                    "access_type": "table",
                    "used_columns": ["id", "status"],
                    "estimated_rows": 50.0,
                    "estimated_total_cost": 1.25,
                    "actual_first_row_ms": 0.04,
                    "actual_last_row_ms": 0.18,
                    "actual_rows": 50.0,
                    "actual_loops": 1
                  }
                ],
                "condition": "(o.status = 'open')",
                "operation": "Filter: (o.status = 'open')",
                "access_type": "filter",
                "filter_columns": ["shop.o.`status`"],
                "estimated_rows": 5.0,
                "estimated_total_cost": 1.25,
                "actual_first_row_ms": 0.05,
                "actual_last_row_ms": 0.21,
                "actual_rows": 6.0,
                "actual_loops": 1
              },
              {
                "alias": "c",
                "covering": false,
                "operation": "Index lookup on c using idx_order (order_id = o.id)",
                "index_name": "idx_order",
                "table_name": "order_lines",
                "access_type": "index",
                "key_columns": ["order_id"],
                "schema_name": "shop",
                "lookup_condition": "order_id = o.id",
                "index_access_type": "index_lookup",
                "estimated_rows": 2.0,
                "estimated_total_cost": 0.52,
                "actual_first_row_ms": 0.03,
                "actual_last_row_ms": 0.04,
                "actual_rows": 2.0,
                "actual_loops": 6
              }
            ],
            "join_type": "inner join",
            "operation": "Nested loop inner join",
            "access_type": "join",
            "join_algorithm": "nested_loop",
            "estimated_rows": 10.0,
            "estimated_total_cost": 4.7,
            "actual_first_row_ms": 0.12,
            "actual_last_row_ms": 0.48,
            "actual_rows": 12.0,
            "actual_loops": 1
          },
          "query_type": "select",
          "json_schema_version": "2.0"
        }
        """

    @Test func readsFormatVersion2LikeTheTreeFormat() throws {
        let plan = try #require(try MySQLJSONPlanParser.parse(PlanInput(text: Self.formatVersion2)).first)
        let tree = try #require(try MySQLTreePlanParser.parse(PlanInput(text: MySQLTreePlanParserTests.analyze)).first)
        #expect(plan.hasActuals && plan.hasTiming)
        #expect(plan.queryText?.hasPrefix("/* select#1 */ select") == true)
        // Version 2 names the base table and its alias; the tree format prints the alias only.
        #expect(plan.root.children[0].children[0].relation == "orders")
        #expect(plan.root.children[0].children[0].alias == "o" && plan.root.children[0].children[0].schema == "shop")
        #expect(comparable(plan.root) == comparable(tree.root))
    }

    @Test func readsVersion2HeadingsAndSelectListSubqueries() throws {
        let json = """
            {"query_plan": {"operation": "Inner hash join (t2.a = t1.a)", "join_type": "inner join",
              "hash_condition": ["(t2.a = t1.a)"], "estimated_rows": 4.0,
              "inputs": [
                {"operation": "Table scan on t2", "table_name": "t2", "estimated_rows": 2.0},
                {"heading": "Hash", "operation": "Table scan on t1", "table_name": "t1", "estimated_rows": 2.0},
                {"heading": "Select #2 (subquery in condition; run only once)", "subquery": true,
                 "operation": "Rows fetched before execution", "estimated_rows": 1.0}],
              "inputs_from_select_list": [
                {"heading": "Select #3 (subquery in projection; dependent)", "operation": "Aggregate: count(0)",
                 "inputs": [{"operation": "Index range scan on t3 (re-planned for each iteration)", "table_name": "t3",
                   "actual_rows": null, "actual_loops": null, "actual_first_row_ms": null, "actual_last_row_ms": null}]}]},
             "json_schema_version": "2.0"}
            """
        let plan = try #require(try MySQLJSONPlanParser.parse(PlanInput(text: json)).first)
        #expect(
            outline(plan) == """
                hashJoin: Inner hash join
                  seqScan: Table scan on t2
                  hash: Hash
                    seqScan: Table scan on t1
                  result: Rows fetched before execution [InitPlan: Select #2 (subquery in condition; run only once)]
                  aggregate: Aggregate [SubPlan: Select #3 (subquery in projection; dependent)]
                    indexScan: Index range scan on t3
                """)
        #expect(plan.root.hashCondition == "(t2.a = t1.a)" && plan.root.joinType == "Inner")
        let replanned = plan.root.children[3].children[0]
        #expect(replanned.neverExecuted && replanned.loops == 0 && plan.hasActuals && !plan.hasTiming)
    }

    @Test func reportsWhereADocumentIsBroken() {
        let cases: [(text: String, line: Int?, column: Int?, reason: String)] = [
            ("", nil, nil, "no plan found"),
            (
                "{\n  \"query_block\": {\n    \"select_id\": 1,\n    \"table\": {\"table_name\": \"t1\"", 4, 34,
                "invalid JSON"
            ),
            ("\n\n  {\"plan\": 1}", 3, 3, "\"query_block\" (format version 1)"),
            (
                "{\"query_block\": {\"nested_loop\": {\"table\": {}}}}", 1, 1,
                "query_block.nested_loop: expected an array"
            ),
            ("{\"query_block\": {\"select_id\": 1}}", 1, 1, "expected a table, nested_loop"),
            ("[{\"Plan\": {\"Node Type\": \"Seq Scan\"}}]", nil, nil, "no plan found"),
        ]
        for example in cases {
            do {
                _ = try MySQLJSONPlanParser.parse(PlanInput(text: example.text, name: "plan.json"))
                Issue.record("accepted: \(example.text)")
            } catch let error as InputError {
                #expect(error.file == "plan.json" && error.format == .mysqlJSON)
                #expect(error.line == example.line && error.column == example.column, "\(error)")
                #expect(error.reason.contains(example.reason), "\(error)")
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func reportsPositionsInsideTheFrame() {
        let framed = """
            +---------+
            | EXPLAIN |
            +---------+
            | {
              "query_block": {
                "select_id": 1,,
              }
            } |
            +---------+
            """
        #expect {
            try MySQLJSONPlanParser.parse(PlanInput(text: framed))
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.line == 6 && error.column == 20 && error.reason.contains("invalid JSON")
        }
    }
}

/// What two formats of one plan must agree on: the tree shape, operations, numbers and conditions.
func comparable(_ node: PlanNode) -> [String] {
    var lines: [String] = []
    node.visit { node in
        let numbers: [Double?] = [
            node.startupCost, node.totalCost, node.estimatedRows, node.actualStartupTimeMs, node.actualTotalTimeMs,
            node.actualRows, node.loops,
        ]
        lines.append(
            "\(node.nodeType) \(node.operation) \(node.index ?? "-") \(node.accessType ?? "-") "
                + "\(node.filter ?? "-") \(node.joinType ?? "-") \(node.children.count) "
                + numbers.map { $0.map { String($0) } ?? "-" }.joined(separator: " "))
    }
    return lines
}
