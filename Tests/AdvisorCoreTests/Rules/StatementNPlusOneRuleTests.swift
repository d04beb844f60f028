import Foundation
import Testing

@testable import AdvisorCore

struct StatementNPlusOneRuleTests {
    typealias E = StatementRuleExamples

    private func findings(_ snapshot: Snapshot, _ rule: StatementNPlusOneRule = StatementNPlusOneRule()) -> [Finding] {
        RuleEngine(rules: [rule]).run(snapshot).findings
    }

    private let lookup = E.statement(
        "1", "SELECT id, name, email FROM customers WHERE id = $1", calls: 2_000_000, totalTimeMs: 240_000,
        rows: 1_990_000)
    private let list = E.statement(
        "2", "SELECT id, customer_id, total FROM orders WHERE shop_id = $1 LIMIT $2", calls: 80_000,
        totalTimeMs: 160_000, rows: 2_000_000)

    @Test func lookupFollowingAListIsBatchedWithItsParentNamed() throws {
        let finding = try #require(findings(E.snapshot(statements: [lookup, list])).first)
        #expect(finding.object.key == "shop|app|1")
        #expect(finding.fixSQL == "SELECT id, name, email FROM customers WHERE id = ANY($1)")
        #expect(finding.impact.confidence == .high)
        // 2,000,000 calls a day × (0.12 ms − 0.0012 ms).
        #expect(abs(finding.impact.score - 2_000_000 * (0.12 - 0.0012)) < 1e-6)
        #expect(finding.severity == .medium)
        #expect(finding.message.contains("probably follows \"SELECT id, customer_id, total FROM orders"))
        #expect(finding.message.contains("returned 2,000,000 rows in total"))
        #expect(finding.evidence("parent rows") == 2_000_000)
        #expect(finding.evidence("calls per minute").map { abs($0 - 2_000_000.0 / 1_440) < 1e-6 } == true)
        #expect(finding.impact.summary.contains("assuming a batched query costs about one lookup per 100 keys"))
        #expect(finding.recommendation.hasPrefix("Fetch the keys in one query (WHERE id = ANY($1)"))
    }

    @Test func withoutAParentTheConfidenceIsMedium() throws {
        let finding = try #require(findings(E.snapshot(statements: [lookup])).first)
        #expect(finding.impact.confidence == .medium)
        #expect(finding.evidence("parent rows") == nil)
        #expect(finding.recommendation.contains("join customers into the query that produces the keys"))
    }

    /// pgbench: one balance read per transaction, run exactly as often as the transaction's updates and with no
    /// list before it, is a step of the transaction. A lookup that has a parent stays a loop whatever else runs.
    @Test func aLookupRunOncePerTransactionIsNoLoop() {
        let step = E.statement(
            "4", "UPDATE accounts SET balance = balance + $1 WHERE id = $2", calls: 2_000_000, totalTimeMs: 90_000,
            rows: 2_000_000)
        #expect(findings(E.snapshot(statements: [lookup, step])).isEmpty)
        #expect(findings(E.snapshot(statements: [lookup, step, list])).map(\.object.key) == ["shop|app|1"])
    }

    @Test func parentByAWholeMultipleOfItsCalls() throws {
        let page = E.statement(
            "3", "SELECT id FROM orders WHERE shop_id = $1 ORDER BY id LIMIT $2", calls: 100_000, totalTimeMs: 5_000,
            rows: 300_000)
        let finding = try #require(findings(E.snapshot(statements: [lookup, page])).first)
        #expect(finding.message.contains("ran 100,000 times (× 20)"))
    }

    @Test func statementsWithoutRowCountsAreLeftToTheBurstRule() {
        // A PostgreSQL log counts no rows: without rows per call a lookup cannot be told from a list.
        var unknownRows = lookup
        unknownRows.rows = nil
        #expect(findings(E.snapshot(statements: [unknownRows, list])).isEmpty)
    }

    @Test func unknownWindowIsLowConfidenceAndCapped() throws {
        var busy = lookup
        busy.calls = 200_000_000
        busy.totalTimeMs = 24_000_000
        busy.rows = 200_000_000
        let finding = try #require(findings(E.snapshot(days: nil, statements: [busy])).first)
        #expect(finding.impact.confidence == .low)
        #expect(finding.severity == .medium)
        #expect(finding.impact.summary.contains("window unknown"))
    }

    @Test func slowRateExpensiveCallsAndManyRowsAreSilent() {
        // 2,000 calls over 30 days is well under 100 calls a minute.
        let rare = E.statement(
            "4", "SELECT * FROM customers WHERE id = $1", calls: 2_000, totalTimeMs: 200, rows: 2_000)
        #expect(findings(E.snapshot(days: 30, statements: [rare])).isEmpty)
        var slow = lookup
        slow.totalTimeMs = 20_000_000
        #expect(findings(E.snapshot(statements: [slow])).isEmpty)
        let range = E.statement(
            "5", "SELECT * FROM orders WHERE created_at > $1 LIMIT $2", calls: 900_000, totalTimeMs: 90_000,
            rows: 900_000)
        #expect(findings(E.snapshot(statements: [range])).isEmpty)
    }

    @Test func mysqlGetsAnInList() throws {
        let digest = E.statement(
            "0xB2", "SELECT `id` , `name` FROM `shop` . `customers` WHERE `id` = ?", calls: 600_000,
            totalTimeMs: 60_000, rows: 600_000)
        let finding = try #require(findings(E.snapshot(engine: .mysql, statements: [digest])).first)
        #expect(finding.fixSQL == "SELECT `id` , `name` FROM `shop` . `customers` WHERE `id` IN (...)")
        #expect(finding.recommendation.contains("WHERE id IN (…)"))
    }

    @Test func theUniqueKeyIsTheOneBatched() throws {
        let byEmail = E.statement(
            "6", "SELECT * FROM users u WHERE u.tenant_id = $1 AND u.email = $2", calls: 600_000, totalTimeMs: 60_000,
            rows: 600_000)
        var snapshot = E.snapshot(statements: [byEmail])
        snapshot.indexes = [
            IndexStats(
                schema: "public", table: "users", name: "users_email_key", definition: "", columns: ["email"],
                isUnique: true)
        ]
        let finding = try #require(findings(snapshot).first)
        #expect(finding.fixSQL == "SELECT * FROM users u WHERE u.tenant_id = $1 AND u.email = ANY($2)")
        snapshot.indexes = []
        #expect(
            findings(snapshot).first?.fixSQL == "SELECT * FROM users u WHERE u.tenant_id = ANY($1) AND u.email = $2")
    }
}

extension StatementNPlusOneRuleTests {
    @Test func theServersForeignKeyLookupsAreNoApplicationLoop() {
        let check = E.statement(
            "1", #"SELECT 1 FROM ONLY "public"."authors" x WHERE "id" OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x"#,
            calls: 500_000, totalTimeMs: 25_000, rows: 500_000)
        let lookup = E.statement(
            "2", "SELECT id, name FROM authors WHERE id = $1", calls: 400_000, totalTimeMs: 20_000, rows: 400_000)
        #expect(findings(E.snapshot(statements: [check, lookup])).map(\.object.key) == ["shop|app|2"])
    }
}
