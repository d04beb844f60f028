import AdvisorCore
import ArgumentParser
import Foundation

/// `--baseline`, `--write-baseline` and `--only-new`: which findings are new, and whether only those count.
struct BaselineOptions: ParsableArguments {
    @Option(help: "Mark each finding new or known against this baseline (written by --write-baseline).")
    var baseline: String?

    @Option(
        name: .customLong("write-baseline"),
        help: """
            Write the findings of this run to this file as a baseline (with --all, the path must hold \
            {target}: one baseline per target).
            """)
    var writeBaseline: String?

    @Flag(
        name: .customLong("only-new"),
        help: "Only new findings (not in --baseline, else not in the previous run) count for --fail-on.")
    var onlyNew = false

    func validate(perTarget: Bool) throws {
        if perTarget {
            for (option, path) in [("--baseline", baseline), ("--write-baseline", writeBaseline)] {
                if let path, !path.contains("{target}") {
                    throw ValidationError(
                        "\(option) with --all needs {target} in the path (\(path)): findings are per target.")
                }
            }
        }
    }

    /// The baseline file for a target (`{target}` replaced), or nil without `--baseline`. A missing or
    /// malformed file is an input error.
    func read(target: String?) throws(BaselineFailure) -> Baseline? {
        guard let baseline else { return nil }
        let path = Self.path(baseline, target: target)
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw BaselineFailure("\(path): cannot read the baseline: \(error.localizedDescription)")
        }
        do {
            return try Baseline.read(bytes, file: path)
        } catch {
            throw BaselineFailure(error.description)
        }
    }

    /// Writes the report's findings as the baseline, atomically, when `--write-baseline` asks for it.
    func write(_ report: Report, target: String?) throws(BaselineFailure) {
        guard let writeBaseline else { return }
        let path = Self.path(writeBaseline, target: target)
        let baseline = Baseline(
            findings: report.findings, toolVersion: report.toolVersion, createdAt: report.generatedAt)
        do {
            try AtomicFile.write(baseline.jsonData(), to: path)
        } catch {
            throw BaselineFailure("cannot write the baseline to \(path): \(error.localizedDescription)")
        }
    }

    /// The findings `--fail-on` weighs: the new ones with `--only-new`, all of them otherwise (and when
    /// there was nothing to compare with: a first run).
    func counted(_ report: Report) -> [Finding] {
        guard onlyNew, let new = report.newFingerprints else { return report.findings }
        return report.findings.filter { new.contains($0.fingerprint) }
    }

    private static func path(_ pattern: String, target: String?) -> String {
        pattern.replacingOccurrences(of: "{target}", with: target ?? "default")
    }
}

/// A baseline that cannot be read or written: an input error (exit 2).
struct BaselineFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
