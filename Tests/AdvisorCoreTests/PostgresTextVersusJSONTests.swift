import AdvisorCore
import Foundation
import TestSupport
import Testing

/// The same statement explained in the text and the JSON format (the corpus has a few pairs, from
/// separate runs): both parsers must give the same tree, with the same names and estimates.
@Suite struct PostgresTextVersusJSONTests {
    static let pairs = [
        ("pev2-simple-join", "pev2-simple-join"),
        (
            "pev2-psqlframe-text-0-aligned-ascii-double-double-double",
            "pev2-psqlframe-json-0-aligned-ascii-double-double-double"
        ),
        (
            "pev2-psqlframe-text-0-unaligned-ascii-double-double-double",
            "pev2-psqlframe-json-0-unaligned-ascii-double-double-double"
        ),
        (
            "pev2-psqlframe-text-2-aligned-unicode-single-double-single",
            "pev2-psqlframe-json-2-aligned-unicode-single-double-single"
        ),
    ]

    @Test(.enabled(if: RepositoryPaths.corpusIsPresent), arguments: pairs)
    func textAndJSONGiveTheSameTree(text: String, json: String) throws {
        let plans = RepositoryPaths.corpus.appendingPathComponent("plans")
        let textFile = plans.appendingPathComponent("postgres-text/\(text).txt")
        let jsonFolder = plans.appendingPathComponent("postgres-json")
        let jsonName =
            try FileManager.default.contentsOfDirectory(atPath: jsonFolder.path)
            .first { $0.hasPrefix(json + ".") } ?? json
        let fromText = try PostgresTextPlanParser.parse(
            PlanInput(bytes: Array(try Data(contentsOf: textFile)), name: text))
        let fromJSON = try PostgresJSONPlanParser.parse(
            PlanInput(bytes: Array(try Data(contentsOf: jsonFolder.appendingPathComponent(jsonName))), name: json))
        var differences: [String] = []
        Self.compare(fromText[0].root, fromJSON[0].root, at: "root", into: &differences)
        #expect(fromText[0].hasActuals == fromJSON[0].hasActuals && fromText[0].hasTiming == fromJSON[0].hasTiming)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    /// Everything but what differs between two runs (times, buffers, workers' details).
    static func compare(_ text: PlanNode, _ json: PlanNode, at path: String, into differences: inout [String]) {
        func check<Value: Equatable>(_ name: String, _ keyPath: KeyPath<PlanNode, Value>) {
            if text[keyPath: keyPath] != json[keyPath: keyPath] {
                differences.append("\(path) \(name): text \(text[keyPath: keyPath]), json \(json[keyPath: keyPath])")
            }
        }
        check("nodeType", \.nodeType)
        check("operation", \.operation)
        check("parentRelationship", \.parentRelationship)
        check("subplanName", \.subplanName)
        check("joinType", \.joinType)
        check("strategy", \.strategy)
        check("relation", \.relation)
        check("schema", \.schema)
        check("alias", \.alias)
        check("index", \.index)
        check("cteName", \.cteName)
        check("functionName", \.functionName)
        check("isParallelAware", \.isParallelAware)
        check("startupCost", \.startupCost)
        check("totalCost", \.totalCost)
        check("estimatedRows", \.estimatedRows)
        check("estimatedWidth", \.estimatedWidth)
        check("neverExecuted", \.neverExecuted)
        check("filter", \.filter)
        check("indexCondition", \.indexCondition)
        check("recheckCondition", \.recheckCondition)
        check("joinFilter", \.joinFilter)
        check("hashCondition", \.hashCondition)
        check("mergeCondition", \.mergeCondition)
        check("sortKey", \.sortKey)
        check("output", \.output)
        check("workersPlanned", \.workersPlanned)
        // JSON prints false flags ("Inner Unique", "Async Capable") on every node; text only true ones.
        let textNames = text.properties.map(\.name).filter { !$0.hasPrefix("Worker ") }
        let jsonNames = json.properties.filter { !$0.name.hasPrefix("Worker ") && $0.value != "false" }.map(\.name)
        if textNames != jsonNames { differences.append("\(path) properties: text \(textNames), json \(jsonNames)") }
        guard text.children.count == json.children.count else {
            differences.append("\(path) children: text \(text.children.count), json \(json.children.count)")
            return
        }
        for (index, (textChild, jsonChild)) in zip(text.children, json.children).enumerated() {
            compare(textChild, jsonChild, at: "\(path).\(index)", into: &differences)
        }
    }
}
