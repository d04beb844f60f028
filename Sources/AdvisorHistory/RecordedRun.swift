import AdvisorCore
import Foundation

/// What the history store remembers of one run: when and where it ran, the state of the counters, and
/// what it found.
public struct RecordedRun: Equatable, Sendable {
    public var id: Int64
    /// The name runs are recorded under (`--target`, else the server's description).
    public var target: String
    public var engine: Engine
    public var serverTarget: String?
    public var collectedAt: Date
    public var startedAt: Date?
    public var statsResetAt: Date?
    /// When the statement counters started (`StatementSource.resetAt`).
    public var statementsResetAt: Date?
    /// `StatementSource.evictions` at collection.
    public var statementEvictions: Int?
    /// Statement counters by `StatementStats.findingKey`.
    public var statements: [String: StatementCounters]
    public var findings: [RecordedFinding]

    public init(
        id: Int64, target: String, engine: Engine, serverTarget: String?, collectedAt: Date, startedAt: Date?,
        statsResetAt: Date?, statementsResetAt: Date?, statementEvictions: Int?,
        statements: [String: StatementCounters], findings: [RecordedFinding]
    ) {
        self.id = id
        self.target = target
        self.engine = engine
        self.serverTarget = serverTarget
        self.collectedAt = collectedAt
        self.startedAt = startedAt
        self.statsResetAt = statsResetAt
        self.statementsResetAt = statementsResetAt
        self.statementEvictions = statementEvictions
        self.statements = statements
        self.findings = findings
    }
}

/// A statement's counters in one run: cumulative as the server reported them, and over the run's window
/// (since the previous run, or since the counters started when there was none or they were reset).
public struct StatementCounters: Equatable, Sendable {
    public var statementId: String
    /// The statement's text on one line, shortened, for `dbadvisor history`.
    public var text: String
    public var calls: Int
    public var totalTimeMs: Double
    public var rows: Int
    public var windowCalls: Int
    public var windowTotalTimeMs: Double
    public var windowRows: Int
    /// Seconds the window covers; nil when unknown.
    public var windowSeconds: Double?

    public init(
        statementId: String, text: String, calls: Int, totalTimeMs: Double, rows: Int, windowCalls: Int,
        windowTotalTimeMs: Double, windowRows: Int, windowSeconds: Double?
    ) {
        self.statementId = statementId
        self.text = text
        self.calls = calls
        self.totalTimeMs = totalTimeMs
        self.rows = rows
        self.windowCalls = windowCalls
        self.windowTotalTimeMs = windowTotalTimeMs
        self.windowRows = windowRows
        self.windowSeconds = windowSeconds
    }

    /// Mean time per call over the window (0 without calls).
    public var windowMeanTimeMs: Double { windowCalls > 0 ? windowTotalTimeMs / Double(windowCalls) : 0 }

    /// Rows per call over the window (0 without calls).
    public var windowRowsPerCall: Double { windowCalls > 0 ? Double(windowRows) / Double(windowCalls) : 0 }
}

/// A finding as a run recorded it: enough to say it was resolved, and to show its presence over runs.
public struct RecordedFinding: Equatable, Sendable {
    public var fingerprint: String
    public var ruleId: String
    public var severity: Severity
    public var objectName: String

    public init(fingerprint: String, ruleId: String, severity: Severity, objectName: String) {
        self.fingerprint = fingerprint
        self.ruleId = ruleId
        self.severity = severity
        self.objectName = objectName
    }

    public init(_ finding: Finding) {
        self.init(
            fingerprint: finding.fingerprint, ruleId: finding.ruleId, severity: finding.severity,
            objectName: finding.object.name)
    }
}
