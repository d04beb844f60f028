import Foundation

/// Reads PostgreSQL's text-format EXPLAIN as people paste it: bare, inside psql's frames (ASCII or
/// Unicode borders, `QUERY PLAN` header, `(N rows)` footer, ` +` marks), after psql prompts and the
/// statement, with every line quoted, wrapped by a terminal or mail client, indented with tabs, from
/// auto_explain, or several plans in one file.
///
/// Nodes get the values PostgreSQL's JSON format has for them (node type "Hash Join" with join type
/// "Left" for "Hash Left Join", "ModifyTable" with an Operation property for "Insert on t"…), so rules
/// see the same plan whichever format was pasted.
public enum PostgresTextPlanParser: PlanParser {
    /// `.postgresText`.
    public static var format: PlanFormat { .postgresText }

    /// Every plan in the input, in order, with `sourceLine` where each starts. Throws `InputError` for
    /// empty or binary input, input without a node line, a node indented under no other, and broken
    /// numbers in a node's parentheses, with the original line and column.
    public static func parse(_ input: PlanInput) throws -> [Plan] {
        let bytes = input.bytes
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw InputError(file: input.name, format: format, reason: "the input is empty: expected EXPLAIN output")
        }
        if let zero = firstNUL(in: bytes) {
            throw input.error(
                at: zero, format: format, "this looks like a binary file (NUL byte): expected EXPLAIN output as text")
        }
        let lines = PostgresTextLineCleaner.lines(of: bytes)
        let plans = try PostgresTextPlanBuilder.plans(from: lines, file: input.name)
        guard !plans.isEmpty else {
            throw InputError(
                file: input.name, format: format,
                reason: "no plan node found: expected EXPLAIN output with node lines such as "
                    + "'Seq Scan on t  (cost=0.00..35.50 rows=2550 width=4)'")
        }
        return plans
    }

    /// Where the first NUL byte is; `memchr` looks at the whole input faster than a loop in Swift.
    private static func firstNUL(in bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress, let found = memchr(base, 0, buffer.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }
}
