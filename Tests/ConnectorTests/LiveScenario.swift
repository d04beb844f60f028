import AdvisorCore
import Foundation
import TestSupport
import Testing

/// One scenario of `Fixtures/<engine>/scenarios/<name>.sql`, the file `scripts/capture-plans.sh` reads too
/// (its format: `Fixtures/README.md`): settings, the statements to explain, and what must show.
struct LiveScenario: Sendable, CustomTestStringConvertible {
    /// The file's base name, e.g. `seq_scan_filter`.
    let name: String
    /// The `SET` statements, applied before anything is explained.
    let settings: [String]
    /// Every other statement, explained in order: one plan each.
    let statements: [String]
    /// PostgreSQL EXPLAIN options (`-- explain:`); empty for plain EXPLAIN.
    let explainOptions: String
    /// Rules that must report the scenario (`-- fires:`).
    let fires: [String]
    /// MariaDB: rules that must also report it once executed (`-- fires-analyzed:`).
    let firesAnalyzed: [String]
    /// The control's ceiling (`-- highest-severity:`).
    let highestSeverity: Severity?
    /// An extended regular expression for a line of the text output (`-- symptom:`).
    let symptom: String?
    /// The statement writes, so it needs a read-write transaction (`-- transaction: read write`).
    let writes: Bool

    var testDescription: String { name }

    /// True when the EXPLAIN options execute the statement.
    var analyzes: Bool { explainOptions.uppercased().contains("ANALYZE") }

    /// True when the EXPLAIN options ask for times (`TIMING OFF` keeps rows and loops only).
    var timed: Bool { analyzes && !explainOptions.uppercased().contains("TIMING OFF") }

    /// Every scenario of an engine folder (`postgres`, `mysql`), sorted by name.
    static func all(_ engine: String) throws -> [LiveScenario] {
        let folder = RepositoryPaths.fixtures.appendingPathComponent("\(engine)/scenarios")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        let scenarios = try names.map { file in
            try LiveScenario(
                name: String(file.dropLast(4)),
                text: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8))
        }
        guard !scenarios.isEmpty else { throw ScenarioError("no scenario files in \(folder.path)") }
        return scenarios
    }

    /// The named scenario of an engine folder.
    static func named(_ name: String, _ engine: String) throws -> LiveScenario {
        let file = RepositoryPaths.fixtures.appendingPathComponent("\(engine)/scenarios/\(name).sql")
        return try LiveScenario(name: name, text: String(contentsOf: file, encoding: .utf8))
    }

    init(name: String, text: String) throws {
        self.name = name
        var headers: [String: String] = [:]
        var statements: [String] = []
        var pending: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("--") {
                if let (key, value) = Self.header(trimmed) { headers[key] = headers[key] ?? value }
                continue
            }
            guard !trimmed.isEmpty else { continue }
            pending.append(String(line))
            if trimmed.hasSuffix(";") {
                statements.append(
                    String(pending.joined(separator: "\n").trimmingCharacters(in: .whitespaces).dropLast()))
                pending = []
            }
        }
        if !pending.isEmpty { statements.append(pending.joined(separator: "\n")) }
        settings = statements.filter(Self.isSetting)
        self.statements = statements.filter { !Self.isSetting($0) }
        guard !self.statements.isEmpty else { throw ScenarioError("\(name).sql: no statement to explain") }
        explainOptions = headers["explain"] ?? "ANALYZE, BUFFERS"
        fires = Self.ruleIds(headers["fires"])
        firesAnalyzed = Self.ruleIds(headers["fires-analyzed"])
        symptom = headers["symptom"].flatMap { $0.isEmpty ? nil : $0 }
        writes = headers["transaction"] == "read write"
        if let ceiling = headers["highest-severity"] {
            guard let severity = Severity(rawValue: ceiling) else {
                throw ScenarioError("\(name).sql: highest-severity \(ceiling) is not a severity")
            }
            highestSeverity = severity
        } else {
            highestSeverity = nil
        }
    }

    private static let keys: Set = ["explain", "fires", "fires-analyzed", "highest-severity", "symptom", "transaction"]

    /// `-- key: value` for the keys the tools read; other comment lines are prose.
    private static func header(_ line: String) -> (String, String)? {
        let body = line.dropFirst(2).drop { $0 == " " }
        guard let colon = body.firstIndex(of: ":") else { return nil }
        let key = String(body[..<colon])
        guard keys.contains(key) else { return nil }
        return (key, body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }

    private static func isSetting(_ statement: String) -> Bool {
        statement.prefix(4).uppercased() == "SET "
    }

    private static func ruleIds(_ list: String?) -> [String] {
        (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// A scenario file that cannot be used.
struct ScenarioError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
