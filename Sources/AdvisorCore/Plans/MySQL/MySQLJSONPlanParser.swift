/// Reads MySQL `EXPLAIN FORMAT=JSON`: format version 1 (5.7 and 8.0, strict JSON or with
/// `end_markers_in_json=on` comments) and version 2 (`explain_json_format_version=2`, 8.3 and later,
/// including `EXPLAIN ANALYZE FORMAT=JSON`), bare, in the mysql client's table frame (`| EXPLAIN |`)
/// or its `\G` form (`EXPLAIN: {`). Several documents in one input are several plans.
///
/// Version 2 is read like the tree format (see `MySQLJSONFormat2Reader`). Version 1 has no node per
/// operation; its objects map to the nodes FORMAT=TREE would print for the same plan:
///
/// - `table`: a table access named by its `access_type` (see `MySQLTableAccess`) with `relation`
///   (`table_name`), `index` (`key`), `possibleKeys`, `usedKeyParts`, `rowsExaminedPerScan`,
///   `filteredPercent` (`filtered`), `filter` (`attached_condition`), `indexCondition`
///   (`index_condition`), and in `notes` what tabular EXPLAIN's `Extra` would say ("Using where"…).
/// - `nested_loop`: a left-deep join in table order, "Nested loop join" `.nestedLoop`, "Block nested
///   loop join" (`using_join_buffer` BNL), "Batched key access join", or "Hash join" `.hashJoin`
///   (`using_join_buffer: "hash join"`) over the new table and a `Hash` of the rows before it.
///   `joinType` is Semi (`first_match`, `loosescan`), Anti (`not_exists`), else unknown (nil).
/// - `ordering_operation`: a `Sort` (`.sort`, `usingFilesort`) when `using_filesort`, with
///   `usingTemporary` from `using_temporary_table`.
/// - `grouping_operation`: "Group aggregate" (over a Sort when `using_filesort`), or with
///   `using_temporary_table` "Aggregate using temporary table" (`usingTemporary`), under a Sort when both.
/// - `duplicates_removal`: "Temporary table with deduplication" or "Remove duplicates from input", `.unique`.
/// - `windowing`: "Window aggregate" `.windowAgg`, with a Sort below it for each window `using_filesort`.
/// - `buffer_result`: "Buffer result" `.materialize`.
/// - `materialized_from_subquery`: a `Materialize` child of the table that reads it (`.subqueryScan`).
/// - `union_result`: "Table scan" on `<union1,2>` over "Union materialize with deduplication", or
///   `Append` for UNION ALL; the members have `parentRelationship` "Member".
/// - `*_subqueries`: children with `subplanName` "Select #n (subquery in condition; dependent)" and
///   `parentRelationship` "SubPlan" (dependent, uncacheable) or "InitPlan" (run once, optimized away).
/// - a table marked `insert`/`update`/`delete`: the root becomes "Insert"/"Update"/"Delete"
///   (`.modifyTable`) on that table; `insert_from` is its input.
/// - `message`: a `.result` node named by the message ("No tables used", "Impossible WHERE").
///
/// Numbers: `estimatedRows` of a table is `rows_examined_per_scan × filtered / 100`, the rows one scan
/// returns; a join's is the `rows_produced_per_join` of its last table. `totalCost` of a table is
/// `read_cost + eval_cost` per scan (divided by the rows before it when it is the inner side of a
/// nested loop), of a join its `prefix_cost`, of a block's root its `query_cost`. Other members
/// (`key_length`, `ref`, `used_columns`, costs…) are kept in `properties`. Version 1 has no actuals.
public enum MySQLJSONPlanParser: PlanParser {
    /// The format this parser reads.
    public static let format = PlanFormat.mysqlJSON

    /// Every plan in the input, one per JSON document.
    public static func parse(_ input: PlanInput) throws -> [Plan] {
        let documents = try MySQLJSONDocuments.read(input, format: format)
        guard !documents.isEmpty else {
            throw InputError(
                file: input.name, format: format,
                reason: "no plan found: expected the JSON object EXPLAIN FORMAT=JSON prints ({\"query_block\": …})")
        }
        return try documents.map { try plan($0, input: input) }
    }

    private static func plan(_ document: MySQLJSONDocuments.Document, input: PlanInput) throws -> Plan {
        do {
            if let block = document.value["query_block"] {
                var reader = MySQLQueryBlockReader(dialect: .mysql)
                let root = MySQLPlanCosts.filled(try reader.queryBlock(block, path: "query_block"))
                return Plan(
                    engine: .mysql, format: format, root: root, queryText: document.statement,
                    sourceLine: document.line)
            }
            let tree = document.value["query_plan"] ?? document.value
            if tree["operation"] != nil {
                var reader = MySQLJSONFormat2Reader()
                let path = document.value["query_plan"] == nil ? "$" : "query_plan"
                let root = MySQLPlanCosts.filled(try reader.node(tree, path: path))
                return Plan(
                    engine: .mysql, format: format, root: root,
                    queryText: document.value["query"]?.stringValue ?? document.statement,
                    hasActuals: reader.hasActuals, hasTiming: reader.hasTiming, sourceLine: document.line)
            }
            throw MySQLQueryBlockReader.ShapeError(
                path: "$", expected: "\"query_block\" (format version 1) or \"operation\" (format version 2)")
        } catch let error as MySQLQueryBlockReader.ShapeError {
            throw InputError(
                file: input.name, format: format, line: document.line, column: document.column,
                reason: "in the plan starting here, at \(error.path): expected \(error.expected)")
        }
    }
}
