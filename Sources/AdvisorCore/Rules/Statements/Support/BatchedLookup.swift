/// The batched form of a key lookup: `WHERE id = $1` rewritten to take every key at once,
/// `WHERE id = ANY($1)` on PostgreSQL (one array parameter) and `WHERE id IN (...)` on MySQL and
/// MariaDB (the list form their digests print).
struct BatchedLookup: Equatable {
    /// The key column whose comparison was rewritten.
    let column: String
    /// The statement with that comparison rewritten; the rest of the text as it was.
    let sql: String

    /// The rewrite of the first `column = <parameter>` of the main WHERE clause on `key` (unqualified
    /// or qualified by `table`'s name or alias); nil when the text has no such comparison.
    init?(_ text: String, table: StatementShape.TableUse, key: String, engine: Engine) {
        let source = ConditionSource(text, engine: engine)
        let tokens = source.tokens
        let owners = Set([table.table, table.alias].compactMap { $0?.lowercased() })
        var depth = 0
        var inWhere = false
        for index in tokens.indices {
            switch tokens[index] {
            case .leftParen: depth += 1
            case .rightParen: depth -= 1
            default: break
            }
            guard depth == 0, case .identifier(let name, let quoted) = tokens[index] else { continue }
            if !quoted, name.lowercased() == "where" {
                inWhere = true
                continue
            }
            guard inWhere, name.lowercased() == key.lowercased(), index + 2 < tokens.count,
                tokens[index + 1] == .symbol("="), tokens[index + 2] == .parameter
            else { continue }
            if index >= 2, tokens[index - 1] == .dot {
                guard case .identifier(let qualifier, _) = tokens[index - 2], owners.contains(qualifier.lowercased())
                else { continue }
            }
            let parameter = source.text(of: (index + 2)..<(index + 3))
            // `= $1::integer` batches as `= ANY($1::integer[])`: the cast moves inside, onto the array.
            let castEnd = engine == .postgres ? Self.castEnd(tokens, after: index + 2) : index + 3
            let cast = castEnd > index + 3 ? source.text(of: (index + 4)..<castEnd) + "[]" : ""
            let batched = engine == .postgres ? "= ANY(\(parameter)\(cast.isEmpty ? "" : "::" + cast))" : "IN (...)"
            let characters = source.characters
            let start = source.ranges[index + 1].lowerBound
            let end = source.ranges[castEnd - 1].upperBound
            column = name
            sql = String(characters[..<start]) + batched + String(characters[end...])
            return
        }
        return nil
    }

    /// The end of a `::type` cast after the token at `index` (`::integer`, `::character varying(20)`), or
    /// `index + 1` when none follows.
    private static func castEnd(_ tokens: [ConditionToken], after index: Int) -> Int {
        guard index + 2 < tokens.count, tokens[index + 1] == .symbol("::"), case .identifier = tokens[index + 2] else {
            return index + 1
        }
        var end = index + 3
        while end < tokens.count, case .identifier(let word, false) = tokens[end],
            !["and", "or", "limit", "order", "group", "for", "offset", "union", "returning"].contains(word.lowercased())
        {
            end += 1
        }
        if end < tokens.count, tokens[end] == .leftParen {
            var depth = 0
            for close in end..<tokens.count {
                if tokens[close] == .leftParen { depth += 1 }
                if tokens[close] == .rightParen { depth -= 1 }
                if depth == 0 {
                    end = close + 1
                    break
                }
            }
        }
        return end
    }

    /// The batched form on the most likely key column of `table` that is compared with a parameter.
    static func best(
        _ text: String, table: StatementShape.TableUse, indexes: [IndexStats], engine: Engine
    ) -> BatchedLookup? {
        for key in keyColumns(of: table, indexes: indexes) {
            if let lookup = BatchedLookup(text, table: table, key: key, engine: engine) { return lookup }
        }
        return nil
    }

    /// The equality columns of `table`, the likeliest per-row key first: the single column of a primary
    /// or unique index, then `id`, then `…_id` columns (last first), then the others (last first).
    static func keyColumns(of table: StatementShape.TableUse, indexes: [IndexStats]) -> [String] {
        let uniqueKeys = Set(
            indexes.filter { index in
                index.table.lowercased() == table.table.lowercased()
                    && (table.schema == nil || index.schema.lowercased() == table.schema?.lowercased())
                    && (index.isUnique || index.isPrimary) && index.columns.count == 1 && index.predicate == nil
            }.map { $0.columns[0].lowercased() })
        func preference(_ column: String) -> Int {
            let name = column.lowercased()
            if uniqueKeys.contains(name) { return 0 }
            if name == "id" { return 1 }
            return name.hasSuffix("_id") ? 2 : 3
        }
        // Reversed first so that, within one preference, the column compared last comes first.
        return table.filter.equalityColumns.reversed().enumerated().sorted { a, b in
            preference(a.element) != preference(b.element)
                ? preference(a.element) < preference(b.element) : a.offset < b.offset
        }.map(\.element)
    }
}
