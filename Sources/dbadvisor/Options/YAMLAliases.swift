/// Finds YAML anchors (`&name`) and aliases (`*name`) in a configuration before it is parsed: a few hundred bytes
/// of nested aliases expand to gigabytes (an "alias bomb"), and a configuration has no use for them.
enum YAMLAliases {
    /// The 1-based line of the first anchor or alias outside quotes and comments, nil when there is none. Either
    /// can only start a node: at the start of a line, or after `: `, `- `, `? `, `[`, `{` or `,`.
    static func firstLine(in text: String) -> Int? {
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var quote: Character?
            var previous: Character = " "
            // The last character before the spaces in front of this one; "" at the start of the line.
            var beforeSpaces: Character?
            for character in line {
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "'" || character == "\"" {
                    quote = character
                } else if character == "#", previous == " " || previous == "\t" {
                    break
                } else if character == "&" || character == "*", startsNode(after: previous, beforeSpaces) {
                    return offset + 1
                }
                if character != " " && character != "\t" { beforeSpaces = character }
                previous = character
            }
        }
        return nil
    }

    private static func startsNode(after previous: Character, _ beforeSpaces: Character?) -> Bool {
        guard previous == " " || previous == "\t" else { return "[{,".contains(previous) }
        return beforeSpaces.map { ":-?[{,".contains($0) } ?? true
    }
}
