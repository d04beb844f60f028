import Foundation

/// The findings a team has seen and accepted (`--write-baseline`), so that later runs can tell what is
/// new (`--baseline`, `--only-new`). Keyed by finding fingerprint: messages carry numbers that change
/// every run, the rule and object do not.
public struct Baseline: Equatable, Sendable {
    /// What one accepted finding was, for a reader of the file; only the key is compared.
    public struct Entry: Codable, Equatable, Sendable {
        public var ruleId: String
        public var object: String
        public var severity: Severity

        public init(ruleId: String, object: String, severity: Severity) {
            self.ruleId = ruleId
            self.object = object
            self.severity = severity
        }

        private enum CodingKeys: String, CodingKey {
            case ruleId = "rule_id"
            case object, severity
        }
    }

    /// The file format this build writes and reads.
    public static let formatVersion = 1

    public var toolVersion: String
    public var createdAt: Date
    /// Fingerprint → entry.
    public var entries: [String: Entry]

    public init(toolVersion: String, createdAt: Date, entries: [String: Entry]) {
        self.toolVersion = toolVersion
        self.createdAt = createdAt
        self.entries = entries
    }

    /// A baseline accepting every one of `findings`.
    public init(findings: [Finding], toolVersion: String, createdAt: Date) {
        var entries: [String: Entry] = [:]
        for finding in findings {
            entries[finding.fingerprint] = Entry(
                ruleId: finding.ruleId, object: finding.object.name, severity: finding.severity)
        }
        self.init(toolVersion: toolVersion, createdAt: createdAt, entries: entries)
    }

    /// The fingerprints of the findings the baseline does not hold.
    public func newFingerprints(in findings: [Finding]) -> Set<String> {
        Set(findings.map(\.fingerprint).filter { entries[$0] == nil })
    }

    // MARK: - File format

    private struct File: Encodable {
        var formatVersion: Int
        var toolVersion: String
        var createdAt: Date
        var entries: [String: Entry]

        private enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case toolVersion = "tool_version"
            case createdAt = "created_at"
            case entries
        }
    }

    /// Pretty-printed JSON with sorted keys, so a baseline kept in git diffs cleanly.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let file = File(
            formatVersion: Self.formatVersion, toolVersion: toolVersion, createdAt: createdAt, entries: entries)
        return try encoder.encode(file) + Data("\n".utf8)
    }

    private enum Key: Sendable {
        case formatVersion, toolVersion, createdAt, entries, ruleId, object, severity
    }

    private static let keys = JSONKeyTable<Key>([
        ("format_version", .formatVersion), ("tool_version", .toolVersion), ("created_at", .createdAt),
        ("entries", .entries), ("rule_id", .ruleId), ("object", .object), ("severity", .severity),
    ])

    private static let fingerprints = JSONKeyTable<Key>([])

    /// Reads a baseline file. Anything but a version-1 baseline is an `InputError` naming the line and
    /// column; members this version does not know are skipped, so a later version's additions read.
    public static func read(_ bytes: [UInt8], file: String) throws(InputError) -> Baseline {
        let input = PlanInput(bytes: bytes, name: file)
        do {
            // The whole document first, for syntax and anything after it; then the shape, with positions.
            _ = try JSONReader.parse(bytes)
            return try JSONReader.read(bytes) { (reader) throws(JSONReader.SyntaxError) -> Baseline in
                try readDocument(&reader)
            }
        } catch {
            throw input.error(at: error.offset, format: nil, "not a dbadvisor baseline: expected \(error.expected)")
        }
    }

    private static func readDocument(_ reader: inout JSONReader) throws(JSONReader.SyntaxError) -> Baseline {
        _ = try reader.peekKind()
        let start = reader.offset
        try reader.beginObject()
        var version: Int?
        var toolVersion = ""
        var createdAt: Date?
        var entries: [String: Entry]?
        while let member = try reader.nextMember(in: keys) {
            _ = try reader.peekKind()
            let at = reader.offset
            switch member {
            case .known(.formatVersion):
                let number = try reader.readNumber()
                guard number == Double(formatVersion) else {
                    throw JSONReader.SyntaxError(
                        offset: at, expected: "format_version \(formatVersion) (this dbadvisor reads no other)")
                }
                version = formatVersion
            case .known(.toolVersion):
                toolVersion = try reader.readString()
            case .known(.createdAt):
                guard let date = try? Date(try reader.readString(), strategy: .iso8601) else {
                    throw JSONReader.SyntaxError(offset: at, expected: "an ISO 8601 time for created_at")
                }
                createdAt = date
            case .known(.entries):
                entries = try readEntries(&reader)
            case .known, .other:
                try reader.skipValue()
            }
        }
        guard version != nil, let entries else {
            throw JSONReader.SyntaxError(offset: start, expected: "an object with format_version and entries")
        }
        return Baseline(
            toolVersion: toolVersion, createdAt: createdAt ?? Date(timeIntervalSince1970: 0), entries: entries)
    }

    private static func readEntries(_ reader: inout JSONReader) throws(JSONReader.SyntaxError) -> [String: Entry] {
        var entries: [String: Entry] = [:]
        try reader.beginObject()
        // Every name in `entries` is a fingerprint: read them through a table that knows none.
        while case .other(let fingerprint) = try reader.nextMember(in: fingerprints) {
            _ = try reader.peekKind()
            let start = reader.offset
            try reader.beginObject()
            var ruleId: String?
            var object = ""
            var severity: Severity?
            while let field = try reader.nextMember(in: keys) {
                _ = try reader.peekKind()
                let at = reader.offset
                switch field {
                case .known(.ruleId):
                    ruleId = try reader.readString()
                case .known(.object):
                    object = try reader.readString()
                case .known(.severity):
                    let text = try reader.readString()
                    guard let known = Severity(rawValue: text) else {
                        let names = Severity.allCases.map(\.rawValue).joined(separator: ", ")
                        throw JSONReader.SyntaxError(offset: at, expected: "a severity (\(names))")
                    }
                    severity = known
                case .known, .other:
                    try reader.skipValue()
                }
            }
            guard let ruleId, let severity else {
                throw JSONReader.SyntaxError(offset: start, expected: "an entry with rule_id and severity")
            }
            entries[fingerprint] = Entry(ruleId: ruleId, object: object, severity: severity)
        }
        return entries
    }
}
