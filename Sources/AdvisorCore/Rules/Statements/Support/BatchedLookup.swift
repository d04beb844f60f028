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
            guard inWhere, name.lowercased() == key.lowercased() else { continue }
            var columnStart = index
            if index >= 2, tokens[index - 1] == .dot {
                guard case .identifier(let qualifier, _) = tokens[index - 2], owners.contains(qualifier.lowercased())
                else { continue }
                columnStart = index - 2
            }
            if let reversed = Self.reversed(source, column: columnStart..<(index + 1), engine: engine) {
                column = name
                sql = reversed
                return
            }
            guard index + 2 < tokens.count, tokens[index + 1] == .symbol("="), tokens[index + 2] == .parameter
            else { continue }
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

    /// `$1 = books.author_id` (SQLAlchemy's lazy loader), `$1::integer = id`: the parameter on the left of the
    /// column at `column`, rewritten to `books.author_id = ANY($1::integer[])`; nil when no parameter is there.
    private static func reversed(_ source: ConditionSource, column: Range<Int>, engine: Engine) -> String? {
        let tokens = source.tokens
        guard column.lowerBound >= 2, tokens[column.lowerBound - 1] == .symbol("=") else { return nil }
        // Back over a cast to the parameter: `$1`, `$1::integer`, `$1::character varying`.
        var start = column.lowerBound - 2
        while start > 0, tokens[start] != .parameter {
            guard case .identifier = tokens[start] else { break }
            start -= 1
            if start >= 0, tokens[start] == .symbol("::") { start -= 1 }
        }
        guard start >= 0, tokens[start] == .parameter else { return nil }
        let parameter = source.text(of: start..<(start + 1))
        let cast = start + 2 < column.lowerBound - 1 ? source.text(of: (start + 2)..<(column.lowerBound - 1)) : ""
        let name = source.text(of: column)
        let batched =
            engine == .postgres
            ? "\(name) = ANY(\(parameter)\(cast.isEmpty ? "" : "::" + cast + "[]"))" : "\(name) IN (...)"
        let characters = source.characters
        return String(characters[..<source.ranges[start].lowerBound]) + batched
            + String(characters[source.ranges[column.upperBound - 1].upperBound...])
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
