import Foundation
import Testing

@testable import AdvisorCore

/// Logs read without `--log-line-prefix`: the prefix is guessed from the lines, and a guess that more than one
/// prefix fits is said in the report.
@Suite struct PostgresLogLinePrefixGuessTests {
    static func read(_ lines: [String]) throws -> (statements: [LoggedStatement], summary: QueryLogSummary) {
        try QueryLogReader.readAll(StderrLogExample.input(lines))
    }

    /// A server logging `'%m [%p] %c %q%u@%d/%a '`: `%m [%p] %q%u@%d ` matches its lines too, gluing the session id
    /// into the user name ("6b16e4e9.464b app") and the application into the database.
    @Test func sessionIDAndApplicationAreFieldsOfTheirOwn() throws {
        let (statements, summary) = try Self.read([
            "2026-12-01 10:00:00.100 UTC [1124] 6b16e4e9.464 LOG:  checkpoint starting: time",
            "2026-12-01 10:00:01.250 UTC [1131] 6b16e4f1.46b app@shop/psql LOG:  duration: 0.412 ms  "
                + "statement: SELECT 1",
            "2026-12-01 10:00:01.900 UTC [1131] 6b16e4f1.46b app@shop/psql LOG:  duration: 1.250 ms  "
                + "statement: SELECT * FROM orders WHERE id = 7",
            "2026-12-01 10:00:02.000 UTC [1140] 6b16e4f2.474 api@shop/web worker LOG:  duration: 2.000 ms  "
                + "statement: SELECT 2",
        ])
        #expect(summary.logLinePrefix == "%m [%p] %c %q%u@%d/%a ")
        #expect(statements.count == 3)
        #expect(statements.map(\.user) == ["app", "app", "api"])
        #expect(statements.map(\.database) == ["shop", "shop", "shop"])
        #expect(statements.map(\.session) == ["6b16e4f1.46b", "6b16e4f1.46b", "6b16e4f2.474"])
        #expect(statements.last?.application == "web worker")
        #expect(summary.otherFittingPrefixes.isEmpty)
    }

    @Test(arguments: [
        ("%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", "2026-12-01 10:00:01 UTC [77]: [3-1] "),
        ("%m [%p] %c [%l] %q%u@%d ", "2026-12-01 10:00:01.250 UTC [77] 6b16e4f1.4d [3] "),
        ("%m %c %q%u@%d ", "2026-12-01 10:00:01.250 UTC 6b16e4f1.4d "),
        ("%m [%p] %q%u@%d %h ", "2026-12-01 10:00:01.250 UTC [77] "),
    ])
    func fieldsAreRecognisedByShape(prefix: String, start: String) throws {
        let session: String
        switch prefix {
        case let text where text.contains("user="): session = "user=app,db=shop,app=psql,client=10.0.0.5 "
        case let text where text.contains("%h"): session = "app@shop 10.0.0.5 "
        default: session = "app@shop "
        }
        let (statements, summary) = try Self.read([
            start + session + "LOG:  duration: 0.5 ms  statement: SELECT 1",
            start + session + "LOG:  duration: 0.7 ms  statement: SELECT 2",
        ])
        #expect(statements.map(\.user) == ["app", "app"], "\(summary.logLinePrefix ?? "none")")
        #expect(statements.map(\.database) == ["shop", "shop"], "\(summary.logLinePrefix ?? "none")")
        #expect(statements.map(\.text) == ["SELECT 1", "SELECT 2"])
    }

    /// A guess that another prefix fits as well, reading other fields, is said in the report's notices.
    @Test func aGuessTwoPrefixesFitIsSaid() throws {
        // `%t [%p]: [%l-1] ` would leave `db=shop,user=app ` in the message; `… db=%d,user=%u ` reads them.
        let plain = try Self.read([
            "2026-12-01 10:00:01 UTC [77]: [3-1] db=shop,user=app LOG:  duration: 0.5 ms  statement: SELECT 1"
        ])
        #expect(plain.statements.first?.user == "app")
        #expect(plain.summary.otherFittingPrefixes.isEmpty)

        var summary = QueryLogSummary(file: "pg.log", format: .postgresStderr, logLinePrefix: "%m [%p] %q%u@%d ")
        summary.otherFittingPrefixes = ["%m [%p] %q%a@%d "]
        let notice = try #require(LogDigest.notices(summary).first)
        #expect(notice.message.contains("log_line_prefix guessed as '%m [%p] %q%u@%d '"))
        #expect(notice.message.contains("'%m [%p] %q%a@%d '"))
        #expect(notice.remedy?.contains("--log-line-prefix") == true)
    }

    @Test func plausibilityRejectsGluedFields() throws {
        let line = Array("2026-12-01 10:00:01.250 UTC [1131] 6b16e4f1.46b app@shop/psql LOG:  x".utf8)
        let glued = PostgresLogLinePrefix("%m [%p] %q%u@%d ")
        try line.withUnsafeBufferPointer { bytes in
            let match = try #require(glued.match(bytes))
            #expect(!glued.isPlausible(match, in: bytes))
        }
    }

    /// PostgreSQL 18 writes `DETAIL:  Parameters: …`; 17 and before `parameters:`.
    @Test(arguments: ["parameters", "Parameters"]) func bindValuesFillTheSample(word: String) throws {
        let (statements, _) = try Self.read([
            "2026-12-01 10:00:01.250 UTC [77] app@shop LOG:  duration: 0.5 ms  execute <unnamed>: "
                + "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
            "2026-12-01 10:00:01.250 UTC [77] app@shop DETAIL:  \(word): $1 = '2653'",
            "2026-12-01 10:00:01.300 UTC [77] app@shop LOG:  duration: 0.1 ms  statement: SELECT 1",
        ])
        #expect(statements.first?.parameters == [LoggedStatement.Parameter(name: "$1", value: "'2653'")])
        #expect(statements.first?.sampleText == "SELECT abalance FROM pgbench_accounts WHERE aid = '2653'")
    }
}
