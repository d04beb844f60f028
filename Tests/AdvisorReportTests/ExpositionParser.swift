import Foundation

/// A strict reader of the Prometheus text exposition format (0.0.4), for tests: it rejects what a
/// scraper would reject (bad names, bad escapes, unparsable values, samples before their TYPE, a
/// family split in two, the same series twice) instead of guessing.
enum ExpositionParser {
    struct Family: Equatable {
        var help: String?
        var type: String?
        var samples: [Sample] = []
    }

    struct Sample: Equatable {
        var labels: [String: String]
        var value: Double
    }

    struct Failure: Error, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "line \(line): \(reason)" }
    }

    static func parse(_ text: String) throws -> [String: Family] {
        guard text.hasSuffix("\n") else { throw Failure(line: 0, reason: "the exposition must end with a line feed") }
        var families: [String: Family] = [:]
        var finished: Set<String> = []
        var current: String?
        var series: Set<String> = []
        for (offset, line) in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            func fail(_ reason: String) -> Failure { Failure(line: number, reason: reason) }
            func enter(_ name: String) throws {
                if current != name {
                    if let current { finished.insert(current) }
                    guard !finished.contains(name) else { throw fail("family \(name) appears twice") }
                    current = name
                }
            }
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let rest = line.dropFirst(7)
                let name = String(rest.prefix { $0 != " " })
                guard isMetricName(name), rest.count > name.count + 1 else { throw fail("bad comment: \(line)") }
                let body = String(rest.dropFirst(name.count + 1))
                try enter(name)
                var family = families[name] ?? Family()
                guard family.samples.isEmpty else { throw fail("\(line.prefix(6)) after samples of \(name)") }
                if line.hasPrefix("# HELP ") {
                    guard family.help == nil else { throw fail("second HELP for \(name)") }
                    family.help = try unescape(body, quotes: false).orThrow(fail("bad HELP escape"))
                } else {
                    guard family.type == nil, ["counter", "gauge", "untyped", "summary", "histogram"].contains(body)
                    else { throw fail("bad TYPE for \(name): \(body)") }
                    family.type = body
                }
                families[name] = family
                continue
            }
            guard !line.hasPrefix("#"), !line.isEmpty else { throw fail("unexpected line: \(line)") }
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            guard isMetricName(name) else { throw fail("bad metric name \(name)") }
            try enter(name)
            guard families[name]?.type != nil else { throw fail("sample of \(name) before its TYPE") }
            var rest = line.dropFirst(name.count)
            var labels: [String: String] = [:]
            if rest.first == "{" {
                rest = rest.dropFirst()
                while rest.first != "}" {
                    let label = String(rest.prefix { $0 != "=" })
                    guard isLabelName(label), labels[label] == nil else { throw fail("bad label name \(label)") }
                    rest = rest.dropFirst(label.count)
                    guard rest.hasPrefix("=\"") else { throw fail("label \(label) has no quoted value") }
                    rest = rest.dropFirst(2)
                    var raw = ""
                    var escaped = false
                    while let character = rest.first {
                        rest = rest.dropFirst()
                        if escaped {
                            raw.append(character)
                            escaped = false
                        } else if character == "\\" {
                            raw.append(character)
                            escaped = true
                        } else if character == "\"" {
                            break
                        } else {
                            raw.append(character)
                        }
                    }
                    labels[label] = try unescape(raw, quotes: true).orThrow(fail("bad escape in \(label)"))
                    if rest.first == "," {
                        rest = rest.dropFirst()
                    } else if rest.first != "}" {
                        throw fail("labels of \(name) not closed")
                    }
                }
                rest = rest.dropFirst()
            }
            guard rest.first == " " else { throw fail("no value for \(name)") }
            let value = String(rest.dropFirst())
            guard let parsed = parseValue(value) else { throw fail("bad value \(value)") }
            let key = name + labels.sorted { $0.key < $1.key }.map { "\u{0}\($0.key)=\($0.value)" }.joined()
            guard series.insert(key).inserted else { throw fail("series repeated: \(line)") }
            families[name]?.samples.append(Sample(labels: labels, value: parsed))
        }
        return families
    }

    private static func isMetricName(_ name: String) -> Bool {
        name.range(of: "^[a-zA-Z_:][a-zA-Z0-9_:]*$", options: .regularExpression) != nil
    }

    private static func isLabelName(_ name: String) -> Bool {
        name.range(of: "^[a-zA-Z_][a-zA-Z0-9_]*$", options: .regularExpression) != nil && !name.hasPrefix("__")
    }

    /// `\\`, `\n` and (in label values) `\"` are the only escapes; nil for any other.
    private static func unescape(_ text: String, quotes: Bool) -> String? {
        var out = ""
        var escaped = false
        for character in text {
            if escaped {
                switch character {
                case "\\": out.append("\\")
                case "n": out.append("\n")
                case "\"" where quotes: out.append("\"")
                default: return nil
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                if character == "\n" { return nil }
                out.append(character)
            }
        }
        return escaped ? nil : out
    }

    private static func parseValue(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        default:
            guard text.range(of: "^[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?$", options: .regularExpression) != nil
            else { return nil }
            return Double(text)
        }
    }
}

extension Optional {
    fileprivate func orThrow(_ error: @autoclosure () -> some Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}
