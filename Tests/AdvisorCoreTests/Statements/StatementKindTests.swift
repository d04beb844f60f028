import Testing

@testable import AdvisorCore

@Suite struct StatementKindTests {
    @Test(arguments: [
        ("COPY public.pgbench_accounts (aid, bid, abalance, filler) FROM stdin", StatementKind.load),
        ("copy orders to stdout", .load),
        ("INSERT INTO archive (id, total) SELECT id, total FROM orders WHERE placed_at < $1", .application),
        ("INSERT INTO audit (at, what) VALUES ($1, (SELECT max(id) FROM orders))", .application),
        ("CREATE TABLE recent AS SELECT * FROM orders", .load),
        ("CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, v text)", .schemaChange),
        ("SELECT * INTO archive_2025 FROM orders", .load),
        ("SELECT id INTO @last FROM orders LIMIT 1", .application),
        ("alter table pgbench_accounts add primary key (aid)", .indexBuild),
        ("ALTER TABLE orders ADD CONSTRAINT orders_number_key UNIQUE (number)", .indexBuild),
        ("ALTER TABLE orders ADD COLUMN note text", .schemaChange),
        ("CREATE UNIQUE INDEX CONCURRENTLY orders_x ON orders (x)", .indexBuild),
        ("REINDEX TABLE orders", .indexBuild),
        ("vacuum analyze pgbench_branches", .maintenance),
        ("REFRESH MATERIALIZED VIEW daily_sales", .maintenance),
        ("CREATE MATERIALIZED VIEW daily_sales AS SELECT 1", .load),
        ("SELECT * FROM orders WHERE id = $1", .application),
        ("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2", .application),
        ("END", .application),
    ])
    func kinds(_ text: String, _ kind: StatementKind) {
        #expect(StatementKind(text, engine: .postgres) == kind, "\(text)")
    }

    @Test func foreignKeyTriggerStatements() throws {
        let check = StatementKind(
            #"SELECT 1 FROM ONLY "public"."authors" x WHERE "id" OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x"#,
            engine: .postgres)
        #expect(
            check
                == .foreignKey(
                    ForeignKeyAction(action: .referencedKeyCheck, schema: "public", table: "authors", columns: ["id"])))
        let restrict = StatementKind(
            #"SELECT 1 FROM ONLY "public"."orders" x WHERE $1 OPERATOR(pg_catalog.=) "customer_id" FOR KEY SHARE OF x"#,
            engine: .postgres)
        #expect(
            restrict
                == .foreignKey(
                    ForeignKeyAction(
                        action: .referencingRowsCheck, schema: "public", table: "orders", columns: ["customer_id"])))
        let cascade = StatementKind(
            #"DELETE FROM ONLY "public"."books" WHERE $1 OPERATOR(pg_catalog.=) "author_id""#, engine: .postgres)
        #expect(
            cascade
                == .foreignKey(
                    ForeignKeyAction(action: .cascadeDelete, schema: "public", table: "books", columns: ["author_id"])))
        let setNull = StatementKind(
            #"UPDATE ONLY "public"."books" SET "author_id" = NULL WHERE $1 OPERATOR(pg_catalog.=) "author_id""#,
            engine: .postgres)
        #expect(
            setNull
                == .foreignKey(
                    ForeignKeyAction(action: .cascadeUpdate, schema: "public", table: "books", columns: ["author_id"])))
        // An application's own lookup with the same lock is not the server's.
        #expect(
            StatementKind("SELECT 1 FROM authors x WHERE id = $1 FOR KEY SHARE OF x", engine: .postgres)
                == .application)
    }

    @Test func foreignKeyChecksNameTheirConstraintAndWhatFiresThem() throws {
        var snapshot = StatementRuleExamples.snapshot()
        snapshot.foreignKeys = [
            ForeignKey(
                schema: "public", table: "orders", name: "orders_customer_id_fkey", columns: ["customer_id"],
                referencedSchema: "public", referencedTable: "customers", referencedColumns: ["id"])
        ]
        let check = ForeignKeyAction(action: .referencedKeyCheck, schema: "public", table: "customers", columns: ["id"])
        #expect(check.foreignKeys(in: snapshot).map(\.name) == ["orders_customer_id_fkey"])
        #expect(
            check.description(in: snapshot)
                == "the foreign-key check of public.orders (customer_id) → public.customers, run by the server for "
                + "every row inserted into orders and every update of its key")
        let restrict = ForeignKeyAction(
            action: .referencingRowsCheck, schema: "public", table: "orders", columns: ["customer_id"])
        #expect(restrict.description(in: snapshot).contains("every row deleted from customers"))
        let unknown = ForeignKeyAction(action: .referencedKeyCheck, schema: "public", table: "authors", columns: ["id"])
        #expect(unknown.description(in: snapshot).contains("a table referencing public.authors"))
    }

    @Test func oneOffsAreLoadsMaintenanceAndHandfulsOfCalls() {
        let copy = StatementRuleExamples.statement(
            "1", "COPY t FROM stdin", calls: 1_000, totalTimeMs: 1, rows: 1)
        let seed = StatementRuleExamples.statement(
            "2", "INSERT INTO t (a) VALUES ($1)", calls: 1, totalTimeMs: 1, rows: 1)
        let lookup = StatementRuleExamples.statement(
            "3", "SELECT * FROM t WHERE a = $1", calls: 6, totalTimeMs: 1, rows: 1)
        let snapshot = StatementRuleExamples.snapshot(statements: [copy, seed, lookup])
        #expect(snapshot.isOneOff(copy))
        #expect(snapshot.isOneOff(seed))
        #expect(!snapshot.isOneOff(lookup))
        #expect(snapshot.callsPerDay(of: seed) == nil)
        #expect(snapshot.callsPerDay(of: lookup) == 6)
    }

    @Test func aScanSaysCommitTimeIsNotInTheStatementFigures() throws {
        var snapshot = StatementRuleExamples.snapshot(statements: [
            StatementRuleExamples.statement("1", "END", calls: 25_688, totalTimeMs: 37, rows: 0),
            StatementRuleExamples.statement("2", "SELECT 1 FROM t WHERE a = $1", calls: 9, totalTimeMs: 1, rows: 9),
        ])
        snapshot.server.versionNumber = 150_010
        let notice = try #require(Notice.commitTimeNotInStatements(snapshot))
        #expect(notice.text.contains("25,688 COMMITs as 37.0 ms"), "\(notice.text)")
        #expect(notice.text.contains("pg_stat_wal (wal_sync, wal_sync_time)"))
        #expect(notice.text.contains("WALSync"))
        snapshot.server.versionNumber = 180_001
        #expect(Notice.commitTimeNotInStatements(snapshot)?.text.contains("pg_stat_io") == true)
        snapshot.statements.removeFirst()
        #expect(Notice.commitTimeNotInStatements(snapshot) == nil)
    }
}
