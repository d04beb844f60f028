/// Reads the `Name: value` lines under a node into the fields PostgreSQL's JSON format would fill
/// ("Buckets: 1024 (originally 512)  Batches: 4 (originally 1)  Memory Usage: 25kB" → Hash Buckets,
/// Original Hash Buckets, …); what has no field is kept as a property, as printed.
enum PostgresTextNodeProperties {
    /// Where the name and the value of a property line are: the name starts with a capital letter and
    /// holds letters, digits, spaces, `-` and `/` ("I/O Timings", "Full-sort Groups"); a colon and a
    /// space (or the line's end) follow it.
    static func split(_ text: [UInt8]) -> (nameEnd: Int, valueStart: Int)? {
        guard let first = text.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z") else { return nil }
        var index = 1
        while index < text.count, index < 64 {
            let byte = text[index]
            if byte == UInt8(ascii: ":") {
                guard text[index - 1] != 0x20 else { return nil }
                if index + 1 == text.count { return (index, index + 1) }
                guard PostgresTextLine.isSpace(text[index + 1]) else { return nil }
                var valueStart = index + 1
                while valueStart < text.count, PostgresTextLine.isSpace(text[valueStart]) { valueStart += 1 }
                return (index, valueStart)
            }
            guard isNameByte(byte) else { return nil }
            index += 1
        }
        return nil
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), 0x20, UInt8(ascii: "-"), UInt8(ascii: "/"):
            true
        default: false
        }
    }

    /// Applies one property line to its node.
    static func apply(_ name: String, _ value: String, to node: inout PlanNode) {
        var kept = false
        // The cases are compared in turn: the lines every node has with BUFFERS and VERBOSE come first.
        switch name {
        case "Buffers":
            var buffers = node.buffers ?? Buffers()
            applyBuffers(value, to: &buffers)
            node.buffers = buffers
        case "I/O Timings":
            var buffers = node.buffers ?? Buffers()
            applyIOTimings(value, to: &buffers)
            node.buffers = buffers
        case "Output": node.output = list(value)
        case "Filter": node.filter = value
        case "Index Cond": node.indexCondition = value
        case "Recheck Cond": node.recheckCondition = value
        case "Join Filter": node.joinFilter = value
        case "Hash Cond": node.hashCondition = value
        case "Merge Cond": node.mergeCondition = value
        case "Rows Removed by Filter": kept = store(number(value), in: &node.rowsRemovedByFilter)
        case "Rows Removed by Index Recheck": kept = store(number(value), in: &node.rowsRemovedByIndexRecheck)
        case "Rows Removed by Join Filter": kept = store(number(value), in: &node.rowsRemovedByJoinFilter)
        case "Heap Fetches": kept = store(number(value), in: &node.heapFetches)
        case "Sort Key": node.sortKey = list(value)
        case "Sort Method": applySortMethod(value, to: &node)
        case "Heap Blocks": applyHeapBlocks(value, to: &node)
        case "Workers Planned": kept = store(count(value), in: &node.workersPlanned)
        case "Workers Launched": kept = store(count(value), in: &node.workersLaunched)
        case "WAL": applyWAL(value, to: &node)
        case "Buckets", "Batches", "Planned Partitions", "Hits", "Memory Usage", "Disk Usage", "Storage":
            applyCounters(name, value, to: &node)
        default: kept = true
        }
        if kept { node.properties.append(PlanProperty(name, value)) }
    }

    /// Stores a parsed value; true (keep the line as a property) when the value did not parse.
    private static func store<Value>(_ parsed: Value?, in field: inout Value?) -> Bool {
        guard let parsed else { return true }
        field = parsed
        return false
    }

    /// One line about a parallel worker ("actual time=0.5..1.0 rows=10 loops=1", "Sort Method: quicksort
    /// Memory: 25kB", "Buffers: shared hit=3"), with the actuals under the JSON format's names, as the
    /// JSON parser lists a worker's members.
    static func workerDetail(_ text: String) -> String {
        guard text.hasPrefix("actual ") else { return text }
        var details: [String] = []
        for (key, value) in assignments(text) {
            switch key {
            case "time":
                guard let separator = value.utf8Range(of: "..") else { continue }
                details.append("Actual Startup Time: \(value[..<separator.lowerBound])")
                details.append("Actual Total Time: \(value[separator.upperBound...])")
            case "rows": details.append("Actual Rows: \(value)")
            case "loops": details.append("Actual Loops: \(value)")
            default: details.append("\(key)=\(value)")
            }
        }
        return details.joined(separator: ", ")
    }

    // MARK: - Compound values

    /// "quicksort  Memory: 25kB", "external merge  Disk: 1234kB", "top-N heapsort  Memory: 25kB".
    private static func applySortMethod(_ value: String, to node: inout PlanNode) {
        let segments = doubleSpaced(value)
        node.sortMethod = segments.first.map(String.init)
        for segment in segments.dropFirst() {
            guard let (key, amount) = pair(segment), key == "Memory" || key == "Disk" else { continue }
            node.sortSpaceType = String(key)
            node.sortSpaceUsedKB = kilobytes(amount)
        }
    }

    /// "exact=12 lossy=30".
    private static func applyHeapBlocks(_ value: String, to node: inout PlanNode) {
        for (key, amount) in assignments(value) {
            if key == "exact" { node.exactHeapBlocks = number(amount) }
            if key == "lossy" { node.lossyHeapBlocks = number(amount) }
        }
    }

    /// "shared hit=1 read=2 dirtied=3 written=4, local hit=5, temp read=6 written=7".
    static func applyBuffers(_ value: String, to buffers: inout Buffers) {
        withUTF8(value) { bytes in
            for group in groups(bytes) {
                let scope = firstWord(bytes, in: group)
                let isShared = matches(bytes, scope, "shared")
                let isLocal = matches(bytes, scope, "local")
                let isTemp = matches(bytes, scope, "temp")
                guard isShared || isLocal || isTemp else { continue }
                var isFirst = true
                forEachAssignment(bytes, in: group) { assignment in
                    defer { isFirst = false }
                    // Words before a later key make a longer key ("buffers full"), not one of these.
                    guard isFirst || assignment.bareWords == nil, let amount = number(bytes, assignment.value) else {
                        return
                    }
                    let key = assignment.key
                    if matches(bytes, key, "hit") {
                        if isShared { buffers.sharedHit = amount } else if isLocal { buffers.localHit = amount }
                    } else if matches(bytes, key, "read") {
                        if isShared {
                            buffers.sharedRead = amount
                        } else if isLocal {
                            buffers.localRead = amount
                        } else {
                            buffers.tempRead = amount
                        }
                    } else if matches(bytes, key, "dirtied") {
                        if isShared { buffers.sharedDirtied = amount } else if isLocal { buffers.localDirtied = amount }
                    } else if matches(bytes, key, "written") {
                        if isShared {
                            buffers.sharedWritten = amount
                        } else if isLocal {
                            buffers.localWritten = amount
                        } else {
                            buffers.tempWritten = amount
                        }
                    }
                }
            }
        }
    }

    /// "read=1.2 write=3.4" (9.2–14), "shared/local read=… write=…, temp read=…" (15),
    /// "shared read=… write=…, local read=…, temp read=… write=…" (16+). Shared and local add up in
    /// `readTimeMs`/`writeTimeMs`, as they do in the model.
    static func applyIOTimings(_ value: String, to buffers: inout Buffers) {
        withUTF8(value) { bytes in
            for group in groups(bytes) {
                let isTemp = matches(bytes, firstWord(bytes, in: group), "temp")
                var isFirst = true
                forEachAssignment(bytes, in: group) { assignment in
                    defer { isFirst = false }
                    guard isFirst || assignment.bareWords == nil, let amount = number(bytes, assignment.value) else {
                        return
                    }
                    if matches(bytes, assignment.key, "read") {
                        if isTemp {
                            buffers.tempReadTimeMs = (buffers.tempReadTimeMs ?? 0) + amount
                        } else {
                            buffers.readTimeMs = (buffers.readTimeMs ?? 0) + amount
                        }
                    } else if matches(bytes, assignment.key, "write") {
                        if isTemp {
                            buffers.tempWriteTimeMs = (buffers.tempWriteTimeMs ?? 0) + amount
                        } else {
                            buffers.writeTimeMs = (buffers.writeTimeMs ?? 0) + amount
                        }
                    }
                }
            }
        }
    }

    /// "records=20 fpi=0 bytes=1320" (+ "buffers full=0" in 18), under the JSON format's names.
    private static func applyWAL(_ value: String, to node: inout PlanNode) {
        let names = [
            "records": "WAL Records", "fpi": "WAL FPI", "bytes": "WAL Bytes", "buffers full": "WAL Buffers Full",
        ]
        for (key, amount) in assignments(value) {
            node.properties.append(PlanProperty(names[key] ?? "WAL \(key)", amount))
        }
    }

    /// Hash ("Buckets: 1024 (originally 512)  Batches: 4 (originally 1)  Memory Usage: 25kB"),
    /// HashAggregate ("Planned Partitions: 4  Batches: 5  Memory Usage: 4145kB  Disk Usage: 1024kB")
    /// Memoize ("Hits: 9  Misses: 1  Evictions: 0  Overflows: 0  Memory Usage: 1kB") and tuplestore
    /// ("Storage: Memory  Maximum Storage: 17kB", 17+) lines.
    private static func applyCounters(_ name: String, _ value: String, to node: inout PlanNode) {
        for segment in doubleSpaced(name + ": " + value) {
            guard let (key, text) = pair(segment) else { continue }
            let (amount, original) = amountWithOriginal(text)
            switch key {
            case "Buckets":
                node.hashBuckets = amount
                node.originalHashBuckets = original ?? amount
            case "Batches":
                node.hashBatches = amount
                // JSON has Original Hash Batches for Hash nodes only (HashAgg Batches has none).
                if node.operation == .hash { node.originalHashBatches = original ?? amount }
            case "Memory Usage": node.peakMemoryUsageKB = kilobytes(text)
            case "Disk Usage": node.diskUsageKB = kilobytes(text)
            case "Hits", "Misses", "Evictions", "Overflows":
                node.properties.append(PlanProperty("Cache " + key, String(text)))
            default: node.properties.append(PlanProperty(String(key), String(text)))
            }
        }
    }

    // MARK: - Value helpers

    // The helpers read UTF-8 bytes, as PostgreSQL writes them: going through Characters costs more than
    // the rest of the parser together on long Output and condition lines.

    /// Items of a comma-separated list, commas inside parentheses, brackets or quotes not counting.
    static func list(_ value: String) -> [String] {
        withUTF8(value) { bytes in
            var items: [String] = []
            var depth = 0
            var quote: UInt8?
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open { quote = nil }
                    continue
                }
                switch byte {
                case UInt8(ascii: "'"), UInt8(ascii: "\""): quote = byte
                case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
                case UInt8(ascii: ",") where depth <= 0:
                    items.append(string(bytes, trimmed(bytes, start..<index)))
                    start = index + 1
                default: break
                }
            }
            let last = trimmed(bytes, start..<bytes.count)
            if !last.isEmpty || !items.isEmpty { items.append(string(bytes, last)) }
            return items
        }
    }

    /// The leading number of a value ("0.048 ms" → 0.048, "25kB" → 25); nil when there is none.
    static func number<Text: StringProtocol>(_ text: Text) -> Double? {
        if let plain = withUTF8(text, plainNumber) { return plain }
        let trimmed = text.drop { $0 == " " }
        let end = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+")) }
        return Double(String(trimmed[..<(end ?? trimmed.endIndex)]))
    }

    /// The common case of `number`, from bytes: spaces, a plain decimal, then the end or an ASCII byte that
    /// cannot continue a number. Nil for everything else ("+1", "1.", "1e5", non-ASCII text), which
    /// `number` reads the general way.
    private static func plainNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var start = 0
        while start < bytes.count, bytes[start] == space { start += 1 }
        guard let (value, end) = PlainDecimal.read(bytes, from: start) else { return nil }
        guard end < bytes.count else { return value }
        switch bytes[end] {
        case 0x80...0xFF, UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"),
            UInt8(ascii: "+"):
            return nil
        default: return value
        }
    }

    /// A whole number that fits an Int ("2"), nil otherwise (a mangled "99999999999999999999" included).
    static func count(_ text: String) -> Int? {
        number(text).flatMap { Int(exactly: $0) }
    }

    /// "25kB" → 25; values PostgreSQL prints in kilobytes.
    static func kilobytes<Text: StringProtocol>(_ text: Text) -> Double? { number(text) }

    /// "1024 (originally 512)" → (1024, 512).
    private static func amountWithOriginal(_ text: Substring) -> (Double?, Double?) {
        guard let open = text.utf8Range(of: "(originally ") else { return (number(text), nil) }
        return (number(text[..<open.lowerBound]), number(text[open.upperBound...]))
    }

    /// "key=value" pairs; words without '=' join the next key ("buffers full=3").
    static func assignments<Text: StringProtocol>(_ text: Text) -> [(String, String)] {
        withUTF8(text) { bytes in
            var result: [(String, String)] = []
            forEachAssignment(bytes, in: 0..<bytes.count) { assignment in
                var key = ""
                if let bare = assignment.bareWords {
                    var index = bare.lowerBound
                    while index < bare.upperBound {
                        let end = bytes[index..<bare.upperBound].firstIndex(of: space) ?? bare.upperBound
                        if end > index { key += string(bytes, index..<end) + " " }
                        index = end + 1
                    }
                }
                key += string(bytes, assignment.key)
                result.append((key, string(bytes, assignment.value)))
            }
            // The scope word before the first pair ("shared", "temp") is not part of the key.
            if let first = result.first, let space = first.0.lastIndex(of: " ") {
                result[0].0 = String(first.0[first.0.index(after: space)...])
            }
            return result
        }
    }

    /// One `key=value` word, as byte ranges.
    private struct Assignment {
        /// The words without '=' since the previous pair (from the first one's start to the last one's end).
        var bareWords: Range<Int>?
        var key: Range<Int>
        var value: Range<Int>
    }

    /// Calls `body` with each space-separated word of `range` that holds a '=', in order.
    private static func forEachAssignment(
        _ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>, _ body: (Assignment) -> Void
    ) {
        var bareWords: Range<Int>?
        var index = range.lowerBound
        while index < range.upperBound {
            guard bytes[index] != space else {
                index += 1
                continue
            }
            let start = index
            var equals: Int?
            while index < range.upperBound, bytes[index] != space {
                if equals == nil, bytes[index] == UInt8(ascii: "=") { equals = index }
                index += 1
            }
            guard let equals else {
                bareWords = (bareWords?.lowerBound ?? start)..<index
                continue
            }
            body(Assignment(bareWords: bareWords, key: start..<equals, value: equals + 1..<index))
            bareWords = nil
        }
    }

    /// `number` of a byte range.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        plainNumber(UnsafeBufferPointer(rebasing: bytes[range])) ?? number(string(bytes, range))
    }

    /// True when the bytes of `range` are `literal`.
    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ literal: StaticString)
        -> Bool
    {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let pattern = literal.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != pattern[offset] { return false }
        return true
    }

    /// The comma-separated groups of a value.
    private static func groups(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var groups: [Range<Int>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: ",") {
            if index > start { groups.append(start..<index) }
            start = index + 1
        }
        if bytes.count > start { groups.append(start..<bytes.count) }
        return groups
    }

    /// The first space-separated word of a group ("shared" in "shared hit=1"), empty when there is none.
    private static func firstWord(_ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        while start < range.upperBound, bytes[start] == space { start += 1 }
        var end = start
        while end < range.upperBound, bytes[end] != space { end += 1 }
        return start..<end
    }

    private static let space = UInt8(ascii: " ")

    /// `range` without the spaces at either end.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, bytes[lower] == space { lower += 1 }
        while upper > lower, bytes[upper - 1] == space { upper -= 1 }
        return lower..<upper
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Calls `body` with the UTF-8 bytes of `text`, in place (native strings are contiguous UTF-8).
    private static func withUTF8<Text: StringProtocol, Result>(
        _ text: Text, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Segments separated by two or more spaces, as PostgreSQL separates the parts of a compound line.
    static func doubleSpaced(_ text: String) -> [Substring] {
        // The spaces are found in the UTF-8 bytes: stepping through Characters cost more than the rest.
        let bytes = text.utf8
        var segments: [Substring] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let next = bytes.index(after: index)
            if bytes[index] == space, next < bytes.endIndex, bytes[next] == space {
                if start < index { segments.append(text[start..<index]) }
                var after = next
                while after < bytes.endIndex, bytes[after] == space { after = bytes.index(after: after) }
                start = after
                index = after
                continue
            }
            index = next
        }
        if start < bytes.endIndex { segments.append(text[start...]) }
        return segments
    }

    /// "Key: value" → ("Key", "value").
    private static func pair(_ segment: Substring) -> (Substring, Substring)? {
        guard let colon = segment.firstIndex(of: ":") else { return nil }
        return (segment[..<colon], segment[segment.index(after: colon)...].drop { $0 == " " })
    }
}
