import AdvisorCore

/// The statement profile, as pt-query-digest prints it: the statements that cost the most total time,
/// with their calls, total and mean time, share of all statement time and rows per call, plus one line
/// for the rest. The values are formatted here once; the text and markdown reporters lay them out.
struct StatementProfileLayout {
    /// One line of the profile, every cell formatted.
    struct Row {
        /// "1", or "" for the line summing the statements not shown.
        var rank: String
        var id: String
        var calls: String
        var total: String
        var share: String
        var mean: String
        var rowsPerCall: String
        /// 95th and 99th percentile of the time per call ("" when unknown): logs keep the distribution.
        var p50: String
        var p95: String
        var p99: String
        var maximum: String
        /// The statement, nil for the remainder line (which says how many it sums instead).
        var statement: StatementStats?
        var remainderCount: Int

        /// The statement's text on one line, or "… 47 other statements", cut to `maxLength`.
        func text(maxLength: Int) -> String {
            guard let statement else {
                return "… \(remainderCount) other statement\(remainderCount == 1 ? "" : "s")"
            }
            guard let tag = statement.tag else { return statement.oneLineText(maxLength: maxLength) }
            let label = "[\(tag)] "
            return label + statement.oneLineText(maxLength: max(maxLength - label.count, 20))
        }
    }

    /// The slowest execution of one of the first statements, literals kept: what to EXPLAIN.
    struct Sample {
        var rank: String
        var id: String
        /// Its time ("" when the source does not say).
        var time: String
        /// Its lines kept (runnable as it ran), cut at `sampleLength`.
        var text: String
    }

    /// How many statements the profile lists.
    static let maxRows = 10
    /// How many of them get their sample shown, and how long a sample may be.
    static let maxSamples = 5
    static let sampleLength = 2_000

    /// "Statement profile · top 10 of 57 statements by total time · 3,412.0 s in all over 2.0 days".
    let title: String
    let rows: [Row]
    /// Whether any statement shown has percentiles (the p50/p95/p99/max columns are shown only then).
    let hasPercentiles: Bool
    /// Whether any statement shown counts its rows (a PostgreSQL log does not: no rows/call column then).
    let hasRows: Bool
    /// The samples of the first statements that have one (a log's slowest execution, MySQL's sample text).
    let samples: [Sample]
    /// Whether any statement is timed. A general log or `log_statement` alone times none: the profile then
    /// ranks by calls, its share is of calls, and the time columns stay empty.
    let isTimed: Bool

    /// "Slowest samples", or "Samples" when nothing is timed (each is then the first execution seen).
    var samplesHeading: String { isTimed ? "Slowest samples" : "Samples" }

    /// The profile of the snapshot's statements; nil when it has none.
    init?(_ snapshot: Snapshot) {
        let isTimed = snapshot.statements.contains { $0.totalTimeMs > 0 }
        // Ranked by time, or by calls when nothing is timed.
        func weight(_ statement: StatementStats) -> Double {
            isTimed ? statement.totalTimeMs : Double(statement.calls)
        }
        let statements = snapshot.statements.sorted { a, b in
            weight(a) != weight(b) ? weight(a) > weight(b) : a.findingKey < b.findingKey
        }
        guard !statements.isEmpty else { return nil }
        let grandTotal = statements.reduce(0) { $0 + weight($1) }
        let shown = statements.prefix(Self.maxRows)
        var rows = shown.enumerated().map { offset, statement in
            Self.row(
                rank: String(offset + 1), id: statement.id, calls: statement.calls, totalMs: statement.totalTimeMs,
                share: weight(statement) / grandTotal, rows: statement.rows, isTimed: isTimed, statement: statement,
                remainderCount: 0)
        }
        let rest = statements.dropFirst(Self.maxRows)
        if !rest.isEmpty {
            rows.append(
                Self.row(
                    rank: "", id: "", calls: rest.reduce(0) { $0 + $1.calls },
                    totalMs: rest.reduce(0) { $0 + $1.totalTimeMs },
                    share: rest.reduce(0) { $0 + weight($1) } / grandTotal,
                    rows: rest.contains { $0.rows != nil } ? rest.reduce(0) { $0 + ($1.rows ?? 0) } : nil,
                    isTimed: isTimed, statement: nil, remainderCount: rest.count))
        }
        self.isTimed = isTimed
        self.rows = rows
        hasPercentiles = shown.contains { $0.p95TimeMs != nil }
        hasRows = shown.contains { $0.rows != nil }
        samples = shown.prefix(Self.maxSamples).enumerated().compactMap { offset, statement in
            guard let text = statement.runnableSample(maxLength: Self.sampleLength) else { return nil }
            return Sample(
                rank: String(offset + 1), id: statement.id,
                time: statement.maxTimeMs.map(Formatting.milliseconds) ?? "",
                text: text)
        }
        var title = "Statement profile · "
        title +=
            statements.count > Self.maxRows
            ? "top \(Self.maxRows) of \(statements.count) statements"
            : "\(statements.count) statement\(statements.count == 1 ? "" : "s")"
        title +=
            isTimed
            ? " by total time · \(Formatting.milliseconds(grandTotal)) in all"
            : " by calls (none is timed) · \(Formatting.count(grandTotal)) calls in all"
        if let seconds = snapshot.statementWindowSeconds, seconds >= 60 {
            let days = seconds / 86_400
            // A log of a few minutes is said in minutes, not as "0.0 hours".
            if days >= 1 {
                title += " over \(Formatting.decimal(days, digits: 1)) days"
            } else if seconds >= 3_600 {
                title += " over \(Formatting.decimal(seconds / 3_600, digits: 1)) hours"
            } else {
                title += " over \(Formatting.decimal(seconds / 60, digits: 1)) minutes"
            }
        }
        self.title = title
    }

    private static func row(
        rank: String, id: String, calls: Int, totalMs: Double, share: Double, rows: Int?, isTimed: Bool,
        statement: StatementStats?, remainderCount: Int
    ) -> Row {
        let callCount = Double(calls)
        return Row(
            rank: rank, id: id, calls: Formatting.count(callCount),
            total: isTimed ? Formatting.milliseconds(totalMs) : "",
            share: share.isFinite ? Formatting.percent(fraction: share) : "",
            mean: isTimed && calls > 0 ? Formatting.milliseconds(totalMs / callCount) : "",
            rowsPerCall: rows.map { calls > 0 ? Formatting.decimal(Double($0) / callCount, digits: 1) : "" } ?? "",
            p50: statement?.p50TimeMs.map(Formatting.milliseconds) ?? "",
            p95: statement?.p95TimeMs.map(Formatting.milliseconds) ?? "",
            p99: statement?.p99TimeMs.map(Formatting.milliseconds) ?? "",
            maximum: statement?.maxTimeMs.map(Formatting.milliseconds) ?? "", statement: statement,
            remainderCount: remainderCount)
    }
}
