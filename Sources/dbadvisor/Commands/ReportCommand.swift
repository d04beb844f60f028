import AdvisorCore
import AdvisorReport
import ArgumentParser
import Foundation

extension DBAdvisor {
    /// `dbadvisor report snapshot.json`: re-runs the rules on a snapshot saved earlier.
    struct ReportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract:
                "Re-run the rules on a snapshot saved earlier (JSON), e.g. on a machine that could not reach the database."
        )

        @Argument(help: "A snapshot JSON file; '-' reads standard input.")
        var snapshot: String

        @OptionGroup var output: OutputOptions
        @OptionGroup var selection: RuleSelectionOptions
        @OptionGroup var history: HistoryOptions

        func run() throws {
            let engine = try selection.makeEngine()
            let input = try InputFile.read(snapshot)
            let loaded: Snapshot
            do {
                loaded = try Snapshot(jsonData: Data(input.bytes))
            } catch {
                Terminal.printError("dbadvisor: \(input.name): not a dbadvisor snapshot: \(Self.describe(error))")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
            if let problem = loaded.validationProblem() {
                Terminal.printError("dbadvisor: \(input.name): not a usable dbadvisor snapshot: \(problem)")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
            let report = try history.report(
                loaded, with: engine, command: "report", source: input.name, byDefault: false)
            try output.write(try output.format.reporter.render(report, options: RenderOptions(color: output.color)))
            try selection.enforceFailOn(report.findings)
        }

        private static func describe(_ error: Error) -> String {
            switch error {
            case DecodingError.keyNotFound(let key, let context):
                "missing \(Snapshot.fileKey(key.stringValue))"
                    + (context.codingPath.isEmpty
                        ? ""
                        : " at \(context.codingPath.map { Snapshot.fileKey($0.stringValue) }.joined(separator: "."))")
            case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
                DecodingError.dataCorrupted(let context):
                "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
            default: "\(error)"
            }
        }
    }
}
