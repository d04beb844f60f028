import AdvisorQueries
import Foundation
import TestSupport
import Testing

/// `QueryText` and the files under `Queries/` must name the same queries, and every file must say what
/// it reads, which versions and privilege it needs, and its columns.
struct QueryTextTests {
    @Test func casesAndFilesMatch() throws {
        let files = try ["postgres", "mysql"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(
                atPath: RepositoryPaths.queries.appendingPathComponent(folder).path
            )
            .filter { $0.hasSuffix(".sql") }.map { "\(folder)/\($0)" }
        }
        #expect(Set(QueryText.allCases.map(\.path)) == Set(files))
    }

    @Test(arguments: QueryText.allCases)
    func embeddedTextIsTheFileWithItsHeader(query: QueryText) throws {
        let file = RepositoryPaths.queries.appendingPathComponent(query.path)
        #expect(query.sql == (try String(contentsOf: file, encoding: .utf8)))
        #expect(query.sql.hasPrefix("-- \(query.rawValue):"))
        for part in ["Versions:", "Privilege:", "Columns:"] {
            #expect(query.sql.contains(part), "\(query.rawValue) has no \(part) in its header")
        }
    }
}
