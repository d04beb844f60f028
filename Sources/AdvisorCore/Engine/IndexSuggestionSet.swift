/// One index set per table across the rules that suggest indexes (plan rules, `table-seq-scan-heavy`,
/// `foreign-key-missing-index`, the MySQL rules): an index whose key leads another suggestion's key on the
/// same table is served by that one, so its finding points at it instead of asking for a second index, and
/// the finding whose index is kept lists every finding it serves. Running every fix then creates each index
/// once, and never two where one does.
///
/// Works on the fix SQL the rules write (`PlanFixSQL`, `IndexFixSQL`): `CREATE INDEX [CONCURRENTLY] name ON
/// [schema.]table (keys);` and `ALTER TABLE [db.]table ADD INDEX name (keys)[, …];`. A table named without
/// its schema (a plan without VERBOSE) is the same table as one named with it when no other schema has it.
/// An index the database already has that leads with the suggested key serves it too: nothing is asked for
/// then, and the finding says the planner is not using that index.
public enum IndexSuggestionSet {
    private struct Suggestion {
        var finding: Int
        var schema: String?
        var table: String
        var keys: [String]
        /// The CREATE INDEX as the rule wrote it (before any renaming): what HypoPG checked.
        var sql: String
    }

    /// For each suggested CREATE INDEX that another one of `suggestions` serves, the one that serves it: what
    /// the HypoPG check of `scan --explain-top` plans the covered statement with too.
    public static func covering(_ suggestions: [String]) -> [String: String] {
        let parsed = suggestions.enumerated().compactMap { offset, sql in
            parse(sql).map { Suggestion(finding: offset, schema: $0.schema, table: $0.table, keys: $0.keys, sql: sql) }
        }
        var owners: [String: String] = [:]
        for (owner, covered) in servedGroups(parsed) {
            for index in covered where parsed[index].sql != parsed[owner].sql {
                owners[parsed[index].sql] = parsed[owner].sql
            }
        }
        return owners
    }

    /// Positions in `suggestions` of each kept suggestion and the ones it serves: longest keys first, earlier
    /// ones first among equals, each served by the first kept one whose key it leads.
    private static func servedGroups(_ suggestions: [Suggestion]) -> [Int: [Int]] {
        let ordered = suggestions.indices.sorted {
            let (a, b) = (suggestions[$0], suggestions[$1])
            return a.keys.count != b.keys.count ? a.keys.count > b.keys.count : a.finding < b.finding
        }
        var kept: [Int] = []
        var served: [Int: [Int]] = [:]
        for position in ordered {
            guard let owner = kept.first(where: { serves(suggestions[$0], suggestions[position], among: suggestions) })
            else {
                kept.append(position)
                continue
            }
            served[owner, default: []].append(position)
        }
        return served
    }

    /// `findings` in their order, with covered suggestions pointing at the index that serves them: one of the
    /// database's own `existing` indexes (then no index is asked for), or another suggestion's. A suggested
    /// name an existing index already has gets a number, as PostgreSQL names a second index.
    /// `plans`: the snapshot's, whose HypoPG checks may say a wider index would not serve a covered statement
    /// (then it keeps its own suggestion).
    static func merged(_ findings: [Finding], existing: [IndexStats] = [], plans: [CapturedPlan] = []) -> [Finding] {
        var result = findings
        var suggestions: [Suggestion] = []
        for index in findings.indices {
            guard let sql = findings[index].fixSQL, let parsed = parse(sql) else { continue }
            let suggestion = Suggestion(
                finding: index, schema: parsed.schema, table: parsed.table, keys: parsed.keys, sql: sql)
            if let covering = existingIndex(serving: suggestion, in: existing) {
                result[index].fixSQL = nil
                result[index].recommendation +=
                    " The existing index \(covering.name) on (\(covering.columns.joined(separator: ", "))) already leads "
                    + "with these columns, yet the plan does not use it: refresh the table's statistics (ANALYZE) and "
                    + "check the plan again before adding another index."
                continue
            }
            result[index].fixSQL = renamed(sql, name: parsed.name, schema: parsed.schema, avoiding: existing)
            suggestions.append(suggestion)
        }
        guard suggestions.count > 1 else { return result }
        let checked = result
        for (ownerPosition, coveredPositions) in servedGroups(suggestions) {
            let owner = suggestions[ownerPosition].finding
            let ownerFinding = checked[owner]
            guard let sql = ownerFinding.fixSQL else { continue }
            // The planner, asked with the wider index present, would not use it for this statement.
            let covered = coveredPositions.map { suggestions[$0].finding }.filter { index in
                guard let number = checked[index].object.plan, plans.indices.contains(number - 1) else { return true }
                let check = plans[number - 1].indexValidations?.first { $0.createSQL == suggestions[ownerPosition].sql }
                return check?.isUsed != false
            }
            guard !covered.isEmpty else { continue }
            for index in covered {
                result[index].fixSQL = nil
                result[index].recommendation +=
                    " One index serves this and \(ownerFinding.object.name) (\(ownerFinding.ruleId)): \(sql)"
            }
            let names = covered.sorted().map { "\(checked[$0].object.name) (\(checked[$0].ruleId))" }
            result[owner].recommendation += " The same index serves \(names.joined(separator: "; ")) too."
        }
        return result
    }

    /// A valid plain B-tree of the database on the suggestion's table whose key starts with the suggestion's key.
    private static func existingIndex(serving suggestion: Suggestion, in existing: [IndexStats]) -> IndexStats? {
        let onTable = existing.filter { $0.table.lowercased() == suggestion.table }
        let schemas = Set(onTable.map(\.schema))
        return onTable.first { index in
            guard index.isValid, index.predicate == nil, ["btree", "BTREE"].contains(index.method),
                suggestion.schema.map({ $0 == index.schema.lowercased() || $0 == index.schema }) ?? (schemas.count == 1)
            else { return false }
            let columns = index.columns.map { $0.lowercased() }
            return columns.count >= suggestion.keys.count
                && Array(columns.prefix(suggestion.keys.count)) == suggestion.keys.map { $0.lowercased() }
        }
    }

    /// `sql` with its index name numbered past the names the table's schema already has.
    private static func renamed(_ sql: String, name: String, schema: String?, avoiding existing: [IndexStats]) -> String
    {
        let taken = Set(existing.filter { schema == nil || $0.schema == schema }.map(\.name))
        guard taken.contains(name), let range = sql.range(of: " \(name) ") else { return sql }
        var number = 1
        while taken.contains("\(name)\(number)") { number += 1 }
        return sql.replacingCharacters(in: range, with: " \(name)\(number) ")
    }

    /// True when `owner`'s index serves `other`: the same table, and `other`'s key leads `owner`'s.
    private static func serves(_ owner: Suggestion, _ other: Suggestion, among all: [Suggestion]) -> Bool {
        guard owner.table == other.table, other.keys.count <= owner.keys.count,
            Array(owner.keys.prefix(other.keys.count)) == other.keys
        else { return false }
        if owner.schema == other.schema { return true }
        // One side has no schema: the same table only when no two schemas hold a table of that name.
        guard owner.schema == nil || other.schema == nil else { return false }
        let schemas = Set(all.filter { $0.table == owner.table }.compactMap(\.schema))
        return schemas.count <= 1
    }

    /// The table and key of an index suggestion; nil for any other statement.
    static func parse(_ sql: String) -> (schema: String?, table: String, keys: [String], name: String)? {
        var rest = Substring(sql.trimmingCharacters(in: .whitespacesAndNewlines))
        func take(_ word: String) -> Bool {
            guard rest.lowercased().hasPrefix(word.lowercased() + " ") else { return false }
            rest = rest.dropFirst(word.count).drop(while: \.isWhitespace)
            return true
        }
        let target: Substring
        let name: Substring
        if take("CREATE"), take("INDEX") {
            _ = take("CONCURRENTLY")
            guard let on = rest.range(of: " ON ") else { return nil }
            name = rest[..<on.lowerBound]
            rest = rest[on.upperBound...].drop(while: \.isWhitespace)
            _ = take("ONLY")
            guard let open = rest.firstIndex(of: "(") else { return nil }
            target = rest[..<open]
            rest = rest[open...]
        } else if take("ALTER"), take("TABLE") {
            guard let add = rest.range(of: " ADD INDEX ") else { return nil }
            target = rest[..<add.lowerBound]
            rest = rest[add.upperBound...]
            guard let open = rest.firstIndex(of: "(") else { return nil }
            name = rest[..<open]
            rest = rest[open...]
        } else {
            return nil
        }
        let names = identifiers(target.trimmingCharacters(in: .whitespaces))
        guard let table = names.last, names.count <= 2, let keys = IndexDefinition.keyParts(of: String(rest)),
            !keys.isEmpty
        else { return nil }
        let indexName = identifiers(name.trimmingCharacters(in: .whitespaces)).last ?? ""
        return (names.count == 2 ? names[0] : nil, table, keys, indexName)
    }

    /// `schema.table` with either engine's quoting, unquoted; unquoted names in lower case.
    private static func identifiers(_ text: String) -> [String] {
        var names: [String] = []
        var current = ""
        var quote: Character?
        var quoted = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "`" {
                quote = character
                quoted = true
            } else if character == "." {
                names.append(quoted ? current : current.lowercased())
                (current, quoted) = ("", false)
            } else {
                current.append(character)
            }
        }
        names.append(quoted ? current : current.lowercased())
        return names
    }
}
