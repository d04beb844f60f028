/// Objects a team has decided not to hear about (`ignore:` in dbadvisor.yml): migration tables,
/// scratch schemas, statements of a monitoring agent, objects too small to matter.
///
/// Applied to a run's findings before they are reported, ranked or counted for `--fail-on`.
public struct IgnoreRules: Equatable, Sendable {
    /// Table names: a pattern with a dot matches `schema.table`, one without matches the bare name.
    /// A table's indexes and foreign keys are ignored with it.
    public var tables: [GlobPattern]
    /// Index names, matched like tables (`public.*_old`, `tmp_*`).
    public var indexes: [GlobPattern]
    /// Statement texts on one line (whitespace runs as one space), matched without regard to case.
    public var statements: [GlobPattern]
    /// Schemas whose tables, indexes and foreign keys are ignored.
    public var schemas: [GlobPattern]
    /// Tables and indexes smaller than this are ignored, with the foreign keys of such tables.
    /// Objects of unknown size are kept.
    public var minSizeBytes: Int?

    public init(
        tables: [GlobPattern] = [], indexes: [GlobPattern] = [], statements: [GlobPattern] = [],
        schemas: [GlobPattern] = [], minSizeBytes: Int? = nil
    ) {
        self.tables = tables
        self.indexes = indexes
        self.statements = statements
        self.schemas = schemas
        self.minSizeBytes = minSizeBytes
    }

    /// True when nothing is ignored.
    public var isEmpty: Bool {
        tables.isEmpty && indexes.isEmpty && statements.isEmpty && schemas.isEmpty && minSizeBytes == nil
    }

    /// The findings not about an ignored object, in their order. The snapshot supplies what a
    /// finding's key leaves out: an index's table, a table's size, a statement's full text.
    public func apply(to findings: [Finding], in snapshot: Snapshot) -> [Finding] {
        guard !isEmpty else { return findings }
        let catalog = ObjectCatalog(snapshot)
        return findings.filter { !ignores($0.object, catalog: catalog) }
    }

    private func ignores(_ object: FindingObject, catalog: ObjectCatalog) -> Bool {
        switch object.kind {
        case .table:
            guard let table = catalog.tables[object.key] else { return false }
            return ignoresTable(table)
        case .index:
            guard let index = catalog.indexes[object.key] else { return false }
            if Self.matches(indexes, schema: index.schema, name: index.name) { return true }
            if let minSizeBytes, let size = index.sizeBytes, size < minSizeBytes { return true }
            return ignoresTable(schema: index.schema, name: index.table, in: catalog)
        case .foreignKey:
            guard let key = catalog.foreignKeys[object.key] else { return false }
            return ignoresTable(schema: key.schema, name: key.table, in: catalog)
        case .statement:
            guard !statements.isEmpty else { return false }
            let text = catalog.statementTexts[object.key] ?? object.name
            return statements.contains { $0.matches(text) }
        case .planNode, .plan, .connections, .server, .setting:
            return false
        }
    }

    private func ignoresTable(schema: String, name: String, in catalog: ObjectCatalog) -> Bool {
        if let table = catalog.tables["\(schema).\(name)"] { return ignoresTable(table) }
        return schemas.contains { $0.matches(schema) } || Self.matches(tables, schema: schema, name: name)
    }

    private func ignoresTable(_ table: TableStats) -> Bool {
        if schemas.contains(where: { $0.matches(table.schema) }) { return true }
        if Self.matches(tables, schema: table.schema, name: table.name) { return true }
        if let minSizeBytes, let size = table.totalBytes, size < minSizeBytes { return true }
        return false
    }

    private static func matches(_ patterns: [GlobPattern], schema: String, name: String) -> Bool {
        patterns.contains { pattern in
            pattern.description.contains(".") ? pattern.matches("\(schema).\(name)") : pattern.matches(name)
        }
    }
}

/// The snapshot's objects by the keys findings use for them.
private struct ObjectCatalog {
    var tables: [String: TableStats] = [:]
    var indexes: [String: IndexStats] = [:]
    var foreignKeys: [String: ForeignKey] = [:]
    var statementTexts: [String: String] = [:]

    init(_ snapshot: Snapshot) {
        for table in snapshot.tables { tables[table.qualifiedName] = table }
        for index in snapshot.indexes { indexes[index.findingKey] = index }
        for key in snapshot.foreignKeys { foreignKeys["\(key.qualifiedTable).\(key.name)"] = key }
        for statement in snapshot.statements {
            statementTexts[statement.findingKey] = statement.text.split(whereSeparator: \.isWhitespace).joined(
                separator: " ")
        }
    }
}
