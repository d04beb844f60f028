/// Every rule dbadvisor ships, sorted by id. A test fails when a `*Rule.swift` file is missing here.
public let builtInRules: [any Rule.Type] = [
    FilesortTemporaryRule.self,
    NoUsableKeyRule.self,
    RowsExaminedRatioRule.self,
    DiskSpillRule.self,
    HeapFetchesRule.self,
    HotNodeRule.self,
    JITOverheadRule.self,
    LossyBitmapRule.self,
    NestedLoopInnerScanRule.self,
    PlanningTimeRule.self,
    RowMisestimateRule.self,
    SeqScanFilterRule.self,
    WorkersNotLaunchedRule.self,
]
