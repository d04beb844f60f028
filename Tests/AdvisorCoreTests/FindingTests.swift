import AdvisorCore
import Testing

@Test func fingerprintIsStableAndDependsOnRuleAndObject() {
    let a = Finding.fingerprint(ruleId: "unused-index", objectKey: "public.orders_status_idx")
    #expect(a == Finding.fingerprint(ruleId: "unused-index", objectKey: "public.orders_status_idx"))
    #expect(a != Finding.fingerprint(ruleId: "unused-index", objectKey: "public.orders_total_idx"))
    #expect(a.count == 16)
}
