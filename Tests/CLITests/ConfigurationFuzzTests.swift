import Foundation
import TestSupport
import Testing

/// The seeded mutation fuzzer (see `ReaderFuzzTests`) on the two files the command line reads besides its
/// inputs: a `dbadvisor.yml` (rules, targets, ignore, output) and a baseline. Each mutant goes through the
/// binary as a user's file would; it must give a report (exit 0/1) or a clear error (exit 2), never a crash.
@Suite(.serialized) struct ConfigurationFuzzTests {
    static let mutants =
        ProcessInfo.processInfo.environment["DBADVISOR_FUZZ_MUTANTS"].flatMap(Int.init).map { $0 * 10 } ?? 40

    static let configuration = """
        rules:
          plan-hot-node:
            min_share: 0.3
          plan-seq-scan-filter:
            min_rows_read: 1000
          plan-planning-time:
            enabled: false
        targets:
          - name: shop
            dsn_env: SHOP_DSN
            explain_top: 5
            statement_timeout_ms: 2000
        ignore:
          tables: [schema_migrations, "archive.*"]
          indexes: ["*_old"]
          min_size: 10MB
        output:
          formats: [json, markdown]
          directory: reports
          file_name: "{target}.{ext}"

        """

    private static let plan = RepositoryPaths.fixtures.appendingPathComponent("postgres/plans/seq_scan_filter.txt").path

    private static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-cfuzz-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private static func check(_ arguments: [String], in folder: URL, _ what: String) throws {
        let result = try CommandRunner.run(arguments, in: folder)
        #expect([0, 1, 2].contains(result.exitCode), "\(what): exit \(result.exitCode) \(result.stderr.prefix(300))")
        #expect(!result.stderr.contains("Fatal error"), "\(what)")
        if result.exitCode == 2 { #expect(!result.stderr.isEmpty, "\(what): exit 2 without a message") }
    }

    @Test func configurations() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var mutator = InputMutator(seed: 0xC0F1_6000)
        let original = Array(Self.configuration.utf8)
        for iteration in 0..<Self.mutants {
            let file = folder.appendingPathComponent("dbadvisor.yml")
            try Data(mutator.mutate(original, donor: original)).write(to: file)
            try Self.check(["explain", Self.plan, "--config", file.path], in: folder, "config mutant \(iteration)")
        }
    }

    /// `scan` reads its baseline before it connects: a mutant is refused (exit 2) or the scan goes on to the
    /// unreachable server (exit 3).
    @Test func baselines() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = Array(
            """
            {
              "format_version" : 1,
              "tool_version" : "0.1.0",
              "created_at" : "2026-12-01T02:00:00Z",
              "entries" : {
                "a1b2c3d4e5f60718" : { "rule_id" : "index-unused", "object" : "index orders_old_idx on public.orders", "severity" : "low" },
                "0f1e2d3c4b5a6978" : { "rule_id" : "plan-seq-scan-filter", "object" : "Seq Scan on orders", "severity" : "high" }
              }
            }

            """.utf8)
        var mutator = InputMutator(seed: 0xBA5E_1111)
        for iteration in 0..<Self.mutants {
            let file = folder.appendingPathComponent("baseline.json")
            try Data(mutator.mutate(original, donor: original)).write(to: file)
            let result = try CommandRunner.run(
                ["scan", "postgres://nobody@127.0.0.1:1/shop", "--baseline", file.path, "--only-new", "--no-history"],
                in: folder)
            #expect([2, 3].contains(result.exitCode), "baseline mutant \(iteration): exit \(result.exitCode)")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.isEmpty, "baseline mutant \(iteration)")
        }
    }
}
