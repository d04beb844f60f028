/// A rule's area, used to group the catalogue and findings.
public enum RuleCategory: String, Codable, Sendable, CaseIterable {
    case plans, statements, indexes, tables, connections, configuration
}

/// A rule's thresholds, in model units. `init()` gives the documented defaults; the coding keys
/// are snake_case and are what `dbadvisor.yml` and `dbadvisor rules` show.
public protocol RuleOptions: Codable, Equatable, Sendable {
    init()
}

/// One check. Pure: reads the context, returns findings; never touches a database or the clock.
public protocol Rule: Sendable {
    associatedtype Options: RuleOptions
    static var description: RuleDescription { get }
    var options: Options { get }
    init(options: Options)
    func evaluate(_ context: RuleContext) -> [Finding]
}

extension Rule {
    /// The rule with its documented defaults.
    public init() { self.init(options: Options()) }
}

/// A rule whose finding on a plan node only points at it ("most time goes here"): when another rule
/// explains the same node, the engine keeps that finding alone.
public protocol SupersededBySpecificFindings: Rule {}

/// What a rule is, for the catalogue, the docs, SARIF and the example tests.
public struct RuleDescription: Sendable {
    /// Stable forever ("plan-seq-scan-filter"); renames go to `aliases`.
    public let id: String
    public let title: String
    public let category: RuleCategory
    public let engines: Set<Engine>
    public let requires: Set<Facet>
    /// One line for lists.
    public let summary: String
    /// Markdown: why it matters, how to fix, how to validate.
    public let rationale: String
    /// Inputs on which the rule must fire (with the object keys it must name) or stay silent.
    public let examples: [RuleExample]
    public let aliases: [String]

    public init(
        id: String, title: String, category: RuleCategory, engines: Set<Engine>, requires: Set<Facet>,
        summary: String, rationale: String, examples: [RuleExample], aliases: [String] = []
    ) {
        self.id = id
        self.title = title
        self.category = category
        self.engines = engines
        self.requires = requires
        self.summary = summary
        self.rationale = rationale
        self.examples = examples
        self.aliases = aliases
    }
}

/// A small input and what the rule must say about it. `expectedObjects` empty: must not fire.
public struct RuleExample: Sendable {
    public enum Input: Sendable {
        /// EXPLAIN output in any format `PlanReader` detects.
        case plan(String)
        case snapshot(Snapshot)
    }

    public let name: String
    public let input: Input
    /// The `FindingObject.name`s (for plan nodes, e.g. "Seq Scan on orders") the rule must report, in rank order.
    public let expectedObjects: [String]

    public init(_ name: String, plan: String, expecting expectedObjects: [String]) {
        self.name = name
        self.input = .plan(plan)
        self.expectedObjects = expectedObjects
    }

    public init(_ name: String, snapshot: Snapshot, expecting expectedObjects: [String]) {
        self.name = name
        self.input = .snapshot(snapshot)
        self.expectedObjects = expectedObjects
    }

    public var isTriggering: Bool { !expectedObjects.isEmpty }
}

/// What a rule sees.
public struct RuleContext: Sendable {
    public let snapshot: Snapshot
    /// Every node of every plan with its ancestors and expected loops, plans in order, nodes in
    /// pre-order; built once here because every plan rule walks it.
    public let planNodePaths: [PlanNodePath]

    public init(snapshot: Snapshot) {
        self.snapshot = snapshot
        self.planNodePaths = PlanNodePath.all(in: snapshot)
    }

    /// Every node of every plan, plans in order, nodes in pre-order.
    public var planNodes: [PlanNodeContext] { planNodePaths.map(\.context) }
}

/// A graded threshold: the value at which a finding becomes medium, high and critical
/// (below `medium` it is low). Shared by rules so configuration looks the same everywhere.
public struct Levels: Codable, Equatable, Sendable {
    public var medium: Double
    public var high: Double
    public var critical: Double

    public init(medium: Double, high: Double, critical: Double) {
        self.medium = medium
        self.high = high
        self.critical = critical
    }

    public func severity(for value: Double) -> Severity {
        if value >= critical { return .critical }
        if value >= high { return .high }
        if value >= medium { return .medium }
        return .low
    }
}
