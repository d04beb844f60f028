import AdvisorCore
import Foundation

/// `dbadvisor-bench fingerprint [--corpus DIR] [--count N]`: statement fingerprinting on one core, over the corpus
/// statements (fingerprint pairs' inputs and `plans/queries/*.sql`) and over a generated mix of N statements
/// (default 1,000,000) for each engine. Prints statements/s and MB/s for the hash-only path (what a digest runs
/// per statement) and for the full fingerprint with its normalized `String`.
enum FingerprintBenchmark {
    /// Statements laid end to end in one buffer, so the loop measures fingerprinting and not memory allocation.
    struct Statements {
        var name: String
        var engine: Engine
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []

        mutating func append(_ statement: some Sequence<UInt8>) {
            let start = bytes.count
            bytes.append(contentsOf: statement)
            ranges.append(start..<bytes.count)
        }
    }

    static func run(arguments: [String]) {
        var count = 1_000_000
        var corpusOverride: String?
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--count": count = remaining.popFirst().flatMap { Int($0) } ?? count
            case "--corpus": corpusOverride = remaining.popFirst()
            default:
                print("usage: dbadvisor-bench fingerprint [--corpus DIR] [--count N]")
                exit(2)
            }
        }
        var sets = Engine.allCases.filter { $0 != .mariadb }.map { generated(count: count, engine: $0) }
        if let corpus = Options(arguments: [""] + (corpusOverride.map { ["--corpus", $0] } ?? [])).corpusDirectory {
            sets += corpusStatements(in: corpus)
        } else {
            print("corpus: left out, no corpus folder found\n")
        }
        print("dbadvisor-bench fingerprint: one core, seconds per pass are the median of ≥ 3 passes filling ≥ 0.5 s.\n")
        print(
            row([
                "input", "statements", "MB", "hash statements/s", "hash MB/s", "fingerprint statements/s",
                "fingerprint MB/s", "classes",
            ]))
        print(row(["---", "--:", "--:", "--:", "--:", "--:", "--:", "--:"]))
        for set in sets { measure(set) }
    }

    static func measure(_ set: Statements) {
        var classes = Set<UInt64>()
        var fingerprinter = StatementFingerprinter(engine: set.engine)
        set.bytes.withUnsafeBufferPointer { bytes in
            for range in set.ranges { classes.insert(fingerprinter.hash(UnsafeBufferPointer(rebasing: bytes[range]))) }
        }
        var checksum: UInt64 = 0
        let hashSeconds = secondsPerPass(repetitions: 3) {
            set.bytes.withUnsafeBufferPointer { bytes in
                for range in set.ranges { checksum &+= fingerprinter.hash(UnsafeBufferPointer(rebasing: bytes[range])) }
            }
        }
        let fullSeconds = secondsPerPass(repetitions: 3) {
            set.bytes.withUnsafeBufferPointer { bytes in
                for range in set.ranges {
                    checksum &+= UInt64(
                        fingerprinter.fingerprint(utf8: UnsafeBufferPointer(rebasing: bytes[range])).normalized.utf8
                            .count)
                }
            }
        }
        let megabytes = Double(set.bytes.count) / 1e6
        let statements = set.ranges.count
        print(
            row([
                set.name, "\(statements)", fixed(megabytes, 1), rate(statements, hashSeconds),
                fixed(megabytes / hashSeconds, 1), rate(statements, fullSeconds), fixed(megabytes / fullSeconds, 1),
                "\(classes.count)",
            ]))
        // Keeps the optimizer from dropping the work.
        if checksum == 42 { print("") }
    }

    /// The inputs of the corpus fingerprint pairs per engine, and the statements of `plans/queries/`.
    static func corpusStatements(in corpus: URL) -> [Statements] {
        var mysql = Statements(name: "corpus fingerprints/*.tsv, MySQL inputs", engine: .mysql)
        var postgres = Statements(name: "corpus fingerprints/*.tsv, PostgreSQL inputs", engine: .postgres)
        let folder = corpus.appendingPathComponent("fingerprints")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else {
                continue
            }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count >= 3 else { continue }
                let statement = fields[1].replacingOccurrences(of: "\\n", with: "\n").utf8
                if fields[0] == "postgres" { postgres.append(statement) } else { mysql.append(statement) }
            }
        }
        var queries = Statements(name: "corpus plans/queries/*.sql", engine: .postgres)
        let queryFolder = corpus.appendingPathComponent("plans/queries")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: queryFolder.path)) ?? []).sorted() {
            if let data = try? Data(contentsOf: queryFolder.appendingPathComponent(name)) { queries.append(data) }
        }
        return [mysql, postgres, queries].filter { !$0.ranges.isEmpty }
    }

    /// An application's statement mix: key lookups, IN lists, multi-row inserts, updates, joins, with tags on some,
    /// quoted strings with escapes, comments and mixed case. Deterministic.
    static func generated(count: Int, engine: Engine) -> Statements {
        var set = Statements(name: "generated \(count) \(engine.displayName) statements", engine: engine)
        var random = SplitMix(seed: 2026)
        let quote = engine == .postgres ? "\"" : "`"
        for index in 0..<count {
            let id = random.next() % 1_000_000
            let table = ["orders", "customers", "line_items", "products", "invoices"][Int(random.next() % 5)]
            let statement: String
            switch index % 8 {
            case 0:
                statement = "SELECT * FROM \(table) WHERE id = \(id)"
            case 1:
                let ids = (0..<(1 + random.next() % 20)).map { _ in String(random.next() % 100_000) }
                statement =
                    "select id, name, created_at from \(table) where customer_id in (\(ids.joined(separator: ", "))) "
                    + "and status = 'open' order by created_at desc limit 50"
            case 2:
                let rows = (0..<(1 + random.next() % 5)).map { _ in
                    "(\(random.next() % 1000), 'O''Brien \(random.next() % 100)', \(Double(random.next() % 10_000) / 100), NOW())"
                }
                statement =
                    "INSERT INTO \(table) (customer_id, name, amount, created_at) VALUES \(rows.joined(separator: ", "))"
            case 3:
                statement =
                    "/*controller='orders',action='show',framework='rails'*/ SELECT \(quote)Total\(quote), "
                    + "status FROM \(table) WHERE id = \(id) AND deleted_at IS NULL"
            case 4:
                statement =
                    "UPDATE \(table)\n   SET status = 'shipped', updated_at = '2026-11-\(10 + id % 20) 10:00:00'\n"
                    + " WHERE id = \(id) -- ship it"
            case 5:
                statement =
                    "SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id "
                    + "WHERE o.total > \(id).50 AND c.email LIKE '%@example.com' AND o.flag = TRUE"
            case 6:
                statement = "DELETE FROM sessions WHERE expires_at < '2026-11-20' AND user_id = \(id)"
            default:
                statement =
                    "select count(*) , sum(amount) from \(table) /* report */ where created_at >= '2026-01-01' "
                    + "group by 1 having sum(amount) > -\(id % 100)"
            }
            set.append(statement.utf8)
        }
        return set
    }
}

/// A small deterministic generator (SplitMix64), so every run fingerprints the same statements.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
