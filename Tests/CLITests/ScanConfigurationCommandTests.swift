import Foundation
import TestSupport
import Testing

/// `scan TARGET`, `scan --all` and the baseline options, where no server is needed: configuration
/// errors, password warnings, unreachable targets. The scans themselves are tested live in ConnectorTests.
struct ScanConfigurationCommandTests {
    /// A fresh folder holding `dbadvisor.yml` with `text`.
    private static func folder(config text: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-config-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent("dbadvisor.yml"), atomically: true, encoding: .utf8)
        return folder
    }

    private static let unreachable = """
        targets:
          - name: down
            dsn: postgres://nobody:Secret-Pw-41@127.0.0.1:1/shop
          - name: unset
            dsn_env: DBADVISOR_TEST_NO_SUCH_VARIABLE
        """

    @Test func unknownKeysAreInputErrorsThatNameTheKey() throws {
        let folder = try Self.folder(config: "rules: {}\nignroe:\n  tables: [x]\n")
        for arguments in [["scan", "--all"], ["explain", "-"]] {
            let result = try CommandRunner.run(arguments + ["--config", "dbadvisor.yml"], stdin: "", in: folder)
            #expect(result.exitCode == 2)
            #expect(result.stderr.contains("ignroe: unknown key 'ignroe'"), "\(result.stderr)")
        }
        let nested = try Self.folder(config: "targets:\n  - name: a\n    dsn: postgres://h/db\n    explain-top: 3\n")
        let result = try CommandRunner.run(["scan", "a", "--config", "dbadvisor.yml"], in: nested)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("targets[0].explain-top: unknown key"), "\(result.stderr)")
    }

    @Test func aPasswordInTheFileIsWarnedAboutAndNeverPrinted() throws {
        let folder = try Self.folder(config: Self.unreachable)
        let result = try CommandRunner.run(["scan", "down", "--config", "dbadvisor.yml", "-q"], in: folder)
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("warning: dbadvisor.yml: target down: the dsn holds a password"))
        #expect(result.stderr.contains("127.0.0.1:1/shop"))
        #expect(!result.stderr.contains("Secret-Pw-41") && !result.stdout.contains("Secret-Pw-41"))
    }

    @Test func allReportsEveryFailureInTheSummaryAndExitsThree() throws {
        let folder = try Self.folder(config: Self.unreachable)
        let result = try CommandRunner.run(["scan", "--all", "--config", "dbadvisor.yml", "-q"], in: folder)
        #expect(result.exitCode == 3)
        #expect(result.stdout.contains("Scanned 0 of 2 targets"))
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains("down") && $0.contains("failed") && $0.contains("127.0.0.1:1/shop") })
        #expect(lines.contains { $0.contains("unset") && $0.contains("DBADVISOR_TEST_NO_SUCH_VARIABLE") })
        #expect(!result.stdout.contains("Secret-Pw-41") && !result.stderr.contains("Secret-Pw-41"))
    }

    @Test func namedTargetsMustExist() throws {
        let folder = try Self.folder(config: Self.unreachable)
        let result = try CommandRunner.run(["scan", "shop", "--config", "dbadvisor.yml"], in: folder)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("no target named 'shop' (targets: down, unset)"))
    }

    @Test(arguments: [
        (["scan", "--all"], "--config"),
        (["scan", "--all", "--config", "dbadvisor.yml", "postgres://h/db"], "leave out"),
        (["scan", "--all", "--config", "dbadvisor.yml", "--jobs", "0"], "--jobs"),
        (["scan", "--all", "--config", "dbadvisor.yml", "--write-baseline", "b.json"], "{target}"),
        (["scan", "down", "--config", "dbadvisor.yml", "--only-new", "--no-history"], "--baseline"),
        (["scan", "--all", "--config", "dbadvisor.yml", "--format", "json"], "output.directory"),
    ])
    func badCombinationsAreUsageErrors(arguments: [String], reason: String) throws {
        let folder = try Self.folder(config: Self.unreachable)
        let result = try CommandRunner.run(arguments, in: folder)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains(reason), "\(result.stderr)")
    }

    @Test func aMalformedBaselineIsAnInputErrorWithItsPosition() throws {
        let folder = try Self.folder(config: Self.unreachable)
        try "{\"format_version\": 1,\n  \"entries\": [\n".write(
            to: folder.appendingPathComponent("baseline.json"), atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(
            ["scan", "down", "--config", "dbadvisor.yml", "--baseline", "baseline.json"], in: folder)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("baseline.json:3:1: not a dbadvisor baseline"), "\(result.stderr)")
        let missing = try CommandRunner.run(
            ["scan", "down", "--config", "dbadvisor.yml", "--baseline", "nowhere.json"], in: folder)
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("nowhere.json"))
    }
}
