/// Turns MySQL JSON format version 2 (`explain_json_format_version=2`, MySQL 8.3 and later, also
/// `EXPLAIN ANALYZE FORMAT=JSON`) into a node tree.
///
/// Version 2 is the tree format as JSON: every object has the `operation` text FORMAT=TREE prints,
/// its `inputs` (children) and `inputs_from_select_list` (select-list subqueries), and a `heading`
/// on a child that the tree prints as a heading line ("Hash", "Select #2 (subquery in condition;
/// dependent)"). The node is read from the operation text exactly as `MySQLTreePlanParser` reads
/// it, then the explicit members refine it (`table_name` and `alias`, `schema_name`, `index_name`,
/// `condition`, `hash_condition`, `sort_fields`…), so both formats give the same tree.
struct MySQLJSONFormat2Reader {
    /// True once any `actual_*` member was seen (EXPLAIN ANALYZE FORMAT=JSON).
    private(set) var hasActuals = false
    /// True once an actual time was seen.
    private(set) var hasTiming = false

    /// Members read into fields, or already in the operation text and read from there.
    private static let consumed: Set<String> = [
        "operation", "inputs", "inputs_from_select_list", "heading", "table_name", "alias", "schema_name",
        "index_name", "pushed_index_condition", "condition", "hash_condition", "extra_condition", "sort_fields",
        "join_type", "estimated_rows", "estimated_total_cost", "estimated_first_row_cost", "actual_first_row_ms",
        "actual_last_row_ms", "actual_rows", "actual_loops", "access_type", "index_access_type", "covering",
        "lookup_condition", "ranges", "join_algorithm", "query", "query_type", "json_schema_version", "subquery",
        "subquery_location", "dependent", "cacheable", "reverse",
    ]

    private static let joinTypes = ["inner join": "Inner", "left join": "Left", "antijoin": "Anti", "semijoin": "Semi"]

    /// The nodes one object stands for: itself, wrapped in a Hash node or marked as a subquery when
    /// it carries a heading.
    mutating func nodes(_ value: JSONValue, path: String) throws(MySQLQueryBlockReader.ShapeError) -> [PlanNode] {
        var node = try self.node(value, path: path)
        switch value["heading"]?.stringValue.flatMap(MySQLOperationText.heading) {
        case .hash?:
            var hash = PlanNode(nodeType: "Hash", operation: .hash, children: [node])
            hash.estimatedRows = node.estimatedRows
            return [hash]
        case .subquery(let text)?:
            node.parentRelationship = MySQLOperationText.subqueryRelationship(text)
            node.subplanName = text
        case .other(let text)?:
            node.properties.insert(PlanProperty("Heading", text), at: 0)
        case nil:
            break
        }
        return [node]
    }

    /// One object and everything below it, heading aside.
    mutating func node(_ value: JSONValue, path: String) throws(MySQLQueryBlockReader.ShapeError) -> PlanNode {
        guard let members = value.objectMembers else {
            throw MySQLQueryBlockReader.ShapeError(path: path, expected: "a plan node object")
        }
        guard let operation = value["operation"]?.stringValue else {
            throw MySQLQueryBlockReader.ShapeError(path: path, expected: "an \"operation\" member")
        }
        var node = MySQLOperationText.node(operation)
        if let table = value["table_name"]?.stringValue {
            node.relation = table
            if let alias = value["alias"]?.stringValue, alias != table { node.alias = alias }
        }
        node.schema = value["schema_name"]?.stringValue ?? node.schema
        node.index = value["index_name"]?.stringValue ?? node.index
        node.indexCondition = value["pushed_index_condition"]?.stringValue ?? node.indexCondition
        if node.operation == .filter { node.filter = value["condition"]?.stringValue ?? node.filter }
        if let conditions = value["hash_condition"]?.arrayValue, !conditions.isEmpty {
            node.hashCondition = conditions.map(MySQLQueryBlockReader.display).joined(separator: ", ")
        }
        if let conditions = value["extra_condition"]?.arrayValue, !conditions.isEmpty {
            node.joinFilter = conditions.map(MySQLQueryBlockReader.display).joined(separator: " and ")
        }
        if let fields = value["sort_fields"]?.arrayValue { node.sortKey = fields.map(MySQLQueryBlockReader.display) }
        if let joinType = value["join_type"]?.stringValue { node.joinType = Self.joinTypes[joinType] ?? joinType }
        node.estimatedRows = value["estimated_rows"]?.doubleValue
        node.totalCost = value["estimated_total_cost"]?.doubleValue
        node.startupCost = value["estimated_first_row_cost"]?.doubleValue
        readActuals(value, into: &node)

        for member in members where !Self.consumed.contains(member.key) {
            node.properties.append(PlanProperty(member.key, MySQLQueryBlockReader.display(member.value)))
        }
        for key in ["inputs", "inputs_from_select_list"] {
            guard let inputs = value[key] else { continue }
            guard let items = inputs.arrayValue else {
                throw MySQLQueryBlockReader.ShapeError(path: "\(path).\(key)", expected: "an array of plan nodes")
            }
            for (offset, item) in items.enumerated() {
                node.children += try nodes(item, path: "\(path).\(key)[\(offset)]")
            }
        }
        if node.operation == .seqScan, node.children.contains(where: { !$0.isSubPlan }) {
            node.operation = .subqueryScan
        }
        return node
    }

    /// Per-loop averages as MySQL prints them; null actuals mean the node never ran.
    private mutating func readActuals(_ value: JSONValue, into node: inout PlanNode) {
        guard let rows = value["actual_rows"] else { return }
        hasActuals = true
        guard case .number(let actualRows) = rows else {
            node.neverExecuted = true
            node.loops = 0
            node.actualRows = 0
            return
        }
        node.actualRows = actualRows
        node.loops = value["actual_loops"]?.doubleValue
        node.actualStartupTimeMs = value["actual_first_row_ms"]?.doubleValue
        if let last = value["actual_last_row_ms"]?.doubleValue {
            node.actualTotalTimeMs = last
            hasTiming = true
        }
    }
}
