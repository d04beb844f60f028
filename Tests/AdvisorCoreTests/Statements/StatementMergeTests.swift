import Testing

@testable import AdvisorCore

/// psycopg 3 binds a Python int as int2 or int4 by its value, and `pg_stat_statements` keys on the parameter
/// types: one text splits over two queryids (21 calls / 2,100 rows and 13 calls / 1,300 rows). Every rule sees
/// it as one statement.
struct StatementMergeTests {
    private func entry(_ id: String, calls: Int, totalTimeMs: Double, rows: Int, user: String = "app") -> StatementStats
    {
        var statement = StatementStats(
            id: id, text: "SELECT * FROM authors ORDER BY id LIMIT $1 OFFSET $2", database: "shop", user: user,
            calls: calls, totalTimeMs: totalTimeMs, rows: rows)
        statement.minTimeMs = totalTimeMs / Double(calls) / 2
        statement.maxTimeMs = totalTimeMs / Double(calls) * 2
        statement.stddevTimeMs = 0
        statement.sharedBlocksHit = 10
        return statement
    }

    @Test func entriesOfOneTextDatabaseAndUserAreAddedUp() throws {
        let merged = StatementStats.mergingIdenticalTexts([
            entry("int4", calls: 13, totalTimeMs: 26, rows: 1_300),
            entry("int2", calls: 21, totalTimeMs: 21, rows: 2_100),
            entry("other-user", calls: 5, totalTimeMs: 5, rows: 500, user: "report"),
        ])
        #expect(merged.count == 2)
        let page = try #require(merged.first)
        #expect(page.id == "int4")
        #expect(page.mergedIds == ["int2"])
        #expect(page.calls == 34)
        #expect(page.rows == 3_400)
        #expect(page.totalTimeMs == 47)
        #expect(page.sharedBlocksHit == 20)
        #expect(page.minTimeMs == 0.5)
        #expect(page.maxTimeMs == 4)
        // Means 2 and 1 ms with no spread inside each group: the spread of the whole is theirs.
        let mean = 47.0 / 34
        let variance = (13 * (2 - mean) * (2 - mean) + 21 * (1 - mean) * (1 - mean)) / 34
        #expect(abs((page.stddevTimeMs ?? 0) - variance.squareRoot()) < 1e-9)
        #expect(merged.last?.user == "report")
    }
}
