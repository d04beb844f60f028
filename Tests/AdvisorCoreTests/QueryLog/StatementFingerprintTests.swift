import Testing

@testable import AdvisorCore

@Suite struct StatementFingerprintTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var engine: Engine
        var input: String
        var normalized: String
        var testDescription: String { "\(engine.rawValue): \(input)" }

        static func mysql(_ input: String, _ normalized: String) -> Case {
            Case(engine: .mysql, input: input, normalized: normalized)
        }

        static func postgres(_ input: String, _ normalized: String) -> Case {
            Case(engine: .postgres, input: input, normalized: normalized)
        }
    }

    static let literals: [Case] = [
        .mysql("SELECT 'a', 'it''s', 'it\\'s', \"dq\", '\\\\' FROM t", "select ?, ?, ?, ?, ? from t"),
        .mysql("SELECT N'x', X'0F', B'101', _utf8mb4'y', _latin1\"z\" FROM t", "select ?, ?, ?, ?, ? from t"),
        .mysql(
            "SELECT 1, -2, +3.5, .5, 5., 1e10, -6e-30, 0x1F, 0b101 FROM t", "select ?, ?, ?, ?, ?, ?, ?, ?, ? from t"),
        .mysql("SELECT a - 1, a-1, (-1), b * -2 FROM t", "select a - ?, a-?, (?), b * ? from t"),
        .mysql(
            "SELECT TRUE, false, NULL FROM t WHERE a IS NULL AND b IS NOT TRUE",
            "select ?, ?, ? from t where a is null and b is not true"),
        .mysql(
            "SELECT * FROM t WHERE a = ? AND b = :name AND c = %s AND d = %(key)s",
            "select * from t where a = ? and b = ? and c = ? and d = ?"),
        .mysql("SELECT 123abc, t1.c2, foo_1 FROM 123abc", "select 123abc, t1.c2, foo_1 from 123abc"),
        .mysql("SELECT @@GLOBAL.read_only, @x := 1", "select @@global.read_only, @x := ?"),
        .postgres(
            "SELECT 'a', 'it''s', E'it\\'s', e'\\x41', U&'d\\0061t', B'101', X'1F', N'n' FROM t",
            "select $1, $2, $3, $4, $5, $6, $7, $8 from t"),
        .postgres("SELECT 'back\\' FROM t", "select $1 from t"),
        .postgres("DO $$ BEGIN PERFORM 'x'; END $$; SELECT $fn$ a $$ b $fn$", "do $1; select $2"),
        .postgres("SELECT a$b, $1, $2, 3 FROM t", "select a$b, $1, $2, $3 from t"),
        .postgres(
            "SELECT x::int, y::numeric(10,2), CAST(z AS varchar(50)), arr[1:2] FROM t",
            "select x::int, y::numeric(10,2), cast(z as varchar(50)), arr[$1:$2] from t"),
        .postgres(
            "SELECT a, count(*) FROM t GROUP BY 1 ORDER BY 2 DESC, 'x' LIMIT 10",
            "select a, count(*) from t group by 1 order by 2 desc, $1 limit $2"),
        .postgres("SELECT * FROM t WHERE doc ? 'key' AND n = :id", "select * from t where doc ? $1 and n = $2"),
        .postgres("SELECT interval '2 days', point '1,2', now() - 1", "select interval $1, point $2, now() - $3"),
        .postgres(
            "SELECT \"MixedCase\".\"Col\" FROM \"MixedCase\" WHERE x IS NOT NULL",
            "select \"MixedCase\".\"Col\" from \"MixedCase\" where x is not null"),
    ]

    static let lists: [Case] = [
        .mysql("SELECT * FROM t WHERE a IN (1, 2, 3) AND b in ('x')", "select * from t where a in(?+) and b in(?+)"),
        .mysql(
            "SELECT * FROM t WHERE a IN (SELECT id FROM u WHERE v IN (1,2))",
            "select * from t where a in(select id from u where v in(?+))"),
        .mysql("SELECT * FROM t WHERE a IN (b, 1)", "select * from t where a in(b, ?)"),
        .mysql("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y') , (3, NOW())", "insert into t (a, b) values(?+)"),
        .mysql(
            "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a) + 1",
            "insert into t values(?+) on duplicate key update a = values(a) + ?"),
        .mysql("REPLACE INTO t VALUE (1)", "replace into t value(?+)"),
        .mysql("INSERT INTO t () VALUES ()", "insert into t () values()"),
        .postgres(
            "SELECT * FROM t WHERE a IN (1, 2, 3) AND b = ANY(ARRAY[4, 5])",
            "select * from t where a in ($1 /*, ... */) and b = any(array[$2 /*, ... */])"),
        .postgres(
            "SELECT * FROM t WHERE a IN ($1, $2) AND c = $3", "select * from t where a in ($1 /*, ... */) and c = $2"),
        .postgres(
            "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z') RETURNING id",
            "insert into t (a, b) values ($1, $2) returning id"),
        .postgres("SELECT * FROM (VALUES (1), (2)) v(x)", "select * from (values ($1)) v(x)"),
    ]

    static let comments: [Case] = [
        .mysql("SELECT a -- note\nFROM t # other\nWHERE b = 1", "select a from t where b = ?"),
        .mysql("SELECT a--x\n,b FROM t", "select a,b from t"),
        .mysql("SELECT /* c */ a/**/FROM t", "select a from t"),
        .mysql(
            "SELECT /*!40001 SQL_NO_CACHE */ /*+ BKA(t) */ * FROM t",
            "select /*!40001 sql_no_cache */ /*+ bka(t) */ * from t"),
        .postgres("SELECT /* outer /* inner */ still */ a FROM t -- end", "select a from t"),
        .postgres("SELECT a # b FROM t", "select a # b from t"),
        .postgres("SELECT a  \n\t FROM   t ;", "select a from t"),
        .postgres(
            "SELECT a FROM t ORDER BY a ASC, b asc NULLS FIRST, c DESC",
            "select a from t order by a, b asc nulls first, c desc"),
    ]

    @Test(arguments: literals + lists + comments) func normalizes(_ example: Case) {
        #expect(StatementFingerprint(sql: example.input, engine: example.engine).normalized == example.normalized)
    }

    @Test func mariadbReadsAsMySQL() {
        let sql = "SELECT \"a\" FROM t WHERE id IN (1,2)"
        #expect(StatementFingerprint(sql: sql, engine: .mariadb) == StatementFingerprint(sql: sql, engine: .mysql))
    }

    @Test func caseSpacingAndValuesMakeOneClass() {
        let variants = [
            "SELECT name FROM users WHERE id = 42 AND kind IN (1, 2)",
            "select  name\n  from USERS where id=7 and kind in (3)",
            "/* app */ SELECT name FROM users WHERE id = $1 AND kind IN ($2, $3, $4);",
        ]
        let hashes = Set(variants.map { StatementFingerprint(sql: $0, engine: .postgres).hash })
        #expect(hashes.count == 1)
        let other = StatementFingerprint(sql: "SELECT name FROM users WHERE id > 42", engine: .postgres)
        #expect(!hashes.contains(other.hash))
        // Quoted names keep their case in PostgreSQL: another table.
        let quoted = StatementFingerprint(sql: "SELECT name FROM \"Users\" WHERE id = 1", engine: .postgres)
        let plain = StatementFingerprint(sql: "SELECT name FROM \"users\" WHERE id = 1", engine: .postgres)
        #expect(quoted.hash != plain.hash)
    }

    @Test func hashIsStableFNV1a() {
        // FNV-1a 64 of "select?" (the space before `?` does not separate two words).
        var expected: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "select?".utf8 {
            expected ^= UInt64(byte)
            expected &*= 0x0000_0100_0000_01b3
        }
        #expect(StatementFingerprint(sql: "SELECT 1", engine: .mysql).hash == expected)
    }

    @Test func leadingAndTrailingTagsAreAttribution() {
        let marginalia = StatementFingerprint(
            sql: "/*application:shop,controller:orders,action:show*/ SELECT * FROM orders WHERE id = 1",
            engine: .mysql)
        #expect(marginalia.tag == "application:shop,controller:orders,action:show")
        #expect(marginalia.normalized == "select * from orders where id = ?")

        let sqlcommenter = StatementFingerprint(
            sql: "SELECT * FROM orders WHERE id = 1 /*controller='orders',action='show',route='%2Forders'*/;",
            engine: .postgres)
        #expect(sqlcommenter.tag == "controller='orders',action='show',route='%2Forders'")
        #expect(sqlcommenter.normalized == "select * from orders where id = $1")

        let spaced = StatementFingerprint(sql: "/* controller=orders,action=show */ SELECT 1", engine: .postgres)
        #expect(spaced.tag == "controller=orders,action=show")
        #expect(spaced.hash == StatementFingerprint(sql: "SELECT 2", engine: .postgres).hash)
    }

    @Test func proseCommentsAreNotTags() {
        for sql in [
            "/* pganalyze-collector */ SELECT 1", "/* -- S++ SU ABORTABLE -- spd_user: rspadim */SELECT 1",
            "REPLACE /*foo.bar:3/3*/ INTO t SELECT 1", "SELECT 1 /* controller=orders */ FROM t",
            "/* key= */ SELECT 1",
        ] {
            #expect(StatementFingerprint(sql: sql, engine: .mysql).tag == nil, "\(sql)")
        }
    }

    @Test func brokenInputNeverCrashes() {
        let inputs = [
            "", ";", "'", "SELECT 'unterminated", "SELECT \"x", "SELECT `x", "/* open", "SELECT $$ open", "SELECT $a",
            "SELECT ((1", "SELECT 1))", "]]", "IN (", "VALUES (1),", "-", "--", "0x", ".", "$", ":", "%(", "U&", "E",
        ]
        for engine in [Engine.mysql, .postgres] {
            for input in inputs {
                _ = StatementFingerprint(sql: input, engine: engine)
            }
        }
        let garbage: [UInt8] = [0xFF, 0xFE, 0x27, 0x00, 0x80, 0x2F, 0x2A]
        #expect(StatementFingerprint(utf8: garbage, engine: .postgres).normalized.isEmpty == false)
        #expect(StatementFingerprint(sql: "SELECT 'unterminated", engine: .mysql).normalized == "select ?")
    }

    @Test func bytesAndStringsAgree() {
        let sql = "SELECT * FROM t WHERE a = 'é' AND b IN (1,2) /* controller:x */"
        let fromBytes = StatementFingerprint(utf8: Array(sql.utf8)[...], engine: .postgres)
        #expect(fromBytes == StatementFingerprint(sql: sql, engine: .postgres))
        #expect(fromBytes.tag == "controller:x")
    }

    @Test func fingerprinterReusesItsBuffersAcrossStatements() {
        var fingerprinter = StatementFingerprinter(engine: .postgres)
        let long = "SELECT " + Array(repeating: "'x'", count: 2_000).joined(separator: ", ")
        _ = fingerprinter.hash(long)
        let hash = fingerprinter.hash("SELECT 1 /* a:b */")
        #expect(fingerprinter.normalized == "select $1")
        #expect(fingerprinter.tag == "a:b")
        #expect(hash == StatementFingerprint(sql: "select 9", engine: .postgres).hash)
        _ = fingerprinter.hash("SELECT 2")
        #expect(fingerprinter.tag == nil)
    }

    /// Parentheses nested past `maximumFrames` (a statement of 5 MB of them) are kept as written, at a byte of memory
    /// each; a list inside them no longer collapses, one within the limit still does.
    @Test func deepNestingIsKeptAsWritten() {
        let depth = 2_500_000
        let sql =
            "SELECT " + String(repeating: "(", count: depth) + "a IN (1, 2)" + String(repeating: ")", count: depth)
        let normalized = StatementFingerprint(sql: sql, engine: .mysql).normalized
        #expect(
            normalized == "select " + String(repeating: "(", count: depth) + "a in (?, ?)"
                + String(repeating: ")", count: depth))
        let limit = FingerprintWriter.maximumFrames - 1
        let shallow = String(repeating: "(", count: limit) + "a IN (1, 2)" + String(repeating: ")", count: limit)
        #expect(
            StatementFingerprint(sql: shallow, engine: .mysql).normalized
                == String(repeating: "(", count: limit) + "a in(?+)" + String(repeating: ")", count: limit))
    }

    @Test func wordCodesMatchTheirNames() {
        let words: [(String, UInt64)] = [
            ("all", SQLWord.all), ("and", SQLWord.and), ("any", SQLWord.any), ("array", SQLWord.array),
            ("as", SQLWord.as), ("asc", SQLWord.asc), ("between", SQLWord.between), ("binary", SQLWord.binary),
            ("bit", SQLWord.bit), ("by", SQLWord.by), ("case", SQLWord.case), ("char", SQLWord.char),
            ("datetime", SQLWord.datetime), ("decimal", SQLWord.decimal), ("else", SQLWord.else),
            ("except", SQLWord.except), ("false", SQLWord.false), ("fetch", SQLWord.fetch), ("float", SQLWord.float),
            ("for", SQLWord.for), ("from", SQLWord.from), ("group", SQLWord.group), ("having", SQLWord.having),
            ("in", SQLWord.in), ("insert", SQLWord.insert), ("is", SQLWord.is), ("like", SQLWord.like),
            ("limit", SQLWord.limit), ("nchar", SQLWord.nchar), ("not", SQLWord.not), ("null", SQLWord.null),
            ("numeric", SQLWord.numeric), ("nvarchar", SQLWord.nvarchar), ("offset", SQLWord.offset),
            ("on", SQLWord.on), ("or", SQLWord.or), ("order", SQLWord.order), ("replace", SQLWord.replace),
            ("return", SQLWord.return), ("select", SQLWord.select), ("set", SQLWord.set), ("some", SQLWord.some),
            ("then", SQLWord.then), ("time", SQLWord.time), ("true", SQLWord.true), ("union", SQLWord.union),
            ("value", SQLWord.value), ("values", SQLWord.values),
            ("varbit", SQLWord.varbit), ("varchar", SQLWord.varchar), ("varying", SQLWord.varying),
            ("when", SQLWord.when), ("where", SQLWord.where), ("window", SQLWord.window),
        ]
        for (name, code) in words {
            let packed = Array(name.uppercased().utf8).withUnsafeBufferPointer { SQLWord.code(of: $0) }
            #expect(packed == code, "\(name)")
        }
    }
}
