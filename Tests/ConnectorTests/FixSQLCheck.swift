import Foundation
import MySQLConnector
import PostgresConnector
import Testing

/// Issue 12, "Every fix the report prints must run": the server accepts every `fix_sql` of a report without
/// anything changing. PostgreSQL: a SELECT is planned (`EXPLAIN`; with `$n`, `EXPLAIN (GENERIC_PLAN)` on 16+ and
/// `PREPARE` on 15), anything else runs inside a transaction that is rolled back, without `CONCURRENTLY` (which a
/// transaction refuses). MariaDB: a SELECT is explained with literals for its placeholders (`?` → 1, the
/// digest's `(...)` → (1, 2)); DDL runs against an empty copy of its table (`CREATE TABLE … LIKE`), since MariaDB
/// commits DDL at once.
enum FixSQLCheck {
    /// The fixes of a report as (rule, SQL).
    static func fixes(_ report: WorkloadReport) -> [(rule: String, sql: String)] {
        report.findings.compactMap { finding in finding.fixSQL.map { (finding.rule, $0) } }
    }

    /// The fixes of a report's findings read as JSON dictionaries.
    static func fixes(_ findings: [[String: Any]]) -> [(rule: String, sql: String)] {
        findings.compactMap { finding in
            (finding["fix_sql"] as? String).map { (finding["rule_id"] as? String ?? "", $0) }
        }
    }

    static func expectAcceptedByPostgres(
        _ fixes: [(rule: String, sql: String)], url: String, major: Int, _ form: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let session = try LibPQSession.open(url)
        var failures: [String] = []
        for fix in fixes {
            do {
                _ = try session.simpleRows("BEGIN TRANSACTION READ WRITE")
                defer { _ = try? session.simpleRows("ROLLBACK") }
                for statement in statements(of: fix.sql) {
                    _ = try session.simpleRows(postgresCheck(statement, major: major))
                    if statement.lowercased().hasPrefix("select"), statement.contains("$1"), major < 16 {
                        _ = try session.simpleRows("DEALLOCATE dbadvisor_fix_check")
                    }
                }
            } catch {
                failures.append("\(fix.rule): \(fix.sql)\n    → \(error)")
            }
        }
        #expect(
            failures.isEmpty, "\(form): fix_sql the server rejects:\n\(failures.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    }

    static func expectAcceptedByMariaDB(
        _ fixes: [(rule: String, sql: String)], url: String, _ form: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let session = try MySQLSession.open(url)
        _ = try session.rows("SET SESSION TRANSACTION READ WRITE")
        var failures: [String] = []
        for fix in fixes {
            for statement in statements(of: fix.sql) {
                do {
                    try mariadbCheck(statement, session: session)
                } catch {
                    failures.append("\(fix.rule): \(statement)\n    → \(error)")
                }
            }
        }
        #expect(
            failures.isEmpty, "\(form): fix_sql the server rejects:\n\(failures.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    }

    /// The statement that proves `statement` is accepted on PostgreSQL, changing nothing once rolled back.
    private static func postgresCheck(_ statement: String, major: Int) -> String {
        let lowered = statement.lowercased()
        guard lowered.hasPrefix("select") || lowered.hasPrefix("with") else {
            return statement.replacingOccurrences(
                of: #"(?i)\s+CONCURRENTLY\b"#, with: "", options: .regularExpression)
        }
        guard statement.contains("$1") else { return "EXPLAIN " + statement }
        return major >= 16
            ? "EXPLAIN (GENERIC_PLAN) " + statement : "PREPARE dbadvisor_fix_check AS " + statement
    }

    private static func mariadbCheck(_ statement: String, session: MySQLSession) throws {
        let lowered = statement.lowercased()
        if lowered.hasPrefix("select") || lowered.hasPrefix("with") {
            let literal = statement.replacingOccurrences(of: "(...)", with: "(1, 2)")
                .replacingOccurrences(of: "?", with: "1")
            _ = try session.rows("EXPLAIN " + literal)
            return
        }
        // DDL names its table after ON or TABLE: run it against an empty copy of that table.
        let name = #"`?[A-Za-z0-9_$]+`?"#
        let pattern = try NSRegularExpression(pattern: #"(?i)\b(?:ON|TABLE)\s+("# + name + #"(?:\."# + name + ")?)")
        let range = NSRange(statement.startIndex..., in: statement)
        guard let match = pattern.firstMatch(in: statement, range: range),
            let tableRange = Range(match.range(at: 1), in: statement)
        else {
            _ = try session.rows(statement)
            return
        }
        let table = String(statement[tableRange])
        let scratch = "`dbadvisor_fix_check`"
        _ = try session.rows("DROP TABLE IF EXISTS \(scratch)")
        _ = try session.rows("CREATE TABLE \(scratch) LIKE \(table)")
        defer { _ = try? session.rows("DROP TABLE IF EXISTS \(scratch)") }
        _ = try session.rows(statement.replacingCharacters(in: tableRange, with: scratch))
    }

    /// The statements of a fix: split on semicolons outside quotes, `--` comments dropped.
    static func statements(of sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var quote: Character?
        var characters = sql.makeIterator()
        var pending: Character?
        while let character = pending ?? characters.next() {
            pending = nil
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "'", "\"", "`":
                quote = character
                current.append(character)
            case "-":
                let next = characters.next()
                if next == "-" {
                    while let skipped = characters.next(), skipped != "\n" {}
                    current.append(" ")
                } else {
                    current.append(character)
                    pending = next
                }
            case ";":
                statements.append(current)
                current = ""
            default:
                current.append(character)
            }
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
