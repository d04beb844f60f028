/// Reads PostgreSQL `EXPLAIN (FORMAT JSON)` output (9.0–17) however it was captured:
/// - bare, as `[{"Plan": …}]` or `{"Plan": …}`, or auto_explain's `{"Query Text": …, "Plan": …}`;
/// - several documents one after the other, or an array of several statements: one `Plan` each;
/// - inside psql's result frames (`QUERY PLAN` header, dashes, `+`/`↵` continuation marks, ASCII or
///   Unicode borders, expanded mode, `(1 row)` footers), with SQL and command tags around them;
/// - as a CSV cell, quotes doubled (`""Plan""`), as pgAdmin or `COPY … CSV` give it;
/// - after an auto_explain log prefix (`… LOG:  duration: 12.3 ms  plan:`) in a server log.
///
/// Errors name the line and column of the original input, frames and quotes included.
public enum PostgresJSONPlanParser: PlanParser {
    /// The format this parser reads.
    public static let format = PlanFormat.postgresJSON

    /// Every plan in the input, in order, each with the line its JSON object starts on.
    public static func parse(_ input: PlanInput) throws -> [Plan] {
        let bytes = input.bytes
        guard let first = firstContent(of: bytes) else {
            throw InputError(
                file: input.name, format: format, line: 1, column: 1,
                reason: "empty input: expected a PostgreSQL EXPLAIN (FORMAT JSON) plan")
        }
        guard bytes[first] == UInt8(ascii: "[") || bytes[first] == UInt8(ascii: "{") else {
            return try scan(UnwrappedText.removingPsqlFrames(from: bytes) ?? UnwrappedText(identity: bytes), input)
        }
        // The common case, and the fast one: JSON as EXPLAIN printed it, read in place.
        let text = UnwrappedText(identity: bytes)
        do {
            var lines = LineCounter(bytes: bytes)
            return try read(documentsIn: text, from: first, input, &lines).plans
        } catch let bareError {
            // A frame that starts with the JSON itself (psql with `\pset border 0`, header cut off).
            if let unframed = UnwrappedText.removingPsqlFrames(from: bytes) { return try scan(unframed, input) }
            // Text after the JSON, such as psql's "Time: 3.2 ms".
            if let plans = try? scan(text, input) { return plans }
            throw bareError
        }
    }

    // MARK: - Finding documents

    /// Reads every plan document found in `text`, skipping whatever is between them (SQL, log lines).
    private static func scan(_ text: UnwrappedText, _ input: PlanInput) throws(InputError) -> [Plan] {
        var plans: [Plan] = []
        var position = 0
        var lines = LineCounter(bytes: input.bytes)
        while let document = nextDocument(in: text.bytes, from: position) {
            if document.isCSVQuoted {
                let (cell, end) = UnwrappedText.unquotingCSVCell(in: text, from: document.offset)
                plans += try read(documentsIn: cell, from: 0, input, &lines).plans
                position = end
            } else {
                let found = try read(documentsIn: text, from: document.offset, onlyOne: true, input, &lines)
                plans += found.plans
                position = found.end
            }
        }
        guard !plans.isEmpty else { throw notFound(in: text, input) }
        return plans
    }

    /// Where the next plan document starts: a '[' or '{' followed, after blanks (and for '[' after the
    /// '{' of its first element), by a member name that opens a plan ("Plan", "Query Text", …).
    /// `isCSVQuoted` when that name is in doubled quotes.
    private static func nextDocument(in bytes: [UInt8], from start: Int) -> (offset: Int, isCSVQuoted: Bool)? {
        bytes.withUnsafeBufferPointer { bytes in
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") else {
                    index += 1
                    continue
                }
                var object = index
                if byte == UInt8(ascii: "[") {
                    object = skipBlanks(bytes, from: index + 1)
                    guard object < bytes.count, bytes[object] == UInt8(ascii: "{") else {
                        index += 1
                        continue
                    }
                }
                let quote = skipBlanks(bytes, from: object + 1)
                if let isCSVQuoted = opensPlanDocument(bytes, quoteAt: quote) { return (index, isCSVQuoted) }
                index += 1
            }
            return nil
        }
    }

    /// Whether a member name at `quote` is one a plan document starts with; nil when it is not,
    /// true when it is in doubled (CSV) quotes.
    private static func opensPlanDocument(_ bytes: UnsafeBufferPointer<UInt8>, quoteAt quote: Int) -> Bool? {
        guard quote < bytes.count, bytes[quote] == UInt8(ascii: "\"") else { return nil }
        let isCSVQuoted = quote + 1 < bytes.count && bytes[quote + 1] == UInt8(ascii: "\"")
        let nameStart = quote + (isCSVQuoted ? 2 : 1)
        var nameEnd = nameStart
        while nameEnd < bytes.count, bytes[nameEnd] != UInt8(ascii: "\""), nameEnd - nameStart < 64 { nameEnd += 1 }
        guard nameEnd < bytes.count, bytes[nameEnd] == UInt8(ascii: "\"") else { return nil }
        let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
        return PostgresJSONDocumentKey.table.key(for: name) == nil ? nil : isCSVQuoted
    }

    // MARK: - Reading documents

    /// Reads documents from `start` on: one, or (by default) all of them up to the end of `text`,
    /// with only blanks between them. Returns the plans and the offset after the last document.
    private static func read(
        documentsIn text: UnwrappedText, from start: Int, onlyOne: Bool = false, _ input: PlanInput,
        _ lines: inout LineCounter
    ) throws(InputError) -> (plans: [Plan], end: Int) {
        var builder = PostgresJSONPlanBuilder()
        let end: Int
        do {
            end = try JSONReader.read(text.bytes, from: start) { (reader) throws(JSONReader.SyntaxError) -> Int in
                repeat {
                    try builder.readDocument(&reader)
                    if onlyOne { break }
                    let next = try? reader.peekKind()
                    if next == .array || next == .object { continue }
                    guard reader.offset >= text.bytes.count else {
                        throw JSONReader.SyntaxError(
                            offset: reader.offset, expected: "end of input, or another JSON plan, after the plan")
                    }
                    break
                } while true
                return reader.offset
            }
        } catch {
            throw inputError(error, in: text, input)
        }
        let plans = builder.plans.map { found in
            var plan = found.plan
            plan.sourceLine = lines.line(at: text.originalOffset(of: found.offset))
            return plan
        }
        return (plans, end)
    }

    // MARK: - Errors

    private static func inputError(
        _ error: JSONReader.SyntaxError, in text: UnwrappedText, _ input: PlanInput
    ) -> InputError {
        let reason =
            error.offset >= text.bytes.count
            ? "unexpected end of input: expected \(error.expected)" : "expected \(error.expected)"
        return input.error(at: text.originalOffset(of: error.offset), format: format, reason)
    }

    /// No plan document anywhere: point at the first bracket (the likeliest attempt at one), else at the text.
    private static func notFound(in text: UnwrappedText, _ input: PlanInput) -> InputError {
        let bytes = text.bytes
        let offset =
            bytes.firstIndex { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "{") } ?? firstContent(of: bytes) ?? 0
        return input.error(
            at: text.originalOffset(of: offset), format: format,
            "no PostgreSQL EXPLAIN (FORMAT JSON) plan found: expected '[' or '{' followed by \"Plan\" "
                + "(or by \"Query Text\", as auto_explain logs it)")
    }

    // MARK: - Bytes

    /// The first byte that is neither blank nor a UTF-8 byte order mark.
    private static func firstContent(of bytes: [UInt8]) -> Int? {
        var index = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while index < bytes.count, isBlank(bytes[index]) { index += 1 }
        return index < bytes.count ? index : nil
    }

    private static func skipBlanks(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count, isBlank(bytes[index]) { index += 1 }
        return index
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\r")
    }
}

/// 1-based line numbers of increasing offsets, counting each newline once however many plans a file holds.
private struct LineCounter {
    let bytes: [UInt8]
    private var offset = 0
    private var line = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func line(at target: Int) -> Int {
        if target < offset {
            offset = 0
            line = 1
        }
        let end = min(target, bytes.count)
        while offset < end {
            if bytes[offset] == UInt8(ascii: "\n") { line += 1 }
            offset += 1
        }
        return line
    }
}
