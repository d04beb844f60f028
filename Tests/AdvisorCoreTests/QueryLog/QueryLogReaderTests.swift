import AdvisorCore
import Foundation
import TestSupport
import Testing

@Suite struct QueryLogReaderTests {
    static func read(_ name: String, options: QueryLogReader.Options = .init()) throws -> (
        statements: [LoggedStatement], summary: QueryLogSummary
    ) {
        let path = RepositoryPaths.fixtures.appendingPathComponent("logs/\(name)").path
        return try QueryLogReader.readAll(QueryLogInput(path: path), options: options)
    }

    @Test func postgresStderr() throws {
        let (statements, summary) = try Self.read("postgres-stderr.log")
        #expect(summary.format == .postgresStderr)
        #expect(summary.logLinePrefix == "%m [%p] %q%u@%d ")
        #expect(
            statements.map(\.text) == [
                "SELECT id FROM orders WHERE customer_id = 7",
                "SELECT * FROM order_lines WHERE order_id = $1",
                "SELECT name,\n       price\nFROM products\nWHERE name = 'it''s'",
                "UPDATE stock SET qty = qty - 1 WHERE id = 9",
                "SELECT count(*) FROM orders",
            ])
        let first = try #require(statements.first)
        #expect(first.durationMs == 1.25)
        #expect(first.session == "4101")
        #expect(first.user == "app" && first.database == "shop")
        #expect(first.time == 1_772_359_200.1)
        #expect(first.origin.line == 1 && first.origin.byteOffset == 0)
        #expect(statements[1].parameters == [LoggedStatement.Parameter(name: "$1", value: "'42'")])
        #expect(statements[1].sampleText == "SELECT * FROM order_lines WHERE order_id = '42'")
        // log_statement + log_duration: the duration comes two lines later, after another session's line.
        #expect(statements[3].durationMs == 0.9)
        #expect(statements[4].durationMs == 12.5)
        #expect(statements[4].plan?.hasPrefix("Aggregate  (cost=10.00..10.01") == true)
        #expect(summary.failedStatements == 1)
        #expect(summary.unparsableLines == 1)
        #expect(summary.unparsableSamples.first == .init(line: 18, text: "this line is garbage"))
    }

    @Test func postgresStderrWithAGivenPrefix() throws {
        let options = QueryLogReader.Options(logLinePrefix: PostgresLogLinePrefix("%m [%p] %q%u@%d "))
        let (statements, _) = try Self.read("postgres-stderr.log", options: options)
        #expect(statements.count == 5)
    }

    @Test func prefixFromConfiguration() {
        let configuration = """
            #log_line_prefix = '%m [%p] '
            log_line_prefix = '%t [%p]: [%l-1] user=%u,db=%d '   # pgbadger
            log_line_prefix = '%m [%p] %q%u@%d '
            """
        #expect(PostgresLogLinePrefix.fromConfiguration(configuration)?.text == "%m [%p] %q%u@%d ")
        #expect(PostgresLogLinePrefix.fromConfiguration("shared_buffers = 1GB") == nil)
    }

    @Test func postgresCSV() throws {
        let (statements, summary) = try Self.read("postgres-csvlog.csv")
        #expect(summary.format == .postgresCSV)
        #expect(
            statements.map(\.text) == [
                "SELECT * FROM users WHERE email = $1 AND note = 'a,b'", "SELECT \"name\"\nFROM products",
            ])
        #expect(statements[0].parameters.first?.value == "'x@example.com'")
        #expect(statements[0].session == "65e1a2b3.1005")
        #expect(statements[0].clientHost == "10.0.0.5")
        #expect(statements[0].application == "shop-web")
        #expect(statements[1].durationMs == 3)
        #expect(statements[1].origin.line == 2)
    }

    @Test func postgresJSON() throws {
        let (statements, summary) = try Self.read("postgres-jsonlog.json")
        #expect(summary.format == .postgresJSON)
        #expect(statements.count == 1)
        #expect(statements[0].text == "SELECT 1 + 1")
        #expect(statements[0].durationMs == 0.75)
        #expect(statements[0].application == "psql")
        #expect(statements[0].clientHost == "10.0.0.5")
    }

    @Test func mysqlSlow() throws {
        let (statements, summary) = try Self.read("mysql-slow.log")
        #expect(summary.format == .mysqlSlow)
        #expect(statements.map(\.text) == ["SELECT *\nFROM orders\nWHERE id = 5", "SELECT 1"])
        let first = statements[0]
        #expect(first.database == "shop")
        #expect(first.time == 1_772_359_200)
        #expect(first.session == "17")
        #expect(first.user == "app" && first.clientHost == "web1")
        #expect(first.durationMs == 2.5 && first.lockTimeMs == 0.1)
        #expect(first.rowsSent == 1 && first.rowsExamined == 250)
        #expect(first.origin.line == 4)
        #expect(statements[1].clientHost == "10.0.0.9")
        #expect(statements[1].session == "19")
    }

    @Test func mysqlSlowGzipped() throws {
        let plain = try Self.read("mysql-slow.log").statements
        let (statements, summary) = try Self.read("mysql-slow.log.gz")
        #expect(statements.map(\.text) == plain.map(\.text))
        #expect(statements.map(\.origin.byteOffset) == plain.map(\.origin.byteOffset))
        #expect(summary.bytes > 0)
    }

    /// Two gzip members one after the other (`cat a.gz b.gz`) read as one log.
    @Test func concatenatedGzipMembers() throws {
        let gzip = try Data(contentsOf: RepositoryPaths.fixtures.appendingPathComponent("logs/mysql-slow.log.gz"))
        let input = QueryLogInput(bytes: Array(gzip) + Array(gzip), name: "twice.log.gz")
        let (statements, _) = try QueryLogReader.readAll(input)
        #expect(statements.count == 4)
    }

    @Test func mysqlGeneral() throws {
        let (statements, summary) = try Self.read("mysql-general.log")
        #expect(summary.format == .mysqlGeneral)
        #expect(statements.map(\.text) == ["SELECT *\nFROM orders\nWHERE id = 1", "SELECT 2"])
        #expect(statements[0].session == "21" && statements[0].user == "app" && statements[0].database == "shop")
        #expect(statements[1].database == "crm")
    }

    @Test func forcedFormat() throws {
        let (statements, summary) = try Self.read("mysql-slow.log", options: .init(format: .mysqlGeneral))
        #expect(summary.format == .mysqlGeneral)
        #expect(statements.isEmpty)
    }

    @Test func notALog() {
        let input = QueryLogInput(bytes: Array("hello\nworld\n".utf8), name: "notes.txt")
        #expect {
            try QueryLogReader.readAll(input)
        } throws: { error in
            let message = "\(error)"
            return message.contains("notes.txt") && message.contains("mysql-slow") && message.contains("postgres-csv")
        }
    }

    @Test func missingFile() {
        #expect(throws: InputError.self) { try QueryLogReader.readAll(QueryLogInput(path: "/nonexistent/x.log")) }
    }

    /// Lines cut by chunk boundaries and entries longer than the limit.
    @Test func smallChunksAndLongEntries() throws {
        let path = RepositoryPaths.fixtures.appendingPathComponent("logs/postgres-stderr.log").path
        var options = QueryLogReader.Options()
        options.chunkBytes = 7
        let whole = try Self.read("postgres-stderr.log").statements
        let chunked = try QueryLogReader.readAll(QueryLogInput(path: path), options: options).statements
        #expect(chunked.map(\.text) == whole.map(\.text))
        #expect(chunked.map(\.origin.byteOffset) == whole.map(\.origin.byteOffset))

        let long =
            "2026-03-01 10:00:00.100 UTC [1] LOG:  duration: 1.000 ms  statement: SELECT '"
            + String(repeating: "x", count: 10_000) + "'\n"
        var small = QueryLogReader.Options()
        small.maximumEntryBytes = 1000
        let (statements, summary) = try QueryLogReader.readAll(QueryLogInput(bytes: Array(long.utf8)), options: small)
        #expect(statements.count == 1)
        #expect(statements[0].text.utf8.count < 1000)
        #expect(summary.truncatedEntries == 1)
    }

    @Test func timestamps() throws {
        let lines = [
            "2026-03-01 10:00:00.500 CET [7] LOG:  duration: 1.000 ms  statement: SELECT 1",
            "2026-03-01 10:00:00 -03 [7] LOG:  duration: 1.000 ms  statement: SELECT 2",
        ]
        let input = QueryLogInput(bytes: Array(lines.joined(separator: "\n").utf8))
        let statements = try QueryLogReader.readAll(input).statements
        #expect(statements.map(\.time) == [1_772_355_600.5, 1_772_370_000])
    }

    /// log_temp_files: the sizes go to the statement the STATEMENT line names, when its own entry follows.
    @Test func temporaryFilesGoToTheirStatement() throws {
        let lines = [
            "2026-03-01 10:00:00 UTC [7] LOG:  temporary file: path \"base/pgsql_tmp/pgsql_tmp7.0\", size 8192000",
            "2026-03-01 10:00:00 UTC [7] STATEMENT:  SELECT * FROM big ORDER BY x",
            "2026-03-01 10:00:00 UTC [7] LOG:  temporary file: path \"base/pgsql_tmp/pgsql_tmp7.1\", size 1000",
            "2026-03-01 10:00:00 UTC [7] STATEMENT:  SELECT * FROM big ORDER BY x",
            "2026-03-01 10:00:00 UTC [7] LOG:  duration: 900.000 ms  statement: SELECT * FROM big ORDER BY x",
            // A statement below log_min_duration_statement spilled: its files are not the next statement's.
            "2026-03-01 10:00:01 UTC [7] LOG:  temporary file: path \"base/pgsql_tmp/pgsql_tmp7.2\", size 4096",
            "2026-03-01 10:00:01 UTC [7] STATEMENT:  SELECT * FROM small ORDER BY y",
            "2026-03-01 10:00:02 UTC [7] LOG:  duration: 5.000 ms  statement: SELECT 1",
        ]
        let input = StderrLogExample.input(lines)
        let statements = try QueryLogReader.readAll(input, options: .init(format: .postgresStderr)).statements
        #expect(statements.map(\.text) == ["SELECT * FROM big ORDER BY x", "SELECT 1"])
        #expect(statements.map(\.tempFileBytes) == [8_193_000, nil])
        // In the snapshot as pg_stat_statements would count them: 8 kB blocks, rounded up.
        let snapshot = try StderrLogExample.snapshot(lines)
        #expect(snapshot.statements.first { $0.text.hasPrefix("select * from big") }?.tempBlocksWritten == 1_001)
    }

    /// MariaDB's log_slow_verbosity=query_plan and Percona's extended lines: full scans, temporary tables, merge passes.
    @Test func slowLogExecutionCounters() throws {
        let log = """
            # Time: 260301  8:00:00
            # User@Host: app[app] @ localhost []
            # Thread_id: 7  Schema: shop  QC_hit: No
            # Query_time: 1.500000  Lock_time: 0.000100  Rows_sent: 10  Rows_examined: 500000
            # Full_scan: Yes  Full_join: No  Tmp_table: Yes  Tmp_table_on_disk: Yes
            # Filesort: Yes  Filesort_on_disk: Yes  Merge_passes: 3  Priority_queue: No
            SET timestamp=1772352000;
            SELECT status, count(*) FROM orders GROUP BY status ORDER BY 2;
            # User@Host: app[app] @ localhost []
            # Thread_id: 7  Schema: shop
            # Query_time: 0.200000  Lock_time: 0.000100  Rows_sent: 1  Rows_examined: 1
            # Bytes_sent: 89  Tmp_tables: 2  Tmp_disk_tables: 1  Tmp_table_sizes: 0
            SELECT 1 FROM dual;
            # User@Host: app[app] @ localhost []
            # Thread_id: 7  Schema: shop
            # Query_time: 0.100000  Lock_time: 0.000100  Rows_sent: 1  Rows_examined: 1
            SELECT 2 FROM dual;
            """
        let statements = try QueryLogReader.readAll(QueryLogInput(bytes: Array(log.utf8))).statements
        try #require(statements.count == 3)
        let first = try #require(statements[0].executionCounters)
        #expect((first.fullScans, first.tempTables, first.tempDiskTables, first.sortMergePasses) == (1, 1, 1, 3))
        let second = try #require(statements[1].executionCounters)
        #expect((second.fullScans, second.tempTables, second.tempDiskTables, second.sortMergePasses) == (0, 2, 1, 0))
        #expect(statements[2].executionCounters == nil)
    }

    /// A log just rotated (empty) among others is skipped and said; alone it is an input error.
    @Test func anEmptyLogAmongOthers() throws {
        let empty = QueryLogInput(bytes: [], name: "empty.log")
        let slow = QueryLogInput(path: RepositoryPaths.fixtures.appendingPathComponent("logs/mysql-slow.log").path)
        let analysis = try LogAnalyzer.analyze([empty, slow])
        #expect(analysis.digest.statements == 2)
        #expect(analysis.snapshot.notices.contains { $0.message == "empty.log: empty, nothing to read" })
        #expect(throws: InputError.self) { try LogAnalyzer.analyze([empty]) }
    }
}
