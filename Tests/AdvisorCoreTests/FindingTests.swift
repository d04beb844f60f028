import AdvisorCore
import Testing

@Test func fingerprintIsStableAndDependsOnRuleAndObject() {
    let a = Finding.fingerprint(ruleId: "unused-index", objectKey: "public.orders_status_idx")
    #expect(a == Finding.fingerprint(ruleId: "unused-index", objectKey: "public.orders_status_idx"))
    #expect(a != Finding.fingerprint(ruleId: "unused-index", objectKey: "public.orders_total_idx"))
    #expect(a.count == 16)
}

@Test func aNoticeReadsAsSentences() {
    #expect(Notice(level: .info, message: "x is off").text == "x is off")
    #expect(Notice(level: .info, message: "x is off", remedy: "turn it on").text == "x is off. Turn it on")
    #expect(Notice(level: .info, message: "x is off.", remedy: "Turn it on.").text == "x is off. Turn it on.")
    #expect(Notice(level: .info, message: "x is off:", remedy: "SET x = on").text == "x is off: SET x = on")
}
