import AdvisorCore
import Foundation
import MySQLConnector
import PostgresConnector

/// One database to scan, resolved from the command line or a configured target: where to connect and
/// with which options.
struct ScanRequest: Sendable {
    /// The configured target's name; nil for a connection given on the command line.
    var name: String?
    var connection: String
    var isMySQL: Bool
    var explainTop: Int
    var analyze: Bool
    var statementTimeoutMs: Int
    var lockTimeoutMs: Int
    var pgbouncer: String?
}

/// What scanning one target produced: a report, or why there is none.
struct TargetResult {
    var name: String?
    /// Nil when the target could not be scanned at all.
    var report: Report?
    /// Why the target could not be scanned (no password in it).
    var failure: String?
    /// The connection error that cut the scan short; the report holds what was collected before.
    var interruption: ConnectionError?
    /// Collectors the statement or lock timeout cut short; the report lacks what they read.
    var timedOut: [String] = []
}

/// Collects one target's snapshot. Sendable and free of the command's state, so that `scan --all` can
/// run several at once; rules, history and baselines follow on the command's thread (`Scan.report`).
struct TargetScanner: Sendable {
    var quiet: Bool
    /// Prefix progress lines with the target's name (several targets print at once).
    var labelProgress: Bool

    /// What was collected, or why nothing could be (a connection or server error, without a password).
    func scan(_ request: ScanRequest) -> Result<ScanOutcome, TargetFailure> {
        do {
            return .success(try collect(request))
        } catch let error as ConnectionError {
            return .failure(TargetFailure(error.description, isUsage: error.isInvalidTarget))
        } catch let error as ServerError {
            return .failure(TargetFailure(error.description))
        } catch {
            return .failure(TargetFailure(String(describing: error)))
        }
    }

    /// The most statements one scan EXPLAINs: each costs a planning (an execution with ANALYZE) under the
    /// statement timeout, and past the top hundred the statements hold little of the time.
    static let explainTopLimit = 100

    private func collect(_ request: ScanRequest) throws -> ScanOutcome {
        var request = request
        let asked = request.explainTop
        request.explainTop = min(asked, Self.explainTopLimit)
        var outcome = try collectCapped(request)
        if asked > Self.explainTopLimit {
            outcome.snapshot.notices.append(
                Notice(
                    level: .info,
                    message:
                        "--explain-top was capped at \(Self.explainTopLimit) statements, the most one scan EXPLAINs"))
        }
        return outcome
    }

    private func collectCapped(_ request: ScanRequest) throws -> ScanOutcome {
        let prefix = labelProgress ? request.name.map { "[\($0)] " } ?? "" : ""
        let progress = { (step: String) in
            if !quiet { Terminal.printError("dbadvisor: \(prefix)\(step)") }
        }
        if request.isMySQL {
            // MySQL waits for locks in whole seconds.
            let limits = MySQLSession.Limits(
                statementTimeoutMs: request.statementTimeoutMs,
                lockTimeoutSeconds: max((request.lockTimeoutMs + 999) / 1000, 1))
            return try MySQLScanner.scan(
                request.connection,
                options: MySQLScanner.Options(
                    limits: limits, explainTop: request.explainTop, analyze: request.analyze),
                progress: progress)
        }
        let options = PostgresScanner.Options(
            limits: LibPQSession.Limits(
                statementTimeoutMs: request.statementTimeoutMs, lockTimeoutMs: request.lockTimeoutMs),
            explainTop: request.explainTop, analyze: request.analyze, pgbouncer: request.pgbouncer)
        return try PostgresScanner.scan(request.connection, options: options, progress: progress)
    }
}

/// Why a target could not be scanned, as the summary shows it.
struct TargetFailure: Error, CustomStringConvertible {
    var description: String
    /// The target's connection string itself is wrong: exit 2 rather than 3.
    var isUsage = false

    init(_ description: String, isUsage: Bool = false) {
        self.description = description
        self.isUsage = isUsage
    }
}
