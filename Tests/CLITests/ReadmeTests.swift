import Foundation
import TestSupport
import Testing

/// The README's rule table is `dbadvisor rules --format markdown`; regenerate it with
/// `scripts/update-readme.sh` when this fails.
@Test func readmeRuleTableIsCurrent() throws {
    let readme = try String(
        contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
    let begin = try #require(readme.range(of: "<!-- rules:begin -->\n"))
    let end = try #require(readme.range(of: "<!-- rules:end -->"))
    let table = String(readme[begin.upperBound..<end.lowerBound])
    let generated = try CommandRunner.run(["rules", "--format", "markdown"])
    #expect(generated.exitCode == 0)
    #expect(table == generated.stdout, "README rule table is stale: run scripts/update-readme.sh")
}
