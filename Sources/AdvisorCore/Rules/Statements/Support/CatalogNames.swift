/// Table names in SQL dbadvisor prints, spelled as the catalog spells them.
///
/// MariaDB's digest text upper-cases identifiers it takes for keywords (`… FROM AUTHORS WHERE …`), and a rewrite
/// built from it fails where table names are case-sensitive (Linux, `lower_case_table_names = 0`): `Table
/// 'shop.AUTHORS' doesn't exist`. Every unquoted identifier that names a catalog table in another case is
/// respelled; column names are case-insensitive on every engine and stay as they are.
enum CatalogNames {
    static func spelled(_ sql: String, in snapshot: Snapshot) -> String {
        guard snapshot.server.engine != .postgres, !snapshot.tables.isEmpty else { return sql }
        // A name two tables share in different cases cannot be told apart: left alone.
        var spellings: [String: String?] = [:]
        for table in snapshot.tables {
            let key = table.name.lowercased()
            if let known = spellings[key], known != table.name {
                spellings[key] = .some(nil)
            } else {
                spellings[key] = table.name
            }
        }
        let source = ConditionSource(sql, engine: snapshot.server.engine)
        var characters = source.characters
        for index in source.tokens.indices.reversed() {
            guard case .identifier(let name, false) = source.tokens[index],
                let spelling = spellings[name.lowercased()] ?? nil, spelling != name
            else { continue }
            characters.replaceSubrange(source.ranges[index], with: Array("`\(spelling)`"))
        }
        return String(characters)
    }
}
