import AdvisorCore
import Testing

struct PlanFormatDetectorTests {
    private func detect(_ text: String) throws -> PlanFormat {
        try PlanFormatDetector.detect(PlanInput(text: text))
    }

    @Test func recognisesEachFormatByItsMarkers() throws {
        #expect(try detect(#"[{"Plan": {"Node Type": "Result"}}]"#) == .postgresJSON)
        #expect(try detect("Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)") == .postgresText)
        #expect(try detect(#"{"query_block": {"select_id": 1, "cost_info": {"query_cost": "1.0"}}}"#) == .mysqlJSON)
        #expect(try detect(#"{"query_block": {"select_id": 1, "r_loops": 1, "table": {"rows": 1}}}"#) == .mariadbJSON)
        #expect(try detect("-> Table scan on t  (cost=0.35 rows=1)") == .mysqlTree)
        #expect(try detect("  ->  Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)") == .postgresText)
        #expect(try detect("| id | select_type | table |\n") == .mysqlTable)
        #expect(try detect("id\tselect_type\ttable\ttype\n1\tSIMPLE\tt\tALL\n") == .mysqlTable)
    }

    @Test func skipsClientPromptsAndFrames() throws {
        let framed = """
            mysql> EXPLAIN FORMAT=TREE SELECT * FROM t;
            +----------------------------------------+
            | EXPLAIN                                |
            +----------------------------------------+
            | -> Table scan on t  (cost=0.35 rows=1) |
            +----------------------------------------+
            """
        #expect(try detect(framed) == .mysqlTree)
        #expect(try detect("MariaDB [shop]> EXPLAIN SELECT 1;\n| id | select_type |\n") == .mysqlTable)
    }

    @Test func rejectsEmptyBinaryAndProse() {
        for text in ["", "  \n\t", "\u{0}\u{0}", "Dear DBA, the query is slow."] {
            #expect(throws: InputError.self) { try detect(text) }
        }
    }
}
