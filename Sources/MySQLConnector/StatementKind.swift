/// What a MySQL statement text is, from its first keyword and a scan outside quotes: enough to decide
/// whether `MySQLExplainer` can EXPLAIN it.
struct StatementKind: Equatable {
    /// The first keyword, lowercased, after white space, comments and opening parentheses.
    let keyword: String
    /// A `?` outside quotes, back-ticks and comments.
    let hasPlaceholders: Bool
    /// After its first FROM, the text names performance_schema, information_schema, mysql or sys: a
    /// monitoring query (dbadvisor's own among them), not the application's.
    let readsSystemSchemas: Bool

    init(_ text: String) {
        var scanner = Substring(text)
        while true {
            scanner = scanner.drop { $0.isWhitespace || $0 == "(" }
            if scanner.hasPrefix("/*"), let end = scanner.range(of: "*/") {
                scanner = scanner[end.upperBound...]
            } else if scanner.hasPrefix("#") || scanner.hasPrefix("-- ") {
                scanner = scanner.drop { $0 != "\n" }
            } else {
                break
            }
        }
        keyword = String(scanner.prefix { $0.isLetter }).lowercased()
        hasPlaceholders = Self.hasPlaceholder(text)
        let lowered = text.lowercased()
        let systemNames = ["performance_schema", "information_schema", "mysql.", "`mysql`", "sys.", "`sys`"]
        let from = lowered.range(of: "from").map { lowered[$0.upperBound...] } ?? ""
        readsSystemSchemas = systemNames.contains { from.contains($0) }
    }

    var isSelect: Bool { ["select", "with", "table"].contains(keyword) }

    var isExplainable: Bool { isSelect || ["insert", "update", "delete", "replace"].contains(keyword) }

    private static func hasPlaceholder(_ text: String) -> Bool {
        var quote: Character?
        var previous: Character = " "
        for character in text {
            if let open = quote {
                if character == open, previous != "\\" { quote = nil }
            } else if ["'", "\"", "`"].contains(character) {
                quote = character
            } else if character == "?" {
                return true
            }
            previous = character
        }
        return false
    }
}
