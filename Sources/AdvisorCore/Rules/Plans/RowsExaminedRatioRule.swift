/// Reports MySQL/MariaDB statements that examine far more rows than they return: the slow-log
/// `Rows_examined` / `Rows_sent` ratio, read from the plan, with the table that examines the most.
public struct RowsExaminedRatioRule: Rule {
    public struct Options: RuleOptions {
        /// Rows examined per row returned at which the statement is reported.
        // The usual slow-log red flag is 100×; 50× also catches a range that keeps 1-2 % of what it reads
        // (one column short of the right index), while ordinary filters and join fan-out stay far below it.
        public var minRatio = 50.0
        /// And at least this many rows examined per execution.
        // Below ~5,000 rows the reads take a few milliseconds at most: waste, but cheap waste.
        public var minRowsExamined = 5_000.0
        /// Severity by the worst table's share of the statement (time, or cost when untimed).
        public var severityByShare = Levels(medium: 0.25, high: 0.5, critical: 0.8)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "mysql-rows-examined-ratio",
        title: "Rows examined far above rows returned",
        category: .plans,
        engines: [.mysql, .mariadb],
        requires: [.plans],
        summary: "The statement reads fifty or more rows for every row it returns.",
        rationale: """
            Every row a MySQL/MariaDB statement examines costs a storage-engine read, even when a condition \
            then discards it. A statement that examines fifty or more rows per row it returns is missing an \
            index, or using one that narrows too little. The rows examined are summed over the table \
            accesses: `rows_examined_per_scan` (MariaDB `rows`) × the number of scans when estimated, \
            `r_rows` × `r_loops` (MariaDB ANALYZE) or the table's actual rows × loops (MySQL EXPLAIN ANALYZE) \
            when measured. The rows returned are the statement's result rows; for an aggregate, the rows \
            that reach the aggregation (a `COUNT(*)` returning one row is not a problem by itself).

            **Fix:** start with the table that examines the most rows: index the columns of its conditions, \
            equality columns first and one range column last, or extend the index it uses with the columns \
            its attached condition still filters on. **Validate:** run EXPLAIN ANALYZE (MariaDB: ANALYZE) \
            again, or compare `Rows_examined` and `Rows_sent` in the slow log: the ratio should drop towards 1.
            """,
        examples: [
            RuleExample(
                "a weak index examines 200 rows per row returned",
                plan: """
                    {
                      "query_block": {
                        "select_id": 1,
                        "cost_info": {
                          "query_cost": "24107.30"
                        },
                        "table": {
                          "table_name": "events",
                          "access_type": "ref",
                          "possible_keys": [
                            "idx_events_account"
                          ],
                          "key": "idx_events_account",
                          "used_key_parts": [
                            "account_id"
                          ],
                          "key_length": "8",
                          "ref": [
                            "const"
                          ],
                          "rows_examined_per_scan": 201734,
                          "rows_produced_per_join": 1008,
                          "filtered": "0.50",
                          "cost_info": {
                            "read_cost": "4033.96",
                            "eval_cost": "100.87",
                            "prefix_cost": "24107.30",
                            "data_read_per_join": "488K"
                          },
                          "used_columns": [
                            "id",
                            "account_id",
                            "kind",
                            "created_at"
                          ],
                          "attached_condition": "(`app`.`events`.`kind` = 'login')"
                        }
                      }
                    }
                    """,
                expecting: ["plan 1"]),
            RuleExample(
                "an index that returns what it reads",
                plan: MySQLRuleExamples.indexedLookup,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// One table access and the rows it examined over the statement.
    fileprivate struct TableRead {
        var path: PlanNodePath
        var rows: ScanRows
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var readsByPlan: [Int: [TableRead]] = [:]
        for path in context.planNodePaths where path.context.engine.isMySQLFamily {
            let node = path.node
            guard node.accessType != nil || node.operation.isRelationScan, node.relation != nil,
                let rows = ScanRows(path)
            else { continue }
            readsByPlan[path.context.planNumber, default: []].append(TableRead(path: path, rows: rows))
        }
        var findings: [Finding] = []
        for (offset, captured) in context.snapshot.plans.enumerated() {
            guard let reads = readsByPlan[offset + 1], let returned = Self.rowsReturned(captured.plan),
                let worst = reads.max(by: { $0.rows.totalRead < $1.rows.totalRead })
            else { continue }
            let examined = reads.reduce(0) { $0 + $1.rows.totalRead }
            let ratio = examined / max(returned, 1)
            guard examined >= options.minRowsExamined, ratio >= options.minRatio else { continue }
            findings.append(
                finding(
                    captured, number: offset + 1, examined: examined, returned: returned, ratio: ratio, worst: worst))
        }
        return findings
    }

    /// The rows the statement returns: the first row count from the root down, or, when an aggregate,
    /// DISTINCT or temporary table sits above the joins, the rows it consumes (grouping returns few rows
    /// by design).
    static func rowsReturned(_ plan: Plan) -> Double? {
        func rows(_ node: PlanNode) -> Double? {
            plan.hasActuals ? node.actualRows.map { $0 * (node.loops ?? 1) } : node.estimatedRows
        }
        var returned: Double?
        var node = plan.root
        while true {
            if returned == nil { returned = rows(node) }
            let isJoinOrAccess =
                [.nestedLoop, .hashJoin, .mergeJoin].contains(node.operation) || node.accessType != nil
                || node.operation.isRelationScan
            guard !isJoinOrAccess, let next = node.children.first(where: { !$0.isSubPlan }) else { return returned }
            // MariaDB shows GROUP BY as a sort of a temporary table, with no aggregate node.
            if node.operation == .aggregate || node.operation == .unique || node.usingTemporary {
                returned = rows(next)
            }
            node = next
        }
    }

    /// The index key for the worst table: for an index access, the key parts it already uses followed by
    /// the columns its remaining condition tests (after a `ref` lookup they narrow the range; after a
    /// `range` they let the engine test the condition in the index instead of reading each row);
    /// for a full scan, the condition's columns.
    static func keyColumns(_ columns: FilterColumns, node: PlanNode) -> [String] {
        guard node.accessType != "ALL", let used = node.usedKeyParts, !used.isEmpty else {
            return columns.indexColumns
        }
        let equality = used + columns.equalityColumns.filter { !used.contains($0) }
        return equality + columns.rangeColumns.filter { !equality.contains($0) }.prefix(1)
    }

    private func finding(
        _ captured: CapturedPlan, number: Int, examined: Double, returned: Double, ratio: Double, worst: TableRead
    ) -> Finding {
        let plan = captured.plan
        let node = worst.path.node
        let engine = plan.engine
        let condition = SeqScanFilterRule.condition(of: worst.path)
        let conditions = [worst.path.innerSideOfNestedLoop?.loop.joinFilter, node.indexCondition, condition]
        let columns = FilterColumns(conditions: conditions, relation: node.relation, alias: node.alias, engine: engine)
        let reference = TableReference(node: node, plan: plan, conditions: conditions)
        let table = reference?.table ?? node.relation ?? ""
        let share = plan.inclusiveShare(of: node)
        var evidence = [
            Evidence("rows examined", examined, "rows"),
            Evidence("rows returned", returned, "rows"),
            Evidence("examined per returned", ratio, "factor"),
            Evidence("rows examined in \(table)", worst.rows.totalRead, "rows"),
        ]
        if let share { evidence.append(Evidence("share of statement", share * 100, "percent")) }
        let keyColumns = Self.keyColumns(columns, node: node)
        // An index only helps when it adds columns to the ones the current access already looks up by.
        let isNewKey = !keyColumns.isEmpty && keyColumns != (node.usedKeyParts ?? [])
        let fix =
            isNewKey
            ? PlanFixSQL.createIndex(table: table, schema: reference?.schema, columns: keyColumns, engine: engine) : nil
        let confidence: Confidence = worst.rows.isMeasured ? (plan.hasTiming ? .high : .medium) : .low
        return Finding(
            ruleId: Self.description.id,
            severity: share.map(options.severityByShare.severity(for:)) ?? .medium,
            category: Self.description.category,
            object: .plan(captured, number: number),
            message: Self.message(
                number: number, examined: examined, returned: returned, ratio: ratio, worst: worst, engine: engine,
                measured: worst.rows.isMeasured),
            evidence: evidence,
            impact: .plan(captured, timeMs: node.inclusiveTimeMs, share: share, confidence: confidence),
            recommendation: Self.recommendation(table: table, keyColumns: keyColumns, usedKeyParts: node.usedKeyParts),
            fixSQL: fix,
            risk: Self.risk(reference),
            validation: "Run EXPLAIN ANALYZE (MariaDB: ANALYZE) again, or compare Rows_examined with Rows_sent in the "
                + "slow log: rows examined per row returned should drop towards 1.")
    }
}

// MARK: - Messages

extension RowsExaminedRatioRule {
    fileprivate static func message(
        number: Int, examined: Double, returned: Double, ratio: Double, worst: TableRead, engine: Engine,
        measured: Bool
    ) -> String {
        let basis = measured ? "" : " (estimated)"
        return "Plan \(number) examines \(Formatting.count(examined)) rows to return \(Formatting.count(returned))"
            + " (\(Formatting.factor(ratio)))\(basis); \(worst.path.node.displayName(engine: engine)) "
            + "(node \(worst.path.node.id)) examines \(Formatting.count(worst.rows.totalRead)) of them."
    }

    fileprivate static func risk(_ reference: TableReference?) -> String {
        let base =
            "Adding an index is an online operation in InnoDB but reads the whole table and can delay replicas; "
            + "every index slows writes to the table and takes disk space."
        return [base, reference?.caveat].compactMap { $0 }.joined(separator: " ")
    }

    fileprivate static func recommendation(table: String, keyColumns: [String], usedKeyParts: [String]?) -> String {
        if keyColumns.isEmpty || keyColumns == (usedKeyParts ?? []) {
            return "Index \(table) on the columns of its WHERE and join conditions so it examines only the rows it "
                + "returns."
        }
        let list = keyColumns.joined(separator: ", ")
        if let used = usedKeyParts, !used.isEmpty {
            return "Replace or extend the index \(table) uses (\(used.joined(separator: ", "))) with one on (\(list)) "
                + "so the rows its condition discards are never read."
        }
        return "Index \(table) on (\(list)) so it examines only the rows it returns."
    }
}
