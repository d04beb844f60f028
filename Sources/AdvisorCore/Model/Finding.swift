/// How urgent a finding is. Ordered: `info < low < medium < high < critical`.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// How much to trust an impact estimate.
public enum Confidence: String, Codable, Sendable, CaseIterable {
    case low, medium, high
}

/// What a finding is about.
public struct FindingObject: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case planNode = "plan-node"
        case plan, statement, table, index
        case foreignKey = "foreign-key"
        case connections, server, setting
    }

    public var kind: Kind
    /// Human name: "Seq Scan on public.orders (node 4)", "index orders_status_idx".
    public var name: String
    /// Stable identity within the kind, independent of run-to-run numbers; the fingerprint is built from it.
    public var key: String
    /// For plan findings: the 1-based plan number in the input and the node id within it.
    public var plan: Int?
    public var node: Int?
    /// Other nodes of the plan the finding is about, when it speaks for several (the scans of a
    /// partition group): hot-node pointers on them give way to it, as on `node`.
    public var coveredNodes: [Int]?

    public init(
        kind: Kind, name: String, key: String, plan: Int? = nil, node: Int? = nil, coveredNodes: [Int]? = nil
    ) {
        self.kind = kind
        self.name = name
        self.key = key
        self.plan = plan
        self.node = node
        self.coveredNodes = coveredNodes
    }
}

/// One measured or derived number that supports a finding.
public struct Evidence: Codable, Equatable, Sendable {
    public var name: String
    public var value: Double
    /// "ms", "rows", "percent", "bytes", "kB", "blocks", "loops", "factor", "count".
    public var unit: String

    public init(_ name: String, _ value: Double, _ unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }
}

/// What fixing a finding is worth.
public struct Impact: Codable, Equatable, Sendable {
    /// The ranking key, larger first: milliseconds of database time per day the fix would save. Plan
    /// rules without a call rate: milliseconds per execution (a share of the estimated cost when the plan
    /// has no timing). Findings about risk or space rather than time use `Impact.risk`'s equivalents.
    public var score: Double
    /// Fraction of the statement's (or the database's) time the finding explains, 0…1.
    public var share: Double?
    /// Time the problem costs per execution, milliseconds.
    public var timeMs: Double?
    /// Bytes wasted or to be freed.
    public var bytes: Double?
    public var confidence: Confidence
    /// One sentence: "62 % of execution time (1,234 ms)".
    public var summary: String

    public init(
        score: Double, share: Double? = nil, timeMs: Double? = nil, bytes: Double? = nil,
        confidence: Confidence, summary: String
    ) {
        self.score = score
        self.share = share
        self.timeMs = timeMs
        self.bytes = bytes
        self.confidence = confidence
        self.summary = summary
    }
}

/// A problem a rule found, with the numbers behind it and what to do about it.
public struct Finding: Codable, Equatable, Sendable {
    public var ruleId: String
    /// Stable across runs: rule id + object key. Baselines, suppression and "new since" use it.
    public var fingerprint: String
    public var severity: Severity
    public var category: RuleCategory
    public var object: FindingObject
    /// What is wrong, in one sentence with the key number.
    public var message: String
    public var evidence: [Evidence]
    public var impact: Impact
    /// What to do, in one sentence.
    public var recommendation: String
    /// Runnable SQL that applies the fix, where there is one.
    public var fixSQL: String?
    /// What could go wrong when applying the fix.
    public var risk: String
    /// How to confirm the fix worked.
    public var validation: String

    public init(
        ruleId: String, severity: Severity, category: RuleCategory, object: FindingObject, message: String,
        evidence: [Evidence], impact: Impact, recommendation: String, fixSQL: String? = nil, risk: String,
        validation: String
    ) {
        self.ruleId = ruleId
        self.fingerprint = Finding.fingerprint(ruleId: ruleId, objectKey: object.key)
        self.severity = severity
        self.category = category
        self.object = object
        self.message = message
        self.evidence = evidence
        self.impact = impact
        self.recommendation = recommendation
        self.fixSQL = fixSQL
        self.risk = risk
        self.validation = validation
    }

    /// 16 hex digits of FNV-1a over "rule-id\u{0}object-key": short, stable, platform-independent.
    public static func fingerprint(ruleId: String, objectKey: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ruleId.utf8 + [0] + objectKey.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension Impact {
    /// The daily-time equivalent a risk finding (saturation, an invalid index) ranks with: critical as
    /// one hour of database time per day, high ten minutes, medium one minute, low and info ten seconds.
    public static func riskScore(_ severity: Severity) -> Double {
        switch severity {
        case .critical: 3_600_000
        case .high: 600_000
        case .medium: 60_000
        case .low, .info: 10_000
        }
    }

    /// The impact of a finding about time saved: `msPerDay` is the ranking score.
    public static func daily(
        msPerDay: Double, share: Double? = nil, timeMs: Double? = nil, bytes: Double? = nil,
        confidence: Confidence, summary: String
    ) -> Impact {
        Impact(
            score: msPerDay, share: share, timeMs: timeMs, bytes: bytes, confidence: confidence, summary: summary)
    }
}
