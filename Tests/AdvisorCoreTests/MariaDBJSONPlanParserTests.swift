import AdvisorCore
import Testing

struct MariaDBJSONPlanParserTests {
    static let analyze = """
        {
          "query_optimization": {"r_total_time_ms": 0.215},
          "query_block": {
            "select_id": 1,
            "cost": 0.1357,
            "r_loops": 1,
            "r_total_time_ms": 12.5,
            "nested_loop": [
              {
                "table": {
                  "table_name": "t0", "access_type": "ALL", "loops": 1, "r_loops": 1, "rows": 10, "r_rows": 10,
                  "cost": 0.012, "r_table_time_ms": 0.05, "r_other_time_ms": 0.02, "filtered": 100, "r_filtered": 100,
                  "attached_condition": "t0.a is not null"
                }
              },
              {
                "table": {
                  "table_name": "t1", "access_type": "ref", "possible_keys": ["a"], "key": "a", "key_length": "5",
                  "used_key_parts": ["a"], "ref": ["test.t0.a"], "loops": 10, "r_loops": 10, "rows": 2, "r_rows": 2,
                  "cost": 0.05, "r_table_time_ms": 5.0, "r_other_time_ms": 1.0, "filtered": 100, "r_filtered": 50,
                  "attached_condition": "t1.b < 4"
                }
              },
              {
                "block-nl-join": {
                  "table": {
                    "table_name": "t2", "access_type": "hash_ALL", "key": "#hash#$hj", "key_length": "5",
                    "used_key_parts": ["a"], "ref": ["test.t1.a"], "r_loops": 1, "rows": 100, "r_rows": 100,
                    "r_table_time_ms": 0.4, "r_other_time_ms": 0.1, "filtered": 10, "r_filtered": 10
                  },
                  "buffer_type": "flat", "buffer_size": "256Kb", "join_type": "BNLH",
                  "attached_condition": "t2.c > t0.c", "r_loops": 1, "r_filtered": 30, "r_unpack_time_ms": 0.02
                }
              }
            ]
          }
        }
        """

    @Test func convertsAnalyzeTotalsToPerLoopValues() throws {
        let plans = try MariaDBJSONPlanParser.parse(PlanInput(text: Self.analyze))
        let plan = try #require(plans.first)
        #expect(plan.engine == .mariadb && plan.format == .mariadbJSON && plan.hasActuals && plan.hasTiming)
        #expect(plan.executionTimeMs == 12.5 && plan.planningTimeMs == 0.215)
        #expect(
            outline(plan) == """
                hashJoin: Hash join
                  seqScan: Table scan on t2
                  hash: Hash
                    nestedLoop: Nested loop join
                      seqScan: Table scan on t0
                      indexScan: Index lookup on t1 using a
                """)
        let root = plan.root
        // The join's own 0.02 ms over its inputs' 0.5 + 0.07 + 6.0; the rest of 12.5 ms is outside the join.
        #expect(abs((root.actualTotalTimeMs ?? 0) - 6.59) < 1e-9 && root.loops == nil && root.totalCost == 0.1357)
        #expect(root.joinFilter == "t2.c > t0.c")
        let probe = root.children[0]
        #expect(probe.accessType == "ALL" && probe.properties.contains(PlanProperty("access_type", "hash_ALL")))
        #expect(probe.notes.contains("Using join buffer (flat, BNLH join)"))
        #expect(probe.estimatedRows == 10 && probe.actualRows == 10 && probe.rowsRemovedByFilter == 90)
        let join = root.children[1].children[0]
        #expect(join.estimatedRows == 20 && join.actualTotalTimeMs == nil)
        let lookup = join.children[1]
        #expect(lookup.loops == 10 && lookup.actualRows == 1 && lookup.rowsRemovedByFilter == 1)
        #expect(lookup.actualFilteredPercent == 50 && lookup.actualTotalTimeMs == 0.6)
        #expect(lookup.rowsExaminedPerScan == 2 && lookup.estimatedRows == 2 && lookup.totalCost == 0.005)
        #expect(lookup.filter == "t1.b < 4" && lookup.usedKeyParts == ["a"])
    }

    @Test func acceptsMaskedTimesInTheClientFrame() throws {
        let framed = """
            MariaDB [test]> ANALYZE FORMAT=JSON SELECT * FROM t0 WHERE a < 3;
            +--------------------------------------------+
            | ANALYZE                                    |
            +--------------------------------------------+
            | {
              "query_optimization": {"r_total_time_ms": "REPLACED"},
              "query_block": {
                "select_id": 1, "r_loops": 1, "r_total_time_ms": "REPLACED",
                "nested_loop": [{"table": {"table_name": "t0", "access_type": "ALL", "r_loops": 1, "rows": 10,
                  "r_rows": 10, "r_table_time_ms": "REPLACED", "r_other_time_ms": "REPLACED", "filtered": 100,
                  "r_filtered": 30, "attached_condition": "t0.a < 3"}}]
              }
            } |
            +--------------------------------------------+
            1 row in set (0.001 sec)
            """
        let plan = try #require(try MariaDBJSONPlanParser.parse(PlanInput(text: framed)).first)
        #expect(plan.hasActuals && !plan.hasTiming && plan.executionTimeMs == nil && plan.planningTimeMs == nil)
        #expect(plan.queryText == "SELECT * FROM t0 WHERE a < 3")
        #expect(plan.root.actualRows == 3 && plan.root.actualTotalTimeMs == nil && plan.root.loops == 1)
    }

    @Test func marksTablesThatNeverRan() throws {
        let json = """
            {"query_block": {"select_id": 1, "r_loops": 1, "nested_loop": [
              {"table": {"table_name": "t0", "access_type": "ALL", "r_loops": 1, "rows": 10, "r_rows": 10,
                "filtered": 100, "r_filtered": 0}},
              {"block-nl-join": {"table": {"table_name": "t1", "access_type": "ALL", "r_loops": 0, "rows": 5,
                "r_rows": null, "filtered": 100, "r_filtered": null}, "buffer_type": "flat", "join_type": "BNL",
                "r_filtered": null}}]}}
            """
        let plan = try #require(try MariaDBJSONPlanParser.parse(PlanInput(text: json)).first)
        #expect(plan.root.operation == .nestedLoop && plan.root.nodeType == "Block nested loop join")
        let never = plan.root.children[1]
        #expect(never.neverExecuted && never.loops == 0 && never.actualRows == 0)
        #expect(never.notes == ["Using join buffer (flat, BNL join)"])
        #expect(plan.root.children[0].actualRows == 0 && plan.root.children[0].rowsRemovedByFilter == 10)
    }

    @Test func readsFilesortSubqueriesAndUnions() throws {
        let json = """
            {"query_block": {"union_result": {"table_name": "<union1,2>", "access_type": "ALL", "r_loops": 1,
              "r_rows": 5, "query_specifications": [
                {"query_block": {"select_id": 1, "having_condition": "cnt > 1", "filesort": {"sort_key": "t1.a, t1.b",
                  "r_loops": 2, "r_total_time_ms": 4.0, "r_output_rows": 8, "temporary_table": {"nested_loop": [
                    {"table": {"table_name": "t1", "access_type": "ALL", "r_loops": 1, "rows": 10, "r_rows": 10}}],
                    "subqueries": [{"expression_cache": {"state": "disabled", "r_loops": 0, "query_block":
                      {"select_id": 3, "table": {"table_name": "t3", "access_type": "eq_ref", "key": "PRIMARY",
                       "rows": 1, "using_index": true}}}}]}}}},
                {"query_block": {"select_id": 2, "operation": "UNION", "table": {"table_name": "t2",
                  "access_type": "range", "key": "b", "rows": 3, "filtered": 100}}}]}}}
            """
        let plan = try #require(try MariaDBJSONPlanParser.parse(PlanInput(text: json)).first)
        #expect(
            outline(plan) == """
                subqueryScan: Table scan on <union1,2>
                  materialize: Union materialize with deduplication
                    filter: Filter [Member]
                      sort: Sort
                        seqScan: Table scan on t1
                          indexOnlyScan: Single-row covering index lookup on t3 using PRIMARY [SubPlan: Select #3 (subquery; expression cache)]
                    indexScan: Index range scan on t2 using b [Member]
                """)
        #expect(plan.root.actualRows == 5 && plan.root.loops == 1)
        let filter = plan.root.children[0].children[0]
        #expect(filter.filter == "cnt > 1")
        let sort = filter.children[0]
        #expect(sort.usingFilesort && sort.usingTemporary && sort.sortKey == ["t1.a", "t1.b"])
        #expect(sort.loops == 2 && sort.actualRows == 4 && sort.actualTotalTimeMs == 2)
        // Subqueries of the rows written to the temporary table run for each row the join returns.
        let subquery = try #require(sort.children.first?.children.first)
        #expect(subquery.properties.contains(PlanProperty("expression_cache.state", "disabled")))
    }

    @Test func rejectsDocumentsWithoutAQueryBlock() {
        for (text, reason) in [
            ("{\"select\": 1}", "expected an object with \"query_block\""),
            ("{\"query_block\": {\"nested_loop\": [{\"table\": {\"rows\": 1}}]}}", "\"table_name\" or \"message\""),
            ("  \n", "no plan found"),
        ] {
            #expect {
                try MariaDBJSONPlanParser.parse(PlanInput(text: text, name: "a.json"))
            } throws: { error in
                guard let error = error as? InputError else { return false }
                return error.format == .mariadbJSON && error.file == "a.json" && error.reason.contains(reason)
            }
        }
    }
}
