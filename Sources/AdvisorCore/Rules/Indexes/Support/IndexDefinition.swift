/// Reads the key list of an index definition: `CREATE INDEX name ON public.t USING btree (a, lower(b)
/// text_pattern_ops DESC) INCLUDE (c)` gives `["a", "lower(b) text_pattern_ops DESC"]`. MySQL-style
/// definitions (`ALTER TABLE t ADD INDEX n (a(10), b)`) are read the same way.
enum IndexDefinition {
    /// The key parts as written, trimmed; nil when the text has no readable key list.
    static func keyParts(of definition: String) -> [String]? {
        let characters = Array(definition)
        let start = keyListStart(characters)
        guard let open = firstTopLevel("(", in: characters, from: start) else { return nil }
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for character in characters[(open + 1)...] {
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'", "`":
                quote = character
                current.append(character)
            case "(":
                depth += 1
                current.append(character)
            case ")" where depth == 0:
                parts.append(current.trimmingSpaces)
                return parts.contains(where: \.isEmpty) ? nil : parts
            case ")":
                depth -= 1
                current.append(character)
            case "," where depth == 0:
                parts.append(current.trimmingSpaces)
                current = ""
            default:
                current.append(character)
            }
        }
        return nil
    }

    /// `CREATE INDEX CONCURRENTLY …` from a PostgreSQL definition (`pg_get_indexdef`); nil when it
    /// does not start as one.
    static func concurrently(_ definition: String) -> String? {
        for prefix in ["CREATE INDEX ", "CREATE UNIQUE INDEX "] where definition.hasPrefix(prefix) {
            return prefix + "CONCURRENTLY " + definition.dropFirst(prefix.count)
        }
        return nil
    }

    /// Where the key list is searched from: after ` ON ` (the table name may hold parentheses only
    /// when quoted), or the start.
    private static func keyListStart(_ characters: [Character]) -> Int {
        var quote: Character?
        var index = 0
        while index + 3 < characters.count {
            let character = characters[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "`" {
                quote = character
            } else if character == " ", characters[index + 1].lowercased() == "o",
                characters[index + 2].lowercased() == "n", characters[index + 3] == " "
            {
                return index + 4
            }
            index += 1
        }
        return 0
    }

    private static func firstTopLevel(_ target: Character, in characters: [Character], from start: Int) -> Int? {
        var quote: Character?
        for index in start..<characters.count {
            let character = characters[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "`" || character == "'" {
                quote = character
            } else if character == target {
                return index
            }
        }
        return nil
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
