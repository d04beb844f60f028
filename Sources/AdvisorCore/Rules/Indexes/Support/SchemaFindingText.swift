import Foundation

/// Names and phrases the index and table rules share, so every finding names objects the same way.
enum SchemaFindingText {
    /// "index customers_created_at_idx on public.customers".
    static func object(_ index: IndexStats) -> FindingObject {
        FindingObject(kind: .index, name: "index \(index.name) on \(index.qualifiedTable)", key: index.findingKey)
    }

    /// "table public.orders".
    static func object(_ table: TableStats) -> FindingObject {
        FindingObject(kind: .table, name: "table \(table.qualifiedName)", key: table.qualifiedName)
    }

    /// "foreign key customers_country_fkey on public.customers".
    static func object(_ key: ForeignKey) -> FindingObject {
        FindingObject(
            kind: .foreignKey, name: "foreign key \(key.name) on \(key.qualifiedTable)",
            key: "\(key.qualifiedTable).\(key.name)")
    }

    /// "12.0 MB" from bytes.
    static func bytes(_ value: Int) -> String { Formatting.kilobytes(Double(value) / 1024) }

    /// "2024-05-01" (UTC).
    static func day(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day())
    }

    /// "23 days since statistics were reset on 2024-05-01" / "… since the server started on …".
    static func window(_ catalog: IndexCatalog) -> String? {
        guard let seconds = catalog.usageWindowSeconds else { return nil }
        let span = Formatting.duration(seconds: seconds)
        guard let start = catalog.usageWindowStart else { return span }
        let event = catalog.usageWindowStartIsReset ? "statistics were reset" : "the server started"
        return "\(span) since \(event) on \(day(start))"
    }
}
