/// Reports MySQL/MariaDB table accesses that read many rows under a condition (a WHERE filter or a join)
/// while `possible_keys` is empty: the optimizer had no index to even consider.
///
/// When this rule and `plan-seq-scan-filter` would both report a table, this one does: it states the
/// cause (no candidate index at all, rather than an index the optimizer judged too unselective), and
/// `plan-seq-scan-filter` skips MySQL/MariaDB tables whose printed `possible_keys` is empty. Only formats
/// that print `possible_keys` are judged (JSON and tabular; the tree format does not print it).
public struct NoUsableKeyRule: Rule {
    public struct Options: RuleOptions {
        /// The table must be examined at least this many rows per execution of the statement (all scans).
        // Same floor as plan-seq-scan-filter, so every table that rule defers to is reported here.
        public var minRowsExamined = 10_000.0
        /// The access must account for at least this share of the statement (time, or cost when untimed).
        public var minShare = 0.1
        /// Severity by the access's share of the statement.
        public var severityByShare = Levels(medium: 0.25, high: 0.5, critical: 0.8)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "mysql-no-usable-key",
        title: "No usable index for a filtered or joined table",
        category: .plans,
        engines: [.mysql, .mariadb],
        requires: [.plans],
        summary: "A filtered or joined table is read in full because no index matches any of its conditions.",
        rationale: """
            `possible_keys` lists the indexes the optimizer could use for a table's conditions. When it is empty \
            (`NULL`) on a table read in full (`type` `ALL` or `index`) that is filtered (`Using where`, an \
            attached condition) or joined (`Using join buffer`), no index matches the columns the query \
            constrains: the optimizer had nothing to choose from, and the table is read row by row, for a join \
            once per buffer of outer rows. This is different from an index that exists but was not chosen \
            (then `possible_keys` names it and the question is selectivity or statistics).

            **Fix:** add an index on the columns of the table's conditions: its join column and equality \
            conditions first, then one range column (`ALTER TABLE t ADD INDEX idx_t_cols (a, b);`). \
            **Validate:** run EXPLAIN again: `possible_keys` should name the new index and `type` become \
            `ref`, `eq_ref` or `range`, with `rows` close to the rows the table contributes.
            """,
        examples: [
            RuleExample(
                "orders filtered on a column no index covers",
                plan: """
                    {
                      "query_block": {
                        "select_id": 1,
                        "cost_info": {
                          "query_cost": "101289.25"
                        },
                        "table": {
                          "table_name": "orders",
                          "access_type": "ALL",
                          "rows_examined_per_scan": 995400,
                          "rows_produced_per_join": 99540,
                          "filtered": "10.00",
                          "cost_info": {
                            "read_cost": "91335.25",
                            "eval_cost": "9954.00",
                            "prefix_cost": "101289.25",
                            "data_read_per_join": "45M"
                          },
                          "used_columns": [
                            "id",
                            "customer_id",
                            "status",
                            "created_at"
                          ],
                          "attached_condition": "(`shop`.`orders`.`status` = 'shipped')"
                        }
                      }
                    }
                    """,
                expecting: ["Table scan on orders"]),
            RuleExample(
                "a joined table with no index on its join column, read through a join buffer",
                plan: """
                    +----+-------------+-------+------------+------+--------------------+--------------------+---------+-------+-------+----------+--------------------------------------------+
                    | id | select_type | table | partitions | type | possible_keys      | key                | key_len | ref   | rows  | filtered | Extra                                      |
                    +----+-------------+-------+------------+------+--------------------+--------------------+---------+-------+-------+----------+--------------------------------------------+
                    |  1 | SIMPLE      | c     | NULL       | ref  | idx_customers_city | idx_customers_city | 82      | const |   120 |   100.00 | NULL                                       |
                    |  1 | SIMPLE      | o     | NULL       | ALL  | NULL               | NULL               | NULL    | NULL  | 99650 |    10.00 | Using where; Using join buffer (hash join) |
                    +----+-------------+-------+------------+------+--------------------+--------------------+---------+-------+-------+----------+--------------------------------------------+
                    """,
                expecting: ["Table scan on o"]),
            RuleExample(
                "the filter column is indexed",
                plan: MySQLRuleExamples.indexedLookup,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for path in context.planNodePaths where path.context.engine.isMySQLFamily {
            let node = path.node
            let plan = path.context.plan
            guard ["ALL", "index"].contains(node.accessType ?? ""), let relation = node.relation,
                !relation.hasPrefix("<"),
                !node.neverExecuted, SeqScanFilterRule.hasNoCandidateKeys(node, format: plan.format),
                Self.isConstrained(path), let rows = ScanRows(path)
            else { continue }
            let join = Self.blockNestedLoop(path, rows: rows)
            guard max(rows.totalRead, join?.comparisons ?? 0) >= options.minRowsExamined else { continue }
            // Through a join buffer the table is read once per buffer fill, cheaply; the time goes into
            // comparing every buffered row with every row read, which the join node is timed for.
            let share = [plan.inclusiveShare(of: node), join.flatMap { plan.inclusiveShare(of: $0.loop) }]
                .compactMap { $0 }.max()
            if let share, share < options.minShare { continue }
            findings.append(finding(path, rows: rows, join: join, share: share))
        }
        return findings
    }

    /// The block nested loop (MySQL "Block Nested Loop", MariaDB "BNL join") this table is the buffered
    /// inner side of, and how many row comparisons it made: every row read against every buffered outer row.
    private static func blockNestedLoop(_ path: PlanNodePath, rows: ScanRows) -> (loop: PlanNode, comparisons: Double)?
    {
        guard let inner = path.innerSideOfNestedLoop,
            path.node.notes.contains(where: { $0.contains("BNL join") || $0.contains("Block Nested Loop") }),
            let outer = inner.loop.children.first(where: { !$0.isSubPlan })
        else { return nil }
        let outerRows = outer.actualRows.map { $0 * (outer.loops ?? 1) } ?? outer.estimatedRows ?? 1
        return (inner.loop, rows.totalRead * max(outerRows, 1) / max(rows.loops, 1))
    }

    /// True when the table is filtered or joined: an attached condition, `Using where`, a join buffer, or
    /// a MySQL `Filter:` right above it.
    private static func isConstrained(_ path: PlanNodePath) -> Bool {
        if path.node.filter != nil || SeqScanFilterRule.condition(of: path) != nil { return true }
        return path.node.notes.contains { $0.hasPrefix("Using where") || $0.hasPrefix("Using join buffer") }
    }

    private func finding(
        _ path: PlanNodePath, rows: ScanRows, join: (loop: PlanNode, comparisons: Double)?, share: Double?
    ) -> Finding {
        let context = path.context
        let node = context.node
        let engine = context.engine
        // Join condition first, as plan-nested-loop-inner-scan orders them, so both propose the same index.
        let conditions = [path.innerSideOfNestedLoop?.loop.joinFilter, SeqScanFilterRule.condition(of: path)]
        let columns = FilterColumns(conditions: conditions, relation: node.relation, alias: node.alias, engine: engine)
        let reference = TableReference(node: node, plan: context.plan, conditions: conditions)
        let table = reference?.table ?? node.relation ?? ""
        var evidence = [
            Evidence("rows examined", rows.totalRead, "rows"),
            Evidence("rows kept", rows.totalKept, "rows"),
        ]
        if rows.loops != 1 { evidence.append(Evidence("scans", rows.loops, "loops")) }
        if let join { evidence.append(Evidence("row comparisons in the join buffer", join.comparisons, "rows")) }
        if let time = node.inclusiveTimeMs { evidence.append(Evidence("access time", time, "ms")) }
        let timeMs = join?.loop.inclusiveTimeMs ?? node.inclusiveTimeMs
        if let share { evidence.append(Evidence("share of statement", share * 100, "percent")) }
        let fix =
            columns.isEmpty
            ? nil
            : PlanFixSQL.createIndex(
                table: table, schema: reference?.schema, columns: columns.indexColumns, engine: engine)
        let confidence: Confidence = rows.isMeasured ? (context.plan.hasTiming ? .high : .medium) : .low
        return Finding(
            ruleId: Self.description.id,
            severity: share.map(options.severityByShare.severity(for:)) ?? .medium,
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(
                context, rows: rows, comparisons: join.map(\.comparisons).flatMap { $0 > rows.totalRead ? $0 : nil }),
            evidence: evidence,
            impact: .plan(context.captured, timeMs: timeMs, share: share, confidence: confidence),
            recommendation: Self.recommendation(table: table, columns: columns),
            fixSQL: fix,
            risk: Self.risk(reference),
            validation: "Run EXPLAIN again: possible_keys should name the new index and the access type become ref, "
                + "eq_ref or range, with rows close to the rows the table contributes.")
    }
}

// MARK: - Messages

extension NoUsableKeyRule {
    fileprivate static func message(_ context: PlanNodeContext, rows: ScanRows, comparisons: Double?) -> String {
        let basis = rows.isMeasured ? "" : " (estimated)"
        let scans = rows.loops > 1 ? " over \(Formatting.count(rows.loops)) scans" : ""
        let joined = comparisons.map { ", compared \(Formatting.count($0)) times with buffered join rows," } ?? ""
        return "\(context.displayName) (node \(context.node.id)) examines \(Formatting.count(rows.totalRead)) rows"
            + "\(scans)\(basis)\(joined) under a condition, and no index on the table matches it (possible_keys is empty)."
    }

    fileprivate static func risk(_ reference: TableReference?) -> String {
        let base =
            "Adding an index is an online operation in InnoDB but reads the whole table and can delay replicas; "
            + "every index slows writes to the table and takes disk space."
        return [base, reference?.caveat].compactMap { $0 }.joined(separator: " ")
    }

    fileprivate static func recommendation(table: String, columns: FilterColumns) -> String {
        if columns.isEmpty {
            return "Add an index on \(table) covering the columns of its WHERE and join conditions (check them with "
                + "EXPLAIN FORMAT=JSON, attached_condition)."
        }
        return "Add an index on \(table) (\(columns.indexColumns.joined(separator: ", "))) so the optimizer has a key "
            + "for this condition."
    }
}
