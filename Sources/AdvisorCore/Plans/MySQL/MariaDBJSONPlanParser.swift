/// Reads MariaDB `EXPLAIN FORMAT=JSON` and `ANALYZE FORMAT=JSON`, bare, in the client's table frame
/// (`| EXPLAIN |`, `| ANALYZE |`) or its `\G` form. Several documents in one input are several plans.
///
/// The skeleton is MySQL's format version 1 (`query_block`, `nested_loop`, `table`, `union_result`,
/// see `MySQLJSONPlanParser` for the nodes those become); MariaDB adds:
/// - `table`: `rows` → `rowsExaminedPerScan`, `estimatedRows` = `rows × filtered / 100`; MariaDB 11
///   `cost` is for all `loops` scans and becomes a per-scan `totalCost`.
/// - `block-nl-join`: the join of its table with the rows before it, "Block nested loop join"
///   `.nestedLoop` for BNL, "Batched key access join" for BKA, "Hash join" `.hashJoin` for BNLH/BKAH;
///   its `attached_condition` is the join's `joinFilter` and its `r_filtered` the join's
///   `actualFilteredPercent`; the table's note is "Using join buffer (flat, BNL join)".
/// - `range-checked-for-each-record`: its table as "Index range scan" (`.indexScan`), the keys in
///   `properties`.
/// - `filesort`: a `Sort` (`.sort`, `usingFilesort`; `sortKey` from `sort_key`), `usingTemporary` when
///   it sorts a `temporary_table`; `read_sorted_file` reads its filesort's output.
/// - `temporary_table` elsewhere: "Temporary table" `.materialize` with `usingTemporary`.
/// - `duplicates_removal` (an array in `nested_loop`): its tables join as usual, then "Remove
///   duplicates using temporary table (weedout)" `.unique` over the join so far.
/// - `window_functions_computation`: "Window aggregate" `.windowAgg` with a Sort per `sorts` entry.
/// - `having_condition`: a `Filter` over the query block.
/// - `materialized`: a `Materialize` child of the table that reads it (semi-join or derived table).
/// - `subqueries`: children with `parentRelationship` "SubPlan" and `subplanName` "Select #n
///   (subquery)" ("; expression cache" when wrapped in `expression_cache`, whose counters go to
///   `properties`).
///
/// ANALYZE values, converted to PostgreSQL's per-loop convention:
/// - `r_loops` → `loops`; 0 means the node never ran (`neverExecuted`, zero actual rows).
/// - `r_rows` is rows read per loop; a table returns `r_rows × r_filtered / 100` of them: that is
///   `actualRows`, the rest `rowsRemovedByFilter`; `r_filtered` → `actualFilteredPercent`.
/// - A table's `r_table_time_ms + r_other_time_ms` (or `r_total_time_ms`), totals over all loops,
///   divided by `r_loops` → `actualTotalTimeMs`. `const` and `system` tables are read while optimizing:
///   their `r_loops` 0 does not make them never executed.
/// - Times are inclusive, as PostgreSQL's: a filesort's `r_total_time_ms` is the sorting alone and a
///   block-nl-join's `r_unpack_time_ms + r_other_time_ms` the join's own work, so the node's time adds
///   what its inputs took. A query block's `r_total_time_ms` times its root when the root has no time of
///   its own; the outermost one is also `Plan.executionTimeMs`, and `query_optimization.r_total_time_ms`
///   is `Plan.planningTimeMs`.
/// - Test-suite output masks times as `"REPLACED"`: no time, and `Plan.hasTiming` false.
public enum MariaDBJSONPlanParser: PlanParser {
    /// The format this parser reads.
    public static let format = PlanFormat.mariadbJSON

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
        guard let block = document.value["query_block"] else {
            throw InputError(
                file: input.name, format: format, line: document.line, column: document.column,
                reason: "expected an object with \"query_block\", as MariaDB's EXPLAIN FORMAT=JSON prints")
        }
        var reader = MySQLQueryBlockReader(dialect: .mariadb)
        let root: PlanNode
        do {
            root = MySQLPlanCosts.filled(try reader.queryBlock(block, path: "query_block"))
        } catch {
            throw InputError(
                file: input.name, format: format, line: document.line, column: document.column,
                reason: "in the plan starting here, at \(error.path): expected \(error.expected)")
        }
        var plan = Plan(
            engine: .mariadb, format: format, root: root, queryText: document.statement,
            hasActuals: reader.hasActuals, hasTiming: reader.hasTiming, sourceLine: document.line)
        if case .number(let total)? = block["r_total_time_ms"] { plan.executionTimeMs = total }
        if case .number(let planning)? = document.value["query_optimization"]?["r_total_time_ms"] {
            plan.planningTimeMs = planning
        }
        return plan
    }
}
