import Foundation
import TestSupport
import Testing

/// `dbadvisor explain` as users run it: files and stdin, formats, --output, --fail-on, errors.
struct ExplainCommandTests {
    private let seqScan = "Fixtures/postgres/plans/seq_scan_filter.txt"

    @Test func reviewsAPsqlFramedTextPlan() throws {
        let result = try CommandRunner.run(["explain", seqScan], environment: ["NO_COLOR": "1"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("Seq Scan on orders"))
        #expect(result.stdout.contains("plan-seq-scan-filter"))
        #expect(
            result.stdout.contains(
                "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON orders (status, created_at);"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        #expect(result.stderr.isEmpty)
    }

    @Test func readsStandardInput() throws {
        let text = try String(contentsOf: RepositoryPaths.root.appendingPathComponent(seqScan), encoding: .utf8)
        let result = try CommandRunner.run(["explain", "-", "--format", "json"], stdin: text)
        #expect(result.exitCode == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["source"] as? String == "<stdin>")
        #expect((object?["findings"] as? [Any])?.isEmpty == false)
    }

    @Test func failOnExitsOneAfterWritingTheReport() throws {
        let high = try CommandRunner.run(["explain", seqScan, "--fail-on", "high"])
        #expect(high.exitCode == 1)
        #expect(high.stdout.contains("plan-seq-scan-filter"))
        let critical = try CommandRunner.run(["explain", seqScan, "--fail-on", "critical"])
        #expect(critical.exitCode == 0)
    }

    @Test func outputGoesToTheFileAndNothingToStdout() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID()).md")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CommandRunner.run(["explain", seqScan, "--format", "markdown", "--output", file.path])
        #expect(result.exitCode == 0)
        #expect(result.stdout.isEmpty)
        #expect(try String(contentsOf: file, encoding: .utf8).hasPrefix("# dbadvisor explain"))
    }

    @Test func severalFilesAndSeveralPlansPerFile() throws {
        let result = try CommandRunner.run([
            "explain", "Fixtures/postgres/plans/two_plans.txt", "Fixtures/mysql/plans/full_scan_filter.json",
        ])
        #expect(result.exitCode == 0)
        #expect(
            result.stdout.contains("Plan 1 ·") && result.stdout.contains("Plan 2 ·")
                && result.stdout.contains("Plan 3 ·"))
    }

    @Test func forcedFormatThatDoesNotFitIsAnInputError() throws {
        let result = try CommandRunner.run(["explain", "--input-format", "mysql-json", seqScan])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains(seqScan))
        #expect(result.stderr.contains("mysql-json"))
        #expect(result.stdout.isEmpty)
    }

    @Test func truncatedJSONNamesLineAndColumn() throws {
        let result = try CommandRunner.run(
            ["explain", "-"],
            stdin: "[\n  {\n    \"Plan\": {\n      \"Node Type\": \"Seq Scan\",\n      \"Relation Name\": \"ord")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("<stdin>:5:"))
        #expect(result.stderr.contains("postgres-json"))
    }

    @Test func unknownConfigOptionIsAnInputError() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID()).yml")
        defer { try? FileManager.default.removeItem(at: config) }
        try "rules:\n  plan-hot-node:\n    min_shar: 0.5\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["explain", seqScan, "--config", config.path])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("min_shar"))
    }

    @Test func configDisablesAndTunesRules() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID()).yml")
        defer { try? FileManager.default.removeItem(at: config) }
        try "rules:\n  plan-seq-scan-filter:\n    enabled: false\n  no-such-rule: {}\n".write(
            to: config, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["explain", seqScan, "--config", config.path])
        #expect(result.exitCode == 0)
        #expect(!result.stdout.contains("plan-seq-scan-filter"))
        #expect(result.stderr.contains("unknown rule 'no-such-rule'"))
    }
}

/// `dbadvisor report snapshot.json` re-runs the rules on a saved snapshot.
struct ReportCommandTests {
    /// A file with no or another format version, or a negative counter, is an input error naming the field: the
    /// rules would otherwise read it as it stands (issue 13).
    @Test(arguments: [
        (#"{"server": {"engine": "postgres"}}"#, "missing format_version"),
        (
            #"{"format_version": 99, "server": {"engine": "postgres"}}"#,
            "format_version is 99; this dbadvisor reads version 1"
        ),
        (
            #"{"format_version": 1, "server": {"engine": "postgres"}, "statements": [{"id": "1", "text": "SELECT 1", "#
                + #""calls": -5, "total_time_ms": 1.0, "rows": 1}]}"#, "statements[0].calls is negative"
        ),
    ])
    func unsoundSnapshotsAreInputErrorsNamingTheField(snapshot: String, reason: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try snapshot.write(to: file, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["report", file.path])
        #expect(result.exitCode == 2, "\(result.stderr)")
        #expect(result.stderr.contains(reason), "\(result.stderr)")
    }

    @Test func rerunsTheRulesOnASavedSnapshot() throws {
        let explain = try CommandRunner.run(["explain", "Fixtures/postgres/plans/sort_spill.json", "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(explain.stdout.utf8)) as? [String: Any])
        let plans = try #require(document["plans"] as? [[String: Any]])
        let snapshot: [String: Any] = [
            "format_version": 1, "server": ["engine": "postgres"], "facets": ["plans"], "settings": [:],
            "notices": [], "plans": plans.map { ["label": $0["label"]!, "plan": $0["plan"]!] },
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: snapshot).write(to: file)
        let report = try CommandRunner.run(["report", file.path, "--format", "json"])
        #expect(report.exitCode == 0, "\(report.stderr)")
        let rerun = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        func ids(_ object: [String: Any]) -> [String] {
            (object["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule_id"] as? String }
        }
        #expect(ids(rerun) == ids(document))
        #expect(!ids(rerun).isEmpty)
    }

    @Test func notASnapshotIsAnInputError() throws {
        let result = try CommandRunner.run(["report", "-"], stdin: "{\"hello\": 1}")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("not a dbadvisor snapshot"))
    }
}

/// Issue 13: every pass over a plan walks its tree, and deep plans overflowed the stack (exit 139) in rules,
/// timing, the readers and the JSON writer. Plans up to `Plan.maxDepth` levels are read in every format; one
/// level more, and inputs far deeper, are an input error naming the line (exit 2).
struct DeepPlanTests {
    private func postgresText(levels: Int) -> String {
        (0..<levels).map { level in
            let node =
                level < levels - 1
                ? "Limit  (cost=0.00..10.00 rows=1 width=4)" : "Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)"
            return level == 0 ? node : String(repeating: " ", count: 6 * level - 4) + "->  " + node
        }.joined(separator: "\n") + "\n"
    }

    private func mysqlTree(levels: Int) -> String {
        (0..<levels).map { level in
            String(repeating: " ", count: 4 * level) + "-> "
                + (level < levels - 1 ? "Limit: 1 row(s)  (cost=1 rows=1)" : "Table scan on t  (cost=1 rows=1)")
        }.joined(separator: "\n") + "\n"
    }

    private func mysqlFlatJoin(tables: Int) -> String {
        let list = (0..<tables).map {
            #"{"table": {"table_name": "t\#($0)", "access_type": "ALL", "rows_examined_per_scan": 1}}"#
        }
        return #"{"query_block": {"select_id": 1, "nested_loop": ["# + list.joined(separator: ",") + "]}}"
    }

    @Test func plansAtTheDepthLimitAreReadInEveryFormatAndDeeperOnesRefused() throws {
        let limit = 128
        let inputs: [(name: String, readable: String, tooDeep: [String])] = [
            (
                "postgres-text", postgresText(levels: limit),
                [postgresText(levels: limit + 1), postgresText(levels: 999)]
            ),
            ("mysql-tree", mysqlTree(levels: limit), [mysqlTree(levels: limit + 1), mysqlTree(levels: 1_500)]),
            ("mysql-json", mysqlFlatJoin(tables: 100), [mysqlFlatJoin(tables: 410), mysqlFlatJoin(tables: 10_000)]),
        ]
        for input in inputs {
            for format in ["text", "json", "markdown", "html", "sarif", "prometheus"] {
                let result = try CommandRunner.run(["explain", "-", "--format", format], stdin: input.readable)
                #expect(
                    result.exitCode == 0, "\(input.name) \(format): \(result.exitCode) \(result.stderr.prefix(300))")
            }
            for deep in input.tooDeep {
                let result = try CommandRunner.run(["explain", "-", "--format", "json"], stdin: deep)
                #expect(result.exitCode == 2, "\(input.name): \(result.exitCode) \(result.stderr.prefix(300))")
                #expect(result.stderr.contains("128"), "\(input.name): \(result.stderr.prefix(300))")
            }
        }
    }
}
