/// Turns every known gap in monitoring the scan ran into (a notice with a `code`) into a finding, so that
/// what could not be read is ranked and tracked like any other problem.
public struct MonitoringGapRule: Rule {
    public struct Options: RuleOptions {
        public init() {}
    }

    public static let description = RuleDescription(
        id: "monitoring-gap",
        title: "Monitoring gap",
        category: .configuration,
        engines: [.postgres, .mysql, .mariadb],
        requires: [],
        summary: "Something the advisor needs could not be read: an extension, a setting or a privilege is missing.",
        rationale: """
            A scan reads what the server exposes to its role. When statement statistics are missing \
            (`pg_stat_statements` not installed or not preloaded, `performance_schema` off), I/O timing is \
            off, or the role may not read other sessions' activity or query texts, the rules that need that \
            data stay silent, and silence would look like health. Each such gap the collectors know is \
            reported here with the way to close it: missing statement statistics as medium (the statement \
            rules, usually the most valuable, cannot run), I/O timing off as low (time is reported but not \
            split into I/O), anything else as info.

            **Fix:** the finding's SQL, when there is one (`CREATE EXTENSION pg_stat_statements;`, \
            `ALTER SYSTEM SET track_io_timing = on;`, `GRANT pg_monitor TO …;`); some need a restart \
            (`shared_preload_libraries`). **Validate:** scan again: the gap is gone and the data it hid is \
            reported.
            """,
        examples: [
            RuleExample(
                "I/O timing off and pg_stat_statements missing",
                snapshot: StatementRuleExamples.snapshot(notices: [
                    Notice(
                        level: .warning, message: "track_io_timing is off: no time spent reading blocks is recorded",
                        remedy: "Turn on track_io_timing.", code: "track_io_timing_off",
                        fixSQL: "ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();"),
                    Notice(
                        level: .warning, message: "pg_stat_statements is not installed in database shop",
                        remedy: "Install the extension.", code: "pg_stat_statements_missing",
                        fixSQL: "CREATE EXTENSION pg_stat_statements;"),
                ]),
                expecting: ["pg_stat_statements_missing", "track_io_timing"]),
            RuleExample(
                "a notice about the input, not a monitoring gap",
                snapshot: StatementRuleExamples.snapshot(notices: [
                    Notice(level: .info, message: "3 statements were skipped: their text is cut")
                ]),
                expecting: []),
        ])

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func evaluate(_ context: RuleContext) -> [Finding] {
        var seen: Set<String> = []
        return context.snapshot.notices.compactMap { notice in
            guard let code = notice.code, !code.isEmpty, seen.insert(code).inserted else { return nil }
            return finding(notice, code: code)
        }
    }

    private func finding(_ notice: Notice, code: String) -> Finding {
        let severity = Self.severity(code: code)
        let setting = Self.settingName(code: code)
        return Finding(
            ruleId: Self.description.id,
            severity: severity,
            category: Self.description.category,
            object: FindingObject(kind: setting == nil ? .server : .setting, name: setting ?? code, key: code),
            message: notice.message,
            evidence: [],
            impact: Impact(
                score: Impact.riskScore(severity), confidence: .high,
                summary: severity == .medium
                    ? "the statement rules cannot see what this hides until it is fixed"
                    : "part of what the rules use is not measured"),
            recommendation: notice.remedy ?? "Enable what the note names and scan again.",
            fixSQL: notice.fixSQL,
            risk: "Changing server settings or preloading a library may need a restart; the monitoring itself "
                + "costs little (pg_stat_statements and I/O timing a few percent at most, measure with "
                + "pg_test_timing on old hardware).",
            validation: "Scan again: this gap is no longer reported and the data it hid appears in the report.")
    }

    /// Statement statistics missing: medium; I/O timing off: low; anything else: info.
    private static func severity(code: String) -> Severity {
        let name = code.lowercased()
        if name.contains("statements") || name.contains("performance_schema") || name.contains("digest") {
            return .medium
        }
        if name.contains("io_timing") { return .low }
        return .info
    }

    /// The setting a gap is about, for codes named `<setting>_off` / `<setting>_on`.
    private static func settingName(code: String) -> String? {
        for suffix in ["_off", "_on"] where code.hasSuffix(suffix) && code.count > suffix.count {
            return String(code.dropLast(suffix.count))
        }
        return nil
    }
}
