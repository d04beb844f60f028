import Foundation

/// Standard streams and exit codes, in one place so commands stay about their job.
enum Terminal {
    /// Exit codes DESIGN.md promises.
    enum Code: Int32 {
        case findings = 1
        case input = 2
        case connection = 3
    }

    /// Progress, warnings and errors go to stderr; stdout carries the report alone.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func warn(_ message: String) {
        printError("warning: \(message)")
    }

    static func exit(code: Int32) -> Never {
        Foundation.exit(code)
    }

    /// Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org).
    static var stdoutWantsColor: Bool {
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(STDOUT_FILENO) == 1
    }
}
