import Foundation
import Testing

@testable import AdvisorCore

struct StatementTopTimeRuleTests {
    typealias E = StatementRuleExamples

    private func findings(_ snapshot: Snapshot, _ rule: StatementTopTimeRule = StatementTopTimeRule()) -> [Finding] {
        RuleEngine(rules: [rule]).run(snapshot).findings
    }

    /// Twelve statements of decreasing cost: the first takes 40 %, the twelfth about 0.5 %.
    private func workload(days: Double? = 1) -> Snapshot {
        let statements = (1...12).map { number in
            E.statement(
                "\(number)", "SELECT * FROM table_\(number) WHERE key = $1", calls: 1_000 * number,
                totalTimeMs: number == 1 ? 4_000_000 : 6_000_000 / Double(number * 2), rows: 1_000 * number)
        }
        return E.snapshot(days: days, statements: statements)
    }

    @Test func materialStatementsInRankOrderWithTheirProfile() throws {
        let snapshot = workload()
        let total = snapshot.statements.reduce(0) { $0 + $1.totalTimeMs }
        let found = findings(snapshot)
        let shares = snapshot.statements.map { $0.totalTimeMs / total }
        let expected = snapshot.statements.enumerated().filter { shares[$0.offset] >= 0.05 }.map {
            $0.element.oneLineText()
        }
        #expect(found.map(\.object.name) == expected)
        let first = try #require(found.first)
        #expect(first.object.kind == .statement)
        #expect(first.object.key == "shop|app|1")
        #expect(first.evidence("rank by total time") == 1)
        #expect(abs((first.evidence("share of statement time") ?? 0) - shares[0] * 100) < 1e-9)
        #expect(first.evidence("calls per day") == 1_000)
        #expect(first.severity == .high)
        #expect(first.impact.score == 4_000_000 * 0.5)
        #expect(first.impact.confidence == .medium)
        #expect(first.message.hasPrefix("Statement #1 by total time takes"))
        #expect(first.recommendation.contains("--explain-top 1"))
        #expect(first.recommendation.contains("it filters table_1 on key"))
    }

    @Test func atMostMaxStatements() {
        var rule = StatementTopTimeRule.Options()
        rule.maxStatements = 2
        rule.minShare = 0
        #expect(findings(workload(), StatementTopTimeRule(options: rule)).count == 2)
    }

    @Test func unknownWindowUsesCumulativeTimeWithLowConfidence() throws {
        let found = findings(workload(days: nil))
        let first = try #require(found.first)
        #expect(first.impact.confidence == .low)
        #expect(first.impact.summary.contains("window unknown"))
        #expect(first.impact.score == 4_000_000 * 0.5)
        #expect(first.evidence("calls per day") == nil)
    }

    /// A window of seconds (an ORM's data load and a few page views): the shares rank, but decide no severity
    /// above medium; the same shares over a day do.
    @Test func aShortOrUnknownWindowDecidesNoSeverityAboveMedium() throws {
        let load = E.statement(
            "1", "INSERT INTO books (id, title) VALUES ($1, $2)", calls: 50_000, totalTimeMs: 300, rows: 50_000)
        let page = E.statement(
            "2", "SELECT * FROM books WHERE year = $1", calls: 66, totalTimeMs: 200, rows: 1_320)
        let seconds = E.snapshot(days: 5.0 / 86_400, statements: [load, page])
        #expect(findings(seconds).map(\.severity) == [.medium, .medium])
        #expect(try #require(findings(seconds).first).impact.summary.contains("extrapolated from 5 seconds"))
        #expect(findings(workload(days: nil)).map(\.severity).max() == .medium)
        #expect(findings(workload()).map(\.severity).max() == .high)
    }

    @Test func aLongWindowMakesTheSameTotalsIdle() {
        // The same cumulative time over 30 days is under a minute a day for every statement but the first.
        #expect(findings(workload(days: 30)).map(\.object.key) == ["shop|app|1"])
    }

    @Test func capturedPlanIsPointedAt() throws {
        var snapshot = workload()
        let root = PlanNode(nodeType: "Seq Scan")
        snapshot.plans = [
            CapturedPlan(
                label: "top 1", statementFingerprint: "shop|app|1",
                plan: Plan(engine: .postgres, format: .postgresJSON, root: root))
        ]
        let first = try #require(findings(snapshot).first)
        #expect(first.recommendation.hasPrefix("Its plan was captured (plan 1)"))
    }

    @Test func fromALogTheSlowestSampleIsWhatToExplain() throws {
        var snapshot = workload()
        snapshot.statementSource?.name = StatementSource.logName
        snapshot.statements[0].sampleText = "SELECT * FROM table_1 WHERE key = 42"
        snapshot.statements[1] = E.statement(
            "2", "UPDATE table_2 SET n = n + $1 WHERE key = $2", calls: 2_000, totalTimeMs: 1_500_000, rows: 2_000)
        snapshot.statements[1].sampleText = "UPDATE table_2 SET n = n + 1 WHERE key = 7"
        let found = findings(snapshot)
        let select = try #require(found.first { $0.object.key == "shop|app|1" })
        #expect(select.recommendation.hasPrefix("Read its plan: EXPLAIN (ANALYZE, BUFFERS) its slowest sample"))
        #expect(!select.recommendation.contains("--explain-top"))
        #expect(select.validation.contains("next log"))
        let update = try #require(found.first { $0.object.key == "shop|app|2" })
        #expect(update.recommendation.contains("inside a transaction you roll back"))
    }

    @Test func aCommitIsAdvisedOnItsLogFlushNotItsPlan() throws {
        var snapshot = workload()
        snapshot.statements[0] = E.statement("1", "END", calls: 90_000, totalTimeMs: 4_000_000, rows: 0)
        let postgres = try #require(findings(snapshot).first { $0.object.key == "shop|app|1" })
        #expect(postgres.recommendation.hasPrefix("A COMMIT waits for its WAL to be flushed to disk"))
        #expect(postgres.recommendation.contains("synchronous_commit = off"))
        #expect(!postgres.recommendation.contains("EXPLAIN"))
        var mysql = snapshot
        mysql.server.engine = .mysql
        mysql.statements[0].text = "commit"
        let innodb = try #require(findings(mysql).first { $0.object.key == "shop|app|1" })
        #expect(innodb.recommendation.contains("innodb_flush_log_at_trx_commit = 2"))
    }

    @Test func insertsAndSchemaChangesAreAdvisedOnWhatTheyCost() throws {
        var snapshot = workload()
        snapshot.statements[0] = E.statement(
            "1", "INSERT INTO rental VALUES ($1, $2, $3)", calls: 90_000, totalTimeMs: 4_000_000, rows: 90_000)
        snapshot.statements[1] = E.statement(
            "2", "ALTER TABLE film ADD COLUMN rating int", calls: 1, totalTimeMs: 1_500_000, rows: 0)
        snapshot.statements[2] = E.statement(
            "3", "INSERT INTO archive SELECT * FROM orders WHERE created_at < $1", calls: 10, totalTimeMs: 1_000_000,
            rows: 10)
        let found = findings(snapshot)
        let insert = try #require(found.first { $0.object.key == "shop|app|1" })
        #expect(insert.recommendation.hasPrefix("An INSERT … VALUES has no plan to tune"))
        #expect(insert.recommendation.contains("writing each row into rental"))
        let alter = try #require(found.first { $0.object.key == "shop|app|2" })
        #expect(alter.recommendation.hasPrefix("A schema or maintenance statement (ALTER)"))
        #expect(alter.recommendation.contains("CREATE INDEX CONCURRENTLY"))
        // INSERT … SELECT reads rows: its plan matters.
        let insertSelect = try #require(found.first { $0.object.key == "shop|app|3" })
        #expect(insertSelect.recommendation.hasPrefix("Read its plan"))
    }

    @Test func ioTimeTempBlocksAndEngineSpecificAdvice() throws {
        let statement = E.statement(
            "1", "SELECT `status` , COUNT ( * ) FROM `orders` GROUP BY `status`", calls: 100, totalTimeMs: 600_000,
            rows: 500
        ) {
            $0.blockReadTimeMs = 150_000
            $0.rowsExamined = 30_000_000
            $0.maxTimeMs = 20_000
        }
        let found = findings(E.snapshot(engine: .mariadb, statements: [statement]))
        let finding = try #require(found.first)
        #expect(finding.evidence("I/O time share") == 25)
        #expect(finding.evidence("rows examined per call") == 300_000)
        #expect(finding.evidence("max time") == 20_000)
        #expect(finding.recommendation.contains("ANALYZE FORMAT=JSON"))
        #expect(finding.recommendation.contains("it reads orders without a condition"))
        #expect(finding.severity == .critical)
    }
}

extension StatementTopTimeRuleTests {
    /// pgbench -i then a few minutes of TPC-B, scanned 16 minutes after the counters were reset.
    private func afterALoad(_ loads: [StatementStats]) -> Snapshot {
        let workload = [
            E.statement(
                "10", "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2", calls: 25_688,
                totalTimeMs: 90_000, rows: 25_688),
            E.statement(
                "11", "SELECT abalance FROM pgbench_accounts WHERE aid = $1", calls: 25_688, totalTimeMs: 20_000,
                rows: 25_688),
        ]
        return E.snapshot(days: 16.0 / 1_440, statements: loads + workload)
    }

    @Test func oneOffsCostTheirTotalOnceNeverARate() throws {
        let snapshot = afterALoad([
            E.statement(
                "1", "copy pgbench_accounts from stdin with (freeze on)", calls: 1, totalTimeMs: 88_000, rows: 1_000_000
            ),
            E.statement(
                "2", "INSERT INTO pgbench_branches (bid, bbalance) VALUES ($1, $2)", calls: 1, totalTimeMs: 250_000,
                rows: 1),
            E.statement(
                "3", "alter table pgbench_accounts add primary key (aid)", calls: 1, totalTimeMs: 70_000, rows: 0),
        ])
        var options = StatementTopTimeRule.Options()
        options.minTimeMsPerDay = 1_000
        let found = findings(snapshot, StatementTopTimeRule(options: options))
        let copy = try #require(found.first { $0.object.key == "shop|app|1" })
        #expect(copy.evidence("calls per day") == nil)
        #expect(copy.evidence("time per day") == nil)
        #expect(copy.severity <= .low)
        #expect(copy.message.contains("ran once over 16 minutes and took 88.0 s in total"), "\(copy.message)")
        #expect(copy.message.contains("a bulk load, not a daily cost"))
        #expect(copy.impact.summary.contains("not a daily cost"))
        #expect(!copy.impact.summary.contains("per day"))
        #expect(copy.recommendation.hasPrefix("A bulk load"))
        #expect(!copy.recommendation.contains("Read its plan"))
        // A seed INSERT run once takes 58 % of statement time: still not critical, nor a rate.
        let seed = try #require(found.first { $0.object.key == "shop|app|2" })
        #expect(seed.severity == .low)
        #expect(seed.evidence("calls per day") == nil)
        #expect(seed.impact.score <= Impact.riskScore(.low))
        // The recurring workload ranks above every one-off.
        let update = try #require(found.firstIndex { $0.object.key == "shop|app|10" })
        #expect(found.firstIndex { $0.object.key == "shop|app|2" }! > update)
        let key = try #require(found.first { $0.object.key == "shop|app|3" })
        #expect(key.message.contains("an index build"))
        #expect(key.recommendation.contains("maintenance_work_mem"))
        #expect(!key.recommendation.contains("work_mem = ") || key.recommendation.contains("maintenance_work_mem = "))
    }

    @Test func theServersForeignKeyChecksAreAttributedToTheirConstraint() throws {
        let lookup =
            #"SELECT 1 FROM ONLY "public"."customers" x WHERE "id" OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x"#
        let restrict =
            #"SELECT 1 FROM ONLY "public"."orders" x WHERE $1 OPERATOR(pg_catalog.=) "customer_id" FOR KEY SHARE OF x"#
        var snapshot = E.snapshot(statements: [
            E.statement("1", lookup, calls: 900_000, totalTimeMs: 900_000, rows: 900_000),
            E.statement("2", restrict, calls: 2_000, totalTimeMs: 800_000, rows: 0),
        ])
        snapshot.foreignKeys = [
            ForeignKey(
                schema: "public", table: "orders", name: "orders_customer_id_fkey", columns: ["customer_id"],
                referencedSchema: "public", referencedTable: "customers", referencedColumns: ["id"])
        ]
        let found = findings(snapshot)
        let check = try #require(found.first { $0.object.key == "shop|app|1" })
        #expect(
            check.message.contains(
                "is the foreign-key check of public.orders (customer_id) → public.customers, run by the server for "
                    + "every row inserted into orders"), "\(check.message)")
        #expect(!check.recommendation.contains("Read its plan"))
        #expect(!check.recommendation.contains("without a condition"))
        #expect(check.recommendation.contains("exists by necessity"))
        // Half the time is the per-row key check, which has nothing to tune: low. The scan for deleted keys is not.
        #expect(check.severity == .low)
        let scan = try #require(found.first { $0.object.key == "shop|app|2" })
        #expect(scan.severity == .high)
        #expect(scan.message.contains("every row deleted from customers"))
        #expect(scan.recommendation.contains("CREATE INDEX CONCURRENTLY ON public.orders (customer_id)"))
    }
}
