/// Tells a query log's format from its first lines: each format counts the lines it recognises and
/// the format recognising the most wins; a PostgreSQL stderr log also gets the `log_line_prefix`
/// that matches the most lines.
enum QueryLogFormatDetector {
    /// Why an input with no line at all is refused (several logs go on without it: see `LogAnalyzer`).
    static let emptyInputReason = "empty input: no log lines to read"

    static func detect(_ lines: [[UInt8]], prefix: PostgresLogLinePrefix?, name: String) throws -> (
        format: QueryLogFormat, prefix: PostgresLogLinePrefix?
    ) {
        let meaningful = lines.filter { !$0.isEmpty }
        guard !meaningful.isEmpty else {
            throw InputError(file: name, reason: emptyInputReason)
        }
        var scores: [(QueryLogFormat, Int)] = [
            (.postgresJSON, meaningful.count { PostgresJSONLogReader.looksLikeEntry($0) }),
            (.postgresCSV, meaningful.count { PostgresCSVLogReader.looksLikeRecordStart($0) }),
            (.mysqlSlow, meaningful.count { MySQLSlowLogReader.looksLikeHeader($0) } * 3),
            (.mysqlGeneral, meaningful.count { MySQLGeneralLogReader.looksLikeEntry($0) }),
        ]
        var stderrPrefix: PostgresLogLinePrefix?
        if let prefix {
            stderrPrefix = prefix
            scores.append(
                (
                    .postgresStderr,
                    meaningful.count { line in
                        line.withUnsafeBufferPointer { PostgresStderrLogReader.startsMessage($0, prefix: prefix) }
                    }
                ))
        } else if let best = bestPrefix(meaningful) {
            stderrPrefix = best.prefix
            scores.append((.postgresStderr, best.lines))
        }
        guard let winner = scores.max(by: { $0.1 < $1.1 }), winner.1 > 0 else {
            let tried = QueryLogFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw InputError(
                file: name, line: 1,
                reason: "not a query log: the first lines fit none of the formats tried (\(tried))"
                    + (prefix.map { " with log_line_prefix '\($0.text)'" } ?? ""))
        }
        return (winner.0, winner.0 == .postgresStderr ? stderrPrefix : nil)
    }

    /// The common prefix matching the most lines (the first listed on a tie), and how many it matches.
    static func bestPrefix(_ lines: [[UInt8]]) -> (prefix: PostgresLogLinePrefix, lines: Int)? {
        var best: (prefix: PostgresLogLinePrefix, lines: Int)?
        for text in PostgresLogLinePrefix.commonPrefixes {
            let prefix = PostgresLogLinePrefix(text)
            let count = lines.count { line in
                line.withUnsafeBufferPointer { PostgresStderrLogReader.startsMessage($0, prefix: prefix) }
            }
            // On a tie the longer prefix wins: it names more fields (`[queryid=%Q] ` rather than a user holding it).
            if count > (best?.lines ?? 0)
                || (count > 0 && count == best?.lines && text.count > (best?.prefix.text.count ?? 0))
            {
                best = (prefix, count)
            }
        }
        return best
    }
}
