// Plan-reading throughput:
// `swift run -c release dbadvisor-bench [--corpus DIR] [--repetitions N] [--only TEXT] [--write-generated DIR]`;
// scan cost on a live catalog: `dbadvisor-bench scan URL` (ScanBenchmark.swift), on MySQL/MariaDB
// `dbadvisor-bench scan-mysql URL` (MySQLScanBenchmark.swift);
// statement fingerprints: `dbadvisor-bench fingerprint [--corpus DIR] [--count N]` (FingerprintBenchmark.swift);
// query log reading: `dbadvisor-bench logs [--statements N]` (LogsBenchmark.swift);
// statements of megabytes through `dbadvisor logs`: `dbadvisor-bench long-statements` (LongStatementBenchmark.swift).
// Reads generated plans and every corpus plan folder with `PlanReader.read` (what `dbadvisor explain`
// runs), then runs the default rules on them, and prints MB/s, plans/s and nodes/s next to a baseline
// reading the same bytes. A benchmark, never a test: it asserts nothing.
import AdvisorCore
import Foundation

struct Options {
    var corpus: URL?
    var repetitions = 5
    /// Where to save the generated inputs (to read them with `dbadvisor explain` or a profiler).
    var generatedDirectory: URL?
    /// Only the input sets whose name contains this (to profile one of them).
    var only: String?

    init(arguments: [String]) {
        var remaining = arguments.dropFirst()
        while let argument = remaining.popFirst() {
            switch argument {
            case "--corpus": corpus = remaining.popFirst().map { URL(fileURLWithPath: $0) }
            case "--repetitions": repetitions = remaining.popFirst().flatMap { Int($0) }.map { max(1, $0) } ?? 5
            case "--write-generated": generatedDirectory = remaining.popFirst().map { URL(fileURLWithPath: $0) }
            case "--only": only = remaining.popFirst()
            default:
                print("usage: dbadvisor-bench [--corpus DIR] [--repetitions N] [--only TEXT] [--write-generated DIR]")
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

/// The corpus plan folders, one set each, in name order.
func corpusSets(in corpus: URL) -> [InputSet] {
    let plans = corpus.appendingPathComponent("plans")
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: plans.path))?.sorted() ?? []
    return folders.compactMap { folder in
        guard let format = PlanFormat(rawValue: folder) else { return nil }
        let directory = plans.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.sorted() ?? []
        let isJSON = [.postgresJSON, .mysqlJSON, .mariadbJSON].contains(format)
        return InputSet(name: "corpus \(folder)", baseline: isJSON ? .jsonSerialization : .lineSplit) {
            names.compactMap { name in
                (try? Data(contentsOf: directory.appendingPathComponent(name))).map {
                    PlanInput(bytes: Array($0), name: "\(folder)/\(name)")
                }
            }
        }
    }
}

// MARK: - Table

func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

func rate(_ amount: Int, _ seconds: Double, decimals: Int = 0) -> String {
    fixed(Double(amount) / seconds, decimals)
}

func printTable(_ measurements: [Measurement]) {
    print(
        row([
            "input", "MB", "plans", "nodes", "parse MB/s", "read MB/s", "read plans/s", "read nodes/s",
            "read + rules MB/s", "read + rules plans/s", "baseline", "baseline MB/s", "read ÷ baseline",
        ]))
    print(row(["---", "--:", "--:", "--:", "--:", "--:", "--:", "--:", "--:", "--:", "---", "--:", "--:"]))
    for measurement in measurements {
        let megabytes = Double(measurement.bytes) / 1e6
        let readRate = megabytes / measurement.read
        let baselineRate = Double(measurement.baselineBytes) / 1e6 / measurement.baselineSeconds
        let subset =
            measurement.baselineInputs == measurement.inputs
            ? "" : " (\(measurement.baselineInputs) of \(measurement.inputs) inputs)"
        print(
            row([
                measurement.name, fixed(megabytes, 2), "\(measurement.plans)", "\(measurement.nodes)",
                fixed(megabytes / measurement.parse, 1), fixed(readRate, 1), rate(measurement.plans, measurement.read),
                rate(measurement.nodes, measurement.read), fixed(megabytes / measurement.readAndRules, 1),
                rate(measurement.plans, measurement.readAndRules), measurement.baseline.rawValue + subset,
                measurement.baselineBytes > 0 ? fixed(baselineRate, 1) : "–",
                measurement.baselineBytes > 0 ? fixed(readRate / baselineRate, 2) + "×" : "–",
            ]))
    }
    for measurement in measurements where !measurement.rejected.isEmpty {
        print(
            "\n\(measurement.name): left out \(measurement.rejected.count) inputs the reader rejects "
                + "(first: \(measurement.rejected[0]))")
    }
}

// MARK: - Main

if CommandLine.arguments.dropFirst().first == "logs" {
    try LogsBenchmark.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "long-statements" {
    try LongStatementBenchmark.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "scan" {
    try ScanBenchmark.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "scan-mysql" {
    try MySQLScanBenchmark.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "fingerprint" {
    FingerprintBenchmark.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
let options = Options(arguments: CommandLine.arguments)
let partitions = 10_000
// Generated on demand: drawing and printing them takes a few seconds.
let generated = [
    InputSet(name: "generated postgres-json, Append over \(partitions) partitions", baseline: .jsonSerialization) {
        [PlanInput(bytes: GeneratedPostgresPlan(partitions: partitions).json(), name: "generated.json")]
    },
    InputSet(name: "generated postgres-text, the same plan", baseline: .lineSplit) {
        [PlanInput(bytes: GeneratedPostgresPlan(partitions: partitions).text(), name: "generated.txt")]
    },
    InputSet(name: "generated mysql-tree, UNION ALL of \(partitions) selects", baseline: .lineSplit) {
        [PlanInput(bytes: GeneratedMySQLPlans(branches: partitions).mysqlTree(), name: "generated-tree.txt")]
    },
    InputSet(name: "generated mariadb-json, the same UNION ALL", baseline: .jsonSerialization) {
        [PlanInput(bytes: GeneratedMySQLPlans(branches: partitions).mariaDBJSON(), name: "generated-mariadb.json")]
    },
]
if let directory = options.generatedDirectory {
    for input in generated.flatMap({ $0.load() }) {
        try Data(input.bytes).write(to: directory.appendingPathComponent(input.name))
    }
}
var sets = generated
if let corpus = options.corpusDirectory {
    let folders = corpusSets(in: corpus)
    sets += folders
    sets.append(InputSet(name: "corpus, all plans", baseline: .lineSplit) { folders.flatMap { $0.load() } })
} else {
    print("corpus: left out, no plans/ folder under --corpus, $DBADVISOR_CORPUS or ../shared/corpus\n")
}

print("dbadvisor-bench: seconds per pass are the median of ≥ \(options.repetitions) passes filling ≥ 0.5 s.")
print("parse = format detection + parser; read = PlanReader.read (parse, number, time); rules = default rules.\n")
let chosen = sets.filter { set in options.only.map { set.name.contains($0) } ?? true }
printTable(chosen.map { Measurement($0, repetitions: options.repetitions) })
