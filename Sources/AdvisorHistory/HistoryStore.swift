import AdvisorCore
import Foundation
import GRDB

/// The history of runs, in one SQLite file (WAL). Every run is written in one transaction: a process
/// killed at any point leaves the runs before it as they were.
public struct HistoryStore: Sendable {
    /// The file the store lives in.
    public let path: String
    private let pool: DatabasePool

    /// `$XDG_DATA_HOME/dbadvisor/history.sqlite`, else `~/.local/share/dbadvisor/history.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let dataHome: URL
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            dataHome = URL(fileURLWithPath: xdg)
        } else {
            let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
            dataHome = URL(fileURLWithPath: home).appendingPathComponent(".local/share")
        }
        return dataHome.appendingPathComponent("dbadvisor/history.sqlite").path
    }

    /// Opens the store at `path`, creating it (and its folder) unless `create` is false.
    public init(path: String, create: Bool = true) throws {
        self.path = path
        let exists = FileManager.default.fileExists(atPath: path)
        guard create || exists else { throw HistoryError(path: path, problem: "no history store here") }
        do {
            if !exists {
                try FileManager.default.createDirectory(
                    at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            }
            var configuration = Configuration()
            // Two nightly jobs may record at the same time: wait for the other writer rather than fail.
            configuration.busyMode = .timeout(10)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError(path: path, problem: "\(error)")
        }
    }

    /// Records one run in one transaction and returns its id. `beforeCommit` runs inside the transaction,
    /// after every row is written (tests use it to kill the process there).
    @discardableResult
    public func record(
        _ snapshot: Snapshot, target: String, counters: [String: StatementCounters], findings: [Finding],
        beforeCommit: (@Sendable () -> Void)? = nil
    ) throws -> Int64 {
        let json = try snapshot.jsonData()
        let collectedAt = snapshot.server.collectedAt ?? Date()
        return try wrap {
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO runs (target, engine, server_target, collected_at, started_at, stats_reset_at,
                            statements_reset_at, statement_evictions, snapshot)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        target, snapshot.server.engine.rawValue, snapshot.server.target,
                        collectedAt.timeIntervalSince1970, snapshot.server.startedAt?.timeIntervalSince1970,
                        snapshot.server.statsResetAt?.timeIntervalSince1970,
                        snapshot.statementSource?.resetAt?.timeIntervalSince1970,
                        snapshot.statementSource?.evictions, json,
                    ])
                let runId = db.lastInsertedRowID
                var recorded = Set<String>()
                for finding in findings where recorded.insert(finding.fingerprint).inserted {
                    try db.execute(
                        sql: """
                            INSERT INTO run_findings (run_id, fingerprint, rule_id, severity, object_name)
                            VALUES (?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            runId, finding.fingerprint, finding.ruleId, finding.severity.rawValue, finding.object.name,
                        ])
                }
                for (key, counter) in counters.sorted(by: { $0.key < $1.key }) {
                    try db.execute(
                        sql: """
                            INSERT INTO run_statements (run_id, key, statement_id, text, calls, total_time_ms, rows,
                                window_calls, window_total_time_ms, window_rows, window_seconds)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            runId, key, counter.statementId, counter.text, counter.calls, counter.totalTimeMs,
                            counter.rows, counter.windowCalls, counter.windowTotalTimeMs, counter.windowRows,
                            counter.windowSeconds,
                        ])
                }
                beforeCommit?()
                return runId
            }
        }
    }

    /// The last `limit` runs of `target`, most recent first, with their statements and findings.
    public func recentRuns(target: String, limit: Int) throws -> [RecordedRun] {
        try wrap {
            try pool.read { db in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM runs WHERE target = ? ORDER BY collected_at DESC, id DESC LIMIT ?",
                    arguments: [target, limit])
                return try rows.map { try Self.run($0, in: db) }
            }
        }
    }

    /// The plans a recorded run captured (`--explain-top`), from its stored snapshot; empty when it had none.
    public func capturedPlans(ofRun id: Int64) throws -> [CapturedPlan] {
        try wrap {
            let blob = try pool.read { db in
                try Data.fetchOne(db, sql: "SELECT snapshot FROM runs WHERE id = ?", arguments: [id])
            }
            guard let blob else { return [] }
            return try Snapshot(jsonData: blob).plans
        }
    }

    /// Every run (of `target` when given), oldest first, without their statements.
    public func runs(target: String? = nil) throws -> [RecordedRun] {
        try wrap {
            try pool.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM runs WHERE ? IS NULL OR target = ? ORDER BY target, collected_at, id",
                    arguments: [target, target])
                return try rows.map { try Self.run($0, in: db, withStatements: false) }
            }
        }
    }

    /// The counters of one statement (by its id or its whole key) in every run (of `target` when given),
    /// oldest first.
    public func statementTrend(_ statement: String, target: String? = nil) throws -> [(
        run: RecordedRun, counters: StatementCounters
    )] {
        try wrap {
            try pool.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT runs.*, s.statement_id, s.text, s.calls, s.total_time_ms, s.rows, s.window_calls,
                            s.window_total_time_ms, s.window_rows, s.window_seconds
                        FROM run_statements s JOIN runs ON runs.id = s.run_id
                        WHERE (s.statement_id = ? OR s.key = ?) AND (? IS NULL OR runs.target = ?)
                        ORDER BY runs.target, runs.collected_at, runs.id, s.key
                        """,
                    arguments: [statement, statement, target, target])
                return try rows.map { row in
                    (try Self.run(row, in: db, withStatements: false, withFindings: false), Self.counters(row))
                }
            }
        }
    }

    // MARK: - Schema and rows

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        target TEXT NOT NULL,
                        engine TEXT NOT NULL,
                        server_target TEXT,
                        collected_at REAL NOT NULL,
                        started_at REAL,
                        stats_reset_at REAL,
                        statements_reset_at REAL,
                        statement_evictions INTEGER,
                        snapshot BLOB NOT NULL
                    );
                    CREATE INDEX runs_target_collected ON runs (target, collected_at);
                    CREATE TABLE run_findings (
                        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                        fingerprint TEXT NOT NULL,
                        rule_id TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        object_name TEXT NOT NULL,
                        PRIMARY KEY (run_id, fingerprint)
                    );
                    CREATE INDEX run_findings_fingerprint ON run_findings (fingerprint);
                    CREATE TABLE run_statements (
                        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                        key TEXT NOT NULL,
                        statement_id TEXT NOT NULL,
                        text TEXT NOT NULL,
                        calls INTEGER NOT NULL,
                        total_time_ms REAL NOT NULL,
                        rows INTEGER NOT NULL,
                        window_calls INTEGER NOT NULL,
                        window_total_time_ms REAL NOT NULL,
                        window_rows INTEGER NOT NULL,
                        window_seconds REAL,
                        PRIMARY KEY (run_id, key)
                    );
                    CREATE INDEX run_statements_statement ON run_statements (statement_id);
                    """)
        }
        return migrator
    }

    private static func run(
        _ row: Row, in db: Database, withStatements: Bool = true, withFindings: Bool = true
    ) throws -> RecordedRun {
        let id: Int64 = row["id"]
        var statements: [String: StatementCounters] = [:]
        if withStatements {
            for statement in try Row.fetchAll(
                db, sql: "SELECT * FROM run_statements WHERE run_id = ?", arguments: [id])
            {
                statements[statement["key"]] = counters(statement)
            }
        }
        var findings: [RecordedFinding] = []
        if withFindings {
            findings = try Row.fetchAll(
                db, sql: "SELECT * FROM run_findings WHERE run_id = ? ORDER BY fingerprint", arguments: [id]
            ).map { finding in
                RecordedFinding(
                    fingerprint: finding["fingerprint"], ruleId: finding["rule_id"],
                    severity: Severity(rawValue: finding["severity"]) ?? .info, objectName: finding["object_name"])
            }
        }
        return RecordedRun(
            id: id, target: row["target"], engine: Engine(rawValue: row["engine"]) ?? .postgres,
            serverTarget: row["server_target"],
            collectedAt: date(row["collected_at"]) ?? Date(timeIntervalSince1970: 0),
            startedAt: date(row["started_at"]), statsResetAt: date(row["stats_reset_at"]),
            statementsResetAt: date(row["statements_reset_at"]), statementEvictions: row["statement_evictions"],
            statements: statements, findings: findings)
    }

    private static func counters(_ row: Row) -> StatementCounters {
        StatementCounters(
            statementId: row["statement_id"], text: row["text"], calls: row["calls"], totalTimeMs: row["total_time_ms"],
            rows: row["rows"], windowCalls: row["window_calls"], windowTotalTimeMs: row["window_total_time_ms"],
            windowRows: row["window_rows"], windowSeconds: row["window_seconds"])
    }

    private static func date(_ seconds: Double?) -> Date? {
        seconds.map { Date(timeIntervalSince1970: $0) }
    }

    private func wrap<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError(path: path, problem: "\(error)")
        }
    }
}

/// The history store cannot be opened, read or written.
public struct HistoryError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "history store \(path): \(problem)" }
}
