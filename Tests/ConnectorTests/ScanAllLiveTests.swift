import Foundation
import TestSupport
import Testing

/// `dbadvisor scan --all` and baselines end to end against the test servers: three configured targets
/// (PostgreSQL, MariaDB and one that cannot be reached), report files, the summary, exit codes.
@Suite(
    .serialized,
    .enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage),
    .enabled(if: LiveServers.mysqlIsUsable, LiveServers.mysqlSkipMessage))
struct ScanAllLiveTests {
    /// A fresh folder holding `dbadvisor.yml` with `text`.
    private static func folder(config text: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-all-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent("dbadvisor.yml"), atomically: true, encoding: .utf8)
        return folder
    }

    /// The DSNs come from the environment (dsn_env), as a nightly job should take them.
    private static let threeTargets = """
        targets:
          - name: shop-pg
            dsn_env: DBADVISOR_TEST_PG_URL
            explain_top: 2
          - name: shop-maria
            dsn_env: DBADVISOR_TEST_MYSQL_URL
          - name: gone
            dsn: postgres://nobody@127.0.0.1:1/shop
        """

    @Test func scansEveryTargetAndReportsTheOneThatFailed() throws {
        let folder = try Self.folder(
            config: Self.threeTargets + """

                output:
                  formats: [json, markdown]
                  directory: reports
                  file_name: "{target}.{ext}"
                """)
        let reports = folder.appendingPathComponent("reports")
        // A report from an earlier run: replaced by a new file (renamed into place), never rewritten in place.
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let earlier = reports.appendingPathComponent("shop-pg.json")
        try "{}".write(to: earlier, atomically: false, encoding: .utf8)
        let earlierInode = try Self.inode(earlier)

        let result = try CommandRunner.run(
            ["scan", "--all", "--config", "dbadvisor.yml", "--jobs", "3"], in: folder)
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(result.stderr.contains("dbadvisor: [shop-pg] reading"))
        #expect(result.stderr.contains("dbadvisor: [shop-maria] reading"))
        #expect(result.stdout.contains("Scanned 2 of 3 targets"))
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains("shop-pg") && $0.contains(" ok ") && $0.contains("reports/shop-pg.json") })
        #expect(lines.contains { $0.contains("shop-maria") && $0.contains(" ok ") })
        #expect(lines.contains { $0.contains("gone") && $0.contains("failed") && $0.contains("127.0.0.1:1/shop") })
        for secret in ["owner-pw-1"] { #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret)) }

        let files = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted()
        #expect(files == ["shop-maria.json", "shop-maria.md", "shop-pg.json", "shop-pg.md"])
        #expect(try Self.inode(earlier) != earlierInode)
        let postgres = try JSONSerialization.jsonObject(with: Data(contentsOf: earlier)) as? [String: Any]
        #expect((postgres?["findings"] as? [Any])?.isEmpty == false)
        let maria = try String(contentsOf: reports.appendingPathComponent("shop-maria.md"), encoding: .utf8)
        let mysqlURL = try #require(LiveServers.mysqlURL)
        let server = try #require(URLComponents(string: mysqlURL))
        #expect(maria.hasPrefix("# dbadvisor scan — \(server.host ?? ""):\(server.port ?? 0)\(server.path)"))
    }

    @Test func textReportsGoToStandardOutputInSections() throws {
        let folder = try Self.folder(config: Self.threeTargets)
        let result = try CommandRunner.run(["scan", "--all", "--config", "dbadvisor.yml", "-q"], in: folder)
        #expect(result.exitCode == 3)
        #expect(result.stdout.contains("== shop-pg ==") && result.stdout.contains("== shop-maria =="))
        #expect(!result.stdout.contains("== gone =="))
        #expect(result.stdout.hasSuffix("\n") && result.stdout.contains("Scanned 2 of 3 targets"))
    }

    @Test func baselinesRoundTripAndOnlyNewFindingsFail() throws {
        let folder = try Self.folder(
            config: """
                targets:
                  - name: shop
                    dsn_env: DBADVISOR_TEST_PG_URL
                """)
        // Rules about the schema only, without history: counters that other work moves between the scans
        // (statistics an idle backend reports late) cannot change what the runs find, only the baseline can.
        let scan = [
            "scan", "shop", "--config", "dbadvisor.yml", "-q", "--no-history", "--format", "json", "-o", "report.json",
            "--only", "index-duplicate,index-redundant,index-invalid,foreign-key-missing-index",
        ]
        let written = try CommandRunner.run(scan + ["--write-baseline", "baseline.json"], in: folder)
        #expect(written.exitCode == 0, "\(written.stderr)")
        let baselineURL = folder.appendingPathComponent("baseline.json")
        let baseline = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: baselineURL)) as? [String: Any])
        #expect(baseline["format_version"] as? Int == 1)
        let entries = try #require(baseline["entries"] as? [String: [String: Any]])
        #expect(!entries.isEmpty)
        #expect(entries.values.allSatisfy { $0["rule_id"] is String && $0["severity"] is String })

        // Everything is known: nothing new trips --fail-on; without --only-new every finding counts.
        let known = try CommandRunner.run(
            scan + ["--baseline", "baseline.json", "--only-new", "--fail-on", "info"], in: folder)
        #expect(known.exitCode == 0, "\(known.stderr)")
        let all = try CommandRunner.run(scan + ["--baseline", "baseline.json", "--fail-on", "info"], in: folder)
        #expect(all.exitCode == 1)

        // Forget one accepted finding: it is new again, and fails the run.
        var trimmed = baseline
        var remaining = entries
        remaining.removeValue(forKey: try #require(entries.keys.sorted().first))
        trimmed["entries"] = remaining
        try JSONSerialization.data(withJSONObject: trimmed).write(to: baselineURL)
        let fresh = try CommandRunner.run(
            scan + ["--baseline", "baseline.json", "--only-new", "--fail-on", "info"], in: folder)
        #expect(fresh.exitCode == 1)
    }

    @Test func ignoredObjectsAreNotReported() throws {
        let folder = try Self.folder(
            config: """
                targets:
                  - name: shop
                    dsn_env: DBADVISOR_TEST_PG_URL
                ignore:
                  tables: [orders, "public.order_items"]
                """)
        let result = try CommandRunner.run(
            ["scan", "shop", "--config", "dbadvisor.yml", "-q", "--format", "json"], in: folder)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let objects = (report["findings"] as? [[String: Any]] ?? []).compactMap {
            ($0["object"] as? [String: Any])?["name"] as? String
        }
        #expect(!objects.isEmpty)
        #expect(!objects.contains { $0.hasSuffix("on public.orders") || $0 == "table public.orders" })
        #expect(!objects.contains { $0.contains("public.order_items") })
    }

    private static func inode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return try #require(attributes[.systemFileNumber] as? Int)
    }
}
