import Foundation

/// A `psql` process: either fed statements on its standard input, so a test can hold a transaction open
/// across its checks, or running one command. LibPQSession cannot do this: its sessions are read-only.
final class PsqlClient {
    private let process = Process()
    private let input = Pipe()

    init(url: String, applicationName: String, command: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"] + (command.map { ["-c", $0] } ?? []) + [url]
        var environment = ProcessInfo.processInfo.environment
        environment["PGAPPNAME"] = applicationName
        process.environment = environment
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func send(_ statements: String) {
        input.fileHandleForWriting.write(Data((statements + "\n").utf8))
    }

    /// Ends the client at once; its open transaction is rolled back when the server sees the connection
    /// close. SIGKILL: psql finishes a running statement before it acts on SIGTERM.
    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
