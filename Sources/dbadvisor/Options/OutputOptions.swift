import AdvisorReport
import ArgumentParser
import Foundation

extension OutputFormat: ExpressibleByArgument {}

/// `--format` and `--output`, shared by every command that reports.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .shortAndLong, help: "The report format.")
    var format: OutputFormat = .text

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output ('-' for stdout).")
    var output: String = "-"

    /// Whether the text format should be coloured: only when writing to a terminal.
    var color: Bool { format == .text && output == "-" && Terminal.stdoutWantsColor }

    /// Writes the rendered report where the user asked.
    func write(_ text: String) throws {
        if output == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try AtomicFile.write(Data(text.utf8), to: output)
        } catch {
            Terminal.printError("dbadvisor: cannot write \(output): \(error.localizedDescription)")
            throw ExitCode(Terminal.Code.input.rawValue)
        }
    }
}
