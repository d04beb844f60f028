#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One line of a log, valid only during the call it is handed to: its bytes without the line
/// break (nor a carriage return before it), its 1-based number and its byte offset.
struct LogLine {
    var bytes: UnsafeBufferPointer<UInt8>
    var number: Int
    var offset: Int

    var count: Int { bytes.count }
    var isEmpty: Bool { bytes.isEmpty }
    subscript(index: Int) -> UInt8 { bytes[index] }

    /// The bytes from `start` on as a string (invalid UTF-8 repaired).
    func text(from start: Int = 0, to end: Int? = nil) -> String {
        let end = end ?? bytes.count
        guard start < end else { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// True when the bytes at `position` are `prefix`.
    func has(_ prefix: StaticString, at position: Int = 0) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard position >= 0, position + count <= bytes.count else { return false }
        let pattern = prefix.utf8Start
        for index in 0..<count where bytes[position + index] != pattern[index] { return false }
        return true
    }
}

/// Splits chunks of bytes into lines, carrying a line cut by a chunk's end over to the next chunk.
/// A line longer than `maximumLineBytes` is cut there (the rest up to its line break is dropped and
/// counted) so that memory stays bounded whatever the input.
struct LogLineSplitter {
    let maximumLineBytes: Int
    private var carry: [UInt8] = []
    private var carryDropping = false
    private(set) var lineNumber = 0
    private(set) var offset = 0
    private(set) var truncatedLines = 0

    init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Calls `body` for each complete line in `chunk`.
    mutating func split(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (LogLine) throws -> Void) rethrows {
        guard let base = chunk.baseAddress else { return }
        var start = 0
        while start < chunk.count {
            let remaining = chunk.count - start
            guard let found = memchr(base + start, 0x0A, remaining) else {
                appendToCarry(UnsafeBufferPointer(start: base + start, count: remaining))
                return
            }
            let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if carry.isEmpty && !carryDropping {
                try emit(UnsafeBufferPointer(start: base + start, count: end - start), length: end - start + 1, body)
            } else {
                appendToCarry(UnsafeBufferPointer(start: base + start, count: end - start))
                try finishCarry(length: carryLength + 1, body)
            }
            start = end + 1
        }
    }

    /// Hands out the last line when the input does not end with a line break.
    mutating func finish(_ body: (LogLine) throws -> Void) rethrows {
        if !carry.isEmpty || carryDropping { try finishCarry(length: carryLength, body) }
    }

    // MARK: - Private

    /// Bytes of the carried line seen so far, including any dropped.
    private var carryLength = 0

    private mutating func appendToCarry(_ bytes: UnsafeBufferPointer<UInt8>) {
        carryLength += bytes.count
        let room = maximumLineBytes - carry.count
        if bytes.count > room {
            carry.append(contentsOf: bytes.prefix(max(room, 0)))
            carryDropping = true
        } else {
            carry.append(contentsOf: bytes)
        }
    }

    private mutating func finishCarry(length: Int, _ body: (LogLine) throws -> Void) rethrows {
        if carryDropping { truncatedLines += 1 }
        let line = carry
        carry.removeAll(keepingCapacity: carry.capacity <= 1 << 20)
        carryDropping = false
        carryLength = 0
        try line.withUnsafeBufferPointer { try emit($0, length: length, body) }
    }

    private mutating func emit(
        _ bytes: UnsafeBufferPointer<UInt8>, length: Int, _ body: (LogLine) throws -> Void
    ) rethrows {
        lineNumber += 1
        var count = bytes.count
        if count > 0 && bytes[count - 1] == 0x0D { count -= 1 }
        var content = UnsafeBufferPointer(rebasing: bytes[0..<count])
        if content.count > maximumLineBytes {
            content = UnsafeBufferPointer(rebasing: content[0..<maximumLineBytes])
            truncatedLines += 1
        }
        try body(LogLine(bytes: content, number: lineNumber, offset: offset))
        offset += length
    }
}
