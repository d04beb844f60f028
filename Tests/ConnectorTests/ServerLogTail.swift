import Foundation
import TestSupport
import Testing

/// A test server's own log as the logs command's live tests read it: the bytes a workload appended to it,
/// copied to a temporary file, and what the built `dbadvisor logs` says of them.
struct ServerLogTail {
    /// The log file the server writes.
    let path: String

    /// Whether the tests can read it; under CI they must, so a missing log fails instead of skipping.
    var isUsable: Bool { LiveServers.isCI || FileManager.default.isReadableFile(atPath: path) }

    /// Runs `workload`, which ends by running `SELECT '<marker>'` (`marker` is handed to it), and returns the
    /// lines the server logged meanwhile, in a temporary file (named after `name`) the caller removes. Servers
    /// log a statement after its result has gone to the client, so the tail is read again until the marker
    /// statement is in it (10 s at most): then everything before it is too.
    func capture(name: String, _ workload: (_ marker: String) throws -> Void) throws -> URL {
        let start = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let marker = "dbadvisor-end-of-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try workload(marker)
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var tail = Data()
        for _ in 0..<100 {
            try handle.seek(toOffset: UInt64(start))
            tail = try handle.readToEnd() ?? Data()
            if tail.range(of: Data(marker.utf8)) != nil { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(tail.range(of: Data(marker.utf8)) != nil, "the server did not log the workload's last statement")
        let excerpt = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(name).log")
        try tail.write(to: excerpt)
        return excerpt
    }

    /// `dbadvisor logs` on `log`: its findings as JSON objects and the number of statement classes.
    static func report(_ log: URL) throws -> (findings: [[String: Any]], statements: Int) {
        let result = try CommandRunner.run(["logs", log.path, "--format", "json", "--quiet"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (object["findings"] as? [[String: Any]] ?? [], (object["statements"] as? [Any])?.count ?? 0)
    }
}
