import AdvisorCore
import Testing

/// Condition texts as the servers print them (most taken from real plans) and the index key they imply.
struct FilterColumnsTests {
    private func postgres(_ condition: String, relation: String = "orders", alias: String? = nil) -> FilterColumns {
        FilterColumns(conditions: [condition], relation: relation, alias: alias, engine: .postgres)
    }

    private func mysql(_ condition: String, relation: String = "orders", alias: String? = nil) -> FilterColumns {
        FilterColumns(conditions: [condition], relation: relation, alias: alias, engine: .mysql)
    }

    /// Nesting a real condition never reaches is unreadable, not a stack overflow (a fuzzed plan with 2,000
    /// parentheses crashed the parser); what real plans nest still reads.
    @Test func deepNestingIsUnreadableNotACrash() {
        func nested(_ depth: Int) -> String {
            String(repeating: "(", count: depth) + "status = 'x'::text" + String(repeating: ")", count: depth)
        }
        #expect(postgres(nested(50)).equalityColumns == ["status"])
        for depth in [2_000, 8_000] {
            #expect(postgres(nested(depth)).isEmpty)
            #expect(postgres("(a = 1) AND " + String(repeating: "lower(", count: depth) + "b").equalityColumns == ["a"])
            #expect(postgres(String(repeating: "NOT ", count: depth) + "c").isEmpty)
        }
    }

    @Test func postgresCastsAreUnwrapped() {
        let columns = postgres("((status)::text = 'shipped'::text)")
        #expect(columns.equalityColumns == ["status"])
        #expect(columns.indexColumns == ["status"])
        #expect(!columns.hasUnusableConditions)
    }

    @Test func postgresTimestampRange() {
        let columns = postgres("(created_at > '2024-01-01 00:00:00'::timestamp without time zone)")
        #expect(columns.rangeColumns == ["created_at"])
        #expect(columns.indexColumns == ["created_at"])
    }

    @Test func equalityBeforeRange() {
        let columns = postgres("((a > 2) AND (b = 1) AND (c < 5))")
        #expect(columns.equalityColumns == ["b"])
        #expect(columns.rangeColumns == ["a", "c"])
        #expect(columns.indexColumns == ["b", "a"])
    }

    @Test func anyArrayIsEquality() {
        #expect(postgres("(x = ANY ('{1,2}'::integer[]))").equalityColumns == ["x"])
        #expect(postgres("(b = ANY (ARRAY[$1, $2]))").equalityColumns == ["b"])
        #expect(postgres("(templateid = ANY ($3))").equalityColumns == ["templateid"])
        #expect(postgres("(x <> ALL ('{1,2}'::integer[]))").isEmpty)
    }

    @Test func nullTestsAndBooleans() {
        let columns = postgres("((NOT deleted) AND (client_id = 1007) AND (archived_at IS NULL) AND is_active)")
        #expect(columns.equalityColumns == ["deleted", "client_id", "archived_at", "is_active"])
        let notNull = postgres("(area IS NOT NULL)")
        #expect(notNull.isEmpty)
        #expect(notNull.hasUnusableConditions)
    }

    @Test func likePrefixIsRangeAndOtherPatternsAreSkipped() {
        #expect(postgres("(domain ~~ 'hu%'::text)").rangeColumns == ["domain"])
        #expect(postgres("(domain ~~ '%hu'::text)").isEmpty)
        #expect(postgres("(domain ~~* 'hu%'::text)").isEmpty)
        #expect(mysql("(`shop`.`orders`.`code` like 'AB%')").rangeColumns == ["code"])
        #expect(mysql("(`shop`.`orders`.`code` like 'AB')").equalityColumns == ["code"])
    }

    @Test func orBranchesAndFunctionsAreUnusable() {
        let columns = postgres(
            "(((mls_column_updated)::text <> 'search_status_id'::text) OR ((mls_column_old_value)::text <> '32'::text))"
        )
        #expect(columns.isEmpty)
        #expect(columns.hasUnusableConditions)
        let mixed = postgres("((lower(email) = 'a@b.c'::text) AND (tenant_id = 7))")
        #expect(mixed.indexColumns == ["tenant_id"])
        #expect(mixed.hasUnusableConditions)
        #expect(postgres("(((tb_2.i + 1) > 0) AND (mod(tb_2.i, 99) = 0))", relation: "tb", alias: "tb_2").isEmpty)
    }

    @Test func columnsComparedWithTheirOwnTableAreSkipped() {
        let columns = postgres(
            "((l_shipmode = ANY ('{MAIL,AIR}'::bpchar[])) AND (l_commitdate < l_receiptdate) AND "
                + "(l_shipdate < l_commitdate) AND (l_receiptdate >= '1996-01-01'::date) AND "
                + "(l_receiptdate < '1997-01-01 00:00:00'::timestamp without time zone))",
            relation: "lineitem")
        #expect(columns.equalityColumns == ["l_shipmode"])
        #expect(columns.rangeColumns == ["l_receiptdate"])
        #expect(columns.indexColumns == ["l_shipmode", "l_receiptdate"])
        #expect(columns.hasUnusableConditions)
    }

    @Test func qualifiedNamesOfOtherTablesAreJoinValues() {
        let inner = postgres("(o.customer_id = c.id)", relation: "customers", alias: "c")
        #expect(inner.equalityColumns == ["id"])
        let outer = postgres("(o.customer_id = c.id)", relation: "orders", alias: "o")
        #expect(outer.equalityColumns == ["customer_id"])
        let other = postgres("(x.r < 2)", relation: "orders", alias: "o")
        #expect(other.isEmpty)
        #expect(!other.hasUnusableConditions)
    }

    @Test func realPostgresFilterWithExpressionsAndIntervals() {
        let columns = postgres(
            "((NOT s.is_townhome) AND (s.property_type_id = ANY ('{3,6}'::bigint[])) AND (s.access_level <= 3) "
                + "AND (s.listing_type_id = ANY ('{1,2,3}'::integer[])) AND (0 <> (s.search_status_id & 1)) AND "
                + "(s.last_updated_date >= (('now'::text)::date - '7 days'::interval)))",
            relation: "search", alias: "s")
        #expect(columns.equalityColumns == ["is_townhome", "property_type_id", "listing_type_id"])
        #expect(columns.rangeColumns == ["access_level", "last_updated_date"])
        #expect(columns.indexColumns == ["is_townhome", "property_type_id", "listing_type_id", "access_level"])
    }

    @Test func subPlansAndParametersAsValues() {
        #expect(postgres("(a = $0)").equalityColumns == ["a"])
        #expect(postgres("(id_contact_event < $1)").rangeColumns == ["id_contact_event"])
        let withSubPlan = postgres("((idx_lokalizacji = $5) OR ($5 = 0))")
        #expect(withSubPlan.isEmpty)
        let correlated = postgres("((status = 1) AND ((SubPlan 1) = $5))")
        #expect(correlated.equalityColumns == ["status"])
        #expect(correlated.hasUnusableConditions)
        #expect(postgres("(ta_1.i < (InitPlan 3).col1)", relation: "ta", alias: "ta_1").isEmpty)
    }

    @Test func quotedPostgresIdentifiers() {
        let columns = postgres("((\"Order\".\"Status\")::text = 'x'::text)", relation: "Order")
        #expect(columns.equalityColumns == ["Status"])
    }

    @Test func mysqlBacktickedAndQualified() {
        let columns = mysql(
            "((`shop`.`orders`.`status` = 'x') and (`shop`.`orders`.`created_at` > '2024-01-01'))")
        #expect(columns.indexColumns == ["status", "created_at"])
        #expect(mysql("(test.t1.i = 10)", relation: "t1").equalityColumns == ["i"])
    }

    @Test func mariadbWithoutOuterParentheses() {
        let columns = FilterColumns(
            conditions: ["t1.pk < 10 and t1.b > 4"], relation: "t1", engine: .mariadb)
        #expect(columns.rangeColumns == ["pk", "b"])
        #expect(columns.indexColumns == ["pk"])
        let between = FilterColumns(
            conditions: ["t1.a = 5 and t1.b between 1 and 10 and t1.c in (1,2,3)"], relation: "t1", engine: .mariadb)
        #expect(between.equalityColumns == ["a", "c"])
        #expect(between.rangeColumns == ["b"])
    }

    @Test func mysqlNullsInListsAndCaches() {
        let columns = mysql(
            "((`o`.`region` in ('eu','us')) and (`o`.`deleted_at` is null) and (`o`.`x` <> 3))",
            alias: "o")
        #expect(columns.equalityColumns == ["region", "deleted_at"])
        #expect(columns.hasUnusableConditions)
        #expect(mysql("(t1.f1 = <cache>((3 + 2)))", relation: "t1").equalityColumns == ["f1"])
        #expect(mysql("isnull(test.t2.i)", relation: "t2").equalityColumns == ["i"])
        #expect(mysql("(cast(`o`.`created` as date) = DATE'2024-01-01')", alias: "o").equalityColumns == ["created"])
        #expect(mysql("(`o`.`c` = _utf8mb4'x')", alias: "o").equalityColumns == ["c"])
    }

    @Test func mysqlSubqueriesAreNotValues() {
        let columns = mysql("(t1.f1 = (select #2))", relation: "t1")
        #expect(columns.isEmpty)
        #expect(columns.hasUnusableConditions)
        let optimizer = mysql(
            "((test.t1.i = 10) and (<cache>(test.t1.i) = test.t2.i))", relation: "t2")
        #expect(optimizer.equalityColumns == ["i"])
        let tree = mysql("(t1.x < t2.y)", relation: "t1")
        #expect(tree.rangeColumns == ["x"])
        let inner = mysql("(t1.x < t2.y)", relation: "t2")
        #expect(inner.rangeColumns == ["y"])
    }

    @Test func betweenAndNotBetween() {
        #expect(mysql("(`orders`.`total` between 10 and 20)").rangeColumns == ["total"])
        #expect(mysql("(`orders`.`total` not between 10 and 20)").isEmpty)
        #expect(mysql("(`orders`.`id` not in (1,2))").isEmpty)
    }

    @Test func unreadableTextYieldsNothing() {
        #expect(postgres("").isEmpty)
        #expect(postgres("((a = 1) AND (b = ").isEmpty)
        #expect(postgres("(a = 'unterminated").isEmpty)
        let partly = postgres("((a = 1) AND (b ?? c !! d) AND (c < 3))")
        #expect(partly.indexColumns == ["a", "c"])
    }

    @Test func postgresEqualityExpressionsBecomeExpressionKeys() {
        let json = postgres("((payload ->> 'path'::text) = '/products/42'::text)", relation: "events")
        #expect(json.isEmpty)
        #expect(json.indexKeys == [.expression("(payload ->> 'path'::text)", name: "expr")])
        #expect(
            postgres("(lower((email)::text) = 'a@b.c'::text)", relation: "customers").indexKeys == [
                .expression("lower((email)::text)", name: "lower")
            ])
        #expect(
            postgres("(date_trunc('day'::text, created_at) = '2024-03-01 00:00:00'::timestamp without time zone)")
                .indexKeys == [.expression("date_trunc('day'::text, created_at)", name: "date_trunc")])
        // Reversed operands, = ANY, IN, casts around the call and nested JSON paths.
        #expect(postgres("('x'::text = upper(code))").indexKeys == [.expression("upper(code)", name: "upper")])
        #expect(
            postgres("(lower(email) = ANY ('{a,b}'::text[]))").indexKeys == [.expression("lower(email)", name: "lower")]
        )
        #expect(
            postgres("((lower(email))::text = 'a'::text)").indexKeys == [
                .expression("((lower(email))::text)", name: "expr")
            ])
        #expect(
            postgres("(((data -> 'customer'::text) ->> 'id'::text) = '7'::text)").indexKeys == [
                .expression("((data -> 'customer'::text) ->> 'id'::text)", name: "expr")
            ])
        // Real shape (PEV2's MERGE example): a partition alias qualifies the column.
        #expect(
            postgres("(((tb_2.i + 1) > 0) AND (mod(tb_2.i, 99) = 0))", relation: "tb", alias: "tb_2").indexKeys == [
                .expression("mod(i, 99)", name: "mod")
            ])
    }

    @Test func plainColumnsComeBeforeExpressions() {
        let mixed = postgres(
            "((lower(email) = 'a@b.c'::text) AND (created_at > '2024-01-01'::date) AND (tenant_id = 7))")
        #expect(mixed.indexColumns == ["tenant_id", "created_at"])
        #expect(
            mixed.indexKeys == [
                .column("tenant_id"), .expression("lower(email)", name: "lower"), .column("created_at"),
            ])
        #expect(mixed.hasUnusableConditions)
        #expect(postgres("((lower(email) = 'a'::text) AND (lower(email) = 'a'::text))").equalityExpressions.count == 1)
    }

    @Test func expressionsThatCannotBeIndexed() {
        // Not fixed per row, parameters, two columns, another table, ranges, OR branches, MySQL.
        #expect(postgres("(date_trunc('day'::text, now()) = created_at)").equalityExpressions.isEmpty)
        #expect(postgres("((random() * (id)::double precision) = '1'::double precision)").equalityExpressions.isEmpty)
        #expect(
            postgres("((created_at + (CURRENT_DATE - created_at)) = '2024-01-01'::date)").equalityExpressions.isEmpty)
        #expect(postgres("((id + nextval('s'::regclass)) = 7)").equalityExpressions.isEmpty)
        #expect(postgres("((a + $1) = 5)").equalityExpressions.isEmpty)
        #expect(postgres("((a + b) = 5)").equalityExpressions.isEmpty)
        #expect(postgres("(lower((o.email)::text) = (c.email)::text)", alias: "o").equalityExpressions.isEmpty)
        #expect(postgres("(lower(c.email) = 'x'::text)", alias: "o").equalityExpressions.isEmpty)
        #expect(postgres("(lower(email) > 'm'::text)").equalityExpressions.isEmpty)
        #expect(postgres("((lower(email) = 'a'::text) OR (id = 1))").equalityExpressions.isEmpty)
        #expect(postgres("(lower(email) = (SubPlan 1))").equalityExpressions.isEmpty)
        #expect(mysql("(lower(`orders`.`email`) = 'a')").equalityExpressions.isEmpty)
        #expect(postgres("(count(*) = 5)").equalityExpressions.isEmpty)
    }

    @Test func combinedConditionsOfANode() {
        var node = PlanNode(nodeType: "Seq Scan")
        node.relation = "customers"
        node.alias = "c"
        node.filter = "(c.region = 'eu'::text)"
        let columns = FilterColumns(node: node, engine: .postgres, extraConditions: ["(o.customer_id = c.id)"])
        #expect(columns.indexColumns == ["region", "id"])
    }
}
