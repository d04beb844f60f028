import Foundation
import Testing

/// Compares text with a golden file in `Snapshots/` beside the calling test file.
///
/// A missing golden file, or `RECORD_GOLDEN=1`, writes the file and fails the test, so a recording
/// never passes silently; commit the file after reading it.
public func assertGolden(
    _ actual: String, named name: String, filePath: String = #filePath,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = folder.appendingPathComponent(name)
    let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
    guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? actual.write(to: file, atomically: true, encoding: .utf8)
        Issue.record("recorded golden file \(file.path); check it and run again", sourceLocation: sourceLocation)
        return
    }
    if actual != expected {
        let actualFile = file.appendingPathExtension("actual")
        try? actual.write(to: actualFile, atomically: true, encoding: .utf8)
        Issue.record(
            "output differs from \(file.lastPathComponent); got \(actualFile.path) (RECORD_GOLDEN=1 to accept)",
            sourceLocation: sourceLocation)
    }
}
