/// The planner's verdict on an index dbadvisor would suggest for a captured statement: the statement
/// planned again with the index present as a hypothetical one (HypoPG), nothing created.
public struct IndexValidation: Codable, Equatable, Sendable {
    /// The suggestion, as its finding's fix SQL writes it.
    public var createSQL: String
    /// The name HypoPG gave the hypothetical index (`<13556>btree_orders_status`), as plans print it.
    public var hypotheticalName: String
    /// The plan's total estimated cost without and with the index.
    public var costBefore: Double
    public var costAfter: Double
    /// True when the plan with the index reads it.
    public var isUsed: Bool

    public init(createSQL: String, hypotheticalName: String, costBefore: Double, costAfter: Double, isUsed: Bool) {
        self.createSQL = createSQL
        self.hypotheticalName = hypotheticalName
        self.costBefore = costBefore
        self.costAfter = costAfter
        self.isUsed = isUsed
    }

    /// The cost the index saves, as a share of the cost without it (0 when it saves nothing).
    public var savedShare: Double {
        guard costBefore > 0 else { return 0 }
        return max(0, (costBefore - costAfter) / costBefore)
    }
}
