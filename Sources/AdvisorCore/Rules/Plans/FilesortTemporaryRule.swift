/// Reports MySQL and MariaDB plans that sort (filesort) or group through a temporary table over many
/// rows, with the index that would deliver the rows already in order when the sort key shows it.
public struct FilesortTemporaryRule: Rule {
    public struct Options: RuleOptions {
        /// Sorting or grouping fewer rows than this is cheap whatever the method.
        public var minRows = 10_000.0
        /// With timing (ANALYZE), the sort or grouping must account for at least this share of the statement.
        public var minShare = 0.05
        /// Severity by the share of the statement's time the sort or grouping accounts for (plans with timing).
        public var severityByShare = Levels(medium: 0.1, high: 0.3, critical: 0.6)
        /// Severity by the rows sorted or grouped, for plans without timing (MySQL's cost estimates leave the
        /// sort out, so a cost share would understate it).
        public var severityByRows = Levels(medium: 100_000, high: 1_000_000, critical: 10_000_000)

        public init() {}
    }

    public static let description = RuleDescription(
        id: "mysql-filesort-temporary",
        title: "Filesort or temporary table over many rows",
        category: .plans,
        engines: [.mysql, .mariadb],
        requires: [.plans],
        summary:
            "The statement sorts (Using filesort) or groups through a temporary table (Using temporary) many rows.",
        rationale: """
            `Using filesort` means MySQL/MariaDB collects every qualifying row and sorts them before returning \
            the first one (in `sort_buffer_size`, with merge passes on disk beyond it); `Using temporary` means \
            it builds an internal temporary table for GROUP BY, DISTINCT, UNION, or an ORDER BY on a table other \
            than the first one joined. Both are cheap for a few thousand rows and expensive for hundreds of \
            thousands, and a LIMIT does not help: all rows are read and sorted first. The rows counted are those \
            going into the sort or grouping (actual rows × loops with ANALYZE, estimates otherwise). \
            Materialized derived tables and CTEs are not reported here.

            **Fix:** an index whose columns match the ORDER BY / GROUP BY, placed after the columns the WHERE \
            clause compares with `=`, lets the server read rows already in order and stop at the LIMIT, e.g. \
            `ALTER TABLE orders ADD INDEX idx_orders_created_at (created_at);`. The fix SQL is given when the \
            plan shows the sort key (FORMAT=TREE, MariaDB JSON) and the key is plain columns of one table; an \
            ORDER BY on an aggregate (`count(*)`) or on columns of several tables cannot come from an index. A \
            temporary table larger than the smaller of `tmp_table_size` and `max_heap_table_size` moves to \
            disk: compare `SHOW SESSION STATUS LIKE 'Created_tmp%tables';` before and after the query, and raise \
            both for the session that runs it when disk tables appear (`SET SESSION tmp_table_size = 67108864, \
            max_heap_table_size = 67108864;`). **Validate:** `EXPLAIN` should no longer show `Using filesort` / \
            `Using temporary` (FORMAT=TREE: no `Sort` or temporary-table step), and the query should be faster.
            """,
        examples: [
            RuleExample(
                "grouping and sorting every order (tabular)",
                plan: """
                    +------+-------------+--------+------+---------------+------+---------+------+--------+---------------------------------+
                    | id   | select_type | table  | type | possible_keys | key  | key_len | ref  | rows   | Extra                           |
                    +------+-------------+--------+------+---------------+------+---------+------+--------+---------------------------------+
                    |    1 | SIMPLE      | orders | ALL  | NULL          | NULL | NULL    | NULL | 298915 | Using temporary; Using filesort |
                    +------+-------------+--------+------+---------------+------+---------+------+--------+---------------------------------+
                    """,
                expecting: ["Sort"]),
            RuleExample(
                "sorting every order by two columns (tree)",
                plan: """
                    -> Sort: orders.total DESC, orders.id  (cost=30503 rows=298915)
                        -> Table scan on orders  (cost=30503 rows=298915)
                    """,
                expecting: ["Sort"]),
            RuleExample(
                "sorting a few hundred rows (tree)",
                plan: """
                    -> Sort: orders.created_at DESC  (cost=95.5 rows=211)
                        -> Index lookup on orders using orders_customer_id_idx (customer_id=4242)  (cost=95.5 rows=211)
                    """,
                expecting: []),
            RuleExample(
                "rows read in index order (tabular)",
                plan: """
                    +------+-------------+--------+-------+---------------+-----------------------+---------+------+------+-------+
                    | id   | select_type | table  | type  | possible_keys | key                   | key_len | ref  | rows | Extra |
                    +------+-------------+--------+-------+---------------+-----------------------+---------+------+------+-------+
                    |    1 | SIMPLE      | orders | index | NULL          | orders_created_at_idx | 5       | NULL | 20   |       |
                    +------+-------------+--------+-------+---------------+-----------------------+---------+------+------+-------+
                    """,
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for (offset, captured) in context.snapshot.plans.enumerated() where captured.plan.engine.isMySQLFamily {
            var candidates: [Candidate] = []
            var hidden: Set<Int> = []
            collect(
                captured.plan.root, ancestors: [], captured: captured, planNumber: offset + 1, hidden: &hidden,
                into: &candidates)
            findings += candidates.map(finding)
        }
        return findings
    }

    /// A sort or temporary table worth reporting, with the steps folded into it.
    fileprivate struct Candidate {
        var context: PlanNodeContext
        /// Sort and temporary-table steps in the single-child chain below, reported as one operation.
        var absorbed: [PlanNode]
        /// Flagged table accesses of the same query block, reported as part of this operation.
        var blockTables: [PlanNode]
        var rows: Double
        var rowsAreActual: Bool
        /// Exclusive time of the node and the absorbed steps, when the plan has timing.
        var timeMs: Double?
        var share: Double?

        /// Every step of the operation.
        var steps: [PlanNode] { [context.node] + absorbed + blockTables }
    }

    /// Walks the tree top-down. A reported node hides the sort/temporary steps in the single-child chain
    /// below it (`Sort` over `Table scan on <temporary>` over `Aggregate using temporary table` is one
    /// operation) and the flagged table accesses of its query block (tabular EXPLAIN marks the first table
    /// `Using temporary; Using filesort` while the parser's Sort covers the block: one operation too).
    private func collect(
        _ node: PlanNode, ancestors: [PlanNode], captured: CapturedPlan, planNumber: Int, hidden: inout Set<Int>,
        into candidates: inout [Candidate]
    ) {
        var below = [node]
        if Self.isSortOrTemporary(node), !node.neverExecuted, !hidden.contains(node.id) {
            let absorbed = Self.chainBelow(node)
            let blockTables = Self.flaggedTables(inBlockBelow: absorbed.last ?? node)
            hidden.formUnion(blockTables.map(\.id))
            let context = PlanNodeContext(
                captured: captured, planNumber: planNumber, node: node, parent: ancestors.last)
            if let candidate = candidate(context, ancestors: ancestors, absorbed: absorbed, blockTables: blockTables) {
                candidates.append(candidate)
            }
            below += absorbed
        }
        for child in below.last?.children ?? [] {
            collect(
                child, ancestors: ancestors + below, captured: captured, planNumber: planNumber, hidden: &hidden,
                into: &candidates)
        }
    }

    private func candidate(
        _ context: PlanNodeContext, ancestors: [PlanNode], absorbed: [PlanNode], blockTables: [PlanNode]
    ) -> Candidate? {
        guard let (rows, actual) = Self.rowsProcessed(context.node, ancestors: ancestors, absorbed: absorbed),
            rows >= options.minRows
        else { return nil }
        let plan = context.plan
        let steps = [context.node] + absorbed
        var timeMs: Double?
        var share: Double?
        // A flag on a table access (tabular EXPLAIN) has no time or cost of its own to measure it by, and
        // MariaDB's ANALYZE counts the work of filling a temporary table in the table's r_other_time_ms,
        // not in the filesort or temporary-table step: their own times would understate it.
        let mariaDBTemporary =
            context.engine == .mariadb && (steps + blockTables).contains(where: Self.usesTemporaryTable)
        let measurable = !context.node.children.isEmpty && !mariaDBTemporary
        if measurable, plan.hasTiming, let total = plan.totalTimeMs, total > 0 {
            let time = steps.reduce(0) { $0 + ($1.exclusiveTimeMs ?? 0) }
            guard time / total >= options.minShare else { return nil }
            timeMs = time
            share = min(1, time / total)
        } else if measurable, let total = plan.root.inclusiveCost, total > 0 {
            let cost = steps.reduce(0) { $0 + ($1.exclusiveCost ?? 0) }
            if cost > 0 { share = min(1, cost / total) }
        }
        return Candidate(
            context: context, absorbed: absorbed, blockTables: blockTables, rows: rows, rowsAreActual: actual,
            timeMs: timeMs, share: share)
    }

    private func finding(_ candidate: Candidate) -> Finding {
        let context = candidate.context
        let steps = candidate.steps
        let filesort = steps.contains(where: Self.sorts)
        let temporary = steps.contains(where: Self.usesTemporaryTable)
        let keys = ([context.node] + candidate.absorbed).lazy.compactMap(\.sortKey).first.map(Self.splitKeys) ?? []
        let index = SortIndex(keys: keys, below: candidate.absorbed.last ?? context.node)
        var evidence = [
            Evidence(
                candidate.rowsAreActual ? "rows sorted or grouped" : "estimated rows sorted or grouped",
                candidate.rows, "rows")
        ]
        if !keys.isEmpty { evidence.append(Evidence("sort key columns", Double(keys.count), "count")) }
        if let time = candidate.timeMs { evidence.append(Evidence("time sorting or grouping", time, "ms")) }
        if let share = candidate.share { evidence.append(Evidence("share of statement", share * 100, "percent")) }
        let severity =
            context.plan.hasTiming && candidate.share != nil
            ? options.severityByShare.severity(for: candidate.share ?? 0)
            : options.severityByRows.severity(for: candidate.rows)
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: .planNode(context),
            message: Self.message(context, candidate: candidate, filesort: filesort, temporary: temporary, keys: keys),
            evidence: evidence,
            impact: Self.impact(candidate),
            recommendation: Self.recommendation(index: index, keys: keys, temporary: temporary),
            fixSQL: index?.sql,
            risk: Self.risk(suggestsIndex: index != nil || keys.isEmpty, temporary: temporary),
            validation: "Run EXPLAIN again: Using filesort / Using temporary (FORMAT=TREE: the Sort or temporary "
                + "table step) should be gone and the query faster; SHOW SESSION STATUS LIKE 'Created_tmp_disk_tables' "
                + "tells whether temporary tables still go to disk.")
    }

    private static func impact(_ candidate: Candidate) -> Impact {
        let captured = candidate.context.captured
        if candidate.timeMs != nil || candidate.share != nil {
            return .plan(
                captured, timeMs: candidate.timeMs, share: candidate.share,
                confidence: candidate.timeMs != nil ? .medium : .low)
        }
        return Impact(
            score: 0, confidence: .low,
            summary: "\(Formatting.count(candidate.rows)) rows sorted or grouped "
                + "(the plan does not measure this step on its own)")
    }

    // MARK: - Reading the plan

    /// A filesort or a sort/group/distinct temporary table. Materializing a derived table or CTE also uses
    /// a temporary table, but that is not a sort or grouping an index could avoid.
    private static func isSortOrTemporary(_ node: PlanNode) -> Bool {
        guard !node.nodeType.hasPrefix("Materialize") else { return false }
        return sorts(node) || usesTemporaryTable(node)
    }

    private static func sorts(_ node: PlanNode) -> Bool {
        node.usingFilesort || node.operation == .sort || node.notes.contains { $0.hasPrefix("Using filesort") }
    }

    private static func usesTemporaryTable(_ node: PlanNode) -> Bool {
        node.usingTemporary || node.notes.contains { $0.hasPrefix("Using temporary") }
    }

    /// The single-child chain below a sort or temporary-table node that belongs to the same operation:
    /// further sort/temporary steps and the reads of the temporary table between them.
    private static func chainBelow(_ node: PlanNode) -> [PlanNode] {
        var chain: [PlanNode] = []
        var current = node
        while true {
            let flow = current.children.filter { !$0.isSubPlan }
            guard flow.count == 1, let child = flow.first,
                isSortOrTemporary(child) || (child.relation.map(isTemporaryTableName) ?? false)
            else { break }
            chain.append(child)
            current = child
        }
        return chain
    }

    private static func isTemporaryTableName(_ name: String) -> Bool { name.hasPrefix("<temporary") }

    /// The flagged table accesses (leaves) of the query block below a node: not inside sub-plans or
    /// materialized derived tables, which are blocks of their own.
    private static func flaggedTables(inBlockBelow node: PlanNode) -> [PlanNode] {
        var found: [PlanNode] = []
        for child in node.children where !child.isSubPlan && child.operation != .materialize {
            if child.children.isEmpty {
                if isSortOrTemporary(child) { found.append(child) }
            } else {
                found += flaggedTables(inBlockBelow: child)
            }
        }
        return found
    }

    /// Rows going into the sort or grouping: the output of the step below it. A flag on a table access
    /// (tabular EXPLAIN puts `Using temporary; Using filesort` on the first table) applies to the whole
    /// join that table starts, so the rows are those of the outermost join it leads.
    private static func rowsProcessed(
        _ node: PlanNode, ancestors: [PlanNode], absorbed: [PlanNode]
    ) -> (rows: Double, actual: Bool)? {
        let bottom = absorbed.last ?? node
        let inputs = bottom.children.filter { !$0.isSubPlan }
        if !inputs.isEmpty {
            let counts = inputs.compactMap(rowsOut)
            guard !counts.isEmpty else { return nil }
            return (counts.reduce(0) { $0 + $1.rows }, counts.allSatisfy(\.actual))
        }
        // A table access flagged `Using temporary` under a sort of the whole block: its own rows.
        if bottom != node { return rowsOut(bottom) }
        var source = node
        for ancestor in ancestors.reversed() {
            guard [.nestedLoop, .hashJoin, .mergeJoin].contains(ancestor.operation),
                ancestor.children.first(where: { !$0.isSubPlan }) == source
            else { break }
            source = ancestor
        }
        return rowsOut(source) ?? rowsOut(node)
    }

    /// Rows a step produces over the whole execution: actual rows × loops, else the estimate.
    private static func rowsOut(_ node: PlanNode) -> (rows: Double, actual: Bool)? {
        if let actual = node.actualRows { return (actual * (node.loops ?? 1), true) }
        if let estimated = node.estimatedRows { return (estimated, false) }
        if let examined = node.rowsExaminedPerScan { return (examined * (node.filteredPercent ?? 100) / 100, false) }
        return nil
    }

    /// Sort keys one per element: "orders.total DESC", "t1.b". MariaDB prints them in one string.
    private static func splitKeys(_ keys: [String]) -> [String] {
        keys.flatMap { SortIndex.splitTopLevel($0) }.filter { !$0.isEmpty }
    }
}

/// The index that returns rows in a sort key's order, when the key is plain columns of one base table.
private struct SortIndex {
    var relation: String
    /// The table as SQL names it, schema-qualified when known.
    var table: String
    var columns: [(name: String, descending: Bool)]

    init?(keys: [String], below node: PlanNode) {
        guard !keys.isEmpty else { return nil }
        var tables: [PlanNode] = []
        node.visit { if let relation = $0.relation, !relation.hasPrefix("<") { tables.append($0) } }
        var table: PlanNode?
        var columns: [(name: String, descending: Bool)] = []
        for key in keys {
            // Both servers print real columns qualified ("orders.total", "t1.a"); a bare name is an alias of
            // a select-list expression ("cnt") and a `<temporary>.x` column is computed by the grouping.
            guard let parsed = Self.parse(key), let qualifier = parsed.qualifier else { return nil }
            let owner =
                tables.first { $0.alias == qualifier || $0.relation == qualifier }
                ?? tables.first {
                    $0.alias?.lowercased() == qualifier.lowercased()
                        || $0.relation?.lowercased() == qualifier.lowercased()
                }
            guard let owner, table == nil || table?.relation == owner.relation else { return nil }
            table = owner
            if !columns.contains(where: { $0.name == parsed.column }) {
                columns.append((parsed.column, parsed.descending))
            }
        }
        guard let relation = table?.relation else { return nil }
        self.relation = relation
        self.table = PlanFixSQL.qualifiedName(table: relation, schema: table?.schema, engine: .mysql)
        self.columns = columns
    }

    /// Directions only matter when they are mixed: an index can be read backwards for all-DESC keys.
    /// (`PlanFixSQL.createIndex` writes ascending columns only.)
    var sql: String {
        let mixed = Set(columns.map(\.descending)).count > 1
        let list = columns.map { PlanFixSQL.quote($0.name, engine: .mysql) + (mixed && $0.descending ? " DESC" : "") }
        let name = PlanFixSQL.indexName(table: relation, columns: columns.map(\.name), engine: .mysql)
        return "ALTER TABLE \(table) ADD INDEX \(name) (\(list.joined(separator: ", ")));"
    }

    /// "orders.total DESC" → (orders, total, true); nil for expressions (`count(0) desc`, `(a + b)`).
    static func parse(_ key: String) -> (qualifier: String?, column: String, descending: Bool)? {
        var text = key.trimmingSpaces()
        var descending = false
        for (suffix, isDescending) in [(" desc", true), (" asc", false)] where text.lowercased().hasSuffix(suffix) {
            text = String(text.dropLast(suffix.count)).trimmingSpaces()
            descending = isDescending
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map {
            $0.hasPrefix("`") && $0.hasSuffix("`") && $0.count >= 2 ? String($0.dropFirst().dropLast()) : String($0)
        }
        guard (1...3).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" } }),
            let column = parts.last
        else { return nil }
        return (parts.count >= 2 ? parts[parts.count - 2] : nil, column, descending)
    }

    /// Splits at commas outside parentheses and quotes.
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "`" || character == "\"" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if character == ",", depth == 0 {
                parts.append(current.trimmingSpaces())
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current.trimmingSpaces())
        return parts
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

// MARK: - Messages

extension FilesortTemporaryRule {
    fileprivate static func message(
        _ context: PlanNodeContext, candidate: Candidate, filesort: Bool, temporary: Bool, keys: [String]
    ) -> String {
        let what =
            switch (filesort, temporary) {
            case (true, true): "groups through a temporary table and sorts"
            case (false, true): "goes through a temporary table for"
            default: "sorts"
            }
        let rows = (candidate.rowsAreActual ? "" : "about ") + Formatting.count(candidate.rows)
        let by = keys.isEmpty ? "" : " by \(keys.joined(separator: ", "))"
        let time = candidate.timeMs.map { " (\(Formatting.milliseconds($0)))" } ?? ""
        return "\(context.displayName) (node \(context.node.id)) \(what) \(rows) rows\(by)\(time)."
    }

    fileprivate static func risk(suggestsIndex: Bool, temporary: Bool) -> String {
        var risks: [String] = []
        if suggestsIndex {
            risks.append(
                "A new index takes disk space and slows writes to the table a little; InnoDB builds it online, but "
                    + "on a large table run it off-peak.")
        }
        if temporary {
            risks.append(
                "Raising tmp_table_size and max_heap_table_size lets each temporary table of the session use that "
                    + "much memory; keep it to the session that runs this query.")
        }
        return risks.isEmpty
            ? "Low: a query that sorts fewer rows changes only this statement; check that its results are the same."
            : risks.joined(separator: " ")
    }

    fileprivate static func recommendation(index: SortIndex?, keys: [String], temporary: Bool) -> String {
        let tmpTables =
            temporary
            ? ", and raise tmp_table_size and max_heap_table_size for the session if the temporary table goes to disk"
            : ""
        if let index {
            let columns = index.columns.map(\.name).joined(separator: ", ")
            return "Add an index on \(index.table) (\(columns)), after any columns the WHERE clause compares with =, "
                + "so rows are read in this order without sorting\(tmpTables)."
        }
        if !keys.isEmpty {
            return "No single index can deliver this order (\(keys.joined(separator: ", "))): sort fewer rows with a "
                + "narrower WHERE clause or a pre-aggregated table\(tmpTables)."
        }
        return "Add an index matching the ORDER BY / GROUP BY columns, after any columns the WHERE clause compares "
            + "with =, so rows are read in order\(tmpTables)."
    }
}
