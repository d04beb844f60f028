import AdvisorCore
import Foundation
import TestSupport
import Testing

/// The log digest: classes per fingerprint, worst samples, percentiles, bounded memory, N+1 bursts, merging.
struct LogDigestTests {
    private let nPlusOne = RepositoryPaths.fixtures.appendingPathComponent("logs/postgres-n-plus-one.log").path

    private func options() -> LogAnalyzer.Options {
        var options = LogAnalyzer.Options()
        options.reader.logLinePrefix = PostgresLogLinePrefix("%m [%p] %q%u@%d/%a ")
        return options
    }

    @Test func classesCountersAndWorstSample() throws {
        let analysis = try LogAnalyzer.analyze([QueryLogInput(path: nPlusOne)], options: options())
        let digest = analysis.digest
        #expect(digest.statements == 42)
        #expect(digest.classes.count == 5)
        let child = try #require(digest.classes.first { $0.normalized.contains("from customers") })
        #expect(child.calls == 24)
        #expect(child.tag == "controller='orders',action='index'")
        #expect(child.applications == ["shop-web"])
        #expect(child.users == ["app"])
        #expect(child.databases == ["shop"])
        #expect(child.sessions.count == 1)
        // The slowest call (0.251 ms) is the sample, its bind value filled in.
        #expect(child.sample.durationMs == 0.251)
        #expect(child.sample.text.hasSuffix("WHERE id = '13'"))
        #expect(abs((child.histogram.percentile(0.99) ?? 0) - 0.251) < 0.001)
        let stats = try #require(analysis.snapshot.statements.first { $0.id == child.id })
        #expect(stats.p99TimeMs == child.histogram.percentile(0.99))
        #expect(stats.tag == child.tag)
        #expect(stats.sampleText == child.sample.text)
        #expect(stats.text == child.normalized)
        #expect(stats.id.count == 16)
    }

    @Test func snapshotWindowBurstsAndNotices() throws {
        let snapshot = try LogAnalyzer.analyze([QueryLogInput(path: nPlusOne)], options: options()).snapshot
        #expect(snapshot.server.engine == .postgres)
        #expect(snapshot.statementSource?.name == "log")
        #expect(snapshot.facets == [.statements, .queryHistory, .serverLogEvents])
        #expect(snapshot.lockWaits.isEmpty)
        let window = try #require(snapshot.queryHistoryWindowSeconds)
        #expect(abs(window - 72.11) < 0.01)
        #expect(snapshot.statementWindowSeconds.map { abs($0 - window) < 0.01 } == true)
        #expect(snapshot.queryBursts.count == 1)
        let burst = try #require(snapshot.queryBursts.first)
        #expect(burst.bursts == 4 && burst.calls == 24 && burst.longestBurst == 6)
        #expect(burst.parentText?.hasPrefix("SELECT id, customer_id FROM orders") == true)
        #expect(burst.applications == ["shop-web"])
        #expect(snapshot.notices.contains { $0.message.contains("1 line was not read") && $0.message.contains("11") })
    }

    @Test func ignoredStatementsFormNoBurst() throws {
        var options = options()
        options.digest.ignoredPatterns = ["FROM CUSTOMERS"]
        let snapshot = try LogAnalyzer.analyze([QueryLogInput(path: nPlusOne)], options: options).snapshot
        #expect(snapshot.queryBursts.isEmpty)
        options.digest.ignoredPatterns = []
        options.digest.bursts.minimumRun = 7
        #expect(try LogAnalyzer.analyze([QueryLogInput(path: nPlusOne)], options: options).snapshot.queryBursts.isEmpty)
    }

    @Test func memoryIsBoundedByTheClassCount() throws {
        var digest = LogDigest()
        try digest.start(.mysqlSlow, file: "generated")
        for index in 0..<200_000 {
            let statement = LoggedStatement(
                text: "SELECT * FROM t\(index % 3) WHERE id = \(index)",
                origin: .init(file: "generated", line: index + 1, byteOffset: index * 60), session: String(index % 50),
                time: Double(index) / 1_000, durationMs: Double(index % 1_000) / 10, rowsSent: 1, rowsExamined: 10)
            digest.add(statement)
        }
        digest.finish()
        #expect(digest.classes.count == 3)
        #expect(digest.classes.allSatisfy { $0.sessions.count <= LogStatementClass.sessionLimit })
        #expect(digest.classes.map(\.calls).reduce(0, +) == 200_000)
        #expect(digest.classes.first?.rowsExamined == 666_670)
        #expect(digest.classes.first?.normalized == "select * from t0 where id = ?")
        // 0.0 to 99.9 ms: the histogram holds at most 128 buckets per power of two over that span.
        #expect(digest.classes.allSatisfy { abs(($0.histogram.percentile(0.5) ?? 0) - 50) < 0.5 })
    }

    @Test func parallelReadingMergesToTheSameDigest() throws {
        let files = ["postgres-n-plus-one.log", "postgres-stderr.log", "postgres-csvlog.csv", "postgres-jsonlog.json"]
            .map { QueryLogInput(path: RepositoryPaths.fixtures.appendingPathComponent("logs/\($0)").path) }
        var single = options()
        single.reader.logLinePrefix = nil
        single.jobs = 1
        var parallel = single
        parallel.jobs = 4
        let one = try LogAnalyzer.analyze(files, options: single).snapshot
        let many = try LogAnalyzer.analyze(files, options: parallel).snapshot
        #expect(one.statements == many.statements)
        #expect(one.queryBursts == many.queryBursts)
        #expect(one.statements.count > 5)
    }

    /// One file with two jobs: a second thread aggregates while the first reads (`DigestPipeline`); the
    /// digest, its order and the N+1 bursts are those of one thread, over more statements than one batch.
    @Test func aPipelinedSingleFileGivesTheSameDigest() throws {
        var log = ""
        for page in 0..<400 {
            let session = "6000\(page % 7)"
            log += "2026-11-20 10:00:\(String(format: "%02d", page % 60)).000 UTC [\(session)] LOG:  duration: 0.5 ms  "
            log += "statement: SELECT id FROM orders WHERE page = \(page)\n"
            for item in 0..<6 {
                log +=
                    "2026-11-20 10:00:\(String(format: "%02d", page % 60)).00\(item) UTC [\(session)] LOG:  duration: 0.1 ms  "
                log += "statement: SELECT * FROM customers WHERE id = \(page * 10 + item)\n"
            }
        }
        let input = QueryLogInput(bytes: Array(log.utf8), name: "pipelined.log")
        var single = options()
        single.reader.logLinePrefix = PostgresLogLinePrefix("%m [%p] ")
        single.jobs = 1
        var pipelined = single
        pipelined.jobs = 2
        let one = try LogAnalyzer.analyze([input], options: single).snapshot
        let two = try LogAnalyzer.analyze([input], options: pipelined).snapshot
        #expect(one.statements.map(\.calls).reduce(0, +) == 2_800)
        #expect(one.statements == two.statements)
        #expect(one.queryBursts == two.queryBursts)
        #expect(!two.queryBursts.isEmpty)
    }

    /// A bulk INSERT of 10 MB, in every log that holds one, is the class of its one-row form with the whole
    /// statement as its sample (each took 5 to 8 s to read and report).
    @Test(arguments: [
        ("2024-01-01T00:00:00.000000Z\t    5 Query\t", Engine.mysql),
        (
            "# Time: 2024-01-01T00:00:00.000000Z\n# User@Host: app[app] @ localhost []  Id: 1\n"
                + "# Query_time: 1.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 1\nSET timestamp=1704067200;\n",
            Engine.mysql
        ),
        ("2024-01-01 00:00:00.000 UTC [123] LOG:  duration: 1500.000 ms  statement: ", Engine.postgres),
    ])
    func aTenMegabyteStatementIsOneClass(entry: String, engine: Engine) throws {
        var statement = "INSERT INTO t (id, name) VALUES (0,'a0')"
        for row in 1..<700_000 { statement += ",\n(\(row),'a\(row)')" }
        statement += ";"
        var options = LogAnalyzer.Options()
        options.reader.logLinePrefix = PostgresLogLinePrefix("%m [%p] ")
        // PostgreSQL continues a message on lines that start with a tab.
        let text = engine == .postgres ? statement.replacingOccurrences(of: "\n", with: "\n\t") : statement
        let input = QueryLogInput(bytes: Array((entry + text + "\n").utf8), name: "long.log")
        let snapshot = try LogAnalyzer.analyze([input], options: options).snapshot
        let oneRow = StatementFingerprint(sql: "INSERT INTO t (id, name) VALUES (0,'a0');", engine: engine)
        #expect(snapshot.statements.count == 1)
        #expect(snapshot.statements.first?.id == String(format: "%016llx", oneRow.hash))
        // The slow log ends a statement with its `;`, which is no part of it.
        let sample = snapshot.statements.first?.sampleText
        #expect(sample == statement || sample.map { $0 + ";" } == statement)
    }

    @Test func mixedEnginesAreAnInputError() throws {
        let files = ["postgres-stderr.log", "mysql-slow.log"]
            .map { QueryLogInput(path: RepositoryPaths.fixtures.appendingPathComponent("logs/\($0)").path) }
        #expect(throws: InputError.self) { try LogAnalyzer.analyze(files) }
    }

    @Test func notALogNamesTheFormatsTried() throws {
        let input = QueryLogInput(bytes: Array("hello\nthis is no log\n".utf8), name: "notes.txt")
        let error = try #require(throws: InputError.self) { try LogAnalyzer.analyze([input]) }
        #expect("\(error)".contains("notes.txt"))
        #expect("\(error)".contains("mysql-slow"))
    }

    @Test(.enabled(if: RepositoryPaths.corpusIsPresent)) func everyCorpusLogWithStatementsDigests() throws {
        var lines: [String] = []
        for url in QueryLogCorpusTests.logFiles {
            let name = url.lastPathComponent
            guard QueryLogCorpusTests.logsWithoutStatements[name] == nil else { continue }
            let snapshot = try LogAnalyzer.analyze([QueryLogInput(path: url.path)]).snapshot
            #expect(!snapshot.statements.isEmpty, "\(name): no statement class")
            let outcome = RuleEngine(rules: builtInRules.map { Self.make($0) }).run(snapshot)
            lines.append(
                "\(name): \(snapshot.statements.count) classes, \(snapshot.queryBursts.count) bursts, "
                    + "\(snapshot.plans.count) plans, \(outcome.findings.count) findings")
        }
        print(lines.joined(separator: "\n"))
    }

    private static func make<R: Rule>(_ type: R.Type) -> any Rule { R() }
}
