import AdvisorCore
import Testing

/// The options of the plan rules in this set survive `dbadvisor.yml`: every snake_case key the catalogue
/// shows decodes back to the same value (an acronym in a property name, `minJITTimeMs`, would not).
struct PlanRuleOptionsTests {
    @Test func defaultsRoundTripThroughTheirSnakeCaseKeys() throws {
        try roundTrip(DiskSpillRule.self)
        try roundTrip(HeapFetchesRule.self)
        try roundTrip(LossyBitmapRule.self)
        try roundTrip(WorkersNotLaunchedRule.self)
        try roundTrip(PlanningTimeRule.self)
        try roundTrip(JITOverheadRule.self)
        try roundTrip(FilesortTemporaryRule.self)
    }

    @Test func anOverrideReachesTheRule() throws {
        let options = try RuleOptionsCoding.options(
            JITOverheadRule.Options.self, ruleId: "plan-jit-overhead", overrides: ["min_jit_time_ms": 50])
        #expect(options.minJitTimeMs == 50)
        let spill = try RuleOptionsCoding.options(
            DiskSpillRule.Options.self, ruleId: "plan-disk-spill", overrides: ["max_work_mem_kb": 262_144])
        #expect(spill.maxWorkMemKb == 262_144)
    }

    private func roundTrip<R: Rule>(_ rule: R.Type) throws {
        let keys = RuleOptionsCoding.dictionary(R.Options())
        #expect(!keys.isEmpty, "\(R.description.id) has no options")
        let decoded = try RuleOptionsCoding.options(R.Options.self, ruleId: R.description.id, overrides: keys)
        #expect(decoded == R.Options(), "\(R.description.id)")
    }
}
