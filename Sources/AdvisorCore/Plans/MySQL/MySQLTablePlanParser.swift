import Foundation

/// Reads the classic tabular EXPLAIN as the mysql and mariadb clients print it: bordered
/// (`+----+-------------+…`), vertical (`*** 1. row ***`, `\G`) or tab-separated (`mysql -e`), with
/// the columns each version prints (read from the header: `partitions` and `filtered` come and go,
/// MariaDB `ANALYZE` adds `r_rows` and `r_filtered`). `NULL` cells are absent values.
///
/// Mapping to the neutral model:
/// - Each row with a table is a table access (see `MySQLTableAccess` for the names and operations):
///   `relation` `table`, `accessType` `type`, `possibleKeys`, `index` `key`, `rowsExaminedPerScan`
///   `rows`, `filteredPercent` `filtered`, `estimatedRows` = `rows × filtered / 100`. `Extra` is split
///   at "; " into `notes`; "Using index" makes a scan covering, "Using temporary" sets
///   `usingTemporary` on the row, "Range checked for each record" makes it an index range scan.
///   `id`, `select_type`, `partitions`, `key_len`, `ref` and unknown columns go to `properties`.
///   A row without a table ("Impossible WHERE", "No tables used") is a `.result` node named by its `Extra`.
/// - Rows with the same `id` are one query block: a left-deep join in row order, "Nested loop join"
///   `.nestedLoop` ("Block nested loop join", "Batched key access join" by the join buffer note), or
///   "Hash join" `.hashJoin` over the new table and a `Hash` of the rows before it for "Using join
///   buffer (hash join)" (MariaDB BNLH, BKAH). `joinType` Semi for "FirstMatch"/"LooseScan", Anti for
///   "Not exists".
/// - "Using filesort" becomes a `Sort` node (`usingFilesort`): over the whole block when the row also
///   says "Using temporary" (the join result is sorted), else over that table (sorted before joining).
/// - `<derivedN>` and `<subqueryN>` tables read a `Materialize` node over block N; a `UNION RESULT`
///   row's `<unionA,B>` is a "Table scan" over "Union materialize with deduplication" over the member
///   blocks (`parentRelationship` "Member"). Other blocks (subqueries) hang under the statement's root
///   with `subplanName` "Select #N (subquery; dependent)" and `parentRelationship` "SubPlan"
///   (DEPENDENT, UNCACHEABLE) or "InitPlan" (SUBQUERY): the table does not say where they are used.
/// - MariaDB `r_rows` (rows read per loop) and `r_filtered` give `actualRows` = `r_rows × r_filtered
///   / 100` and `actualFilteredPercent`; there are no loops or times (`Plan.hasTiming` false).
public enum MySQLTablePlanParser: PlanParser {
    /// The format this parser reads.
    public static let format = PlanFormat.mysqlTable

    /// Every plan in the input, one per EXPLAIN result table.
    public static func parse(_ input: PlanInput) throws -> [Plan] {
        var plans: [Plan] = []
        var sawText = false
        for result in MySQLClientOutput.results(in: input) {
            switch result.content {
            case .text:
                sawText = true
            case .table(let table):
                guard table.columns.contains("select_type") || table.columns.contains("type") else { continue }
                plans.append(try plan(table, statement: result.statement, input: input))
            }
        }
        guard !plans.isEmpty else {
            throw InputError(
                file: input.name, format: format,
                reason:
                    "no plan found: expected a tabular EXPLAIN (a table with id, select_type, table, type … columns)"
                    + (sawText ? "; for EXPLAIN FORMAT=TREE or JSON, read the input as that format" : ""))
        }
        return plans
    }

    // MARK: - Rows

    /// One row of the table, by column name.
    private struct Row {
        var cells: [String: String]
        var line: Int
        var notes: [String]

        subscript(_ column: String) -> String? { cells[column] }

        var id: String? { self["id"] }
        var selectType: String { self["select_type"] ?? "SIMPLE" }
        var table: String? { self["table"] }

        func has(note prefix: String) -> Bool { notes.contains { $0.hasPrefix(prefix) } }
    }

    private static func plan(_ table: MySQLClientOutput.Table, statement: String?, input: PlanInput) throws -> Plan {
        guard table.columns.contains("table") else {
            throw InputError(
                file: input.name, format: format, line: table.rowLines.first,
                reason:
                    "expected a 'table' column in the EXPLAIN header, found \(table.columns.joined(separator: ", "))")
        }
        var rows: [Row] = []
        for (cells, line) in zip(table.rows, table.rowLines) {
            var named: [String: String] = [:]
            for (column, value) in zip(table.columns, cells) where value != nil { named[column] = value }
            let notes = (named["Extra"] ?? named["extra"] ?? "").components(separatedBy: "; ")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            rows.append(Row(cells: named, line: line, notes: notes))
        }
        guard let first = rows.first else {
            throw InputError(
                file: input.name, format: format, line: table.rowLines.first ?? 1,
                reason: "expected at least one row under the EXPLAIN header")
        }
        var builder = Builder(rows: rows, columns: table.columns, input: input)
        let root = try builder.root()
        return Plan(
            engine: .mysql, format: format, root: root, queryText: statement, hasActuals: builder.hasActuals,
            sourceLine: first.line)
    }

    // MARK: - Building the tree

    private struct Builder {
        let rows: [Row]
        let columns: [String]
        let input: PlanInput
        var hasActuals = false
        /// Blocks already placed in the tree (read by a table, a union, or hung under the root).
        private var placedBlocks: Set<String> = []
        /// Unions already placed, by their first member.
        private var placedUnions: Set<String> = []
        /// The member ids of each union, keyed by the first member.
        private var unionByFirstMember: [String: (row: Row, members: [String])] = [:]

        init(rows: [Row], columns: [String], input: PlanInput) {
            self.rows = rows
            self.columns = columns
            self.input = input
            for row in rows {
                guard let table = row.table, table.hasPrefix("<union"), let members = Self.referencedIDs(table),
                    let first = members.first
                else { continue }
                unionByFirstMember[first] = (row, members)
            }
        }

        /// The statement's tree: the first block, then every block nothing refers to, as subqueries.
        mutating func root() throws -> PlanNode {
            guard let rootID = rows.lazy.compactMap(\.id).first else { return try tableNode(rows[0]) }
            var root = try resolved(rootID)
            var orderedIDs: [String] = []
            for row in rows {
                if let id = row.id, !orderedIDs.contains(id) { orderedIDs.append(id) }
            }
            for id in orderedIDs where !placedBlocks.contains(id) {
                var subquery = try resolved(id)
                let selectType = rows.first { $0.id == id }?.selectType.uppercased() ?? ""
                let kind =
                    selectType.contains("DEPENDENT")
                    ? "dependent" : selectType.contains("UNCACHEABLE") ? "uncacheable" : "run only once"
                subquery.subplanName = "Select #\(id) (subquery; \(kind))"
                subquery.parentRelationship = kind == "run only once" ? "InitPlan" : "SubPlan"
                root.children.append(subquery)
            }
            return root
        }

        /// Block `id`, or the union it opens.
        private mutating func resolved(_ id: String) throws -> PlanNode {
            if let union = unionByFirstMember[id], !placedUnions.contains(id) {
                placedUnions.insert(id)
                return try unionNode(union.row, members: union.members)
            }
            return try block(id)
        }

        private mutating func unionNode(_ row: Row, members: [String]) throws -> PlanNode {
            var memberNodes: [PlanNode] = []
            for member in members {
                var node = try block(member)
                node.parentRelationship = "Member"
                memberNodes.append(node)
            }
            var materialize = PlanNode(
                nodeType: "Union materialize with deduplication", operation: .materialize, children: memberNodes)
            materialize.usingTemporary = true
            var scan = try tableNode(row)
            scan.children.insert(materialize, at: 0)
            return scan
        }

        /// The rows of one id joined left-deep in row order.
        private mutating func block(_ id: String) throws -> PlanNode {
            placedBlocks.insert(id)
            let blockRows = rows.filter { $0.id == id && $0.selectType.uppercased() != "UNION RESULT" }
            var current: PlanNode?
            var sortsJoinResult = false
            for row in blockRows {
                var node = try tableNode(row)
                if row.has(note: "Using filesort") {
                    if row.has(note: "Using temporary") { sortsJoinResult = true } else { node = sort(over: node) }
                }
                current = current.map { join($0, node, row) } ?? node
            }
            guard let current else {
                return PlanNode(nodeType: "Select #\(id)", operation: .result)
            }
            return sortsJoinResult ? sort(over: current) : current
        }

        private func sort(over input: PlanNode) -> PlanNode {
            var node = PlanNode(nodeType: "Sort", operation: .sort, children: [input])
            node.usingFilesort = true
            node.estimatedRows = input.estimatedRows
            return node
        }

        private func hash(_ input: PlanNode) -> PlanNode {
            var node = PlanNode(nodeType: "Hash", operation: .hash, children: [input])
            node.estimatedRows = input.estimatedRows
            return node
        }

        private func join(_ outer: PlanNode, _ inner: PlanNode, _ row: Row) -> PlanNode {
            let buffer = row.notes.first { $0.hasPrefix("Using join buffer") }?.lowercased() ?? ""
            var node: PlanNode
            if buffer.contains("hash join") || buffer.contains("bnlh") || buffer.contains("bkah") {
                node = PlanNode(nodeType: "Hash join", operation: .hashJoin, children: [inner, hash(outer)])
            } else {
                let name =
                    buffer.contains("batched key access") || buffer.contains("bka")
                    ? "Batched key access join" : buffer.isEmpty ? "Nested loop join" : "Block nested loop join"
                node = PlanNode(nodeType: name, operation: .nestedLoop, children: [outer, inner])
            }
            if row.has(note: "FirstMatch") || row.has(note: "LooseScan") { node.joinType = "Semi" }
            if row.has(note: "Not exists") { node.joinType = "Anti" }
            if let outerRows = outer.estimatedRows, let innerRows = inner.estimatedRows {
                node.estimatedRows = outerRows * innerRows
            }
            return node
        }

        /// One row as a node: a table access, or a result for a row without a table.
        private mutating func tableNode(_ row: Row) throws -> PlanNode {
            guard let table = row.table else {
                var node = PlanNode(nodeType: row.notes.first ?? "Result", operation: .result)
                node.notes = row.notes
                node.properties = properties(of: row)
                return node
            }
            var access = MySQLTableAccess()
            access.table = table
            access.accessType = row["type"]
            access.possibleKeys = row["possible_keys"].map { $0.split(separator: ",").map(String.init) }
            access.key = row["key"]
            access.rowsExaminedPerScan = try number(row, "rows")
            access.filteredPercent = try number(row, "filtered")
            access.usingIndex = row.notes.contains("Using index")
            access.readsMaterializedResult = MySQLTableAccess.isInternalTableName(table)
            access.rangeCheckedForEachRecord = row.has(note: "Range checked for each record")
            access.notes = row.notes
            var node = access.node()
            node.usingTemporary = row.has(note: "Using temporary")
            node.properties = properties(of: row)

            if let read = try number(row, "r_rows") {
                hasActuals = true
                let filtered = try number(row, "r_filtered")
                node.actualRows = read * (filtered ?? 100) / 100
                node.actualFilteredPercent = filtered
                if filtered != nil { node.rowsRemovedByFilter = read - (node.actualRows ?? read) }
            } else if columns.contains("r_rows") {
                hasActuals = true
            }

            if !table.hasPrefix("<union"), let ids = Self.referencedIDs(table) {
                for id in ids where rows.contains(where: { $0.id == id }) {
                    var materialize = PlanNode(
                        nodeType: "Materialize", operation: .materialize, children: [try resolved(id)])
                    materialize.usingTemporary = true
                    node.children.append(materialize)
                }
            }
            return node
        }

        private static let mappedColumns: Set<String> = [
            "table", "type", "possible_keys", "key", "rows", "filtered", "Extra", "extra", "r_filtered",
        ]

        private func properties(of row: Row) -> [PlanProperty] {
            columns.compactMap { column in
                guard !Self.mappedColumns.contains(column), let value = row[column] else { return nil }
                return PlanProperty(column, value)
            }
        }

        private func number(_ row: Row, _ column: String) throws -> Double? {
            guard let text = row[column] else { return nil }
            guard let value = Double(text) else {
                throw InputError(
                    file: input.name, format: format, line: row.line,
                    reason: "expected a number in column '\(column)', found '\(text)'")
            }
            return value
        }

        /// The block ids an internal table name refers to: `<derived2>` → ["2"], `<union1,2>` → ["1", "2"].
        static func referencedIDs(_ table: String) -> [String]? {
            guard MySQLTableAccess.isInternalTableName(table) else { return nil }
            let inner = table.dropFirst().dropLast()
            let digits = inner.drop { !$0.isNumber }
            let prefix = inner.prefix { !$0.isNumber }
            guard ["derived", "subquery", "union"].contains(prefix), !digits.isEmpty else { return nil }
            return digits.split(separator: ",").map { String($0) }
        }
    }
}
