/// Every CREATE INDEX the plan rules could suggest for one plan, whatever their thresholds: what the HypoPG
/// check of `scan --explain-top` plans with, so that each suggestion a finding makes was checked as written.
public enum PlanIndexSuggestions {
    public static func all(in plan: Plan) -> [String] {
        let context = RuleContext(snapshot: Snapshot(plans: [plan], source: "suggestions"))
        var found: [String] = []
        for sql in SeqScanFilterRule.suggestedIndexes(in: plan) + NestedLoopInnerScanRule.suggestedIndexes(in: context)
        where !found.contains(sql) {
            found.append(sql)
        }
        return found
    }
}
