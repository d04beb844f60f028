import Foundation
import TestSupport
import Testing

/// Exit codes as DESIGN.md promises: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.
struct ExitCodeTests {
    @Test func helpAndVersionExitZero() throws {
        #expect(try CommandRunner.run(["--help"]).exitCode == 0)
        #expect(try CommandRunner.run(["--version"]).exitCode == 0)
        #expect(try CommandRunner.run(["explain", "--help"]).exitCode == 0)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CommandRunner.run(["no-such-command"]).exitCode == 2)
        #expect(try CommandRunner.run(["explain"]).exitCode == 2)
        #expect(try CommandRunner.run(["explain", "--format", "yaml", "-"]).exitCode == 2)
        #expect(try CommandRunner.run(["explain", "--fail-on", "urgent", "-"]).exitCode == 2)
    }

    @Test func missingFileNamesTheFile() throws {
        let result = try CommandRunner.run(["explain", "/nonexistent/plan.txt"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("/nonexistent/plan.txt"))
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: [
        ("", "empty"),
        ("   \n\n", "empty"),
        ("hello, this is not a plan\n", "not a recognised plan"),
        ("\u{0}\u{1}\u{2}binary", "binary"),
    ])
    func badInputExitsTwoWithAReason(input: String, reason: String) throws {
        let result = try CommandRunner.run(["explain", "-"], stdin: input)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("<stdin>"))
        #expect(result.stderr.contains(reason))
        #expect(result.stdout.isEmpty)
    }

    @Test func unknownRuleInOnlyIsAWarningNotACrash() throws {
        let result = try CommandRunner.run(["rules", "no-such-rule"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("unknown rule"))
    }

    /// A connection string that is itself wrong is a usage error (2), not an unreachable database (3) (issue 13).
    @Test func invalidConnectionStringsAreUsageErrors() throws {
        for (target, reason) in [
            ("postgres://x@127.0.0.1:1/shop?sslmode=bogus", "invalid sslmode value"),
            ("mysql://x@127.0.0.1:1/shop?ssl-mode=BOGUS", "unknown ssl-mode 'BOGUS'"),
            ("mysql://x@127.0.0.1:1/shop?defaults-file=/nonexistent/my.cnf", "defaults-file '/nonexistent/my.cnf'"),
        ] {
            let result = try CommandRunner.run(["scan", target, "-q", "--no-history"])
            #expect(result.exitCode == 2, "\(target): \(result.stderr)")
            #expect(result.stderr.contains(reason), "\(result.stderr)")
        }
        // Nothing listening is a connection failure.
        #expect(try CommandRunner.run(["scan", "postgres://x@127.0.0.1:1/shop", "-q", "--no-history"]).exitCode == 3)
    }

    /// An input larger than any plan or snapshot (a disk image named by mistake) is refused before it is read
    /// into memory: standard input stops at the same limit as it streams in (1.5 GB of `x` had reached 2.9 GB).
    @Test func inputsPastTheSizeLimitAreRefusedUnread() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID()).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: 300 << 20)  // sparse: no disk, no memory
        try handle.close()
        for command in ["explain", "report"] {
            let result = try CommandRunner.run([command, file.path])
            #expect(result.exitCode == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("larger than 256 MB"), "\(command): \(result.stderr)")
        }
    }

    /// A mistyped id in --only or --disable would run every rule, or none, without a word (issue 13).
    @Test func unknownRulesOnTheCommandLineAreInputErrors() throws {
        let plan = "Fixtures/postgres/plans/seq_scan_filter.txt"
        for option in ["--only", "--disable"] {
            let result = try CommandRunner.run(["explain", plan, option, "plan-hot-node,no-such-rule"])
            #expect(result.exitCode == 2, "\(option): \(result.stderr)")
            #expect(result.stderr.contains("unknown rule 'no-such-rule' in --only/--disable"))
            #expect(result.stdout.isEmpty)
        }
        #expect(try CommandRunner.run(["explain", plan, "--only", "plan-hot-node"]).exitCode == 0)
    }

    /// 342 bytes of nested aliases expanded past 6 GB before any key was read: anchors and aliases are refused,
    /// at once, naming the line; a `*` or `&` inside a value is not one.
    @Test func yamlAliasesInAConfigurationAreRefused() throws {
        let bomb = (1...9).map { level in
            "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ",") + "]"
        }
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID()).yml")
        defer { try? FileManager.default.removeItem(at: config) }
        try (["a0: &a0 [x]"] + bomb).joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run([
            "explain", "Fixtures/postgres/plans/seq_scan_filter.txt", "--config", config.path,
        ])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("\(config.path):1: YAML anchors and aliases are not accepted"))
        try
            "rules:\n  plan-seq-scan-filter:\n    enabled: false  # not *this* & not that\n  plan-hot-node:\n    min_share: 0.5\n"
            .write(
                to: config, atomically: true, encoding: .utf8)
        let plain = try CommandRunner.run([
            "explain", "Fixtures/postgres/plans/seq_scan_filter.txt", "--config", config.path,
        ])
        #expect(plain.exitCode == 0, "\(plain.stderr)")
    }

    @Test func rulesListsEveryRuleWithThresholds() throws {
        let result = try CommandRunner.run(["rules"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("plan-hot-node"))
        #expect(result.stdout.contains("thresholds: "))
    }
}

/// Reports are written atomically, but never by renaming over a device: `-o /dev/null` in a benchmark
/// once replaced the machine's /dev/null with a regular file.
@Suite struct OutputDeviceTests {
    @Test func writingToDevNullLeavesTheDeviceInPlace() throws {
        let result = try CommandRunner.run(
            ["explain", "Fixtures/postgres/plans/seq_scan_filter.txt", "--format", "json", "--output", "/dev/null"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        #expect(type == .typeCharacterSpecial)
    }
}
