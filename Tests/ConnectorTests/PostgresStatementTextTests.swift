import PostgresConnector
import Testing

/// What may be EXPLAINed or executed by `EXPLAIN ANALYZE`, read from texts as `pg_stat_statements` keeps them.
struct PostgresStatementTextTests {
    @Test(arguments: [
        ("SELECT * FROM orders WHERE id = $1", "SELECT"),
        ("  -- leading comment\n/* and /* nested */ one */ select 1", "SELECT"),
        ("(SELECT 1) UNION (SELECT 2)", "SELECT"),
        ("with recent AS (SELECT 1) SELECT * FROM recent", "WITH"),
        ("insert into orders values ($1)", "INSERT"),
        ("UPDATE orders SET note = $1", "UPDATE"),
        ("DELETE FROM orders", "DELETE"),
        ("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DO NOTHING", "MERGE"),
        ("VALUES ($1), ($2)", "VALUES"),
        ("TABLE countries", "TABLE"),
    ])
    func queriesAndWritesAreExplainable(text: String, keyword: String) {
        let statement = PostgresStatementText(text)
        #expect(statement.firstKeyword == keyword)
        #expect(statement.isExplainable)
    }

    @Test(arguments: [
        "VACUUM orders", "COPY orders TO STDOUT", "SET search_path = public", "BEGIN", "COMMIT",
        "EXPLAIN SELECT 1", "CREATE INDEX ON orders (status)", "PREPARE p AS SELECT 1", "EXECUTE p",
        "SHOW work_mem", "DO $$BEGIN PERFORM 1; END$$", "", "-- only a comment", "'SELECT'",
    ])
    func utilityCommandsAreNotExplainable(text: String) {
        #expect(!PostgresStatementText(text).isExplainable, "\(text)")
    }

    @Test(arguments: [
        ("SELECT 1", 0),
        ("SELECT * FROM t WHERE a = $1 AND b = $2", 2),
        ("SELECT $2, $1", 2),
        ("SELECT * FROM t WHERE a IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) LIMIT $11", 11),
        ("SELECT '$5' , $1", 1),
        ("SELECT 'it''s $7', $2", 2),
        ("SELECT E'\\' $8', $1", 1),
        ("SELECT \"col$9\" FROM t WHERE a = $1", 1),
        ("SELECT a$3 FROM t", 0),
        ("SELECT $1 -- and $4\n, $2", 2),
        ("SELECT /* $6 /* $7 */ still comment $8 */ $1", 1),
        ("SELECT $$ $9 $$, $tag$ $10 $tag$, $1", 1),
        ("SELECT $q$ it's $$ $12 $q$ || $3", 3),
    ])
    func placeholdersCountOutsideLiteralsAndComments(text: String, highest: Int) {
        let statement = PostgresStatementText(text)
        #expect(statement.highestPlaceholder == highest, "\(text)")
        #expect(statement.hasPlaceholders == (highest > 0))
        #expect(!statement.isUnterminated, "\(text)")
    }

    @Test(arguments: [
        ("SELECT 1", false),
        ("SELECT 1;", false),
        ("SELECT 1; -- done\n", false),
        ("SELECT ';' , $1", false),
        ("SELECT 1 -- ; SELECT 2", false),
        ("SELECT /* ; */ 1", false),
        ("SELECT $$;$$", false),
        ("SELECT \";\" FROM t", false),
        ("SELECT 1; SELECT 2", true),
        ("UPDATE t SET a = 1;DELETE FROM t", true),
    ])
    func semicolonsSeparateStatementsOnlyOutsideLiterals(text: String, several: Bool) {
        #expect(PostgresStatementText(text).hasSeveralStatements == several, "\(text)")
    }

    @Test(arguments: [
        "SELECT 'unfinished", "SELECT * FROM t /* unfinished", "SELECT $$ unfinished",
        "SELECT \"unfinished", "SELECT E'escaped quote \\'",
    ])
    func textsEndingInsideALiteralAreUnterminated(text: String) {
        #expect(PostgresStatementText(text).isUnterminated, "\(text)")
    }

    @Test(arguments: [
        "SELECT * FROM orders WHERE status = $1",
        "select count(*) from orders",
        "WITH totals AS (SELECT customer_id, sum(total) FROM orders GROUP BY 1) SELECT * FROM totals",
        "VALUES (1)",
        "TABLE countries",
        "SELECT 'INSERT INTO t', \"update\" FROM t -- DELETE",
    ])
    func readOnlyQueriesMayBeExecuted(text: String) {
        #expect(PostgresStatementText(text).isReadOnlyQuery, "\(text)")
    }

    @Test(arguments: [
        "UPDATE orders SET note = NULL",
        "INSERT INTO orders SELECT * FROM orders",
        "WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone",
        "WITH moved AS (UPDATE orders SET note = 'x' RETURNING id) SELECT * FROM moved",
        "WITH s AS (SELECT 1) MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE",
        "WITH s AS (SELECT 1) INSERT INTO t SELECT * FROM s",
        "SELECT * FROM orders FOR UPDATE",
        "SELECT * FROM orders FOR NO KEY UPDATE",
        "SELECT * FROM orders FOR KEY SHARE",
        "SELECT * INTO copy_of_orders FROM orders",
        "SELECT nextval('orders_id_seq')",
        "SELECT pg_advisory_lock(1)",
        "SELECT pg_catalog.set_config('work_mem', '1GB', false)",
        "SHOW work_mem",
        "DELETE FROM orders",
    ])
    func writesLocksAndSideEffectsAreNeverExecuted(text: String) {
        #expect(!PostgresStatementText(text).isReadOnlyQuery, "\(text)")
    }

    @Test func dbadvisorQueriesAreRecognisedByTheirHeader() {
        #expect(PostgresStatementText("-- pg_server_version: the server's version\nSELECT $1").isDBAdvisorQuery)
        #expect(PostgresStatementText("\n-- pg_explain_context: …\nSELECT 1").isDBAdvisorQuery)
        #expect(PostgresStatementText("-- pg_activity: from another dbadvisor version\nSELECT 1").isDBAdvisorQuery)
        #expect(!PostgresStatementText("-- Pg_Report: a user's comment\nSELECT 1").isDBAdvisorQuery)
        #expect(!PostgresStatementText("-- report: a user's comment\nSELECT 1").isDBAdvisorQuery)
        #expect(!PostgresStatementText("SELECT 1 -- pg_server_version: x").isDBAdvisorQuery)
        #expect(!PostgresStatementText("-- pg_server_version\nSELECT 1").isDBAdvisorQuery)
    }
}
