import Foundation

/// One value of a configuration document with its path (`targets[1].dsn`), for error messages that
/// say where the problem is.
struct ConfigurationNode {
    let value: Any
    /// Dotted keys and 0-based indexes from the top: `ignore.tables[2]`.
    let path: String

    init(_ value: Any, path: String) {
        self.value = value
        self.path = path
    }

    /// The members of a mapping; a key outside `keys` is an error naming it and the keys known there.
    func mapping(keys: [String]) throws(ConfigurationError) -> [String: ConfigurationNode] {
        guard let members = value as? [String: Any] else { throw mismatch("a mapping of keys to values") }
        let unknown = Set(members.keys).subtracting(keys).sorted()
        if let first = unknown.first {
            let place = path.isEmpty ? first : "\(path).\(first)"
            throw ConfigurationError("\(place): unknown key '\(first)' (known here: \(keys.joined(separator: ", ")))")
        }
        var nodes: [String: ConfigurationNode] = [:]
        // A key written with no value (`dsn_env:`) reads as null: treat it as absent, like a key left out.
        for (key, member) in members where !(member is NSNull) {
            nodes[key] = ConfigurationNode(member, path: path.isEmpty ? key : "\(path).\(key)")
        }
        return nodes
    }

    func sequence() throws(ConfigurationError) -> [ConfigurationNode] {
        guard let elements = value as? [Any] else { throw mismatch("a list") }
        var nodes: [ConfigurationNode] = []
        for (index, element) in elements.enumerated() {
            nodes.append(ConfigurationNode(element, path: "\(path)[\(index)]"))
        }
        return nodes
    }

    /// Text; a number where text is expected (`name: 2024`) reads as its digits.
    func string() throws(ConfigurationError) -> String {
        switch value {
        case let text as String: return text
        case let number as Int: return String(number)
        default: throw mismatch("text")
        }
    }

    func bool() throws(ConfigurationError) -> Bool {
        guard let flag = value as? Bool else { throw mismatch("true or false") }
        return flag
    }

    func integer(minimum: Int) throws(ConfigurationError) -> Int {
        guard let number = value as? Int, !(value is Bool), number >= minimum else {
            throw mismatch("a whole number of at least \(minimum)")
        }
        return number
    }

    /// Bytes: a whole number, or a number with a unit as PostgreSQL prints sizes (`512kB`, `10 MB`, `1GB`;
    /// powers of 1024).
    func size() throws(ConfigurationError) -> Int {
        if let bytes = value as? Int, !(value is Bool), bytes >= 0 { return bytes }
        guard let text = value as? String else { throw mismatch("a size such as 10MB") }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let scales: [String: Int] = ["": 1, "b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40]
        guard let number = Int(digits), let scale = scales[unit] else { throw mismatch("a size such as 10MB") }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw mismatch("a size such as 10MB") }
        return bytes
    }

    private func mismatch(_ expected: String) -> ConfigurationError {
        ConfigurationError("\(path.isEmpty ? "the file" : path): expected \(expected), found \(Self.describe(value))")
    }

    private static func describe(_ value: Any) -> String {
        switch value {
        case let text as String: "'\(text)'"
        case is [Any]: "a list"
        case is [String: Any]: "a mapping"
        default: "\(value)"
        }
    }
}
