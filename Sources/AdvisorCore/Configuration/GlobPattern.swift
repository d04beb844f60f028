/// A shell-style name pattern: `*` matches any run of characters (dots included), `?` any one
/// character, everything else itself. `schema_migrations`, `public.tmp_*`, `*_old`.
public struct GlobPattern: Equatable, Sendable, CustomStringConvertible {
    /// The pattern as written.
    public var description: String
    private let characters: [Character]
    private let caseSensitive: Bool

    /// `caseSensitive: false` for SQL text, where `select` and `SELECT` are the same statement.
    public init(_ pattern: String, caseSensitive: Bool = true) {
        description = pattern
        self.caseSensitive = caseSensitive
        characters = Array(caseSensitive ? pattern : pattern.lowercased())
    }

    /// True when the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        let subject = Array(caseSensitive ? text : text.lowercased())
        // Iterative matching with one backtrack point, the last `*`: linear for the patterns people write.
        var patternIndex = 0
        var textIndex = 0
        var starIndex: Int?
        var starTextIndex = 0
        while textIndex < subject.count {
            if patternIndex < characters.count,
                characters[patternIndex] == "?" || characters[patternIndex] == subject[textIndex]
            {
                patternIndex += 1
                textIndex += 1
            } else if patternIndex < characters.count, characters[patternIndex] == "*" {
                starIndex = patternIndex
                starTextIndex = textIndex
                patternIndex += 1
            } else if let star = starIndex {
                patternIndex = star + 1
                starTextIndex += 1
                textIndex = starTextIndex
            } else {
                return false
            }
        }
        while patternIndex < characters.count, characters[patternIndex] == "*" { patternIndex += 1 }
        return patternIndex == characters.count
    }
}
