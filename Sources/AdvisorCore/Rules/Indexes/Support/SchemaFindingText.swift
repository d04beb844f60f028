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

    /// "23 days since statistics were reset on 2024-05-01" / "… since the server started on …" / "at least 3.0
    /// days (not reset since the server started on …)"; nil when nothing bounds the window.
    static func window(_ catalog: IndexCatalog) -> String? {
        let window = catalog.usageWindow
        guard let seconds = window.minimumSeconds else { return nil }
        let span = Formatting.duration(seconds: seconds)
        guard let start = window.start else { return span }
        switch window.basis {
        case .reset: return "\(span) since statistics were reset on \(day(start))"
        case .serverStart: return "\(span) since the server started on \(day(start))"
        case .notResetSinceServerStart, .unknown:
            return "at least \(span) (statistics never reset, kept across the server's restart on \(day(start)))"
        }
    }
}
