import AdvisorCore
import ArgumentParser

/// The command line: parses arguments, wires the pieces, maps outcomes to exit codes
/// (0 clean, 1 findings at or above `--fail-on`, 2 usage or input error, 3 connection or server error).
struct DBAdvisor: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "dbadvisor",
        abstract: "Finds what to fix first in a PostgreSQL or MySQL/MariaDB database, with the SQL that fixes it.",
        discussion: """
            Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, \
            3 connection or server error.
            """,
        version: version,
        subcommands: [
            Scan.self, Explain.self, Logs.self, ReportCommand.self, RulesCommand.self, HistoryCommand.self,
        ])
}

/// Entry point: ArgumentParser reports usage errors as EX_USAGE (64); dbadvisor promises 2.
@main enum Main {
    static func main() {
        do {
            var command = try DBAdvisor.parseAsRoot()
            try command.run()
        } catch {
            if DBAdvisor.exitCode(for: error) == .validationFailure {
                Terminal.printError(DBAdvisor.fullMessage(for: error))
                Terminal.exit(code: 2)
            }
            DBAdvisor.exit(withError: error)
        }
    }
}
