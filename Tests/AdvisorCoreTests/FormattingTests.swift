import AdvisorCore
import Testing

struct FormattingTests {
    @Test func numbersAreLocaleIndependent() {
        #expect(Formatting.count(1_234_567) == "1,234,567")
        #expect(Formatting.decimal(-1234.5, digits: 1) == "-1,234.5")
        #expect(Formatting.milliseconds(0.0421) == "0.042 ms")
        #expect(Formatting.milliseconds(12.34) == "12.3 ms")
        #expect(Formatting.milliseconds(2999.1) == "2,999 ms")
        #expect(Formatting.milliseconds(12_345) == "12.3 s")
        #expect(Formatting.percent(fraction: 0.62) == "62 %")
        #expect(Formatting.percent(fraction: 0.004) == "0.4 %")
        #expect(Formatting.percent(fraction: 0.0002) == "<0.1 %")
        #expect(Formatting.percent(fraction: 0) == "0 %")
        #expect(Formatting.kilobytes(1536) == "1.5 MB")
    }
}
