import Foundation
import TestSupport
import Testing

/// `dbadvisor explain --compare BEFORE AFTER` as users run it: every format, --fail-if-slower, --fail-on, and
/// the inputs it refuses.
struct ExplainCompareCommandTests {
    private let before = "Fixtures/postgres/compare/orders_index.before.txt"
    private let after = "Fixtures/postgres/compare/orders_index.after.json"

    @Test func textShowsTheVerdictTheChangedAccessAndTheFixedFinding() throws {
        let result = try CommandRunner.run(["explain", "--compare", before, after], environment: ["NO_COLOR": "1"])
        #expect(result.exitCode == 0)
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("Verdict: ") && $0.contains("× faster: execution ") })
        #expect(
            lines.contains {
                $0.hasPrefix(" ~ ")
                    && $0.hasSuffix("Seq Scan on orders → Index Scan using orders_status_created_at_idx on orders")
            })
        #expect(result.stdout.contains("Findings fixed (1)\n  HIGH     plan-seq-scan-filter · Seq Scan on orders"))
        #expect(result.stdout.contains("Findings introduced: none"))
    }

    @Test(arguments: ["markdown", "json", "html"])
    func everyFormatRendersTheComparison(format: String) throws {
        let result = try CommandRunner.run([
            "explain", "--compare", "Fixtures/postgres/compare/join_method.before.json",
            "Fixtures/postgres/compare/join_method.after.json", "--format", format,
        ])
        #expect(result.exitCode == 0)
        switch format {
        case "markdown":
            #expect(result.stdout.hasPrefix("# dbadvisor explain --compare"))
            #expect(result.stdout.contains("| ~ |") && result.stdout.contains("**Nested Loop → Hash Join**"))
            #expect(result.stdout.contains("| - |") && result.stdout.contains("| + |"))
        case "json":
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["format_version"] as? Int == 1)
            #expect(object["basis"] as? String == "time")
            let verdict = try #require(object["verdict"] as? [String: Any])
            #expect(verdict["direction"] as? String == "faster")
            let nodes = try #require(object["nodes"] as? [[String: Any]])
            #expect(nodes.map { $0["change"] as? String } == ["changed", "same", "disappeared", "appeared", "same"])
            let fixed = try #require((object["findings"] as? [String: Any])?["fixed"] as? [[String: Any]])
            #expect(fixed.contains { $0["rule_id"] as? String == "plan-nested-loop-inner-scan" })
        default:
            #expect(result.stdout.hasPrefix("<!DOCTYPE html>"))
            #expect(result.stdout.contains("<tr class=\"changed\">"))
            #expect(
                result.stdout.contains("<tr class=\"disappeared\">")
                    && result.stdout.contains("<tr class=\"appeared\">"))
            #expect(result.stdout.contains("id=\"before-1\"") && result.stdout.contains("id=\"after-1\""))
        }
    }

    @Test func failIfSlowerExitsOneAfterTheReportWhenTheAfterPlanIsSlower() throws {
        let slower = try CommandRunner.run(["explain", "--compare", after, before, "--fail-if-slower", "20%"])
        #expect(slower.exitCode == 1)
        #expect(slower.stdout.contains("Verdict: "))
        #expect(slower.stderr.contains("--fail-if-slower 20%") && slower.stderr.contains("execution time"))
        let faster = try CommandRunner.run(["explain", "--compare", before, after, "--fail-if-slower", "20"])
        #expect(faster.exitCode == 0)
        // Estimates only: the threshold applies to the estimated cost, and says so.
        let plain = try CommandRunner.run([
            "explain", "--compare", "Fixtures/postgres/compare/orders_index.after.plain.txt",
            "Fixtures/postgres/compare/orders_index.before.plain.txt", "--fail-if-slower", "5%",
        ])
        #expect(plain.exitCode == 1)
        #expect(plain.stderr.contains("estimated cost"))
    }

    @Test func failOnAppliesToTheFindingsTheAfterPlanIntroduces() throws {
        let introduced = try CommandRunner.run(["explain", "--compare", after, before, "--fail-on", "high"])
        #expect(introduced.exitCode == 1)
        let fixed = try CommandRunner.run(["explain", "--compare", before, after, "--fail-on", "high"])
        #expect(fixed.exitCode == 0)
    }

    @Test func aFileWithTwoPlansIsAnInputErrorNamingIt() throws {
        let result = try CommandRunner.run(["explain", "--compare", "Fixtures/postgres/plans/two_plans.txt", after])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("Fixtures/postgres/plans/two_plans.txt: holds 2 plans"))
        #expect(result.stdout.isEmpty)
    }

    @Test func plansOfDifferentEnginesAreAnInputError() throws {
        let result = try CommandRunner.run([
            "explain", "--compare", before, "Fixtures/mysql/compare/orders_index.after.json",
        ])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("PostgreSQL") && result.stderr.contains("MariaDB"))
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: [
        ["explain", "--compare", "Fixtures/postgres/compare/orders_index.before.txt"],
        ["explain", "Fixtures/postgres/compare/orders_index.before.txt", "--fail-if-slower", "20%"],
        [
            "explain", "--compare", "Fixtures/postgres/compare/orders_index.before.txt",
            "Fixtures/postgres/compare/orders_index.after.txt", "--fail-if-slower", "fast",
        ],
        [
            "explain", "--compare", "Fixtures/postgres/compare/orders_index.before.txt",
            "Fixtures/postgres/compare/orders_index.after.txt", "--format", "sarif",
        ],
    ])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.exitCode == 2)
        #expect(result.stdout.isEmpty)
    }

    @Test func aBrokenAfterPlanIsAnInputError() throws {
        let result = try CommandRunner.run(
            ["explain", "--compare", before, "-"], stdin: "[\n  {\n    \"Plan\": {\n      \"Node Type\": \"Seq")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("<stdin>"))
    }
}
