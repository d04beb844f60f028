import Foundation
import TestSupport
import Testing

@testable import AdvisorCore

/// Runs the normalization pairs of `../shared/corpus/fingerprints/` and reports the agreement per file.
///
/// The sources disagree with each other (go-mysql and percona-toolkit give different answers for the same input;
/// pg_query keeps comments and case), so both sides are compared on a canonical form that erases conventions and
/// keeps classes: `$n` and `?` are one placeholder, comments and spacing are erased, case is folded outside
/// PostgreSQL quoted names, a trailing `;` goes. Inputs are never special-cased.
///
/// Floors and the known disagreements (deliberate unless said otherwise):
/// - percona-fingerprint (46 pairs): pt-query-digest special cases we do not copy (`mysqldump`, `percona-toolkit`,
///   `call foo`, `use ?`, `/*repeat union*/`), digits in names replaced (`foo_?`, `db.?_temp`: we keep names),
///   `LIMIT 5, 10` → `limit ?` (we keep `limit ?, ?` as go-mysql does).
/// - gomysql-fingerprint (82): `call foo`, `use ?`, and digits in names replaced (`org?.t`, `rt_?min`; its own
///   other cases keep them).
/// - libpg_query-normalize (39): pg_query keeps the literals of SQL-standard function bodies and of
///   `AS 'obj', 'link'`, and `FETCH 1000`.
/// - percona-pt-fingerprint-samples (2): `db.tbl1` → `db.tbl?` (a digit in a name).
/// - pganalyze-auto_explain-query-normalize (24): all agree.
/// - percona-distill and gomysql-query-id specify other functions (pt's "VERB tables" summary and pt's MD5 class
///   id), not a normalization: reported, not compared.
@Suite struct FingerprintCorpusTests {
    static let floors: [String: Double] = [
        "gomysql-fingerprint.tsv": 0.90,
        "libpg_query-normalize.tsv": 0.90,
        "percona-fingerprint.tsv": 0.60,
        "percona-pt-fingerprint-samples.tsv": 0.5,
        "pganalyze-auto_explain-query-normalize.tsv": 1.0,
    ]
    static let otherFunctions: Set<String> = ["percona-distill.tsv", "gomysql-query-id.tsv"]

    @Test(.enabled(if: RepositoryPaths.corpusIsPresent)) func corpusPairsAgreeAboveTheirFloors() throws {
        let folder = RepositoryPaths.corpus.appendingPathComponent("fingerprints")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tsv") }
            .sorted()
        #expect(!names.isEmpty)
        for name in names {
            let pairs = try Self.pairs(in: folder.appendingPathComponent(name))
            if Self.otherFunctions.contains(name) {
                print("fingerprint corpus \(name): \(pairs.count) pairs of another function, not compared")
                continue
            }
            var agreeing = 0
            var misses: [String] = []
            for pair in pairs {
                let engine: Engine = pair.engine == "postgres" ? .postgres : .mysql
                let ours = StatementFingerprint(sql: pair.input, engine: engine).normalized
                if Self.canonical(ours, engine) == Self.canonical(pair.expected, engine) {
                    agreeing += 1
                } else {
                    misses.append("  expected: \(pair.expected)\n  ours:     \(ours)")
                }
            }
            let agreement = pairs.isEmpty ? 0 : Double(agreeing) / Double(pairs.count)
            print(
                "fingerprint corpus \(name): \(agreeing)/\(pairs.count) agree "
                    + "(\(Int((agreement * 100).rounded())) %)")
            if ProcessInfo.processInfo.environment["FINGERPRINT_MISSES"] != nil {
                print(misses.joined(separator: "\n"))
            }
            let floor = try #require(Self.floors[name], "no floor set for \(name)")
            #expect(agreement >= floor, "\(name): \(agreeing)/\(pairs.count) below the floor \(floor)")
        }
    }

    @Test func corpusSkipMessage() {
        if !RepositoryPaths.corpusIsPresent {
            print("fingerprint corpus: skipped, no corpus at \(RepositoryPaths.corpus.path)")
        }
    }

    struct Pair {
        var engine: String
        var input: String
        var expected: String
    }

    /// Rows of `engine<TAB>input<TAB>expected<TAB>source` after the header, with `\\`, `\t`, `\n`, `\r` unescaped.
    static func pairs(in file: URL) throws -> [Pair] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true).dropFirst().compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3 else { return nil }
            return Pair(engine: String(fields[0]), input: unescape(fields[1]), expected: unescape(fields[2]))
        }
    }

    static func unescape(_ field: Substring) -> String {
        var result = ""
        var iterator = field.makeIterator()
        while let character = iterator.next() {
            guard character == "\\", let escaped = iterator.next() else {
                result.append(character)
                continue
            }
            switch escaped {
            case "t": result.append("\t")
            case "n": result.append("\n")
            case "r": result.append("\r")
            default: result.append(escaped)
            }
        }
        return result
    }

    /// Both sides without their conventions: placeholders as `?`, no comments, one space between tokens only where
    /// two words meet, case folded outside PostgreSQL quoted names, no trailing `;`.
    static func canonical(_ text: String, _ engine: Engine) -> String {
        let bytes = Array(text.utf8)
        var tokens: [UInt8] = []
        var index = 0
        var spaced = false
        func emit(_ byte: UInt8) {
            if spaced, let previous = tokens.last, SQLByte.isWord(previous), SQLByte.isWord(byte) {
                tokens.append(UInt8(ascii: " "))
            }
            spaced = false
            tokens.append(byte)
        }
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
                || byte == UInt8(ascii: "\r")
            {
                spaced = true
                index += 1
            } else if byte == UInt8(ascii: "-") && next == UInt8(ascii: "-") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                spaced = true
            } else if byte == UInt8(ascii: "/") && next == UInt8(ascii: "*") && index + 2 < bytes.count
                && bytes[index + 2] != UInt8(ascii: "!")
            {
                index += 2
                while index + 1 < bytes.count,
                    !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/"))
                {
                    index += 1
                }
                index += 2
                spaced = true
            } else if byte == UInt8(ascii: "$") && SQLByte.isDigit(next)
                && (spaced || !(tokens.last.map(SQLByte.isWord) ?? false))
            {
                index += 1
                while index < bytes.count, SQLByte.isDigit(bytes[index]) { index += 1 }
                emit(UInt8(ascii: "?"))
            } else if byte == UInt8(ascii: "\"") && engine == .postgres {
                emit(byte)
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    tokens.append(bytes[index])
                    index += 1
                }
                if index < bytes.count { tokens.append(bytes[index]) }
                index += 1
            } else {
                emit(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
                index += 1
            }
        }
        while let last = tokens.last, last == UInt8(ascii: ";") || last == UInt8(ascii: " ") { tokens.removeLast() }
        return String(decoding: tokens, as: UTF8.self)
    }
}
