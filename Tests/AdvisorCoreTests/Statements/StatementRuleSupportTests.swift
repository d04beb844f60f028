import Foundation
import Testing

@testable import AdvisorCore

struct StatementRuleSupportTests {
    private func table(_ text: String, engine: Engine = .postgres) -> StatementShape.TableUse {
        StatementShape(text, engine: engine).tables[0]
    }

    @Test func batchedLookupRewritesOnlyTheMainWhereClause() {
        let text = "SELECT * FROM orders o WHERE o.id = $1 AND EXISTS (SELECT 1 FROM x WHERE id = $2)"
        let lookup = BatchedLookup(text, table: table(text), key: "id", engine: .postgres)
        #expect(lookup?.sql == "SELECT * FROM orders o WHERE o.id = ANY($1) AND EXISTS (SELECT 1 FROM x WHERE id = $2)")
        let other = "SELECT * FROM orders o WHERE x.id = $1"
        #expect(BatchedLookup(other, table: table(other), key: "id", engine: .postgres) == nil)
        let literal = "SELECT * FROM orders WHERE id = 5"
        #expect(BatchedLookup(literal, table: table(literal), key: "id", engine: .postgres) == nil)
        // The cast moves onto the array: `= ANY($1)::INTEGER` would be "argument of WHERE must be type boolean".
        let cast = "SELECT books.id FROM books WHERE books.author_id = $1::INTEGER ORDER BY books.id"
        #expect(
            BatchedLookup(cast, table: table(cast), key: "author_id", engine: .postgres)?.sql
                == "SELECT books.id FROM books WHERE books.author_id = ANY($1::INTEGER[]) ORDER BY books.id")
        let varchar = "SELECT * FROM users WHERE code = $1::character varying(20) AND active"
        #expect(
            BatchedLookup(varchar, table: table(varchar), key: "code", engine: .postgres)?.sql
                == "SELECT * FROM users WHERE code = ANY($1::character varying(20)[]) AND active")
        let quoted = "SELECT * FROM `orders` WHERE `orders`.`id` = ? LIMIT ?"
        #expect(
            BatchedLookup(quoted, table: table(quoted, engine: .mysql), key: "id", engine: .mysql)?.sql
                == "SELECT * FROM `orders` WHERE `orders`.`id` IN (...) LIMIT ?")
    }

    @Test func keyColumnPreference() {
        let text = "SELECT * FROM items WHERE shop_id = $1 AND sku = $2 AND order_id = $3"
        #expect(BatchedLookup.keyColumns(of: table(text), indexes: []) == ["order_id", "shop_id", "sku"])
        let unique = IndexStats(
            schema: "public", table: "items", name: "items_sku_key", definition: "", columns: ["sku"], isUnique: true)
        #expect(BatchedLookup.keyColumns(of: table(text), indexes: [unique]).first == "sku")
    }

    @Test func memorySettings() {
        #expect(MemorySetting.kilobytes("4MB") == 4_096)
        #expect(MemorySetting.kilobytes("'1GB'") == 1_048_576)
        #expect(MemorySetting.kilobytes("64kB") == 64)
        #expect(MemorySetting.kilobytes("4096") == 4_096)
        #expect(MemorySetting.kilobytes("16777216", bareUnitKilobytes: 1.0 / 1024) == 16_384)
        #expect(MemorySetting.kilobytes("lots") == nil)
        #expect(MemorySetting.kilobytes(nil) == nil)
    }

    @Test func oneLineText() {
        let statement = StatementStats(
            id: "1", text: "SELECT id,\n       name\n  FROM   customers\nWHERE id = $1\n", calls: 1, totalTimeMs: 1,
            rows: 1)
        #expect(statement.oneLineText() == "SELECT id, name FROM customers WHERE id = $1")
        #expect(statement.oneLineText(maxLength: 12) == "SELECT id, …")
    }

    @Test func aSampleStaysRunnable() {
        var statement = StatementStats(id: "1", text: "SELECT ?", calls: 1, totalTimeMs: 1, rows: 1)
        statement.sampleText = "\n    SELECT a, -- the key\n\t  b\n\n    FROM t  \n    WHERE id = 7\n"
        // The comment still ends at its line; the common indentation and blank lines go.
        #expect(statement.runnableSample() == "SELECT a, -- the key\n  b\nFROM t\nWHERE id = 7")
        #expect(statement.runnableSample(maxLength: 10) == "SELECT a,…")
        // Lines that end in CR LF are lines too.
        statement.sampleText = "SELECT a,\r\n  b\r\nFROM t\r\n"
        #expect(statement.runnableSample() == "SELECT a,\n  b\nFROM t")
        statement.sampleText = nil
        #expect(statement.runnableSample() == nil)
    }

    /// A sample of 10 MB is cut to its first characters, its common indentation still found on every line.
    @Test func aLongSampleIsCut() {
        var statement = StatementStats(id: "1", text: "SELECT ?", calls: 1, totalTimeMs: 1, rows: 1)
        let columns = (0..<1_000_000).map { "    col\($0)," }.joined(separator: "\n")
        statement.sampleText = "    SELECT\n" + columns + "\n  1 FROM t"
        let sample = statement.runnableSample()
        #expect(sample?.count == 2_000)
        #expect(sample?.hasPrefix("  SELECT\n  col0,\n  col1,\n") == true)
        #expect(sample?.hasSuffix("…") == true)
        statement.sampleText = "SELECT '" + String(repeating: "é", count: 5_000_000) + "'"
        #expect(statement.runnableSample(maxLength: 10) == "SELECT 'é…")
    }

    @Test func windowFromTheStatementSourceReset() {
        let known = StatementWindow(
            StatementRuleExamples.snapshot(days: 2, source: StatementSource(name: "pg_stat_statements")))
        #expect(known.perDayOrCumulative(100) == 50)
        #expect(known.perMinute(2_880) == 1)
        #expect(known.spanText == " over 2.0 days")
        let unknown = StatementWindow(StatementRuleExamples.snapshot(days: nil))
        #expect(unknown.perDayOrCumulative(100) == 100)
        #expect(unknown.perMinute(100) == nil)
        #expect(unknown.severity(.savedTimePerDay, for: 1e12) == .medium)
    }

    @Test func aShortWindowStillRanksButDecidesNoHighSeverity() {
        // Ten minutes of a burst extrapolated to a day: said so, low confidence, severity at most medium.
        let source = StatementSource(name: "pg_stat_statements")
        let short = StatementWindow(StatementRuleExamples.snapshot(days: 600.0 / 86_400, source: source))
        #expect(short.perDayOrCumulative(1) == 144)
        #expect(short.periodText == "per day, extrapolated from 10 minutes")
        #expect(short.confidence(.high) == .low)
        #expect(short.severity(.savedTimePerDay, for: 1e12) == .medium)
        let day = StatementWindow(StatementRuleExamples.snapshot(days: 1, source: source))
        #expect(day.periodText == "per day")
        #expect(day.confidence(.high) == .high)
        #expect(day.severity(.savedTimePerDay, for: 1e12) == .critical)
    }
}
