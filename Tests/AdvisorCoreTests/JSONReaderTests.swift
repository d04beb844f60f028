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

private enum Fruit: Sendable, Equatable {
    case fig, apple, passionFruit, longerThanSixteenBytesName
}

private let fruits = JSONKeyTable<Fruit>([
    ("fig", .fig), ("apple", .apple), ("passion fruit", .passionFruit),
    ("a name longer than sixteen bytes", .longerThanSixteenBytesName),
])

@Test func keyTableFindsNamesOfEveryLengthAndOnlyThose() {
    for (name, fruit) in [
        ("fig", Fruit.fig), ("apple", .apple), ("passion fruit", .passionFruit),
        ("a name longer than sixteen bytes", .longerThanSixteenBytesName),
    ] {
        #expect(fruits.key(for: name) == fruit)
    }
    for name in [
        "", "fi", "figs", "Apple", "passion fruiT", "a name longer than sixteen byteS",
        "a name LONGER than sixteen bytes",
    ] {
        #expect(fruits.key(for: name) == nil)
    }
}

@Test func readsMemberByMember() throws {
    let text = #"{"fig": 1.5, "kiwi": [true, null, {"x": "y"}], "apple": "red", "passi\u006Fn fruit": [1, 2]}"#
    var seen: [String] = []
    try JSONReader.read(Array(text.utf8)) { (reader) throws(JSONReader.SyntaxError) in
        try reader.beginObject()
        while let member = try reader.nextMember(in: fruits) {
            switch member {
            case .known(.fig): seen.append("fig \(try reader.readNumber())")
            case .known(.apple): seen.append("apple \(try reader.readString())")
            case .known(.passionFruit):
                try reader.beginArray()
                var count = 0
                while try reader.nextElement() {
                    #expect(try reader.peekKind() == .number)
                    _ = try reader.readNumber()
                    count += 1
                }
                seen.append("passion fruit \(count)")
            case .known(.longerThanSixteenBytesName): try reader.skipValue()
            case .other(let name):
                seen.append("\(name) \(try reader.readValue().displayText)")
            }
        }
        #expect(reader.offset == text.utf8.count)
    }
    #expect(seen == ["fig 1.5", "kiwi [true, null, {x: y}]", "apple red", "passion fruit 2"])
}

@Test func memberByMemberReadingReportsMissingSeparators() {
    for (text, offset) in [(#"{"fig": 1 "apple": 2}"#, 10), (#"[1 2]"#, 3), (#"{"fig": 1,}"#, 10), (#"{"fig" 1}"#, 7)] {
        do {
            try JSONReader.read(Array(text.utf8)) { (reader) throws(JSONReader.SyntaxError) in
                if try reader.peekKind() == .object {
                    try reader.beginObject()
                    while try reader.nextMember(in: fruits) != nil { try reader.skipValue() }
                } else {
                    try reader.beginArray()
                    while try reader.nextElement() { try reader.skipValue() }
                }
            }
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.offset == offset, "\(text)")
        }
    }
}

@Test func refusesNestingDeeperThanTheStackAllows() {
    let deep = Array((String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)).utf8)
    #expect(throws: JSONReader.SyntaxError.self) { try JSONReader.parse(deep) }
    let fine = Array((String(repeating: "[", count: 500) + String(repeating: "]", count: 500)).utf8)
    #expect(throws: Never.self) { try JSONReader.parse(fine) }
}

@Test func keepsLongMemberNamesApartWhenTheyRepeat() throws {
    // More distinct long names than the reader caches, each used twice: collisions must not mix them up.
    let names = (0..<200).map { "a rather long member name number \($0)" }
    let object = "{" + names.enumerated().map { "\"\($1)\": \($0)" }.joined(separator: ", ") + "}"
    let value = try JSONReader.parse(Array("[\(object), \(object)]".utf8))
    for element in value.arrayValue ?? [] {
        #expect(element.objectMembers?.map(\.key) == names)
        #expect(element.objectMembers?.map(\.value) == names.indices.map { .number(Double($0)) })
    }
    #expect(value.arrayValue?.count == 2)
}
