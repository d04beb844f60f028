import AdvisorCore
import Foundation

/// Inputs timed together: one row of the table.
struct InputSet {
    var name: String
    var baseline: Baseline
    /// Reads or generates the inputs.
    var load: () -> [PlanInput]
}

/// What the reading is compared with: a general-purpose reader of the same bytes.
enum Baseline: String {
    /// Foundation's JSON parser building its object tree.
    case jsonSerialization = "JSONSerialization"
    /// Splitting the bytes into lines and nothing else: a floor for any line-based reader.
    case lineSplit = "line split"

    /// Reads the bytes; false when this baseline cannot read them (JSON with frames or comments around it).
    func run(_ bytes: [UInt8]) -> Bool {
        switch self {
        case .jsonSerialization:
            return (try? JSONSerialization.jsonObject(with: Data(bytes))) != nil
        case .lineSplit:
            return !bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).isEmpty
        }
    }
}

/// Seconds per pass over an input set for each stage, and what the set holds.
struct Measurement {
    var name: String
    var bytes: Int
    var plans: Int
    var nodes: Int
    /// Format detection and the parser alone.
    var parse: Double
    /// `PlanReader.read`: detection, parsing, numbering and timing, what `dbadvisor explain` runs.
    var read: Double
    /// `read` plus the default rules on a snapshot of the plans.
    var readAndRules: Double
    var baseline: Baseline
    /// The bytes the baseline could read, and its seconds per pass over them.
    var baselineBytes: Int
    var baselineSeconds: Double
    var baselineInputs: Int
    var inputs: Int
    /// Inputs `PlanReader.read` rejects, left out of every figure, with the first error.
    var rejected: [String]

    init(_ set: InputSet, repetitions: Int) {
        var readable: [(input: PlanInput, format: PlanFormat)] = []
        var plans = 0
        var nodes = 0
        var rejected: [String] = []
        for input in set.load() {
            do {
                let read = try PlanReader.read(input)
                readable.append((input, read[0].format))
                plans += read.count
                nodes += read.reduce(0) { $0 + $1.root.nodeCount }
            } catch {
                rejected.append("\(error)")
            }
        }
        let engine = RuleEngine.defaults
        name = set.name
        inputs = readable.count
        bytes = readable.reduce(0) { $0 + $1.input.bytes.count }
        self.plans = plans
        self.nodes = nodes
        self.rejected = rejected
        parse = secondsPerPass(repetitions: repetitions) {
            for (input, format) in readable {
                _ = try? PlanFormatDetector.detect(input)
                _ = try? PlanReader.parser(for: format)?.parse(input)
            }
        }
        read = secondsPerPass(repetitions: repetitions) {
            for (input, _) in readable { _ = try? PlanReader.read(input) }
        }
        readAndRules = secondsPerPass(repetitions: repetitions) {
            for (input, _) in readable {
                guard let plans = try? PlanReader.read(input) else { continue }
                _ = engine.run(Snapshot(plans: plans, source: input.name))
            }
        }

        baseline = set.baseline
        let accepted = readable.map(\.input.bytes).filter(set.baseline.run)
        baselineInputs = accepted.count
        baselineBytes = accepted.reduce(0) { $0 + $1.count }
        baselineSeconds = secondsPerPass(repetitions: repetitions) {
            for bytes in accepted { _ = set.baseline.run(bytes) }
        }
    }
}

/// Seconds per run of `body`: the median of at least `repetitions` runs, and of enough runs to fill half a second.
func secondsPerPass(repetitions: Int, _ body: () -> Void) -> Double {
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
