import AdvisorCore
import Testing

@testable import AdvisorReport

struct EvidenceTextTests {
    @Test func unitsAreWrittenAsPeopleReadThem() {
        #expect(EvidenceText.value(Evidence("window", 12, "s")) == "12 seconds")
        #expect(EvidenceText.value(Evidence("window", 5.5 * 3_600, "s")) == "5.5 hours")
        #expect(EvidenceText.value(Evidence("window", 30 * 86_400, "s")) == "30 days")
        #expect(EvidenceText.value(Evidence("scan time", 2_999.1, "ms")) == "2,999 ms")
        #expect(EvidenceText.value(Evidence("loops", 2_000, "loops")) == "2,000")
    }
}
