import Foundation
import TestSupport
import Testing

/// `dbadvisor logs` as users run it: files, gzip and stdin, formats, --fail-on, unreadable lines, errors.
struct LogsCommandTests {
    private let nPlusOne = "Fixtures/logs/postgres-n-plus-one.log"
    private let prefix = ["--log-line-prefix", "%m [%p] %q%u@%d/%a "]

    @Test func reportsTheProfileAndTheBurst() throws {
        let result = try CommandRunner.run(["logs", nPlusOne] + prefix, environment: ["NO_COLOR": "1"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("dbadvisor logs · \(nPlusOne)"))
        #expect(result.stdout.contains("Statement profile · 5 statements"))
        #expect(result.stdout.contains("p95"))
        #expect(result.stdout.contains("[controller='orders',action='index']"))
        #expect(result.stdout.contains("n-plus-one-burst"))
        #expect(result.stdout.contains("select id, name, email from customers where id = ANY($1)"))
        #expect(result.stdout.contains("1 line was not read as postgres and skipped (line 11)"))
        // A PostgreSQL log counts no rows: no rows/call column, no "0.0 rows per call".
        #expect(!result.stdout.contains("rows/call") && !result.stdout.contains("rows per call"))
        #expect(result.stderr.contains("42 statements in 5 classes, 1 N+1 pattern"))
    }

    @Test func jsonToAFileWithOneJob() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CommandRunner.run(
            ["logs", nPlusOne, "--format", "json", "--output", file.path, "--jobs", "1", "--quiet"] + prefix)
        #expect(result.exitCode == 0)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        #expect(object?["command"] as? String == "logs")
        let statements = try #require(object?["statements"] as? [[String: Any]])
        #expect(statements.count == 5)
        #expect(statements.contains { $0["tag"] as? String == "controller='orders',action='index'" })
        #expect(statements.allSatisfy { $0["p95_time_ms"] is Double && $0["sample_text"] is String })
        let findings = try #require(object?["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["rule_id"] as? String == "n-plus-one-burst" })
    }

    @Test func markdownAndGzipAndSeveralFiles() throws {
        let result = try CommandRunner.run([
            "logs", "Fixtures/logs/mysql-slow.log.gz", "Fixtures/logs/mysql-general.log", "--format", "markdown", "-q",
        ])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("# dbadvisor logs"))
        #expect(result.stdout.contains("| p50 | p95 | p99 | max | rows/call |"))
    }

    @Test func anUntimedLogIsProfiledByCalls() throws {
        let result = try CommandRunner.run(
            ["logs", "Fixtures/logs/mysql-general.log", "-q"], environment: ["NO_COLOR": "1"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("by calls (none is timed)"), "\(result.stdout)")
        #expect(!result.stdout.contains("0.000 ms"))
        #expect(result.stdout.contains("Samples · as they ran"))
    }

    @Test func quotedPatternsAreExpandedInOrder() throws {
        let result = try CommandRunner.run(["logs", "Fixtures/logs/mysql-*.log", "--format", "json", "-q"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["source"] as? String == "Fixtures/logs/mysql-general.log, Fixtures/logs/mysql-slow.log")
        let nothing = try CommandRunner.run(["logs", "Fixtures/logs/nothing-*.log"])
        #expect(nothing.exitCode == 2)
        #expect(nothing.stderr.contains("Fixtures/logs/nothing-*.log: matches no file"))
        #expect(nothing.stdout.isEmpty)
    }

    @Test func readsStandardInput() throws {
        let text = try String(
            contentsOf: RepositoryPaths.root.appendingPathComponent("Fixtures/logs/mysql-slow.log"), encoding: .utf8)
        let result = try CommandRunner.run(["logs", "-", "--format", "json", "-q"], stdin: text)
        #expect(result.exitCode == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["source"] as? String == "<stdin>")
        #expect((object?["statements"] as? [Any])?.count == 2)
    }

    /// A server log holds what clients sent, passwords included: no format of the report repeats them.
    @Test func passwordsInLoggedStatementsAreRedacted() throws {
        let log = """
            2026-12-07 10:00:00.000 UTC [4711] app@shop/psql LOG:  duration: 1.250 ms  statement: ALTER ROLE app \
            PASSWORD 'Zq-S3cret-4711'
            2026-12-07 10:00:01.000 UTC [4711] app@shop/psql LOG:  duration: 2.500 ms  statement: CREATE USER \
            report WITH PASSWORD 'Zq-S3cret-4712'

            """
        for format in ["text", "json", "markdown", "html", "sarif"] {
            let result = try CommandRunner.run(["logs", "-", "--format", format, "-q"] + prefix, stdin: log)
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(!result.stdout.contains("Zq-S3cret"), "\(format)")
            if format == "json" { #expect(result.stdout.contains("PASSWORD '***'")) }
        }
    }

    /// A bulk INSERT of 10 MB in a general log is one statement: its class is the one-row form, the text report
    /// shows the first 2,000 characters of its sample and says it is cut (it took 8 s; the report cost the most).
    @Test func aTenMegabyteStatementIsReportedCut() throws {
        var statement = "INSERT INTO t (id, name) VALUES (0,'a0')"
        for row in 1..<700_000 { statement += ",(\(row),'a\(row)')" }
        let log = "2024-01-01T00:00:00.000000Z\t    5 Query\t\(statement);\n"
        let result = try CommandRunner.run(["logs", "-", "-q"], stdin: log, environment: ["NO_COLOR": "1"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("insert into t (id, name) values(?+)"))
        #expect(result.stdout.contains("(99,'a99')") && !result.stdout.contains("(999,'a999')"))
        #expect(result.stdout.contains("…") && result.stdout.utf8.count < 20_000)
    }

    /// Absurd numbers real servers write (MariaDB's `Bytes_sent: 18446744073709551453` after FLUSH STATUS) or a
    /// corrupted log holds: counters past Int.max, durations of 3,000 years, NaN, a syslog part of 20 digits. They
    /// trapped (arithmetic overflow, exit 132); now the field is dropped and the report goes on (issue 13).
    @Test func absurdNumbersInLogsAreDroppedNotACrash() throws {
        let slow = """
            # Time: 2026-03-01T10:00:00.123456Z
            # User@Host: app[app] @ web1 [10.0.0.5]  Id:    17
            # Query_time: 99999999999999  Lock_time: 0.000100 Rows_sent: 18446744073709551616  Rows_examined: 1e400
            SET timestamp=1772359200;
            SELECT * FROM orders WHERE id = 5;
            # Time: 2026-03-01T10:00:01.123456Z
            # User@Host: app[app] @ web1 [10.0.0.5]  Id:    17
            # Query_time: nan  Lock_time: -1 Rows_sent: 1  Rows_examined: 99999999999999999999999
            SET timestamp=1772359201;
            SELECT * FROM orders WHERE id = 6;

            """
        let postgres = """
            2026-03-02 09:00:20.000 UTC [5001] app@shop/web LOG:  duration: 23372036854775808 ms  statement: SELECT 2
            2026-03-02 09:00:21.000 UTC [5001] app@shop/web LOG:  duration: 1.5 ms  statement: SELECT id FROM t WHERE a = 1
            2026-03-02 09:00:22.000 UTC [5001] app@shop/web LOG:  temporary file: path "base/pgsql_tmp/pgsql_tmp5001.0", \
            size 99999999999999999999999
            2026-03-02 09:00:22.000 UTC [5001] app@shop/web STATEMENT:  SELECT id FROM t ORDER BY a

            """
        let syslog = """
            Feb 11 13:15:39 db postgres[10808]: [1-99999999999999999999] LOG:  duration: 1.0 ms  statement: SELECT 1

            """
        for (log, options) in [
            (slow, ["--log-format", "mysql-slow"]), (postgres, prefix), (syslog, ["--log-line-prefix", ""]),
        ] {
            for format in ["text", "json"] {
                let result = try CommandRunner.run(["logs", "-", "--format", format, "-q"] + options, stdin: log)
                #expect([0, 2].contains(result.exitCode), "\(format): \(result.exitCode) \(result.stderr)")
                #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("overflow"))
            }
        }
        let result = try CommandRunner.run(
            ["logs", "-", "--format", "json", "-q", "--log-format", "mysql-slow"], stdin: slow)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.range(of: #"\b(inf|nan|Infinity|NaN)\b"#, options: .regularExpression) == nil)
        // Each dropped field is counted in a notice, so a corrupt log never reads as a clean one.
        #expect(result.stdout.contains("6 logged values were left out because no server could have written them"))
        let pg = try CommandRunner.run(["logs", "-", "--format", "text", "-q"] + prefix, stdin: postgres)
        #expect(pg.stdout.contains("1 logged value was left out"), "\(pg.stdout)")
    }

    /// A forced format must still find its log: empty or blank input, prose, source code, random bytes or a lone
    /// byte-order mark are an input error for each of the five formats, never "1 statements" of garbage or a
    /// silently empty report (issue 13).
    @Test func aForcedFormatThatReadsNoEntryIsAnInputError() throws {
        let inputs = [
            "", "\n\n", "The quick brown fox jumps over the lazy dog.\n", "import Foundation\nlet x = 1\n",
            "\u{FEFF}", String(decoding: (0..<200).map { UInt8(($0 * 37 + 11) % 256) }, as: UTF8.self),
        ]
        for format in ["postgres", "postgres-csv", "postgres-json", "mysql-slow", "mysql-general"] {
            for input in inputs {
                let options = format == "postgres" ? ["--log-line-prefix", "%m [%p] "] : []
                let result = try CommandRunner.run(["logs", "-", "--log-format", format, "-q"] + options, stdin: input)
                #expect(
                    result.exitCode == 2,
                    "\(format) on \(input.debugDescription.prefix(40)): \(result.stdout.prefix(200))")
            }
        }
        // A slow log cut mid-entry still reads: its first lines belong to an entry whose header was cut off.
        let cut =
            "SELECT 1;\n# Time: 2026-03-01T10:00:00.123456Z\n# Query_time: 0.1  Lock_time: 0 Rows_sent: 1  "
            + "Rows_examined: 1\nSELECT 2;\n"
        #expect(try CommandRunner.run(["logs", "-", "--log-format", "mysql-slow", "-q"], stdin: cut).exitCode == 0)
    }

    @Test func failOnExitsOneAfterWritingTheReport() throws {
        let result = try CommandRunner.run(["logs", nPlusOne, "--fail-on", "low", "-q"] + prefix)
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("n-plus-one-burst"))
        // The two reports the log saw run 4 times each are one-offs, not high per-day costs.
        #expect(try CommandRunner.run(["logs", nPlusOne, "--fail-on", "high", "-q"] + prefix).exitCode == 0)
    }

    @Test func notALogIsAnInputErrorNamingTheFormatsTried() throws {
        let result = try CommandRunner.run(["logs", "README.md"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("README.md"))
        #expect(result.stderr.contains("mysql-slow") && result.stderr.contains("postgres"))
        #expect(result.stdout.isEmpty)
    }

    @Test func missingFilesAndBadOptionsExitTwo() throws {
        let missing = try CommandRunner.run(["logs", "/nonexistent/postgresql.log"])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("/nonexistent/postgresql.log"))
        #expect(try CommandRunner.run(["logs"]).exitCode == 2)
        #expect(try CommandRunner.run(["logs", nPlusOne, "--min-burst", "1"]).exitCode == 2)
        #expect(try CommandRunner.run(["logs", nPlusOne, "--log-format", "oracle"]).exitCode == 2)
        let forced = try CommandRunner.run(["logs", "Fixtures/logs/mysql-slow.log", "--log-format", "postgres"])
        #expect(forced.exitCode == 2)
        #expect(forced.stderr.contains("no line reads as a postgres log"))
        #expect(try CommandRunner.run(["logs", "-", "-"]).exitCode == 2)
    }

    @Test func prefixFromPostgresqlConf() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID()).conf")
        defer { try? FileManager.default.removeItem(at: config) }
        try "# logging\nlog_line_prefix = '%m [%p] %q%u@%d/%a '\t# custom\n".write(
            to: config, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["logs", nPlusOne, "--pg-config", config.path, "--format", "json"])
        #expect(result.exitCode == 0)
        #expect(result.stderr.contains("prefix '%m [%p] %q%u@%d/%a '"))
        #expect(result.stdout.contains("from shop-web, user app"))
    }
}
