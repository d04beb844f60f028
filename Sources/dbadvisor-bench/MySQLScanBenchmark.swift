import Foundation
import MySQLConnector

/// `dbadvisor-bench scan-mysql URL [--repetitions N] [--explain-top N]`: times `MySQLScanner.scan` (what
/// `dbadvisor scan mysql://…` runs) per collector and in all, then the rules on the snapshot, as
/// `ScanBenchmark` does for PostgreSQL. Made for the schema `scripts/bench-catalog-mysql.sh` builds;
/// asserts nothing.
enum MySQLScanBenchmark {
    static func run(arguments: [String]) throws {
        guard let url = arguments.first else {
            print("usage: dbadvisor-bench scan-mysql URL [--repetitions N] [--explain-top N]")
            exit(2)
        }
        let repetitions = number(after: "--repetitions", in: arguments) ?? 5
        let options = MySQLScanner.Options(explainTop: number(after: "--explain-top", in: arguments) ?? 10)
        try ScanBenchmark.measure(repetitions: repetitions) { progress in
            try MySQLScanner.scan(url, options: options, progress: progress)
        }
    }

    private static func number(after flag: String, in arguments: [String]) -> Int? {
        arguments.firstIndex(of: flag).flatMap { arguments.dropFirst($0 + 1).first.flatMap(Int.init) }
    }
}
