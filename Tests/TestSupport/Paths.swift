import Foundation

/// Locations in the repository, found from this file's path so tests need no bundles.
public enum RepositoryPaths {
    /// The repository root (the folder holding Package.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static var fixtures: URL { root.appendingPathComponent("Fixtures") }
    public static var queries: URL { root.appendingPathComponent("Queries") }
    /// `../shared/corpus`, present on development machines; tests skip with a message when absent.
    public static var corpus: URL {
        if let override = ProcessInfo.processInfo.environment["DBADVISOR_CORPUS"] {
            return URL(fileURLWithPath: override)
        }
        return root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }
    public static var corpusIsPresent: Bool { FileManager.default.fileExists(atPath: corpus.path) }
}
