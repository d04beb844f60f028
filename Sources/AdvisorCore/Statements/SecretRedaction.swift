import Foundation

/// Passwords and other secrets in statement texts, replaced by `'***'` before anything is reported or stored.
///
/// With `track_utility` on, `pg_stat_statements` keeps `ALTER ROLE app PASSWORD 'App-S3cret-999'` verbatim, a
/// server log holds what a client sent, and `pg_stat_activity` shows a running `CREATE ROLE`. The server's own log
/// hides such passwords; dbadvisor does too, in every source (scans, logs, saved snapshots) and so in every
/// format and the history store.
public enum SecretRedaction {
    /// What a secret's literal follows: `PASSWORD '…'` (PostgreSQL roles, MySQL `SET PASSWORD … = '…'`),
    /// `IDENTIFIED [WITH plugin] BY '…'` (MySQL and MariaDB users), `PASSWORD('…')`, and the options and
    /// connection strings that carry one (`OPTIONS (password '…')`, `password=…` in a `CONNECTION '…'`).
    private static let patterns: [NSRegularExpression] = [
        #"(?i)(\bpassword\s*(?:=\s*)?(?:\(\s*)?)('(?:[^']|'')*'|"(?:[^"]|"")*")"#,
        #"(?i)(\bidentified\s+(?:with\s+\S+\s+)?(?:by|as)\s+(?:password\s+)?)('(?:[^']|'')*'|"(?:[^"]|"")*")"#,
        // Unquoted, as in a connection string: a placeholder (`$1`, `?`, `:name`) is no secret.
        #"(?i)(\b(?:password|passwd|pwd|secret|sslpassword)\s*=\s*)([^\s'";)$?:][^\s'";)]*)"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    /// `text` with every secret replaced; the text itself when it holds none (checked cheaply first).
    public static func redact(_ text: String) -> String {
        guard mayHoldSecret(text) else { return text }
        var result = text
        for pattern in patterns {
            let range = NSRange(result.startIndex..., in: result)
            result = pattern.stringByReplacingMatches(in: result, range: range, withTemplate: "$1'***'")
        }
        return result
    }

    public static func redact(_ text: String?) -> String? { text.map(redact) }

    /// Whether `text` holds a word a pattern starts with (`pass`, `pwd`, `secret`, `identified`) in any case: one
    /// pass over the bytes (Foundation's case-insensitive search took 0.3 s per 10 MB statement and word).
    static func mayHoldSecret(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for (position, byte) in bytes.enumerated() {
                // ß, ẞ, ſ and the ligatures ﬀ…ﬆ fold to these letters in a case-insensitive match.
                if byte >= 0x80 {
                    if foldsToLatinLetters(bytes, at: position) { return true }
                    continue
                }
                switch byte | 0x20 {
                case UInt8(ascii: "p"):
                    if matches("ass", in: bytes, at: position + 1) || matches("wd", in: bytes, at: position + 1) {
                        return true
                    }
                case UInt8(ascii: "s"):
                    if matches("ecret", in: bytes, at: position + 1) { return true }
                case UInt8(ascii: "i"):
                    if matches("dentified", in: bytes, at: position + 1) { return true }
                default:
                    break
                }
            }
            return false
        }
    }

    /// `word` (lower-case ASCII) at `position`, in any case.
    private static func matches(_ word: StaticString, in bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let letters = word.utf8Start
        for offset in 0..<count where bytes[position + offset] | 0x20 != letters[offset] { return false }
        return true
    }

    private static func foldsToLatinLetters(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        func at(_ offset: Int) -> UInt8 { position + offset < bytes.count ? bytes[position + offset] : 0 }
        switch bytes[position] {
        case 0xC3: return at(1) == 0x9F  // ß
        case 0xC5: return at(1) == 0xBF  // ſ
        case 0xE1: return at(1) == 0xBA && at(2) == 0x9E  // ẞ
        case 0xEF: return at(1) == 0xAC && (0x80...0x86).contains(at(2))  // U+FB00…FB06
        default: return false
        }
    }
}

extension Snapshot {
    /// The snapshot with secrets redacted from every statement text it holds.
    public func redactingSecrets() -> Snapshot {
        var snapshot = self
        for index in snapshot.statements.indices {
            snapshot.statements[index].text = SecretRedaction.redact(snapshot.statements[index].text)
            snapshot.statements[index].sampleText = SecretRedaction.redact(snapshot.statements[index].sampleText)
        }
        for index in snapshot.lockWaits.indices {
            snapshot.lockWaits[index].text = SecretRedaction.redact(snapshot.lockWaits[index].text)
            snapshot.lockWaits[index].sampleText = SecretRedaction.redact(snapshot.lockWaits[index].sampleText)
        }
        for index in snapshot.statementErrors.indices {
            snapshot.statementErrors[index].text = SecretRedaction.redact(snapshot.statementErrors[index].text)
            snapshot.statementErrors[index].sampleText = SecretRedaction.redact(
                snapshot.statementErrors[index].sampleText)
        }
        for index in snapshot.queryBursts.indices {
            snapshot.queryBursts[index].childText = SecretRedaction.redact(snapshot.queryBursts[index].childText)
            snapshot.queryBursts[index].parentText = SecretRedaction.redact(snapshot.queryBursts[index].parentText)
        }
        for index in snapshot.plans.indices {
            snapshot.plans[index].plan.queryText = SecretRedaction.redact(snapshot.plans[index].plan.queryText)
        }
        if var connections = snapshot.connections {
            for index in connections.sessions.indices {
                connections.sessions[index].query = SecretRedaction.redact(connections.sessions[index].query)
            }
            snapshot.connections = connections
        }
        return snapshot
    }
}
