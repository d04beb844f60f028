import Foundation

/// Turns the `query_block` JSON of MySQL (`EXPLAIN FORMAT=JSON`, format version 1) and MariaDB
/// (`EXPLAIN`/`ANALYZE FORMAT=JSON`) into a node tree. The two dialects share the skeleton
/// (`query_block`, `nested_loop`, `table`, `union_result`, subqueries) and differ in the wrappers and
/// the numbers; `MySQLJSONPlanParser` and `MariaDBJSONPlanParser` document the mapping.
struct MySQLQueryBlockReader {
    enum Dialect {
        case mysql
        case mariadb
    }

    /// A document whose shape is not what the dialect prints, at a JSON path.
    struct ShapeError: Error {
        var path: String
        var expected: String
    }

    let dialect: Dialect
    /// True once any actual (ANALYZE) value was seen.
    private(set) var hasActuals = false
    /// True once any measured time was seen (false for masked test output: `"REPLACED"`).
    private(set) var hasTiming = false
    /// Tables the current query block inserts into, updates or deletes from.
    private var modifications: [(verb: String, table: String)] = []

    init(dialect: Dialect) {
        self.dialect = dialect
    }

    // MARK: - Query blocks

    /// The node tree of one `query_block` object.
    mutating func queryBlock(_ value: JSONValue, path: String) throws(ShapeError) -> PlanNode {
        let members = try object(value, path, "a query_block object")
        let outerModifications = modifications
        modifications = []
        defer { modifications = outerModifications }

        var found = try content(of: members, path: path)
        if found == nil, let message = value["message"]?.stringValue {
            found = PlanNode(nodeType: message, operation: .result)
        }
        if let having = value["having_condition"]?.stringValue, let input = found {
            var filter = PlanNode(nodeType: "Filter", operation: .filter, children: [input])
            filter.filter = having
            found = filter
        }
        if let modification = modifications.first {
            // The statement's target: "Insert on t1" over the rows it writes (none shown for VALUES).
            var modify = PlanNode(
                nodeType: modification.verb, operation: .modifyTable, children: found.map { [$0] } ?? [])
            modify.relation = modification.table
            if modifications.count > 1 {
                let tables = modifications.map(\.table).joined(separator: ", ")
                modify.properties.append(PlanProperty("Tables", tables))
            }
            found = modify
        }
        guard var node = found else {
            throw ShapeError(path: path, expected: "a table, nested_loop or other operation in the query block")
        }
        node.children += try subqueries(in: members, path: path)

        if node.totalCost == nil,
            let cost = value["cost_info"]?["query_cost"]?.doubleValue ?? value["cost"]?.doubleValue
        {
            node.totalCost = cost
        }
        let loops = actualNumber(value["r_loops"])
        // The block's time belongs to a root the reader added (a join, a filter), not to a table
        // that has loops of its own (a const table read while optimizing has none).
        if let total = time(value["r_total_time_ms"]), node.actualTotalTimeMs == nil, node.loops == nil {
            node.actualTotalTimeMs = total / max(loops ?? 1, 1)
            node.loops = loops
        }
        let consumed: Set<String> = [
            "message", "having_condition", "cost_info", "cost", "r_loops", "r_total_time_ms", "insert_from",
        ]
        for member in members where !consumed.contains(member.key) && !isStructural(member.key) {
            node.properties.append(PlanProperty(member.key, Self.display(member.value)))
        }
        return node
    }

    /// Keys holding operations or subqueries rather than facts about the block.
    private func isStructural(_ key: String) -> Bool {
        Self.contentKeys.contains(key) || key.hasSuffix("subqueries")
    }

    private static let contentKeys: Set<String> = [
        "table", "nested_loop", "ordering_operation", "grouping_operation", "duplicates_removal", "windowing",
        "buffer_result", "union_result", "insert_from", "filesort", "temporary_table", "read_sorted_file",
        "window_functions_computation", "query_block",
    ]

    /// The operation an object holds (its first content member); later content members become its children.
    private mutating func content(of members: [(key: String, value: JSONValue)], path: String) throws(ShapeError)
        -> PlanNode?
    {
        var nodes: [PlanNode] = []
        for member in members where Self.contentKeys.contains(member.key) {
            if let node = try operation(member.key, member.value, path: "\(path).\(member.key)") { nodes.append(node) }
        }
        guard var first = nodes.first else { return nil }
        first.children += nodes.dropFirst()
        return first
    }

    private mutating func operation(_ key: String, _ value: JSONValue, path: String) throws(ShapeError) -> PlanNode? {
        switch key {
        case "table": return try table(value, path: path)
        case "nested_loop": return try nestedLoop(value, path: path)
        case "query_block": return try queryBlock(value, path: path)
        case "union_result": return try union(value, path: path)
        case "insert_from":
            return try content(of: try object(value, path, "an object"), path: path)
        case "duplicates_removal" where value.arrayValue != nil:
            return try nestedLoop(value, path: path)
        default: return try wrapper(key, value, path: path)
        }
    }

    // MARK: - Operations around a join

    /// `ordering_operation`, `grouping_operation`, `duplicates_removal`, `windowing`, `buffer_result`
    /// (MySQL); `filesort`, `temporary_table`, `read_sorted_file`, `window_functions_computation` (MariaDB).
    private mutating func wrapper(_ key: String, _ value: JSONValue, path: String) throws(ShapeError) -> PlanNode {
        let members = try object(value, path, "an object")
        let usesFilesort = value["using_filesort"]?.boolValue ?? false
        let usesTemporary = value["using_temporary_table"]?.boolValue ?? false
        let sortCost = value["cost_info"]?["sort_cost"].map(Self.display)
        var consumed: Set<String> = ["using_filesort", "using_temporary_table"]
        var inner: PlanNode
        if key == "filesort" || key == "window_functions_computation", let temporary = value["temporary_table"] {
            inner =
                try content(of: try object(temporary, "\(path).temporary_table", "an object"), path: path)
                ?? PlanNode(nodeType: "Temporary table", operation: .materialize)
            inner.children += try subqueries(in: temporary.objectMembers ?? [], path: "\(path).temporary_table")
        } else if let content = try content(of: members, path: path) {
            inner = content
        } else if let message = value["message"]?.stringValue {
            inner = PlanNode(nodeType: message, operation: .result)
            consumed.insert("message")
        } else {
            throw ShapeError(path: path, expected: "a table, nested_loop or other operation inside \(key)")
        }

        var node: PlanNode
        switch key {
        case "ordering_operation":
            if usesFilesort {
                node = Self.sort(over: inner, sortCost: sortCost)
                node.usingTemporary = usesTemporary
            } else if usesTemporary {
                node = PlanNode(nodeType: "Temporary table", operation: .materialize, children: [inner])
                node.usingTemporary = true
            } else {
                node = inner
            }
        case "grouping_operation":
            if usesTemporary {
                var aggregate = PlanNode(nodeType: "Aggregate using temporary table", operation: .aggregate)
                aggregate.strategy = "Hashed"
                aggregate.usingTemporary = true
                aggregate.children = [inner]
                node = usesFilesort ? Self.sort(over: aggregate, sortCost: sortCost) : aggregate
            } else {
                node = PlanNode(
                    nodeType: "Group aggregate", operation: .aggregate,
                    children: [usesFilesort ? Self.sort(over: inner, sortCost: sortCost) : inner])
                node.strategy = "Sorted"
            }
        case "duplicates_removal":
            let input = usesFilesort ? Self.sort(over: inner, sortCost: sortCost) : inner
            node = PlanNode(
                nodeType: usesTemporary ? "Temporary table with deduplication" : "Remove duplicates from input",
                operation: .unique, children: [input])
            node.usingTemporary = usesTemporary
        case "windowing", "window_functions_computation":
            (node, consumed) = try window(key, value, over: inner, consumed: consumed, path: path)
        case "buffer_result":
            node = PlanNode(nodeType: "Buffer result", operation: .materialize, children: [inner])
            node.usingTemporary = usesTemporary
        case "filesort":
            node = Self.sort(over: inner)
            node.usingTemporary = value["temporary_table"] != nil
            node.sortKey = value["sort_key"]?.stringValue.map(MySQLOperationText.splitTopLevel)
            let loops = actualNumber(value["r_loops"])
            node.loops = loops
            if let rows = actualNumber(value["r_output_rows"]) { node.actualRows = rows / max(loops ?? 1, 1) }
            // The filesort's time is the sorting alone; reading its input is timed below it.
            if let sorting = time(value["r_total_time_ms"]) {
                node.actualTotalTimeMs = (sorting + (Self.totalTimeMs(of: inner) ?? 0)) / max(loops ?? 1, 1)
                node.properties.append(PlanProperty("r_total_time_ms", Self.display(.number(sorting))))
            }
            if loops == 0 { node.neverExecuted = true }
            consumed.formUnion(["sort_key", "r_loops", "r_output_rows", "r_total_time_ms", "temporary_table"])
        case "temporary_table":
            node = PlanNode(nodeType: "Temporary table", operation: .materialize, children: [inner])
            node.usingTemporary = true
        case "read_sorted_file":
            node = inner
            if let rows = actualNumber(value["r_rows"]) {
                node.properties.append(PlanProperty("Rows read from the sorted file", Self.display(.number(rows))))
            }
            consumed.insert("r_rows")
        default:
            node = inner
        }
        if let cost = value["cost_info"]?["query_cost"]?.doubleValue, node.totalCost == nil { node.totalCost = cost }
        if let sortCost, !usesFilesort { node.properties.append(PlanProperty("sort_cost", sortCost)) }
        consumed.insert("cost_info")
        for member in members where !consumed.contains(member.key) && !isStructural(member.key) {
            node.properties.append(PlanProperty(member.key, Self.display(member.value)))
        }
        node.children += try subqueries(in: members, path: path)
        return node
    }

    /// A sort of its input; it returns as many rows. `sortCost` is what MySQL says the sort adds.
    private static func sort(over input: PlanNode, sortCost: String? = nil) -> PlanNode {
        var node = PlanNode(nodeType: "Sort", operation: .sort, children: [input])
        node.usingFilesort = true
        node.estimatedRows = input.estimatedRows
        if let sortCost { node.properties.append(PlanProperty("sort_cost", sortCost)) }
        return node
    }

    /// A window node, with a sort for each window that needs one (MySQL `windows[].using_filesort`,
    /// MariaDB `sorts[].filesort`).
    private mutating func window(
        _ key: String, _ value: JSONValue, over inner: PlanNode, consumed: Set<String>, path: String
    ) throws(ShapeError) -> (PlanNode, Set<String>) {
        var input = inner
        var usesTemporary = value["temporary_table"] != nil
        var names: [String] = []
        var functions: [String] = []
        for window in value["windows"]?.arrayValue ?? [] {
            if let name = window["name"]?.stringValue { names.append(name) }
            functions += (window["functions"]?.arrayValue ?? []).map(Self.display)
            if window["using_temporary_table"]?.boolValue == true { usesTemporary = true }
            if window["using_filesort"]?.boolValue == true {
                input = Self.sort(over: input)
                input.sortKey = window["filesort_key"]?.arrayValue?.map(Self.display)
            }
        }
        for entry in value["sorts"]?.arrayValue ?? [] {
            guard let filesort = entry["filesort"] else { continue }
            input = Self.sort(over: input)
            input.sortKey = filesort["sort_key"]?.stringValue.map(MySQLOperationText.splitTopLevel)
        }
        var node = PlanNode(nodeType: "Window aggregate", operation: .windowAgg, children: [input])
        node.usingTemporary = usesTemporary
        if !names.isEmpty { node.properties.append(PlanProperty("Windows", names.joined(separator: ", "))) }
        if !functions.isEmpty { node.properties.append(PlanProperty("Functions", functions.joined(separator: ", "))) }
        return (node, consumed.union(["windows", "sorts", "temporary_table"]))
    }

    // MARK: - Unions

    /// `union_result`: a scan of the union's temporary table over its members, or an Append (UNION ALL).
    private mutating func union(_ value: JSONValue, path: String) throws(ShapeError) -> PlanNode {
        let members = try object(value, path, "a union_result object")
        var memberNodes: [PlanNode] = []
        let specifications = value["query_specifications"]?.arrayValue ?? []
        for (offset, specification) in specifications.enumerated() {
            let memberPath = "\(path).query_specifications[\(offset)]"
            guard let block = specification["query_block"] else {
                throw ShapeError(path: memberPath, expected: "an object with a query_block")
            }
            var member = try queryBlock(block, path: "\(memberPath).query_block")
            member.parentRelationship = "Member"
            memberNodes.append(member)
        }
        let usesTemporary =
            dialect == .mariadb ? value["table_name"] != nil : value["using_temporary_table"]?.boolValue ?? true
        var node: PlanNode
        if usesTemporary {
            var materialize = PlanNode(
                nodeType: "Union materialize with deduplication", operation: .materialize, children: memberNodes)
            materialize.usingTemporary = true
            node = PlanNode(nodeType: "Table scan", operation: .subqueryScan, children: [materialize])
            node.relation = value["table_name"]?.stringValue ?? "<union>"
            node.accessType = value["access_type"]?.stringValue ?? "ALL"
            readActuals(value, into: &node)
        } else {
            node = PlanNode(nodeType: "Append", operation: .append, children: memberNodes)
        }
        let consumed: Set<String> = [
            "query_specifications", "using_temporary_table", "table_name", "access_type", "r_loops", "r_rows",
        ]
        for member in members where !consumed.contains(member.key) && !isStructural(member.key) {
            node.properties.append(PlanProperty(member.key, Self.display(member.value)))
        }
        node.children += try subqueries(in: members, path: path)
        return node
    }

    // MARK: - Joins

    /// How one table joins the tables before it.
    private struct JoinStep {
        var node: PlanNode
        var algorithm = "Nested loop join"
        var operation = PlanOperation.nestedLoop
        var joinType: String?
        var joinFilter: String?
        /// MySQL: rows and cost of the join up to and including this table.
        var rowsProducedPerJoin: Double?
        var prefixCost: Double?
        /// MariaDB: time the join itself took over the join buffer (unpacking rows, checking the condition).
        var ownTimeMs: Double?
        var actualFilteredPercent: Double?
        var properties: [PlanProperty] = []
    }

    /// A left-deep join of the elements in their order: each table joins the result of those before it.
    private mutating func nestedLoop(_ value: JSONValue, path: String) throws(ShapeError) -> PlanNode? {
        guard let elements = value.arrayValue else {
            throw ShapeError(path: path, expected: "an array of tables")
        }
        // Each table joins one level deeper: past the deepest plan dbadvisor reads, the tree is not built at all.
        guard elements.count <= Plan.maxDepth else {
            throw ShapeError(
                path: path,
                expected: "at most \(Plan.maxDepth) tables joined in one nested_loop (it has \(elements.count))")
        }
        var current: PlanNode?
        try appendJoinSteps(elements, path: path, to: &current)
        return current
    }

    private mutating func appendJoinSteps(_ elements: [JSONValue], path: String, to current: inout PlanNode?)
        throws(ShapeError)
    {
        for (offset, element) in elements.enumerated() {
            let elementPath = "\(path)[\(offset)]"
            let members = try object(element, elementPath, "an object holding a table")
            if let weedout = element["duplicates_removal"]?.arrayValue {
                // MariaDB DuplicateWeedout: the tables inside join as usual, then duplicates are removed.
                try appendJoinSteps(weedout, path: "\(elementPath).duplicates_removal", to: &current)
                if let joined = current {
                    var unique = PlanNode(
                        nodeType: "Remove duplicates using temporary table (weedout)", operation: .unique,
                        children: [joined])
                    unique.usingTemporary = true
                    current = unique
                }
                continue
            }
            guard let step = try joinStep(members, path: elementPath) else { continue }
            guard let outer = current else {
                current = step.node
                continue
            }
            current = join(outer, step)
        }
    }

    private mutating func joinStep(_ members: [(key: String, value: JSONValue)], path: String) throws(ShapeError)
        -> JoinStep?
    {
        guard let (key, value) = members.first else { throw ShapeError(path: path, expected: "a table") }
        switch key {
        case "table":
            guard let node = try table(value, path: "\(path).table") else { return nil }
            var step = JoinStep(node: node)
            step.rowsProducedPerJoin = value["rows_produced_per_join"]?.doubleValue
            step.prefixCost = value["cost_info"]?["prefix_cost"]?.doubleValue
            if let buffer = value["using_join_buffer"]?.stringValue {
                if buffer.lowercased().contains("hash") {
                    step.algorithm = "Hash join"
                    step.operation = .hashJoin
                } else if buffer.lowercased().contains("batched key access") {
                    step.algorithm = "Batched key access join"
                } else {
                    step.algorithm = "Block nested loop join"
                }
            }
            if value["first_match"] != nil || value["loosescan"] != nil { step.joinType = "Semi" }
            if value["not_exists"]?.boolValue == true { step.joinType = "Anti" }
            return step
        case "block-nl-join":
            let tablePath = "\(path).block-nl-join.table"
            guard let tableValue = value["table"] else { throw ShapeError(path: tablePath, expected: "a table") }
            guard var node = try table(tableValue, path: tablePath) else { return nil }
            let joinType = value["join_type"]?.stringValue ?? "BNL"
            let bufferType = value["buffer_type"]?.stringValue ?? "flat"
            node.notes.append("Using join buffer (\(bufferType), \(joinType) join)")
            var step = JoinStep(node: node)
            // BNLH and BKAH look rows up in a hash table built over the join buffer.
            switch joinType {
            case "BNLH", "BKAH":
                step.algorithm = "Hash join"
                step.operation = .hashJoin
            case "BKA": step.algorithm = "Batched key access join"
            default: step.algorithm = "Block nested loop join"
            }
            step.properties.append(PlanProperty("join_type", joinType))
            step.joinFilter = value["attached_condition"]?.stringValue
            let unpacking = time(value["r_unpack_time_ms"])
            let other = time(value["r_other_time_ms"])
            if unpacking != nil || other != nil { step.ownTimeMs = (unpacking ?? 0) + (other ?? 0) }
            step.actualFilteredPercent = actualNumber(value["r_filtered"])
            for member in value.objectMembers ?? []
            where !["table", "join_type", "attached_condition"].contains(member.key) {
                noteActual(member.key, member.value)
                step.properties.append(PlanProperty(member.key, Self.display(member.value)))
            }
            return step
        case "range-checked-for-each-record":
            let tablePath = "\(path).range-checked-for-each-record.table"
            guard let tableValue = value["table"] else { throw ShapeError(path: tablePath, expected: "a table") }
            guard var node = try table(tableValue, path: tablePath, rangeChecked: true) else { return nil }
            for member in value.objectMembers ?? [] where member.key != "table" {
                noteActual(member.key, member.value)
                node.properties.append(PlanProperty(member.key, Self.display(member.value)))
            }
            return JoinStep(node: node)
        default:
            guard let node = try operation(key, value, path: "\(path).\(key)") else { return nil }
            return JoinStep(node: node)
        }
    }

    private func join(_ outer: PlanNode, _ step: JoinStep) -> PlanNode {
        var inner = step.node
        var node: PlanNode
        if step.operation == .hashJoin {
            // As MySQL's tree format shows it: the new table probes a hash table built from the rows before it.
            var hash = PlanNode(nodeType: "Hash", operation: .hash, children: [outer])
            hash.estimatedRows = outer.estimatedRows
            node = PlanNode(nodeType: step.algorithm, operation: .hashJoin, children: [inner, hash])
        } else {
            // Costs are for all scans of the inner table; the tree counts them per loop, like PostgreSQL.
            if dialect == .mysql, let cost = inner.totalCost, let loops = outer.estimatedRows, loops > 1 {
                inner.totalCost = cost / loops
            }
            node = PlanNode(nodeType: step.algorithm, operation: .nestedLoop, children: [outer, inner])
        }
        node.joinType = step.joinType
        node.joinFilter = step.joinFilter
        node.properties = step.properties
        if let rows = step.rowsProducedPerJoin {
            node.estimatedRows = rows
        } else if let outerRows = outer.estimatedRows, let innerRows = step.node.estimatedRows {
            node.estimatedRows = outerRows * innerRows
        }
        node.totalCost = step.prefixCost
        node.actualFilteredPercent = step.actualFilteredPercent
        if let own = step.ownTimeMs {
            // Once, over everything below it: its inputs' time plus its own.
            node.actualTotalTimeMs = own + node.children.reduce(0) { $0 + (Self.totalTimeMs(of: $1) ?? 0) }
        }
        return node
    }

    /// A node's measured time over all its loops, or its inputs' when it has none of its own (as
    /// `PlanTiming` counts it).
    private static func totalTimeMs(of node: PlanNode) -> Double? {
        if node.neverExecuted { return 0 }
        if let perLoop = node.actualTotalTimeMs { return perLoop * (node.loops ?? 1) }
        let times = node.children.compactMap(totalTimeMs)
        return times.isEmpty ? nil : times.reduce(0, +)
    }

    // MARK: - Tables

    /// The node for a `table` object, with its materialized source and subqueries as children; nil
    /// for an INSERT's target table, which is not read (the statement's root names it).
    private mutating func table(_ value: JSONValue, path: String, rangeChecked: Bool = false) throws(ShapeError)
        -> PlanNode?
    {
        let members = try object(value, path, "a table object")
        for verb in ["insert", "replace", "update", "delete"] where value[verb] != nil && value[verb] != .bool(false) {
            let name = value["table_name"]?.stringValue ?? "?"
            modifications.append((verb.capitalized, name))
            if verb == "insert" || verb == "replace" { return nil }
        }
        guard let name = value["table_name"]?.stringValue else {
            if let message = value["message"]?.stringValue {
                return PlanNode(nodeType: message, operation: .result)
            }
            throw ShapeError(path: path, expected: "\"table_name\" or \"message\" in the table")
        }

        var access = MySQLTableAccess()
        access.table = name
        access.accessType = value["access_type"]?.stringValue
        access.possibleKeys = strings(value["possible_keys"])
        access.key = value["key"]?.stringValue
        access.usedKeyParts = strings(value["used_key_parts"])
        // MySQL 5.6 printed "rows" like MariaDB; 5.7 renamed it.
        access.rowsExaminedPerScan = (value["rows_examined_per_scan"] ?? value["rows"])?.doubleValue
        access.filteredPercent = value["filtered"]?.doubleValue
        access.usingIndex = value["using_index"]?.boolValue ?? false
        access.indexCondition = value["index_condition"]?.stringValue
        access.attachedCondition = value["attached_condition"]?.stringValue
        let materialized = value["materialized_from_subquery"] ?? value["materialized"]
        access.readsMaterializedResult = materialized != nil || MySQLTableAccess.isInternalTableName(name)
        access.rangeCheckedForEachRecord = rangeChecked || value["range_checked_for_each_record"] != nil
        access.notes = Self.extraNotes(value, rangeChecked: rangeChecked)
        var node = access.node()

        if let costs = value["cost_info"] {
            let read = costs["read_cost"]?.doubleValue
            let evaluate = costs["eval_cost"]?.doubleValue
            if read != nil || evaluate != nil { node.totalCost = (read ?? 0) + (evaluate ?? 0) }
            for member in costs.objectMembers ?? [] {
                node.properties.append(PlanProperty(member.key, Self.display(member.value)))
            }
        }
        if dialect == .mariadb, let cost = value["cost"]?.doubleValue {
            // MariaDB 11 prints the cost of all `loops` scans.
            node.totalCost = cost / max(value["loops"]?.doubleValue ?? 1, 1)
        }
        readActuals(value, into: &node)

        if let materialized {
            node.children.append(try materialize(materialized, path: "\(path).materialized"))
        }
        node.children += try subqueries(in: members, path: path)

        let consumed: Set<String> = [
            "table_name", "access_type", "possible_keys", "key", "used_key_parts", "rows_examined_per_scan",
            "rows", "filtered", "using_index", "index_condition", "attached_condition", "materialized_from_subquery",
            "materialized", "cost_info", "cost", "r_loops", "r_rows", "r_filtered", "r_table_time_ms",
            "r_other_time_ms", "r_total_time_ms", "insert", "replace", "update", "delete",
        ]
        for member in members where !consumed.contains(member.key) && !member.key.hasSuffix("subqueries") {
            node.properties.append(PlanProperty(member.key, Self.display(member.value)))
        }
        return node
    }

    /// `materialized_from_subquery` (MySQL) or `materialized` (MariaDB): a Materialize node over the
    /// subquery, or without children when the table shares another's (a CTE read twice:
    /// `sharing_temporary_table_with`).
    private mutating func materialize(_ value: JSONValue, path: String) throws(ShapeError) -> PlanNode {
        let members = try object(value, path, "an object with a query_block")
        var node = PlanNode(nodeType: "Materialize", operation: .materialize)
        if let block = value["query_block"] {
            node.children = [try queryBlock(block, path: "\(path).query_block")]
        }
        node.usingTemporary = value["using_temporary_table"]?.boolValue ?? true
        for member in members where member.key != "query_block" && member.key != "using_temporary_table" {
            node.properties.append(PlanProperty(member.key, Self.display(member.value)))
        }
        return node
    }

    /// The `Extra` notes tabular EXPLAIN would print for this table, so rules can read one vocabulary.
    private static func extraNotes(_ table: JSONValue, rangeChecked: Bool) -> [String] {
        var notes: [String] = []
        if let message = table["message"]?.stringValue { notes.append(message) }
        if table["using_index_for_group_by"] != nil && table["using_index_for_group_by"] != .bool(false) {
            notes.append("Using index for group-by")
        }
        if table["index_condition"] != nil { notes.append("Using index condition") }
        if table["rowid_filter"] != nil { notes.append("Using rowid filter") }
        if table["attached_condition"] != nil { notes.append("Using where") }
        if table["using_index"]?.boolValue == true { notes.append("Using index") }
        if table["using_MRR"]?.boolValue == true { notes.append("Using MRR") }
        if let map = table["range_checked_for_each_record"]?.stringValue {
            notes.append("Range checked for each record (\(map))")
        } else if rangeChecked {
            notes.append("Range checked for each record")
        }
        if table["using_temporary_table"]?.boolValue == true { notes.append("Using temporary") }
        if table["using_filesort"]?.boolValue == true { notes.append("Using filesort") }
        if table["distinct"]?.boolValue == true { notes.append("Distinct") }
        if table["not_exists"]?.boolValue == true { notes.append("Not exists") }
        if table["start_temporary"]?.boolValue == true { notes.append("Start temporary") }
        if table["end_temporary"]?.boolValue == true { notes.append("End temporary") }
        if let firstMatch = table["first_match"]?.stringValue { notes.append("FirstMatch(\(firstMatch))") }
        if table["loosescan"]?.boolValue == true { notes.append("LooseScan") }
        if let buffer = table["using_join_buffer"]?.stringValue { notes.append("Using join buffer (\(buffer))") }
        return notes
    }

    // MARK: - Subqueries

    /// Subqueries listed in an object (`attached_subqueries`, `select_list_subqueries`, … in MySQL;
    /// `subqueries` in MariaDB), as SubPlan or InitPlan children named "Select #n (subquery …)".
    private mutating func subqueries(in members: [(key: String, value: JSONValue)], path: String)
        throws(ShapeError) -> [PlanNode]
    {
        var nodes: [PlanNode] = []
        for member in members where member.key.hasSuffix("subqueries") {
            let listPath = "\(path).\(member.key)"
            guard let items = member.value.arrayValue else {
                throw ShapeError(path: listPath, expected: "an array of subqueries")
            }
            for (offset, item) in items.enumerated() {
                nodes.append(try subquery(item, list: member.key, path: "\(listPath)[\(offset)]"))
            }
        }
        return nodes
    }

    private static let subqueryLocations: [String: String] = [
        "attached_subqueries": "condition", "select_list_subqueries": "projection", "having_subqueries": "having",
        "order_by_subqueries": "order by", "group_by_subqueries": "group by",
        "update_value_subqueries": "update value",
    ]

    private mutating func subquery(_ item: JSONValue, list: String, path: String) throws(ShapeError) -> PlanNode {
        var node: PlanNode
        var facts = item
        var cache: JSONValue?
        if let expressionCache = item["expression_cache"] {
            cache = expressionCache
            facts = expressionCache
        }
        if let block = facts["query_block"] {
            node = try queryBlock(block, path: "\(path).query_block")
        } else if let table = facts["table"] {
            guard let tableNode = try self.table(table, path: "\(path).table") else {
                throw ShapeError(path: path, expected: "a subquery that reads a table")
            }
            node = tableNode
            if let materialized = table["materialized_from_subquery"] { facts = materialized }
        } else {
            throw ShapeError(path: path, expected: "a query_block or a table in the subquery")
        }

        let selectID =
            (facts["query_block"]?["select_id"] ?? item["query_block"]?["select_id"])
            .map(Self.display) ?? "?"
        let dependent = facts["dependent"]?.boolValue ?? false
        let cacheable = facts["cacheable"]?.boolValue ?? true
        if list == "optimized_away_subqueries" {
            node.subplanName = "Select #\(selectID) (subquery optimized away)"
            node.parentRelationship = "InitPlan"
        } else if dialect == .mariadb {
            node.subplanName = "Select #\(selectID) (subquery\(cache == nil ? "" : "; expression cache"))"
            node.parentRelationship = "SubPlan"
        } else {
            let location = Self.subqueryLocations[list] ?? list
            let kind = dependent ? "dependent" : cacheable ? "run only once" : "uncacheable"
            node.subplanName = "Select #\(selectID) (subquery in \(location); \(kind))"
            node.parentRelationship = kind == "run only once" ? "InitPlan" : "SubPlan"
        }
        for member in cache?.objectMembers ?? [] where member.key != "query_block" {
            noteActual(member.key, member.value)
            node.properties.append(PlanProperty("expression_cache.\(member.key)", Self.display(member.value)))
        }
        return node
    }

    // MARK: - Actuals (MariaDB ANALYZE)

    /// `r_loops`, `r_rows`, `r_filtered` and the table times, converted to per-loop output rows and time.
    private mutating func readActuals(_ value: JSONValue, into node: inout PlanNode) {
        guard value["r_loops"] != nil || value["r_rows"] != nil else { return }
        hasActuals = true
        let loops = actualNumber(value["r_loops"])
        node.loops = loops
        if loops == 0 {
            // const and system tables are read while optimizing, so execution never loops over them.
            if node.accessType != "const" && node.accessType != "system" {
                node.neverExecuted = true
                node.actualRows = 0
            }
            return
        }
        let filtered = actualNumber(value["r_filtered"])
        node.actualFilteredPercent = filtered
        // r_rows counts rows read per loop; the node returns the share that passes its condition.
        if let read = actualNumber(value["r_rows"]) {
            let returned = read * (filtered ?? 100) / 100
            node.actualRows = returned
            if filtered != nil { node.rowsRemovedByFilter = read - returned }
            node.properties.append(PlanProperty("r_rows", Self.display(.number(read))))
        }
        let tableTime = time(value["r_table_time_ms"])
        let otherTime = time(value["r_other_time_ms"])
        if let total = time(value["r_total_time_ms"]) ?? (tableTime.map { $0 + (otherTime ?? 0) }) {
            node.actualTotalTimeMs = total / max(loops ?? 1, 1)
        }
    }

    /// A measured number; null (never executed) and masked strings count as actuals without a value.
    private mutating func actualNumber(_ value: JSONValue?) -> Double? {
        guard let value else { return nil }
        hasActuals = true
        if case .number(let number) = value { return number }
        return nil
    }

    /// A time in milliseconds; the test suite's `"REPLACED"` is no time.
    private mutating func time(_ value: JSONValue?) -> Double? {
        guard let value else { return nil }
        hasActuals = true
        guard case .number(let milliseconds) = value else { return nil }
        hasTiming = true
        return milliseconds
    }

    /// Records that an ANALYZE-only member (`r_…`) was printed, and whether it was a measured time.
    private mutating func noteActual(_ key: String, _ value: JSONValue) {
        guard key.hasPrefix("r_") else { return }
        hasActuals = true
        if key.hasSuffix("_time_ms"), case .number = value { hasTiming = true }
    }

    // MARK: - Helpers

    private func object(_ value: JSONValue, _ path: String, _ expected: String) throws(ShapeError)
        -> [(key: String, value: JSONValue)]
    {
        guard let members = value.objectMembers else { throw ShapeError(path: path, expected: expected) }
        return members
    }

    private func strings(_ value: JSONValue?) -> [String]? {
        guard let value else { return nil }
        if let items = value.arrayValue { return items.map(Self.display) }
        return value.stringValue.map { $0.split(separator: ",").map(String.init) }
    }

    /// A value as display text; arrays as "a, b".
    static func display(_ value: JSONValue) -> String {
        if let items = value.arrayValue { return items.map(display).joined(separator: ", ") }
        return value.displayText
    }
}
