/// Builds Prometheus text exposition (format 0.0.4): each metric family once, with its HELP and TYPE
/// lines before its samples, label values escaped as the format requires.
struct PrometheusExposition {
    enum MetricType: String {
        case gauge, counter
    }

    /// One sample: its labels in order, and the value.
    struct Sample {
        var labels: [(name: String, value: String)]
        var value: Double
    }

    private(set) var text = ""

    /// Appends a family; a family without samples is left out, since HELP and TYPE alone say nothing.
    mutating func family(_ name: String, _ type: MetricType, help: String, samples: [Sample]) {
        guard !samples.isEmpty else { return }
        text += "# HELP \(name) \(Self.escapeHelp(help))\n"
        text += "# TYPE \(name) \(type.rawValue)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                let labels = sample.labels.map { "\($0.name)=\"\(Self.escapeLabelValue($0.value))\"" }
                text += "{" + labels.joined(separator: ",") + "}"
            }
            text += " " + Self.value(sample.value) + "\n"
        }
    }

    /// Backslash, double quote and line feed are the only characters a label value escapes.
    static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r\n": escaped += "\\n"
            case "\r": escaped += " "
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// HELP text escapes backslash and line feed.
    static func escapeHelp(_ help: String) -> String {
        help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction, others in Swift's shortest round-tripping form (which Go's
    /// ParseFloat reads back exactly), and the format's spellings of the special values.
    static func value(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return String(value)
    }
}
