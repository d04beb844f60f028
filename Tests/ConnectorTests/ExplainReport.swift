import AdvisorCore
import Foundation
import TestSupport
import Testing

/// What the live tests read from `dbadvisor explain --format json`: the findings and how many plans.
struct ExplainReport: Decodable {
    /// A reported plan; only their number matters here.
    struct ReportedPlan: Decodable {}

    let findings: [ReportedFinding]
    let plans: [ReportedPlan]

    /// Pipes a client's output into `dbadvisor explain - --format json` plus `extraArguments`, as a user
    /// would, and reads the report. The exit code is left to the caller.
    static func explain(
        _ clientOutput: String, _ extraArguments: [String] = []
    ) throws -> (exitCode: Int32, report: ExplainReport) {
        let result = try CommandRunner.run(["explain", "-", "--format", "json"] + extraArguments, stdin: clientOutput)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return (result.exitCode, try decoder.decode(ExplainReport.self, from: Data(result.stdout.utf8)))
        } catch {
            throw ScenarioError(
                "dbadvisor exited \(result.exitCode) without a JSON report (\(error)); stderr: \(result.stderr)")
        }
    }

    /// Runs a database client and returns what it printed, failing on a non-zero exit.
    static func client(_ name: String, _ arguments: [String], stdin: String? = nil) throws -> String {
        let program = try #require(
            CommandRunner.program(named: name), "\(name) is not installed (scripts/install-deps.sh installs it)")
        let result = try CommandRunner.run(program: program, arguments, stdin: stdin)
        guard result.exitCode == 0 else {
            throw ScenarioError("\(name) exited \(result.exitCode): \(result.stderr)")
        }
        return result.stdout
    }
}
