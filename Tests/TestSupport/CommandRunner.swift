import Foundation

/// Runs the built `dbadvisor` binary, as a user would, and captures what it prints.
public struct CommandResult: Sendable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
}

public enum CommandRunner {
    /// The binary beside the test bundle (SwiftPM puts products in one folder), or `DBADVISOR_BINARY`.
    public static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["DBADVISOR_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        var folder = Bundle.main.bundleURL
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("dbadvisor")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue
            {
                return candidate
            }
            folder = folder.deletingLastPathComponent()
        }
        return RepositoryPaths.root.appendingPathComponent(".build/debug/dbadvisor")
    }

    /// Runs dbadvisor. Unless `environment` names its own XDG_DATA_HOME, each run gets an empty one, so
    /// that scans never compare with the user's history store or with each other.
    public static func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
        in directory: URL = RepositoryPaths.root
    ) throws -> CommandResult {
        var environment = environment
        var dataHome: URL?
        if environment["XDG_DATA_HOME"] == nil {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-data-\(UUID())")
            environment["XDG_DATA_HOME"] = folder.path
            dataHome = folder
        }
        defer { dataHome.map { try? FileManager.default.removeItem(at: $0) } }
        return try run(program: binary, arguments, stdin: stdin, environment: environment, in: directory)
    }

    /// A program found in the directories of `PATH`, as a shell would find it.
    public static func program(named name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs another program (a database client, say) the same way.
    public static func run(
        program: URL, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
        in directory: URL = RepositoryPaths.root
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        // Read both pipes concurrently with the process so a large report cannot block it.
        let outputData = LockedData()
        let errorData = LockedData()
        let group = DispatchGroup()
        for (pipe, sink) in [(output, outputData), (errors, errorData)] {
            group.enter()
            DispatchQueue.global().async {
                sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return CommandResult(
            exitCode: process.terminationStatus, stdout: String(decoding: outputData.get(), as: UTF8.self),
            stderr: String(decoding: errorData.get(), as: UTF8.self))
    }
}

/// A Data box written by one reader thread and read after it finished.
private final class LockedData: @unchecked Sendable {
    // Safe: every access holds the lock.
    private let lock = NSLock()
    private var data = Data()

    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
