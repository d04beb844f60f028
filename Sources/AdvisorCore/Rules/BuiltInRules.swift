/// Every rule dbadvisor ships, sorted by id. A test fails when a `*Rule.swift` file is missing here.
public let builtInRules: [any Rule.Type] = [
    NoUsableKeyRule.self,
    RowsExaminedRatioRule.self,
    HotNodeRule.self,
    NestedLoopInnerScanRule.self,
    RowMisestimateRule.self,
    SeqScanFilterRule.self,
]
