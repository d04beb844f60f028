import AdvisorCore
import Foundation
import TestSupport

/// A plan as indented text, one node per line, for comparing trees in tests:
/// `operation: display name [relationship: subplan name]`.
func outline(_ plan: Plan) -> String {
    var lines: [String] = []
    func walk(_ node: PlanNode, depth: Int) {
        var line =
            String(repeating: "  ", count: depth) + "\(node.operation.rawValue): "
            + node.displayName(engine: plan.engine)
        if let relationship = node.parentRelationship {
            line += " [\(relationship)" + (node.subplanName.map { ": \($0)" } ?? "") + "]"
        }
        lines.append(line)
        for child in node.children { walk(child, depth: depth + 1) }
    }
    walk(plan.root, depth: 0)
    return lines.joined(separator: "\n")
}

/// The files of one corpus folder (`plans/mysql-tree`), sorted by name.
func corpusFiles(_ folder: String) throws -> [URL] {
    let directory = RepositoryPaths.corpus.appendingPathComponent(folder)
    return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
}

/// A corpus file as parser input, named by its path inside the corpus.
func corpusInput(_ url: URL) throws -> PlanInput {
    PlanInput(bytes: Array(try Data(contentsOf: url)), name: url.lastPathComponent)
}
