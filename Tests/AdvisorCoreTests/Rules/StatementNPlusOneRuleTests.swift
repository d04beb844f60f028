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
        // 2,000,000 calls a day × (0.12 ms − 0.0012 ms), and 1,920,000 round trips (one batch per page) × 0.3 ms.
        #expect(abs(finding.impact.score - (2_000_000 * (0.12 - 0.0012) + 1_920_000 * 0.3)) < 1e-6)
        #expect(finding.evidence("round trips saved") == 1_920_000)
        #expect(finding.severity == .high)
        #expect(finding.message.contains("probably follows \"SELECT id, customer_id, total FROM orders"))
        #expect(finding.message.contains("returned 2,000,000 rows in total"))
        #expect(finding.evidence("parent rows") == 2_000_000)
        #expect(finding.evidence("calls per minute").map { abs($0 - 2_000_000.0 / 1_440) < 1e-6 } == true)
        #expect(finding.impact.summary.contains("1,920,000 round trips × 0.300 ms ≈ 813.6 s saved per day"))
        #expect(finding.message.contains("(orders.customer_id names customers)"))
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

    /// A ratio alone names no parent: a page of orders whose calls × 20 are the lookup's calls but which selects no
    /// customer key is not what drives the customer lookups.
    @Test func anUnrelatedQueryIsNeverTheParent() throws {
        let page = E.statement(
            "3", "SELECT id FROM orders WHERE shop_id = $1 ORDER BY id LIMIT $2", calls: 100_000, totalTimeMs: 5_000,
            rows: 2_000_000)
        let finding = try #require(findings(E.snapshot(statements: [lookup, page])).first)
        #expect(!finding.message.contains("follows"), "\(finding.message)")
        #expect(finding.impact.confidence == .medium)
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

/// Issue 12: the loops an ORM really makes, at staging volumes, with the parent that drives them.
extension StatementNPlusOneRuleTests {
    private static let bookshopKeys = [
        ForeignKey(
            schema: "public", table: "books", name: "books_author_id_fkey", columns: ["author_id"],
            referencedSchema: "public", referencedTable: "authors", referencedColumns: ["id"])
    ]

    /// A two-minute run: 67 pages of 20 authors, then `author.books` for each (1,340 calls, 10 rows each), and 66
    /// pages of books with `book.author` for each. The authors page also returns 1,340 rows in all, but it reads
    /// the lookup's own table: the books page, which references authors, drives the N-1 loop.
    @Test func aStagingRunOfAnORMsLazyLoadsFindsBothLoopsWithTheirParents() throws {
        let authorsPage = E.statement(
            "10", "SELECT authors.id, authors.name FROM authors ORDER BY authors.id LIMIT $1 OFFSET $2", calls: 67,
            totalTimeMs: 40, rows: 1_340)
        let books = E.statement(
            "11", "SELECT books.id, books.title FROM books WHERE $1 = books.author_id ORDER BY books.id",
            calls: 1_340, totalTimeMs: 120, rows: 13_400)
        let booksPage = E.statement(
            "12",
            "SELECT books.id, books.author_id, books.title FROM books WHERE books.year = $1 ORDER BY books.id LIMIT $2",
            calls: 66, totalTimeMs: 200, rows: 1_320)
        let author = E.statement(
            "13", "SELECT authors.id, authors.name FROM authors WHERE authors.id = $1::INTEGER", calls: 1_320,
            totalTimeMs: 10, rows: 1_320)
        var snapshot = E.snapshot(days: 120.0 / 86_400, statements: [authorsPage, books, booksPage, author])
        snapshot.foreignKeys = Self.bookshopKeys
        let found = findings(snapshot)
        #expect(found.map(\.object.key) == ["shop|app|11", "shop|app|13"])
        let collection = try #require(found.first)
        #expect(collection.message.hasPrefix("A lookup of about 10.0 rows (a collection) on books by author_id"))
        #expect(collection.message.contains("follows \"SELECT authors.id, authors.name FROM authors ORDER BY"))
        #expect(collection.message.contains("(books.author_id references authors)"))
        #expect(
            collection.fixSQL
                == "SELECT books.id, books.title FROM books WHERE books.author_id = ANY($1) ORDER BY books.id")
        #expect(collection.impact.confidence == .low || collection.impact.confidence == .high)
        let reference = try #require(found.last)
        #expect(reference.message.contains("follows \"SELECT books.id, books.author_id, books.title FROM books"))
        #expect(
            reference.fixSQL == "SELECT authors.id, authors.name FROM authors WHERE authors.id = ANY($1::INTEGER[])")
        #expect(reference.evidence("round trips saved") == 1_254)
        // Two minutes decide no severity above medium.
        #expect(found.allSatisfy { $0.severity <= .medium })
    }

    /// The same pages written with selectinload: one `= ANY($1)` query per page is the batched form, not a loop.
    @Test func theEagerLoadingQueryIsNoLoop() {
        let authorsPage = E.statement(
            "10", "SELECT authors.id, authors.name FROM authors ORDER BY authors.id LIMIT $1 OFFSET $2", calls: 67,
            totalTimeMs: 40, rows: 1_340)
        let books = E.statement(
            "11", "SELECT books.id, books.author_id FROM books WHERE books.author_id = ANY($1::INTEGER[])",
            calls: 134, totalTimeMs: 90, rows: 13_400)
        var snapshot = E.snapshot(days: 120.0 / 86_400, statements: [authorsPage, books])
        snapshot.foreignKeys = Self.bookshopKeys
        #expect(findings(snapshot).isEmpty)
    }

    /// MariaDB's digest upper-cases `authors`; the rewrite takes the catalog's spelling, or the server rejects it.
    @Test func theRewriteSpellsTablesAsTheCatalogDoes() throws {
        let page = E.statement(
            "20", "SELECT `books` . `id` , `books` . `author_id` FROM `books` WHERE YEAR = ? LIMIT ?", calls: 66,
            totalTimeMs: 50, rows: 1_320)
        let author = E.statement(
            "21", "SELECT `authors` . `id` , `authors` . `name` FROM AUTHORS WHERE `authors` . `id` = ?",
            calls: 1_320, totalTimeMs: 60, rows: 1_320)
        var snapshot = E.snapshot(engine: .mariadb, days: 120.0 / 86_400, statements: [page, author])
        snapshot.tables = [
            TableStats(schema: "shop", name: "authors"), TableStats(schema: "shop", name: "books"),
        ]
        let finding = try #require(findings(snapshot).first)
        #expect(
            finding.fixSQL
                == "SELECT `authors` . `id` , `authors` . `name` FROM `authors` WHERE `authors` . `id` IN (...)")
    }
}
