import Foundation
import Testing

/// Checks that run a program outside the project (a browser, promtool, a JSON Schema validator): where it
/// is missing they are skipped with a message, except under CI, where scripts/install-deps.sh installs
/// it and its absence is a failure.
enum ExternalCheck {
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Reports a missing tool: a failure under CI, a printed skip elsewhere.
    static func unavailable(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if isCI {
            Issue.record("\(message) (CI must have it: scripts/install-deps.sh)", sourceLocation: sourceLocation)
        } else {
            print("skipped: \(message); scripts/install-deps.sh installs it")
        }
    }

    /// A fresh folder for one test's files, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dbadvisor-report-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
