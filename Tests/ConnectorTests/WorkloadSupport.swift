import AdvisorCore
import Foundation
import MySQLConnector
import PostgresConnector
import TestSupport
import Testing

/// A test server the workload suite runs real clients against, as `scripts/test-servers.sh env` names it.
struct WorkloadServer: Sendable, CustomTestStringConvertible {
    /// The workload suite runs with the live suites (about a minute); `DBADVISOR_WORKLOAD_TESTS=0` leaves it out of
    /// a quick local run. CI always runs it.
    static let suiteIsOn = LiveServers.isCI || ProcessInfo.processInfo.environment["DBADVISOR_WORKLOAD_TESTS"] != "0"
    static let suiteOffMessage: Comment = "workload suite off: DBADVISOR_WORKLOAD_TESTS=0"

    enum Engine: Sendable { case postgres, mariadb }

    let name: String
    let engine: Engine
    /// PostgreSQL's major version (0 for MariaDB): what `FixSQLCheck` plans statements with.
    let major: Int
    /// The variable naming the owner's URL, for the message when it is missing.
    let ownerVariable: String
    let ownerURL: String?
    let monitorURL: String?
    /// PostgreSQL: the bin directory holding pgbench and psql.
    let bin: String
    /// The server's log (PostgreSQL) or slow log (MariaDB), when the tests can read it.
    let log: String?

    var testDescription: String { name }

    static let postgres15 = WorkloadServer(
        name: "PostgreSQL 15", engine: .postgres, major: 15, ownerVariable: "DBADVISOR_TEST_PG_URL",
        ownerURL: variable("DBADVISOR_TEST_PG_URL"), monitorURL: variable("DBADVISOR_TEST_PG_MONITOR_URL"),
        bin: variable("DBADVISOR_TEST_PG15_BIN") ?? "/usr/lib/postgresql/15/bin",
        log: variable("DBADVISOR_TEST_PG_LOG") ?? "/tmp/dbadvisor-servers/postgres/postgres.log")
    static let postgres18 = WorkloadServer(
        name: "PostgreSQL 18", engine: .postgres, major: 18, ownerVariable: "DBADVISOR_TEST_PG18_URL",
        ownerURL: variable("DBADVISOR_TEST_PG18_URL"), monitorURL: variable("DBADVISOR_TEST_PG18_MONITOR_URL"),
        bin: variable("DBADVISOR_TEST_PG18_BIN") ?? "/usr/lib/postgresql/18/bin",
        log: variable("DBADVISOR_TEST_PG18_LOG"))
    static let mariadb = WorkloadServer(
        name: "MariaDB", engine: .mariadb, major: 0, ownerVariable: "DBADVISOR_TEST_MYSQL_URL",
        ownerURL: variable("DBADVISOR_TEST_MYSQL_URL"), monitorURL: variable("DBADVISOR_TEST_MYSQL_MONITOR_URL"),
        bin: "", log: variable("DBADVISOR_TEST_MYSQL_SLOW_LOG") ?? "/tmp/dbadvisor-servers/mariadb/slow.log")

    /// The PostgreSQL servers present: 15 always, 18 when `scripts/test-servers.sh` started it (always under CI,
    /// where a missing PostgreSQL 18 fails its tests instead of leaving them out).
    static var postgres: [WorkloadServer] {
        [postgres15] + (postgres18.ownerURL != nil || LiveServers.isCI ? [postgres18] : [])
    }

    /// The owner's URL for `database`.
    func owner(_ database: String) throws -> String {
        try Self.url(try #require(ownerURL, "\(ownerVariable) is not set (scripts/test-servers.sh env)"), database)
    }

    /// Has the server accept every fix_sql of `report`, as the owner of `database` (`FixSQLCheck`).
    func expectFixesAccepted(
        _ report: WorkloadReport, database: String, _ form: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        switch engine {
        case .postgres:
            try FixSQLCheck.expectAcceptedByPostgres(
                FixSQLCheck.fixes(report), url: try owner(database), major: major, form,
                sourceLocation: sourceLocation)
        case .mariadb:
            try FixSQLCheck.expectAcceptedByMariaDB(
                FixSQLCheck.fixes(report), url: try owner(database), form, sourceLocation: sourceLocation)
        }
    }

    /// The monitor's URL for `database`: what the scans run as.
    func monitor(_ database: String) throws -> String {
        try Self.url(try #require(monitorURL, "the monitor URL of \(name) is not set"), database)
    }

    /// Resets the statistics a scan reads, so its window holds the workload alone. Other suites reset them too,
    /// so a scan follows its workload at once.
    func resetStatistics(_ database: String) throws {
        switch engine {
        case .postgres:
            let session = try LibPQSession.open(try owner(database))
            _ = try session.rows("SELECT pg_stat_statements_reset(), pg_stat_reset()")
        case .mariadb:
            let session = try MySQLSession.open(try owner(database))
            // Read-write for the TRUNCATEs (sessions open read-only).
            _ = try session.rows("SET SESSION TRANSACTION READ WRITE")
            for table in [
                "events_statements_summary_by_digest", "events_statements_history_long",
                "events_statements_summary_global_by_event_name", "table_io_waits_summary_by_table",
                "table_io_waits_summary_by_index_usage",
            ] {
                _ = try session.rows("TRUNCATE TABLE performance_schema.\(table)")
            }
        }
    }

    /// Waits until the workload's sessions have left `database`: a PostgreSQL backend reports its last
    /// statistics as it exits, a moment after its client has gone, and a scan before then misses them.
    func awaitWorkloadGone(_ database: String) throws {
        guard engine == .postgres else { return }
        let session = try LibPQSession.open(try owner(database))
        for _ in 0..<100 {
            let others = try session.rows(
                """
                SELECT count(*) AS sessions FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                """)
            if (others.first?["sessions"] ?? nil) == "0" { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("\(name): the workload's sessions were still in \(database) after 10 s")
    }

    /// The role the scans run as.
    var monitorUser: String? { monitorURL.flatMap { URLComponents(string: $0)?.user } }

    /// Runs `workload` with every statement of its sessions logged (PostgreSQL: `environment` holds the
    /// PGOPTIONS that do it; MariaDB: the client lowers `long_query_time` itself, or with `allSessions` the
    /// server's default is 0 while it runs, 10 after, as `scripts/test-servers.sh` sets it) and returns what the server
    /// logged meanwhile, in a temporary file the caller removes; nil when this server's log is not readable.
    func capture(
        _ name: String, database: String, allSessions: Bool = false,
        _ workload: (_ environment: [String: String]) throws -> Void
    ) throws -> URL? {
        guard let log, LiveServers.isCI || FileManager.default.isReadableFile(atPath: log) else {
            try workload([:])
            return nil
        }
        let name = name.replacingOccurrences(of: " ", with: "-")
        return try ServerLogTail(path: log).capture(name: name) { marker in
            switch engine {
            case .postgres:
                try workload(["PGOPTIONS": "-c log_min_duration_statement=0"])
                let session = try LibPQSession.open(try owner(database))
                _ = try session.rows("SET log_min_duration_statement = 0")
                _ = try session.rows("SELECT '\(marker)'")
            case .mariadb:
                // A client that cannot lower it for its own sessions (sysbench) has the server's default lowered
                // while it runs; new connections take it.
                let session = try MySQLSession.open(try owner(database))
                if allSessions { _ = try session.rows("SET GLOBAL long_query_time = 0") }
                defer { if allSessions { _ = try? session.rows("SET GLOBAL long_query_time = 10") } }
                try workload([:])
                _ = try session.rows("SET SESSION long_query_time = 0")
                _ = try session.rows("SELECT '\(marker)'")
            }
        }
    }

    private static func url(_ base: String, _ database: String) throws -> String {
        var components = try #require(URLComponents(string: base))
        components.path = "/" + database
        return try #require(components.string)
    }

    private static func variable(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// One of `scripts/workloads/`, run as a DBA would run it by hand.
enum WorkloadClient {
    /// Runs the script with `arguments`, expects it to succeed, and returns how long it took (seconds).
    @discardableResult
    static func run(_ script: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Double {
        let program = RepositoryPaths.root.appendingPathComponent("scripts/workloads/\(script)")
        let start = Date()
        let result = try CommandRunner.run(program: program, arguments, environment: environment)
        let seconds = Date().timeIntervalSince(start)
        #expect(result.exitCode == 0, "\(script) failed: \(result.stderr)\n\(result.stdout)")
        print("workload \(script) \(arguments.last ?? ""): \(String(format: "%.1f", seconds)) s")
        return seconds
    }
}

/// A finding as the JSON report states it.
struct WorkloadFinding: CustomStringConvertible {
    let rule: String
    /// The object's name; for a statement its whole text, which the report's name shortens.
    let object: String
    let severity: Severity
    let message: String
    let impact: String
    let fixSQL: String?
    /// Evidence as (name, value, unit).
    let evidence: [(name: String, value: Double, unit: String)]

    var description: String { "\(severity) \(rule) | \(object) | \(message) | \(impact)" }

    /// Everything the finding says, for searching.
    var text: String { ([message, impact] + evidence.map(\.name)).joined(separator: " ") }
}

/// A report of `dbadvisor scan` or `dbadvisor logs`, read from its JSON.
struct WorkloadReport {
    let findings: [WorkloadFinding]
    let notices: [String]
    /// The statement profile: each statement's text and the user that ran it (when the source says).
    let statements: [(text: String, user: String?)]
    /// How many plans `--explain-top` obtained.
    let plans: Int
    /// The report as printed, kept beside the test run for reading.
    let json: String

    /// `dbadvisor scan URL --format json --explain-top 5`, as the monitor role.
    static func scan(_ url: String, name: String) throws -> WorkloadReport {
        let result = try CommandRunner.run(["scan", url, "--format", "json", "--explain-top", "5"])
        #expect(result.exitCode == 0, "scan of \(name) failed: \(result.stderr)")
        return try WorkloadReport(json: result.stdout, name: "scan-\(name)")
    }

    /// `dbadvisor logs FILE --format json`.
    static func logs(_ file: URL, name: String) throws -> WorkloadReport {
        let result = try CommandRunner.run(["logs", file.path, "--format", "json", "--quiet"])
        #expect(result.exitCode == 0, "logs of \(name) failed: \(result.stderr)")
        return try WorkloadReport(json: result.stdout, name: "logs-\(name)")
    }

    init(json: String, name: String) throws {
        self.json = json
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-workload-\(name).json")
        try? json.write(to: saved, atomically: true, encoding: .utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let findings = object["findings"] as? [[String: Any]] ?? []
        let statements = (object["statements"] as? [[String: Any]] ?? [])
        let texts = Dictionary(
            statements.compactMap { statement in
                (statement["id"] as? String).map { ($0, statement["text"] as? String ?? "") }
            }, uniquingKeysWith: { first, _ in first })
        self.findings = try findings.map { finding in
            let object = try #require(finding["object"] as? [String: Any])
            let impact = finding["impact"] as? [String: Any] ?? [:]
            let evidence = (finding["evidence"] as? [[String: Any]] ?? []).map {
                (
                    name: $0["name"] as? String ?? "", value: ($0["value"] as? NSNumber)?.doubleValue ?? 0,
                    unit: $0["unit"] as? String ?? ""
                )
            }
            // A statement's key ends with its id ("db|user|id", a burst's "parent>child").
            let id = (object["key"] as? String ?? "").split(separator: "|").last?.split(separator: ">").last
            let name = try #require(object["name"] as? String)
            let text = id.flatMap { texts[String($0)] }?.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return WorkloadFinding(
                rule: try #require(finding["rule_id"] as? String),
                object: object["kind"] as? String == "statement" ? text ?? name : name,
                severity: try #require(Severity(rawValue: finding["severity"] as? String ?? "")),
                message: finding["message"] as? String ?? "", impact: impact["summary"] as? String ?? "",
                fixSQL: finding["fix_sql"] as? String, evidence: evidence)
        }
        notices = (object["notices"] as? [Any] ?? []).map { notice in
            (notice as? String) ?? (notice as? [String: Any]).map { "\($0["message"] ?? $0)" } ?? "\(notice)"
        }
        self.statements = statements.map {
            (text: $0["text"] as? String ?? "", user: $0["user"] as? String)
        }
        plans = (object["plans"] as? [Any])?.count ?? 0
        print("report \(name): \(saved.path)\n" + self.findings.map { "  \($0)" }.joined(separator: "\n"))
    }

    func findings(_ rule: String, _ object: String = "") -> [WorkloadFinding] {
        findings.filter { $0.rule == rule && $0.object.range(of: object, options: .regularExpression) != nil }
    }
}

/// A finding a workload's report must have, or may have: its rule, a regular expression for its object, the
/// highest severity it may have, and why a database engineer accepts it.
struct ExpectedFinding {
    let rule: String
    let object: String
    let atMost: Severity
    /// A regular expression the finding's text must match, when its verdict depends on what it says.
    let mustSay: String?
    let why: String

    init(_ rule: String, _ object: String = "", atMost: Severity = .critical, mustSay: String? = nil, _ why: String) {
        self.rule = rule
        self.object = object
        self.atMost = atMost
        self.mustSay = mustSay
        self.why = why
    }

    func matches(_ finding: WorkloadFinding) -> Bool {
        finding.rule == rule && finding.object.range(of: object, options: .regularExpression) != nil
            && mustSay.map { finding.text.range(of: $0, options: [.regularExpression, .caseInsensitive]) != nil }
                ?? true
    }
}

/// The checks every workload's report goes through.
enum WorkloadCheck {
    /// The whole report: every required finding is there, and every finding is required or accepted, at no
    /// more than the severity allowed (a precision test: a new false positive fails).
    static func expectWhole(
        _ report: WorkloadReport, must: [ExpectedFinding], accepted: [ExpectedFinding], _ form: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for expected in must {
            #expect(
                report.findings.contains(where: expected.matches),
                "\(form): no \(expected.rule) finding on /\(expected.object)/ (\(expected.why))",
                sourceLocation: sourceLocation)
        }
        for finding in report.findings {
            let allowed = (must + accepted).filter { $0.matches(finding) }
            #expect(
                !allowed.isEmpty, "\(form): finding outside the accepted list: \(finding)",
                sourceLocation: sourceLocation)
            if !allowed.isEmpty {
                #expect(
                    allowed.contains { finding.severity <= $0.atMost },
                    "\(form): above \(allowed.map(\.atMost).max()!): \(finding)", sourceLocation: sourceLocation)
            }
        }
    }

    /// No finding claims more time a day than `backends` busy backends can spend, and every rate says its
    /// window (issue 11, "Numbers and windows").
    static func expectPlausible(
        _ report: WorkloadReport, backends: Double, _ form: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let ceilingMs = 86_400_000 * backends
        for finding in report.findings {
            let perDay =
                finding.evidence.filter { $0.unit == "ms" && $0.name.contains("per day") }.map(\.value)
                + secondsPerDay(in: finding.message + " " + finding.impact).map { $0 * 1000 }
            #expect(
                perDay.allSatisfy { $0 <= ceilingMs },
                "\(form): more than \(Int(backends)) backends' day: \(finding)", sourceLocation: sourceLocation)
            if states(rate: finding.text) {
                #expect(
                    finding.text.range(of: windowPattern, options: [.regularExpression, .caseInsensitive]) != nil,
                    "\(form): a rate without its window: \(finding)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Findings and the report are in one order a reader can follow: no finding ranks above a more severe one.
    static func expectOrdered(
        _ report: WorkloadReport, _ form: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let severities = report.findings.map(\.severity)
        #expect(
            zip(severities, severities.dropFirst()).allSatisfy { $0 >= $1 },
            "\(form): severity out of order: \(severities)", sourceLocation: sourceLocation)
    }

    /// Wording that states a window: "since …", "over the last …", "in 10 minutes", "window".
    static let windowPattern = #"\b(since|window|over the last|in the last|during|between|over [0-9])"#

    private static func states(rate text: String) -> Bool {
        text.range(of: #"(a|per) (day|hour|second|minute)\b|/s\b"#, options: .regularExpression) != nil
    }

    /// Durations a day stated in prose: "735 s per day", "~1,763,888 s of scans per day", "2.1 h a day".
    private static func secondsPerDay(in text: String) -> [Double] {
        let pattern = #"([0-9][0-9,]*(?:\.[0-9]+)?) (ms|s|min|h)\b[^.;,]{0,20}?(?:per|a) day"#
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            guard let number = Range(match.range(at: 1), in: text), let unit = Range(match.range(at: 2), in: text),
                let value = Double(text[number].replacingOccurrences(of: ",", with: ""))
            else { return nil }
            return value * ["ms": 0.001, "s": 1, "min": 60, "h": 3600][String(text[unit])]!
        }
    }
}
