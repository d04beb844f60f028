import AdvisorCore
import Testing

@Test func readsNestedValuesCommentsAndEscapes() throws {
    let text = #"{"a": [1, -2.5, 3e2, true, null], /* end marker */ "b": "x\"\u00e9\n"} /* trailing */"#
    let value = try JSONReader.parse(Array(text.utf8))
    #expect(value["a"] == .array([.number(1), .number(-2.5), .number(300), .bool(true), .null]))
    #expect(value["b"] == .string("x\"é\n"))
}

@Test func reportsTheOffsetOfATruncation() {
    let text = #"[{"Plan": {"Node Type": "Seq"#
    #expect(throws: JSONReader.SyntaxError.self) { try JSONReader.parse(Array(text.utf8)) }
    do {
        _ = try JSONReader.parse(Array(text.utf8))
    } catch {
        #expect(error.offset == 24)  // the opening quote of the unterminated string
    }
}
