/// Recognises the attribution comment ORMs put on statements: sqlcommenter
/// (`/*controller='orders',action='show'*/`, keys and values URL-encoded, values quoted) and Rails marginalia or
/// query-log tags (`/*application:shop,controller:orders,action:show*/`, `/* controller=orders,action=show */`).
///
/// A tag is one or more comma-separated `key=value` or `key:value` pairs whose keys are plain words
/// (letters, digits, `_`, `-`, starting with a letter or `_`) and whose values are not empty. Anything else (a
/// prose comment, `/* pganalyze-collector */`, `/*foo.bar:3/3*/`) is not a tag.
enum SQLCommentTag {
    /// The trimmed tag inside the body of a block comment (the bytes between `/*` and `*/`), or nil.
    static func tag(in body: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var start = 0
        var end = body.count
        while start < end, isBlank(body[start]) { start += 1 }
        while end > start, isBlank(body[end - 1]) { end -= 1 }
        guard start < end else { return nil }
        var index = start
        while index < end {
            // Key.
            let keyStart = index
            guard isKeyStart(body[index]) else { return nil }
            while index < end, isKeyByte(body[index]) { index += 1 }
            guard index > keyStart, index < end else { return nil }
            while index < end, body[index] == UInt8(ascii: " ") { index += 1 }
            guard index < end, body[index] == UInt8(ascii: "=") || body[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            while index < end, body[index] == UInt8(ascii: " ") { index += 1 }
            // Value: quoted (sqlcommenter) or up to the next comma.
            if index < end, body[index] == UInt8(ascii: "'") {
                index += 1
                while index < end, body[index] != UInt8(ascii: "'") { index += 1 }
                guard index < end else { return nil }
                index += 1
            } else {
                let valueStart = index
                while index < end, body[index] != UInt8(ascii: ",") { index += 1 }
                guard index > valueStart else { return nil }
            }
            while index < end, body[index] == UInt8(ascii: " ") { index += 1 }
            if index < end {
                guard body[index] == UInt8(ascii: ",") else { return nil }
                index += 1
                while index < end, body[index] == UInt8(ascii: " ") { index += 1 }
                guard index < end else { return nil }
            }
        }
        return start..<end
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }

    private static func isKeyStart(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        isKeyStart(byte) || byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") || byte == UInt8(ascii: "-")
    }
}
