import Foundation

/// An `EXPLAIN (ANALYZE, BUFFERS, VERBOSE)` of a query over a table with many partitions, as PostgreSQL 15
/// prints it: one Append whose members are sequential, index and bitmap scans. The numbers are drawn once,
/// so the JSON and the text rendering describe the same plan.
struct GeneratedPostgresPlan {
    enum Access { case sequential, index, bitmap }

    /// What one node measured, as PostgreSQL prints it (per loop, one loop each).
    struct Measures {
        var startupCost: Double
        var totalCost: Double
        var plannedRows: Double
        var actualStartupMs: Double
        var actualTotalMs: Double
        var actualRows: Double
        var sharedHit: Double
        var sharedRead: Double
        var sharedDirtied: Double
        var sharedWritten: Double
        var readTimeMs: Double

        init(rows: Double, random: inout SplitMix64) {
            startupCost = random.uniform(0, 5)
            totalCost = rows * random.uniform(0.01, 0.05)
            plannedRows = rows
            actualTotalMs = rows * random.uniform(0.0005, 0.002)
            actualStartupMs = min(actualTotalMs, random.uniform(0.005, 0.1))
            actualRows = (rows * random.uniform(0.5, 2)).rounded()
            // At least one hit and a measurable read time, so the text format prints both lines too.
            sharedHit = 1 + random.uniform(0, rows / 20).rounded()
            sharedRead = random.uniform(0, rows / 40).rounded()
            sharedDirtied = random.uniform(0, 3).rounded()
            sharedWritten = random.uniform(0, 2).rounded()
            readTimeMs = 0.001 + random.uniform(0, actualTotalMs / 4)
        }
    }

    struct Member {
        var access: Access
        var relation: String
        var alias: String
        var scan: Measures
        /// The Bitmap Index Scan under a Bitmap Heap Scan.
        var bitmapIndex: Measures?

        var rowsRemoved: Double { (scan.plannedRows * 3).rounded() }
        var heapBlocks: Double { (scan.plannedRows / 40).rounded() }
        var indexName: String { relation + (access == .index ? "_created_at_idx" : "_account_id_idx") }
        var filter: String { "((\(alias).kind)::text = 'click'::text)" }
        var indexCondition: String { "(\(alias).created_at >= '2024-01-01 00:00:00+00'::timestamp with time zone)" }
        var bitmapCondition: String { "(\(alias).account_id = ANY ('{1,2,3}'::bigint[]))" }
        var output: [String] { Self.columns.map { "\(alias).\($0)" } }

        static let columns = [
            "id", "account_id", "session_id", "created_at", "kind", "source", "path", "referrer", "user_agent",
            "country", "device", "amount", "payload",
        ]
    }

    let members: [Member]

    init(partitions: Int) {
        var random = SplitMix64(seed: 42)
        members = (0..<partitions).map { partition in
            let rows = random.uniform(100, 5000).rounded()
            let access: Access = [.sequential, .index, .bitmap][partition % 3]
            let scan = Measures(rows: rows, random: &random)
            return Member(
                access: access, relation: String(format: "events_p%05d", partition), alias: "events_\(partition + 1)",
                scan: scan, bitmapIndex: access == .bitmap ? Measures(rows: rows, random: &random) : nil)
        }
    }

    private var rootTotalCost: Double { Double(members.count) * 312.5 }
    private var rootPlannedRows: Double { Double(members.count) * 1000 }
    private var rootTotalMs: Double { Double(members.count) * 1.7 }
    private var rootActualRows: Double { Double(members.count) * 990 }
    private var executionMs: Double { Double(members.count) * 1.8 }

    // MARK: - FORMAT JSON

    /// `EXPLAIN (ANALYZE, BUFFERS, VERBOSE, FORMAT JSON)`, as psql -At prints it.
    func json() -> [UInt8] {
        var out = "[\n  {\n    \"Plan\": {\n"
        func line(_ indent: Int, _ key: String, _ value: String, last: Bool = false) {
            out += String(repeating: " ", count: indent) + "\"\(key)\": \(value)" + (last ? "\n" : ",\n")
        }
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        func node(
            _ indent: Int, type: String, relationship: String, member: Member?, _ measures: Measures,
            extra: [(String, String)], hasChildren: Bool
        ) {
            line(indent, "Node Type", quoted(type))
            line(indent, "Parent Relationship", quoted(relationship))
            line(indent, "Parallel Aware", "false")
            line(indent, "Async Capable", "false")
            if let member {
                line(indent, "Relation Name", quoted(member.relation))
                line(indent, "Schema", "\"public\"")
                line(indent, "Alias", quoted(member.alias))
            }
            line(indent, "Startup Cost", fixed(measures.startupCost, 2))
            line(indent, "Total Cost", fixed(measures.totalCost, 2))
            line(indent, "Plan Rows", fixed(measures.plannedRows, 0))
            line(indent, "Plan Width", "52")
            line(indent, "Actual Startup Time", fixed(measures.actualStartupMs, 3))
            line(indent, "Actual Total Time", fixed(measures.actualTotalMs, 3))
            line(indent, "Actual Rows", fixed(measures.actualRows, 0))
            line(indent, "Actual Loops", "1")
            for (key, value) in extra { line(indent, key, value) }
            line(indent, "Shared Hit Blocks", fixed(measures.sharedHit, 0))
            line(indent, "Shared Read Blocks", fixed(measures.sharedRead, 0))
            line(indent, "Shared Dirtied Blocks", fixed(measures.sharedDirtied, 0))
            line(indent, "Shared Written Blocks", fixed(measures.sharedWritten, 0))
            for key in [
                "Local Hit Blocks", "Local Read Blocks", "Local Dirtied Blocks", "Local Written Blocks",
                "Temp Read Blocks", "Temp Written Blocks",
            ] {
                line(indent, key, "0")
            }
            line(indent, "I/O Read Time", fixed(measures.readTimeMs, 3))
            line(indent, "I/O Write Time", "0.000")
            line(indent, "Temp I/O Read Time", "0.000")
            line(indent, "Temp I/O Write Time", "0.000", last: !hasChildren)
        }

        line(6, "Node Type", "\"Append\"")
        line(6, "Parallel Aware", "false")
        line(6, "Async Capable", "false")
        line(6, "Startup Cost", "0.00")
        line(6, "Total Cost", fixed(rootTotalCost, 2))
        line(6, "Plan Rows", fixed(rootPlannedRows, 0))
        line(6, "Plan Width", "52")
        line(6, "Actual Startup Time", "0.011")
        line(6, "Actual Total Time", fixed(rootTotalMs, 3))
        line(6, "Actual Rows", fixed(rootActualRows, 0))
        line(6, "Actual Loops", "1")
        line(6, "Subplans Removed", "0")
        out += "      \"Plans\": [\n"
        for (position, member) in members.enumerated() {
            let output = ("Output", "[" + member.output.map(quoted).joined(separator: ", ") + "]")
            out += "        {\n"
            switch member.access {
            case .sequential:
                node(
                    10, type: "Seq Scan", relationship: "Member", member: member, member.scan,
                    extra: [
                        output, ("Filter", quoted(member.filter)),
                        ("Rows Removed by Filter", fixed(member.rowsRemoved, 0)),
                    ], hasChildren: false)
            case .index:
                node(
                    10, type: "Index Scan", relationship: "Member", member: member, member.scan,
                    extra: [
                        ("Scan Direction", "\"Forward\""), ("Index Name", quoted(member.indexName)), output,
                        ("Index Cond", quoted(member.indexCondition)), ("Rows Removed by Index Recheck", "0"),
                    ], hasChildren: false)
            case .bitmap:
                node(
                    10, type: "Bitmap Heap Scan", relationship: "Member", member: member, member.scan,
                    extra: [
                        output, ("Recheck Cond", quoted(member.bitmapCondition)),
                        ("Rows Removed by Index Recheck", "0"), ("Exact Heap Blocks", fixed(member.heapBlocks, 0)),
                        ("Lossy Heap Blocks", "0"),
                    ], hasChildren: true)
                out += "          \"Plans\": [\n            {\n"
                node(
                    14, type: "Bitmap Index Scan", relationship: "Outer", member: nil,
                    member.bitmapIndex ?? member.scan,
                    extra: [("Index Name", quoted(member.indexName)), ("Index Cond", quoted(member.bitmapCondition))],
                    hasChildren: false)
                out += "            }\n          ]\n"
            }
            out += position == members.count - 1 ? "        }\n" : "        },\n"
        }
        out += "      ]\n    },\n"
        line(4, "Planning", "{\n      \"Shared Hit Blocks\": 40512,\n      \"Shared Read Blocks\": 0\n    }")
        line(4, "Planning Time", "1843.112")
        line(4, "Triggers", "[\n    ]")
        line(4, "Execution Time", fixed(executionMs, 3), last: true)
        out += "  }\n]\n"
        return Array(out.utf8)
    }

    // MARK: - FORMAT TEXT

    /// `EXPLAIN (ANALYZE, BUFFERS, VERBOSE)` as psql shows it: `QUERY PLAN` header, rule, one row per
    /// line with a leading space, `(N rows)` footer. Zero counters are left out, as PostgreSQL does.
    func text() -> [UInt8] {
        var lines: [String] = []
        func node(_ column: Int, _ name: String, _ measures: Measures) {
            let arrow = String(repeating: " ", count: column - 4) + "->  "
            lines.append(
                arrow + name + "  (cost=\(fixed(measures.startupCost, 2))..\(fixed(measures.totalCost, 2)) "
                    + "rows=\(fixed(measures.plannedRows, 0)) width=52) (actual "
                    + "time=\(fixed(measures.actualStartupMs, 3))..\(fixed(measures.actualTotalMs, 3)) "
                    + "rows=\(fixed(measures.actualRows, 0)) loops=1)")
        }
        func property(_ column: Int, _ name: String, _ value: String) {
            lines.append(String(repeating: " ", count: column) + name + ": " + value)
        }
        func buffers(_ column: Int, _ measures: Measures) {
            let parts = [
                ("hit", measures.sharedHit), ("read", measures.sharedRead), ("dirtied", measures.sharedDirtied),
                ("written", measures.sharedWritten),
            ]
            let shown = parts.filter { $0.1 > 0 }.map { "\($0.0)=\(fixed($0.1, 0))" }
            property(column, "Buffers", "shared " + shown.joined(separator: " "))
            property(column, "I/O Timings", "shared/local read=\(fixed(measures.readTimeMs, 3))")
        }

        lines.append(
            "Append  (cost=0.00..\(fixed(rootTotalCost, 2)) rows=\(fixed(rootPlannedRows, 0)) width=52) "
                + "(actual time=0.011..\(fixed(rootTotalMs, 3)) rows=\(fixed(rootActualRows, 0)) loops=1)")
        for member in members {
            let target = "public.\(member.relation) \(member.alias)"
            let output = member.output.joined(separator: ", ")
            switch member.access {
            case .sequential:
                node(6, "Seq Scan on " + target, member.scan)
                property(8, "Output", output)
                property(8, "Filter", member.filter)
                property(8, "Rows Removed by Filter", fixed(member.rowsRemoved, 0))
                buffers(8, member.scan)
            case .index:
                node(6, "Index Scan using \(member.indexName) on " + target, member.scan)
                property(8, "Output", output)
                property(8, "Index Cond", member.indexCondition)
                buffers(8, member.scan)
            case .bitmap:
                node(6, "Bitmap Heap Scan on " + target, member.scan)
                property(8, "Output", output)
                property(8, "Recheck Cond", member.bitmapCondition)
                property(8, "Heap Blocks", "exact=\(fixed(member.heapBlocks, 0))")
                buffers(8, member.scan)
                node(12, "Bitmap Index Scan on \(member.indexName)", member.bitmapIndex ?? member.scan)
                property(14, "Index Cond", member.bitmapCondition)
                buffers(14, member.bitmapIndex ?? member.scan)
            }
        }
        lines += [
            "Planning:", "  Buffers: shared hit=40512", "Planning Time: 1843.112 ms",
            "Execution Time: \(fixed(executionMs, 3)) ms",
        ]
        let width = lines.reduce(0) { max($0, $1.utf8.count) }
        let header = "QUERY PLAN"
        var out = String(repeating: " ", count: (width + 2 - header.count) / 2) + header + "\n"
        out += String(repeating: "-", count: width + 2) + "\n"
        for line in lines { out += " " + line + "\n" }
        out += "(\(lines.count) rows)\n"
        return Array(out.utf8)
    }
}

/// A number with a fixed count of decimals, as PostgreSQL and MySQL print them.
func fixed(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}

/// A small deterministic generator, so every run times the same bytes.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) / Double(1 << 53)
    }
}
