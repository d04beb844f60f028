/// How many rows a table access read and how many of them its conditions kept, measured when the
/// plan has actuals and estimated otherwise, whichever engine and format printed it.
///
/// - PostgreSQL with ANALYZE: read = actual rows + `Rows Removed by Filter` (both per loop).
///   Without ANALYZE the plan does not say how many rows a scan reads (the estimate counts rows kept):
///   a full scan reads the whole table, so the table's row count from the catalog (a scan's snapshot)
///   stands in when it is given; otherwise there is none.
/// - MySQL tree: the table scan's rows are what it read; a `Filter:` node right above it keeps its rows.
/// - MySQL JSON and tabular, MariaDB: `rows_examined_per_scan`/`rows` read, `filtered` % kept;
///   MariaDB ANALYZE: the parsers give the rows kept (`r_rows × r_filtered`) as actual rows and the
///   rest as rows removed by filter (JSON), or `r_filtered` alone (tabular).
public struct ScanRows: Equatable, Sendable {
    /// Rows read per execution of the node.
    public var readPerLoop: Double
    /// Rows that passed the node's conditions per execution.
    public var keptPerLoop: Double
    /// Executions of the node in the statement.
    public var loops: Double
    /// True when the numbers come from ANALYZE rather than the planner's estimates.
    public var isMeasured: Bool

    /// Rows read over the whole statement.
    public var totalRead: Double { readPerLoop * loops }
    /// Rows kept over the whole statement.
    public var totalKept: Double { keptPerLoop * loops }
    /// Rows the conditions discarded per execution.
    public var removedPerLoop: Double { max(0, readPerLoop - keptPerLoop) }
    /// The share of rows read that the conditions discarded, 0…1.
    public var removedFraction: Double { readPerLoop > 0 ? removedPerLoop / readPerLoop : 0 }

    /// Rows as given, for tests and callers that counted them themselves.
    public init(readPerLoop: Double, keptPerLoop: Double, loops: Double, isMeasured: Bool) {
        self.readPerLoop = readPerLoop
        self.keptPerLoop = keptPerLoop
        self.loops = loops
        self.isMeasured = isMeasured
    }

    /// The rows of the table access at `path`; nil when the plan does not say how many rows were read.
    /// `tableRows`: the planner's row count for the table a PostgreSQL full scan reads, when known.
    public init?(_ path: PlanNodePath, tableRows: Double? = nil) {
        let node = path.node
        let plan = path.context.plan
        let filterAbove = path.parent.flatMap { $0.operation == .filter && node.filter == nil ? $0 : nil }
        if plan.hasActuals {
            // Tabular MariaDB ANALYZE prints no loops; the estimate stands in.
            let loops = node.loops ?? path.expectedLoops
            guard !node.neverExecuted, loops > 0, let actual = node.actualRows else { return nil }
            if let removed = node.rowsRemovedByFilter {
                self.init(readPerLoop: actual + removed, keptPerLoop: actual, loops: loops, isMeasured: true)
            } else if let filtered = node.actualFilteredPercent, filtered > 0 {
                // MariaDB: actual rows are the rows kept, r_filtered the percentage of rows read they are.
                self.init(readPerLoop: actual * 100 / filtered, keptPerLoop: actual, loops: loops, isMeasured: true)
            } else if let filterAbove, let kept = filterAbove.actualRows, (filterAbove.loops ?? loops) == loops {
                self.init(readPerLoop: actual, keptPerLoop: min(kept, actual), loops: loops, isMeasured: true)
            } else if node.actualFilteredPercent != nil, let examined = node.rowsExaminedPerScan {
                // Nothing kept (r_filtered 0): how many rows were read is only estimated.
                self.init(readPerLoop: examined, keptPerLoop: actual, loops: loops, isMeasured: false)
            } else {
                self.init(readPerLoop: actual, keptPerLoop: actual, loops: loops, isMeasured: true)
            }
            return
        }
        let loops = path.expectedLoops
        guard plan.engine.isMySQLFamily else {
            guard node.operation == .seqScan, let tableRows, tableRows > 0, let kept = node.estimatedRows else {
                return nil
            }
            self.init(readPerLoop: tableRows, keptPerLoop: min(kept, tableRows), loops: loops, isMeasured: false)
            return
        }
        if let examined = node.rowsExaminedPerScan {
            let kept = node.filteredPercent.map { examined * $0 / 100 } ?? node.estimatedRows ?? examined
            self.init(readPerLoop: examined, keptPerLoop: min(kept, examined), loops: loops, isMeasured: false)
        } else if let read = node.estimatedRows {
            let kept = filterAbove?.estimatedRows ?? read
            self.init(readPerLoop: read, keptPerLoop: min(kept, read), loops: loops, isMeasured: false)
        } else {
            return nil
        }
    }
}
