import Foundation

extension Snapshot {
    /// The snapshot as `--save-snapshot` writes it and `dbadvisor report` reads it: snake_case keys,
    /// ISO 8601 dates, sorted keys so two saves of the same state compare equal.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// A property's key as the file spells it (`formatVersion` → `format_version`), for messages about the file.
    public static func fileKey(_ property: String) -> String {
        property.reduce(into: "") { $0 += $1.isUppercase ? "_" + $1.lowercased() : String($1) }
    }

    /// Reads what `jsonData()` wrote.
    public init(jsonData data: Data) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        // A snapshot saved by an older version may hold secrets in its statement texts.
        self = try decoder.decode(Snapshot.self, from: data).redactingSecrets()
    }
}
