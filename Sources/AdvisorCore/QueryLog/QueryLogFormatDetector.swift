/// Tells a query log's format from its first lines: each format counts the lines it recognises and
/// the format recognising the most wins; a PostgreSQL stderr log also gets the `log_line_prefix`
/// that matches the most lines.
enum QueryLogFormatDetector {
    /// Why an input with no line at all is refused (several logs go on without it: see `LogAnalyzer`).
    static let emptyInputReason = "empty input: no log lines to read"

    static func detect(_ lines: [[UInt8]], prefix: PostgresLogLinePrefix?, name: String) throws -> (
        format: QueryLogFormat, prefix: PostgresLogLinePrefix?, alternatives: [String]
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
        var alternatives: [String] = []
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
            alternatives = best.alternatives
            scores.append((.postgresStderr, best.lines))
        }
        guard let winner = scores.max(by: { $0.1 < $1.1 }), winner.1 > 0 else {
            let tried = QueryLogFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw InputError(
                file: name, line: 1,
                reason: "not a query log: the first lines fit none of the formats tried (\(tried))"
                    + (prefix.map { " with log_line_prefix '\($0.text)'" } ?? ""))
        }
        let isStderr = winner.0 == .postgresStderr
        return (winner.0, isStderr ? stderrPrefix : nil, isStderr ? alternatives : [])
    }

    /// The prefix chosen for a stderr log, how many of the lines it reads, and the other prefixes that read as
    /// many lines but the fields differently (the user must then say which is the server's).
    struct PrefixChoice {
        var prefix: PostgresLogLinePrefix
        var lines: Int
        var alternatives: [String] = []
    }

    /// The prefix reading the most lines plausibly, among the common ones and the one the lines' own shape
    /// suggests. Ties go to the prefix matching more lines, then to a common one, then to the longer (it names
    /// more fields: `[queryid=%Q] ` rather than a user holding it).
    static func bestPrefix(_ lines: [[UInt8]]) -> PrefixChoice? {
        var candidates = PostgresLogLinePrefix.commonPrefixes.map { (PostgresLogLinePrefix($0), true) }
        if let inferred = PostgresLogLinePrefix.inferred(from: lines), !candidates.contains(where: { $0.0 == inferred })
        {
            candidates.append((inferred, false))
        }
        let scored = candidates.map { prefix, isCommon in
            var matched = 0
            var plausible = 0
            for line in lines {
                line.withUnsafeBufferPointer { bytes in
                    let start = SyslogHeader.parse(bytes)?.contentStart ?? 0
                    guard let match = prefix.match(bytes, from: start) else { return }
                    matched += 1
                    if prefix.isPlausible(match, in: bytes) { plausible += 1 }
                }
            }
            return (prefix: prefix, matched: matched, plausible: plausible, isCommon: isCommon)
        }
        let order = { (candidate: (prefix: PostgresLogLinePrefix, matched: Int, plausible: Int, isCommon: Bool)) in
            (candidate.plausible, candidate.matched, candidate.isCommon ? 1 : 0, candidate.prefix.text.count)
        }
        guard let best = scored.max(by: { order($0) < order($1) }), best.plausible > 0 else { return nil }
        let alternatives = scored.filter {
            $0.prefix != best.prefix && $0.plausible == best.plausible
                && !readsAlike($0.prefix, best.prefix, lines)
        }
        return PrefixChoice(prefix: best.prefix, lines: best.plausible, alternatives: alternatives.map(\.prefix.text))
    }

    /// Whether two prefixes read the same fields out of every line both match.
    private static func readsAlike(_ first: PostgresLogLinePrefix, _ second: PostgresLogLinePrefix, _ lines: [[UInt8]])
        -> Bool
    {
        lines.allSatisfy { line in
            line.withUnsafeBufferPointer { bytes in
                let start = SyslogHeader.parse(bytes)?.contentStart ?? 0
                guard let one = first.match(bytes, from: start), let other = second.match(bytes, from: start) else {
                    return true
                }
                return one.contentStart == other.contentStart && one.user == other.user
                    && one.database == other.database && one.session == other.session
                    && one.application == other.application && one.pid == other.pid
            }
        }
    }
}
