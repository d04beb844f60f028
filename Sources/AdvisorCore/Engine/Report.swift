import Foundation

/// What reporters render: the ranked findings, the data they came from and how the run went.
public struct Report: Sendable {
    /// The command that produced it: "explain", "scan", "report".
    public var command: String
    /// What was read: a file name, "<stdin>", or a connection target with the password removed.
    public var source: String
    public var toolVersion: String
    public var generatedAt: Date
    public var snapshot: Snapshot
    /// Ranked: highest impact first (see `RuleEngine.rank`).
    public var findings: [Finding]
    /// The rules that ran, for SARIF rule lists and the JSON contract.
    public var rules: [RuleSummary]
    /// Rules that could not run because the snapshot lacks what they need.
    public var skippedRules: [SkippedRule]
    /// Fingerprints of the findings that were not in the previous run of the same target (or, with a
    /// baseline, not in it); nil when there is nothing to compare with.
    public var newFingerprints: Set<String>?
    /// Findings of the previous run that are gone now; nil when there is nothing to compare with.
    public var resolvedFindings: [ResolvedFinding]?
    /// Series over past runs (statement mean time, calls per day …) for the formats that draw them;
    /// empty when no history was read.
    public var trends: [ReportTrend] = []
    /// How long collecting the snapshot took, seconds; nil when the command did not collect (a file).
    public var scanDurationSeconds: Double?

    public init(
        command: String, source: String, toolVersion: String, generatedAt: Date, snapshot: Snapshot,
        findings: [Finding], rules: [RuleSummary], skippedRules: [SkippedRule] = []
    ) {
        self.command = command
        self.source = source
        self.toolVersion = toolVersion
        self.generatedAt = generatedAt
        self.snapshot = snapshot
        self.findings = findings
        self.rules = rules
        self.skippedRules = skippedRules
    }

    /// Whether `finding` is new since the previous run (false when there is nothing to compare with).
    public func isNew(_ finding: Finding) -> Bool {
        newFingerprints?.contains(finding.fingerprint) ?? false
    }

    /// Findings about one plan of the snapshot (1-based, as in `FindingObject.plan`), in rank order.
    public func findings(forPlan number: Int) -> [Finding] {
        findings.filter { $0.object.plan == number }
    }
}

/// A rule's identity as shown in reports.
public struct RuleSummary: Codable, Equatable, Sendable {
    public var id: String
    public var title: String
    public var category: RuleCategory
    public var summary: String

    public init(id: String, title: String, category: RuleCategory, summary: String) {
        self.id = id
        self.title = title
        self.category = category
        self.summary = summary
    }

    public init(_ description: RuleDescription) {
        self.init(
            id: description.id, title: description.title, category: description.category,
            summary: description.summary)
    }
}

/// A rule that did not run, and why.
public struct SkippedRule: Codable, Equatable, Sendable {
    public var id: String
    public var reason: String

    public init(id: String, reason: String) {
        self.id = id
        self.reason = reason
    }
}

/// A finding of the previous run that the current run no longer reports.
public struct ResolvedFinding: Codable, Equatable, Sendable {
    public var fingerprint: String
    public var ruleId: String
    public var severity: Severity
    /// The object's name as the previous run reported it.
    public var objectName: String

    public init(fingerprint: String, ruleId: String, severity: Severity, objectName: String) {
        self.fingerprint = fingerprint
        self.ruleId = ruleId
        self.severity = severity
        self.objectName = objectName
    }
}
