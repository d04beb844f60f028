// Plan-reading throughput: `swift run -c release dbadvisor-bench [--corpus DIR] [--repetitions N]`.
// Prints MB/s and plans/s for a generated 20 MB PostgreSQL JSON plan and for every corpus plan
// folder, next to JSONSerialization reading the same bytes. A benchmark, never a test: it asserts nothing.
import AdvisorCore
import Foundation

/// Parsing alone: the format's parser, nil while main has none for the format.
func parsePlans(_ input: PlanInput, format: PlanFormat) throws -> [Plan]? {
    format == .postgresJSON ? try PostgresJSONPlanParser.parse(input) : nil
}

/// Parsing and analysis, as `dbadvisor explain` does them. `PlanReader.read` does both but does not know
/// the parsers yet; once it does, this body becomes `try PlanReader.read(input, format: format)`.
func readPlans(_ input: PlanInput, format: PlanFormat) throws -> [Plan]? {
    try parsePlans(input, format: format)?.map(analyzed)
}

/// What `PlanReader.read` does after parsing: number the nodes, derive their times.
func analyzed(_ plan: Plan) -> Plan {
    var plan = plan
    plan.number()
    PlanTiming.apply(to: &plan)
    return plan
}

// MARK: - Options

struct Options {
    var corpus: URL?
    var repetitions = 5

    init(arguments: [String]) {
        var remaining = arguments.dropFirst()
        while let argument = remaining.popFirst() {
            switch argument {
            case "--corpus": corpus = remaining.popFirst().map { URL(fileURLWithPath: $0) }
            case "--repetitions": repetitions = remaining.popFirst().flatMap { Int($0) }.map { max(1, $0) } ?? 5
            default:
                print("usage: dbadvisor-bench [--corpus DIR] [--repetitions N]")
                exit(2)
            }
        }
    }

    /// `--corpus`, else `$DBADVISOR_CORPUS`, else `../shared/corpus` from the working directory or the package root.
    var corpusDirectory: URL? {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates =
            [corpus, ProcessInfo.processInfo.environment["DBADVISOR_CORPUS"].map { URL(fileURLWithPath: $0) }]
            .compactMap { $0 }
            + [
                URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(
                    "../shared/corpus"),
                packageRoot.appendingPathComponent("../shared/corpus"),
            ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("plans").path) }
    }
}

// MARK: - Timing

/// Seconds per run of `body`: the median of at least `repetitions` runs, and of enough runs to fill half a second.
func secondsPerRun(repetitions: Int, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    var runs: [Double] = []
    var total = 0.0
    while runs.count < repetitions || total < 0.5 {
        let elapsed = clock.measure(body)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        runs.append(seconds)
        total += seconds
    }
    return runs.sorted()[runs.count / 2]
}

struct InputSet {
    var name: String
    var format: PlanFormat
    var inputs: [PlanInput]
    var bytes: Int { inputs.reduce(0) { $0 + $1.bytes.count } }
}

func megabytes(_ bytes: Int) -> String { String(format: "%.2f MB", Double(bytes) / 1_000_000) }

/// False while `readPlans` has no reader for the format (it then returns nil rather than throwing).
func hasReader(for format: PlanFormat) -> Bool {
    do {
        return try readPlans(PlanInput(text: "", name: "probe"), format: format) != nil
    } catch {
        return true
    }
}

func report(_ set: InputSet, repetitions: Int) {
    guard hasReader(for: set.format) else {
        print("\(set.name): skipped, no \(set.format.rawValue) reader on main yet")
        return
    }
    var plans = 0
    var nodes = 0
    var failures: [String] = []
    let readable = set.inputs.filter { input in
        do {
            let read = try readPlans(input, format: set.format) ?? []
            plans += read.count
            nodes += read.reduce(0) { $0 + $1.root.nodeCount }
            return true
        } catch {
            failures.append("\(error)")
            return false
        }
    }
    let bytes = readable.reduce(0) { $0 + $1.bytes.count }
    let parse = secondsPerRun(repetitions: repetitions) {
        for input in readable { _ = try? parsePlans(input, format: set.format) }
    }
    let read = secondsPerRun(repetitions: repetitions) {
        for input in readable { _ = try? readPlans(input, format: set.format) }
    }
    print("\(set.name): \(readable.count) inputs, \(megabytes(bytes)), \(plans) plans, \(nodes) nodes")
    if !failures.isEmpty { print("  left out \(failures.count) inputs the reader rejects (first: \(failures[0]))") }
    for (label, seconds) in [("parse", parse), ("parse + analyze", read)] {
        let rates = String(
            format: "%8.1f MB/s %10.0f plans/s %10.0f nodes/s", Double(bytes) / seconds / 1e6,
            Double(plans) / seconds, Double(nodes) / seconds)
        print("  \(label.padding(toLength: 18, withPad: " ", startingAt: 0))\(rates)")
    }

    // The baseline: JSONSerialization on the inputs that are JSON as they stand.
    let data = readable.map { Data($0.bytes) }
    let json = zip(readable, data).filter { (try? JSONSerialization.jsonObject(with: $0.1)) != nil }
    guard !json.isEmpty else { return }
    let jsonBytes = json.reduce(0) { $0 + $1.1.count }
    let baseline = secondsPerRun(repetitions: repetitions) {
        for (_, data) in json { _ = try? JSONSerialization.jsonObject(with: data) }
    }
    let parseOnJSON = secondsPerRun(repetitions: repetitions) {
        for (input, _) in json { _ = try? parsePlans(input, format: set.format) }
    }
    let tree = secondsPerRun(repetitions: repetitions) {
        for (input, _) in json { _ = try? JSONReader.parse(input.bytes) }
    }
    let subset = json.count == readable.count ? "" : " (the \(json.count) bare JSON inputs, \(megabytes(jsonBytes)))"
    print("  same bytes\(subset):")
    for (label, seconds) in [("JSONSerialization", baseline), ("parse", parseOnJSON), ("JSONReader.parse", tree)] {
        let rate = String(
            format: "%8.1f MB/s  %5.2f× JSONSerialization", Double(jsonBytes) / seconds / 1e6, baseline / seconds)
        print("    \(label.padding(toLength: 18, withPad: " ", startingAt: 0))\(rate)")
    }
}

// MARK: - Generated input

/// An `EXPLAIN (ANALYZE, BUFFERS, VERBOSE, FORMAT JSON)` of a query over a table with `partitions`
/// partitions: one Append whose members are sequential, index and bitmap scans, as PostgreSQL 16 prints it.
func generatedPlan(partitions: Int) -> [UInt8] {
    var random = SplitMix64(seed: 42)
    var text = "[\n  {\n    \"Plan\": {\n"
    func line(_ indent: Int, _ key: String, _ value: String, last: Bool = false) {
        text += String(repeating: " ", count: indent) + "\"\(key)\": \(value)" + (last ? "\n" : ",\n")
    }
    func number(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
    func scan(_ indent: Int, type: String, relation: String?, alias: String?, rows: Double, extra: [(String, String)]) {
        line(indent, "Node Type", "\"\(type)\"")
        line(indent, "Parent Relationship", relation == nil ? "\"Outer\"" : "\"Member\"")
        line(indent, "Parallel Aware", "false")
        line(indent, "Async Capable", "false")
        if let relation, let alias {
            line(indent, "Relation Name", "\"\(relation)\"")
            line(indent, "Schema", "\"public\"")
            line(indent, "Alias", "\"\(alias)\"")
        }
        let cost = rows * random.uniform(0.01, 0.05)
        let time = rows * random.uniform(0.0005, 0.002)
        line(indent, "Startup Cost", number(random.uniform(0, 5), 2))
        line(indent, "Total Cost", number(cost, 2))
        line(indent, "Plan Rows", number(rows, 0))
        line(indent, "Plan Width", "52")
        line(indent, "Actual Startup Time", number(random.uniform(0.005, 0.1), 3))
        line(indent, "Actual Total Time", number(time, 3))
        line(indent, "Actual Rows", number(rows * random.uniform(0.5, 2), 0))
        line(indent, "Actual Loops", "1")
        for (key, value) in extra { line(indent, key, value) }
        for key in ["Shared Hit Blocks", "Shared Read Blocks", "Shared Dirtied Blocks", "Shared Written Blocks"] {
            line(indent, key, number(random.uniform(0, rows / 20), 0))
        }
        for key in [
            "Local Hit Blocks", "Local Read Blocks", "Local Dirtied Blocks", "Local Written Blocks", "Temp Read Blocks",
            "Temp Written Blocks",
        ] {
            line(indent, key, "0")
        }
        line(indent, "I/O Read Time", number(random.uniform(0, time / 4), 3))
        line(indent, "I/O Write Time", "0.000")
        line(indent, "Temp I/O Read Time", "0.000")
        line(indent, "Temp I/O Write Time", "0.000", last: type != "Bitmap Heap Scan")
    }
    line(6, "Node Type", "\"Append\"")
    line(6, "Parallel Aware", "false")
    line(6, "Async Capable", "false")
    line(6, "Startup Cost", "0.00")
    line(6, "Total Cost", number(Double(partitions) * 312.5, 2))
    line(6, "Plan Rows", number(Double(partitions) * 1000, 0))
    line(6, "Plan Width", "52")
    line(6, "Actual Startup Time", "0.011")
    line(6, "Actual Total Time", number(Double(partitions) * 1.7, 3))
    line(6, "Actual Rows", number(Double(partitions) * 990, 0))
    line(6, "Actual Loops", "1")
    line(6, "Subplans Removed", "0")
    text += "      \"Plans\": [\n"
    for partition in 0..<partitions {
        let relation = String(format: "events_p%05d", partition)
        let alias = "events_\(partition + 1)"
        let columns = [
            "id", "account_id", "session_id", "created_at", "kind", "source", "path", "referrer", "user_agent",
            "country", "device", "amount", "payload",
        ].map { "\"\(alias).\($0)\"" }
        let output = ("Output", "[" + columns.joined(separator: ", ") + "]")
        let rows = random.uniform(100, 5000).rounded()
        text += "        {\n"
        switch partition % 3 {
        case 0:
            scan(
                10, type: "Seq Scan", relation: relation, alias: alias, rows: rows,
                extra: [
                    output, ("Filter", "\"((\(alias).kind)::text = 'click'::text)\""),
                    ("Rows Removed by Filter", number(rows * 3, 0)),
                ])
        case 1:
            scan(
                10, type: "Index Scan", relation: relation, alias: alias, rows: rows,
                extra: [
                    ("Scan Direction", "\"Forward\""), ("Index Name", "\"\(relation)_created_at_idx\""), output,
                    ("Index Cond", "\"(\(alias).created_at >= '2024-01-01 00:00:00+00'::timestamp with time zone)\""),
                    ("Rows Removed by Index Recheck", "0"),
                ])
        default:
            scan(
                10, type: "Bitmap Heap Scan", relation: relation, alias: alias, rows: rows,
                extra: [
                    output, ("Recheck Cond", "\"(\(alias).account_id = ANY ('{1,2,3}'::bigint[]))\""),
                    ("Rows Removed by Index Recheck", "0"), ("Exact Heap Blocks", number(rows / 40, 0)),
                    ("Lossy Heap Blocks", "0"),
                ])
            text += "          \"Plans\": [\n            {\n"
            scan(
                14, type: "Bitmap Index Scan", relation: nil, alias: nil, rows: rows,
                extra: [
                    ("Index Name", "\"\(relation)_account_id_idx\""),
                    ("Index Cond", "\"(\(alias).account_id = ANY ('{1,2,3}'::bigint[]))\""),
                ])
            text += "            }\n          ]\n"
        }
        text += partition == partitions - 1 ? "        }\n" : "        },\n"
    }
    text += "      ]\n    },\n"
    line(4, "Planning", "{\n      \"Shared Hit Blocks\": 40512,\n      \"Shared Read Blocks\": 0\n    }")
    line(4, "Planning Time", "1843.112")
    line(4, "Triggers", "[\n    ]")
    line(4, "Execution Time", number(Double(partitions) * 1.8, 3), last: true)
    text += "  }\n]\n"
    return Array(text.utf8)
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

extension PlanNode {
    /// This node and every node below it.
    fileprivate var nodeCount: Int { 1 + children.reduce(0) { $0 + $1.nodeCount } }
}

// MARK: - Main

let options = Options(arguments: CommandLine.arguments)
print("dbadvisor-bench: median of ≥ \(options.repetitions) runs each")

let generated = generatedPlan(partitions: 10_000)
report(
    InputSet(
        name: "generated Append over 10,000 partitions", format: .postgresJSON,
        inputs: [PlanInput(bytes: generated, name: "generated.json")]),
    repetitions: options.repetitions)

if let corpus = options.corpusDirectory {
    let plans = corpus.appendingPathComponent("plans")
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: plans.path))?.sorted() ?? []
    for folder in folders {
        guard let format = PlanFormat(rawValue: folder) else { continue }
        let directory = plans.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.sorted() ?? []
        let inputs = names.compactMap { name in
            (try? Data(contentsOf: directory.appendingPathComponent(name))).map {
                PlanInput(bytes: Array($0), name: name)
            }
        }
        report(InputSet(name: "corpus \(folder)", format: format, inputs: inputs), repetitions: options.repetitions)
    }
} else {
    print("corpus: skipped, no plans/ folder under --corpus, $DBADVISOR_CORPUS or ../shared/corpus")
}
