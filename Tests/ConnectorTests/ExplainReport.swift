import AdvisorCore
import Foundation
import TestSupport
import Testing

/// What the live tests read from `dbadvisor explain --format json`: the findings and the plans' times.
struct ExplainReport: Decodable {
    struct Finding: Decodable {
        struct Object: Decodable {
            let plan: Int?
        }

        let ruleId: String
        let severity: Severity
        let object: Object
    }

    struct ReportedPlan: Decodable {
        struct Body: Decodable {
            struct Root: Decodable {
                let inclusiveTimeMs: Double?
            }

            let hasTiming: Bool
            let executionTimeMs: Double?
            let root: Root
        }

        let plan: Body
    }

    let findings: [Finding]
    let plans: [ReportedPlan]

    /// The findings as `ScenarioCheck` takes them, each with its plan's time.
    var reported: [ReportedFinding] {
        findings.map { finding in
            let plan = finding.object.plan.flatMap { plans.indices.contains($0 - 1) ? plans[$0 - 1].plan : nil }
            let time = plan.flatMap { $0.hasTiming ? $0.executionTimeMs ?? $0.root.inclusiveTimeMs : nil }
            return ReportedFinding(ruleId: finding.ruleId, severity: finding.severity, planTimeMs: time)
        }
    }

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
