import ArgumentParser

/// The command line: parses arguments, wires the pieces, maps outcomes to exit codes.
struct DBAdvisor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbadvisor",
        abstract: "Finds what to fix first in a PostgreSQL or MySQL/MariaDB database.",
        version: "0.1.0")
}
