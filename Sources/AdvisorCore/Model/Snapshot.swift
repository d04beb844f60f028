import Foundation

/// Everything one collection gathered, in engine-neutral terms. What rules read and what
/// `dbadvisor report snapshot.json` re-reads.
public struct Snapshot: Codable, Equatable, Sendable {
    public var formatVersion = 1
    public var server: ServerInfo
    /// What was actually collected; rules needing anything else are reported as skipped.
    public var facets: Set<Facet>
    public var settings: [String: String]
    public var plans: [CapturedPlan]
    /// Things that could not be collected, and how to enable them.
    public var notices: [Notice]

    public init(
        server: ServerInfo, facets: Set<Facet> = [], settings: [String: String] = [:], plans: [CapturedPlan] = [],
        notices: [Notice] = []
    ) {
        self.server = server
        self.facets = facets
        self.settings = settings
        self.plans = plans
        self.notices = notices
    }

    /// A snapshot holding only plans read from a file (`dbadvisor explain`).
    public init(plans: [Plan], source: String) {
        let engine = plans.first?.engine ?? .postgres
        self.init(
            server: ServerInfo(engine: engine),
            facets: [.plans],
            plans: plans.enumerated().map { CapturedPlan(label: "\(source) plan \($0.offset + 1)", plan: $0.element) })
    }
}

/// The server a snapshot came from.
public struct ServerInfo: Codable, Equatable, Sendable {
    public var engine: Engine
    public var version: String?
    public var collectedAt: Date?
    public var statsResetAt: Date?

    public init(engine: Engine, version: String? = nil, collectedAt: Date? = nil, statsResetAt: Date? = nil) {
        self.engine = engine
        self.version = version
        self.collectedAt = collectedAt
        self.statsResetAt = statsResetAt
    }
}

/// A plan with where it came from: a statement fingerprint for live scans, a file for offline review.
public struct CapturedPlan: Codable, Equatable, Sendable {
    public var label: String
    /// The statement's fingerprint when the plan belongs to a collected statement.
    public var statementFingerprint: String?
    /// How often the statement runs per day, when known; scales plan findings into daily time.
    public var callsPerDay: Double?
    public var plan: Plan

    public init(label: String, statementFingerprint: String? = nil, callsPerDay: Double? = nil, plan: Plan) {
        self.label = label
        self.statementFingerprint = statementFingerprint
        self.callsPerDay = callsPerDay
        self.plan = plan
    }
}

/// Something the user should know that is not a finding about the database itself.
public struct Notice: Codable, Equatable, Sendable {
    public enum Level: String, Codable, Sendable { case info, warning }
    public var level: Level
    public var message: String
    /// How to enable what was missing, when applicable.
    public var remedy: String?

    public init(level: Level, message: String, remedy: String? = nil) {
        self.level = level
        self.message = message
        self.remedy = remedy
    }
}
