import Foundation

/// Writes report, snapshot and baseline files so a job killed mid-write never leaves half a file: a
/// temporary file renamed over the target. A path that names no regular file (`/dev/null`,
/// `/dev/stdout`, a FIFO) is written in place instead: renaming over it would replace the device. A
/// symbolic link is followed, so the file it points to is replaced, not the link.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let type = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType
        guard let type, type != .typeRegular else {
            try data.write(to: url, options: .atomic)
            return
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
    }
}
