/// The JSON documents in MySQL or MariaDB EXPLAIN output: bare, one after another, or inside the
/// client's frames (see `MySQLClientOutput`). Syntax errors are reported at their position in the input.
struct MySQLJSONDocuments {
    /// One document, where it starts in the input and the statement that produced it, when shown.
    struct Document {
        var value: JSONValue
        var line: Int
        var column: Int
        var statement: String?
    }

    /// Every JSON object in the input, in order. Text around them (prompts, prose) is skipped.
    static func read(_ input: PlanInput, format: PlanFormat) throws -> [Document] {
        if let documents = bareDocuments(input) { return documents }
        var documents: [Document] = []
        for result in MySQLClientOutput.results(in: input) {
            guard case .text(let lines) = result.content else { continue }
            var found = try parse(lines, input: input, format: format)
            if let first = found.indices.first { found[first].statement = result.statement }
            documents += found
        }
        return documents
    }

    /// The common case, read straight from the input: nothing but JSON objects and whitespace.
    private static func bareDocuments(_ input: PlanInput) -> [Document]? {
        var offset = skipWhitespace(input.bytes, from: 0)
        guard offset < input.bytes.count, input.bytes[offset] == UInt8(ascii: "{") else { return nil }
        var documents: [Document] = []
        while offset < input.bytes.count {
            guard input.bytes[offset] == UInt8(ascii: "{"),
                let (value, end) = try? JSONReader.parseValue(input.bytes, from: offset)
            else { return nil }
            let (line, column) = PlanInput.lineAndColumn(of: offset, in: input.bytes)
            documents.append(Document(value: value, line: line, column: column))
            offset = skipWhitespace(input.bytes, from: end)
        }
        return documents
    }

    /// The objects in one result's text; positions are mapped back through the lines' origins.
    private static func parse(_ lines: [MySQLClientOutput.Line], input: PlanInput, format: PlanFormat) throws
        -> [Document]
    {
        var bytes: [UInt8] = []
        var lineStarts: [Int] = []
        for line in lines {
            lineStarts.append(bytes.count)
            bytes += line.text.utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        func position(_ offset: Int) -> (line: Int, column: Int) {
            var low = 0
            var high = lineStarts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
            }
            return (lines[low].number, lines[low].column + offset - lineStarts[low])
        }

        var documents: [Document] = []
        // Skip any text before the first line that opens an object.
        guard
            var offset = lineStarts.first(where: { start in
                let first = skipWhitespace(bytes, from: start)
                return first < bytes.count && bytes[first] == UInt8(ascii: "{")
            }).map({ skipWhitespace(bytes, from: $0) })
        else { return [] }
        while offset < bytes.count, bytes[offset] == UInt8(ascii: "{") {
            do {
                let (value, end) = try JSONReader.parseValue(bytes, from: offset)
                let (line, column) = position(offset)
                documents.append(Document(value: value, line: line, column: column))
                offset = skipWhitespace(bytes, from: end)
            } catch {
                let (line, column) = position(error.offset)
                throw InputError(
                    file: input.name, format: format, line: line, column: column,
                    reason: "invalid JSON: expected \(error.expected)")
            }
        }
        return documents
    }

    private static func skipWhitespace(_ bytes: [UInt8], from start: Int) -> Int {
        var offset = start
        while offset < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[offset]) { offset += 1 }
        return offset
    }
}
