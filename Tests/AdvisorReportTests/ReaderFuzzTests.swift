import AdvisorCore
import AdvisorReport
import Foundation
import TestSupport
import Testing

/// A seeded mutation fuzzer over every reader, for a fixed budget: each real input (the shared corpus
/// when present, and `Fixtures/`) yields mutants that go the whole way `explain`, `logs` and `report`
/// take them — reader, every rule, every output format. A mutant must give a report or an input error;
/// a crash ends the test process, and `DBADVISOR_FUZZ_TRACE` (a file) then holds the seed and iteration
/// that reproduce it, and that file with `.input` appended the mutant itself. `DBADVISOR_FUZZ_MUTANTS` sets the mutants per input (default 4), `DBADVISOR_FUZZ_SALT` another seed family.
@Suite(.serialized) struct ReaderFuzzTests {
    static let mutantsPerInput = ProcessInfo.processInfo.environment["DBADVISOR_FUZZ_MUTANTS"].flatMap(Int.init) ?? 4
    static let trace = ProcessInfo.processInfo.environment["DBADVISOR_FUZZ_TRACE"]
    /// Another family of seeds (`DBADVISOR_FUZZ_SALT`), for a longer hunt than the suite's budget.
    static let salt = ProcessInfo.processInfo.environment["DBADVISOR_FUZZ_SALT"].flatMap(UInt64.init) ?? 0

    /// Every regular file under `folders`, sorted, so the seeds stay with their inputs.
    static func files(under folders: [URL]) -> [URL] {
        folders.flatMap { folder -> [URL] in
            guard
                let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
            else { return [] }
            return walker.compactMap { $0 as? URL }.filter {
                (try? $0.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true
            }
        }.sorted { $0.path < $1.path }
    }

    static var planInputs: [URL] {
        let corpus = RepositoryPaths.corpus.appendingPathComponent("plans")
        let own = ["postgres/plans", "mysql/plans", "mysql/handwritten-plans"].map {
            RepositoryPaths.fixtures.appendingPathComponent($0)
        }
        return files(under: [corpus] + own).filter { $0.pathExtension != "sql" && !$0.path.contains("/queries/") }
    }

    static var logInputs: [URL] {
        files(under: [
            RepositoryPaths.corpus.appendingPathComponent("logs"),
            RepositoryPaths.fixtures.appendingPathComponent("logs"),
        ])
    }

    /// Runs `body` on the mutants of each input, writing where it is to the trace file first.
    private static func fuzz(_ kind: String, _ inputs: [URL], _ body: ([UInt8], String) throws -> Void) throws -> Int {
        let contents = inputs.compactMap { try? [UInt8](Data(contentsOf: $0)) }
        #expect(!contents.isEmpty, "no \(kind) inputs found")
        var runs = 0
        for (index, original) in contents.enumerated() {
            let seed = (UInt64(index + 1) &* 0x1000_0000_01B3) ^ (salt &* 0x9E37_79B9_7F4A_7C15)
            var mutator = InputMutator(seed: seed)
            let donor = contents[(index + 1) % contents.count]
            for iteration in 0..<mutantsPerInput {
                let mutant = mutator.mutate(original, donor: donor)
                let name = "\(inputs[index].lastPathComponent)#\(iteration)"
                if let trace {
                    try? "\(kind) seed \(seed) iteration \(iteration) of \(inputs[index].path)\n".write(
                        toFile: trace, atomically: false, encoding: .utf8)
                    try? Data(mutant).write(to: URL(fileURLWithPath: trace + ".input"))
                }
                try body(mutant, name)
                runs += 1
            }
        }
        return runs
    }

    /// Every rule on `snapshot`, and the report in every format.
    private static func report(_ snapshot: Snapshot, command: String) throws {
        let outcome = RuleEngine.defaults.run(snapshot)
        let report = Report(
            command: command, source: "fuzz", toolVersion: "0.0.0-test", generatedAt: Date(timeIntervalSince1970: 0),
            snapshot: snapshot, findings: outcome.findings, rules: outcome.ran, skippedRules: outcome.skipped)
        for format in OutputFormat.allCases {
            #expect(!(try format.reporter.render(report, options: RenderOptions())).isEmpty)
        }
    }

    @Test func plans() throws {
        var rejected = 0
        let runs = try Self.fuzz("plan", Self.planInputs) { bytes, name in
            do {
                let plans = try PlanReader.read(PlanInput(bytes: bytes, name: name))
                #expect(!plans.isEmpty, "\(name): no plan and no error")
                try Self.report(Snapshot(plans: plans, source: name), command: "explain")
            } catch is InputError {
                rejected += 1
            }
        }
        print("plan fuzz: \(runs) mutants, \(rejected) rejected as input errors")
    }

    @Test func logs() throws {
        var rejected = 0
        var options = LogAnalyzer.Options()
        options.jobs = 1
        let runs = try Self.fuzz("log", Self.logInputs) { bytes, name in
            do {
                let analysis = try LogAnalyzer.analyze([QueryLogInput(bytes: bytes, name: name)], options: options)
                try Self.report(analysis.snapshot, command: "logs")
            } catch is InputError {
                rejected += 1
            }
        }
        print("log fuzz: \(runs) mutants, \(rejected) rejected as input errors")
    }

    /// Saved snapshots as `report` reads them: seeds are the snapshots of the plan and log inputs.
    @Test func snapshots() throws {
        var seeds: [URL] = []
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-fuzz-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for url in Self.planInputs.prefix(40) + Self.logInputs.prefix(20) {
            let bytes = try [UInt8](Data(contentsOf: url))
            let snapshot: Snapshot
            if let plans = try? PlanReader.read(PlanInput(bytes: bytes, name: url.lastPathComponent)) {
                snapshot = Snapshot(plans: plans, source: url.lastPathComponent)
            } else if let analysis = try? LogAnalyzer.analyze([QueryLogInput(bytes: bytes, name: url.lastPathComponent)]
            ) {
                snapshot = analysis.snapshot
            } else {
                continue
            }
            let seed = folder.appendingPathComponent("\(seeds.count).json")
            try snapshot.jsonData().write(to: seed)
            seeds.append(seed)
        }
        var rejected = 0
        let runs = try Self.fuzz("snapshot", seeds) { bytes, _ in
            // Anything `Snapshot(jsonData:)` refuses is an input error to `report`; what it reads must validate
            // or be refused by name.
            guard let snapshot = try? Snapshot(jsonData: Data(bytes)), snapshot.validationProblem() == nil else {
                rejected += 1
                return
            }
            try Self.report(snapshot, command: "report")
        }
        print("snapshot fuzz: \(runs) mutants, \(rejected) rejected")
    }
}
