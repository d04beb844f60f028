import Testing

@testable import AdvisorCore

struct WorkMemAdviceTests {
    @Test func roundsUpToAPowerOfTwoMegabytes() {
        #expect(WorkMemAdvice(neededKB: 100).setting == "4MB")
        #expect(WorkMemAdvice(neededKB: 25_000).setting == "32MB")
        #expect(WorkMemAdvice(neededKB: 3_000_000).setting == "4GB")
    }

    /// A spill no server could have (a corrupt or edited plan) gets the largest value work_mem takes,
    /// not a number past Int.max (which trapped) or a setting the server refuses.
    @Test func neverPastWhatTheServerAccepts() {
        for needed in [3e9, 1e20, Double.greatestFiniteMagnitude, .infinity] {
            let advice = WorkMemAdvice(neededKB: needed)
            #expect(advice.setting == "1024GB")
            #expect(advice.settingKB <= 2_147_483_647)
        }
    }
}
