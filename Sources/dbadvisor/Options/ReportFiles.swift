import AdvisorCore
import AdvisorReport
import Foundation

/// Report files of configured targets: one per format, named by `output.file_name` in the output
/// directory, each written atomically so a reader never sees half a report.
struct ReportFiles: Sendable {
    var directory: String
    var fileName: String
    var formats: [OutputFormat]

    /// Writes every format of one target's report; returns the paths written.
    func write(_ report: Report, target: String) throws(ReportFileFailure) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportFileFailure("cannot create the report directory \(directory): \(error.localizedDescription)")
        }
        var paths: [String] = []
        for format in formats {
            // As the user wrote the directory, so the summary names files the way they think of them.
            let separator = directory.hasSuffix("/") ? "" : "/"
            let path = directory + separator + name(target: target, format: format)
            do {
                let text = try format.reporter.render(report, options: RenderOptions(color: false))
                try AtomicFile.write(Data(text.utf8), to: path)
            } catch {
                throw ReportFileFailure("cannot write \(path): \(error.localizedDescription)")
            }
            paths.append(path)
        }
        return paths
    }

    /// The file name for a target and format: `{target}`, `{format}` and `{ext}` replaced.
    func name(target: String, format: OutputFormat) -> String {
        fileName.replacingOccurrences(of: "{target}", with: target)
            .replacingOccurrences(of: "{format}", with: format.rawValue)
            .replacingOccurrences(of: "{ext}", with: Self.fileExtension(format))
    }

    /// The usual extension of a format's files: `txt`, `md`, otherwise the format's name (`json`, `html`).
    static func fileExtension(_ format: OutputFormat) -> String {
        ["text": "txt", "markdown": "md"][format.rawValue] ?? format.rawValue
    }
}

/// A report file that cannot be written: an input error (exit 2).
struct ReportFileFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
