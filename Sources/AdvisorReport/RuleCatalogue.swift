import AdvisorCore
import Foundation

/// The rule catalogue (`dbadvisor rules`), rendered from each rule's own metadata; the README's rule
/// table is its markdown form.
public enum RuleCatalogue {
    /// The formats the catalogue has a form in: a page of charts or metrics would say nothing about rules.
    public static let formats: [OutputFormat] = [.text, .markdown, .json, .sarif]

    public static func render(_ rules: [any Rule.Type], format: OutputFormat, detailed: Bool) throws -> String {
        switch format {
        case .text: text(rules, detailed: detailed)
        case .markdown: markdown(rules, detailed: detailed)
        case .json: try json(rules)
        case .sarif: try SARIFReporter.catalogue(rules)
        case .html, .prometheus: throw UnsupportedFormat(format: format, supported: formats)
        }
    }

    /// The catalogue was asked for in a format it has no form in.
    public struct UnsupportedFormat: Error, CustomStringConvertible {
        public let format: OutputFormat
        public let supported: [OutputFormat]

        public var description: String {
            "the rule catalogue has no \(format.rawValue) form; use "
                + supported.map(\.rawValue).joined(separator: ", ")
        }
    }

    /// Default options as "key=value" pairs, nested thresholds flattened ("severity_by_share.high=0.5").
    public static func thresholds(_ rule: any Rule.Type) -> [String] {
        flatten(defaults(rule)).map { "\($0.key)=\($0.value)" }
    }

    private static func defaults<R: Rule>(_ rule: R.Type) -> [String: Any] {
        RuleOptionsCoding.dictionary(R().options)
    }

    private static func flatten(_ dictionary: [String: Any], prefix: String = "") -> [(key: String, value: String)] {
        dictionary.keys.sorted().flatMap { key -> [(key: String, value: String)] in
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            if let nested = dictionary[key] as? [String: Any] { return flatten(nested, prefix: name) }
            return [(name, describe(dictionary[key]!))]
        }
    }

    private static func describe(_ value: Any) -> String {
        if let flag = value as? Bool, type(of: value) == Bool.self { return flag ? "true" : "false" }
        if let double = value as? Double {
            return double == double.rounded() && abs(double) < 1e15 ? String(Int64(double)) : String(double)
        }
        if let array = value as? [Any] { return array.map(describe).joined(separator: ",") }
        return "\(value)"
    }

    private static func engines(_ description: RuleDescription) -> String {
        description.engines.sorted().map(\.displayName).joined(separator: ", ")
    }

    private static func text(_ rules: [any Rule.Type], detailed: Bool) -> String {
        var out = ""
        for rule in rules {
            let description = rule.description
            out += "\(description.id)  [\(description.category.rawValue); \(engines(description))]\n"
            out += "  \(description.title): \(description.summary)\n"
            out += "  thresholds: \(thresholds(rule).joined(separator: ", "))\n"
            if detailed { out += "\n" + description.rationale + "\n" }
            out += "\n"
        }
        return out
    }

    private static func markdown(_ rules: [any Rule.Type], detailed: Bool) -> String {
        var out = "| id | category | engines | what it finds | default thresholds |\n|---|---|---|---|---|\n"
        for rule in rules {
            let description = rule.description
            let thresholdText = thresholds(rule).map { "`\($0)`" }.joined(separator: "<br>")
            out +=
                "| `\(description.id)` | \(description.category.rawValue) | \(engines(description)) | "
                + "\(MarkdownReporter.escape(description.summary)) | \(thresholdText) |\n"
        }
        if detailed {
            for rule in rules {
                out += "\n## \(rule.description.id): \(rule.description.title)\n\n\(rule.description.rationale)\n"
            }
        }
        return out
    }

    private static func json(_ rules: [any Rule.Type]) throws -> String {
        let entries: [[String: Any]] = rules.map { rule in
            let description = rule.description
            return [
                "id": description.id, "title": description.title, "category": description.category.rawValue,
                "engines": description.engines.sorted().map(\.rawValue),
                "requires": description.requires.sorted().map(\.rawValue), "summary": description.summary,
                "rationale": description.rationale, "aliases": description.aliases, "options": defaults(rule),
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
