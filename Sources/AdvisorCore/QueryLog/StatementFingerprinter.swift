/// Fingerprints statement after statement with one reused buffer: the fast path for digests, which need the hash
/// of every statement but the normalized text only once per class.
///
/// ```swift
/// var fingerprinter = StatementFingerprinter(engine: .postgres)
/// let hash = fingerprinter.hash(statementBytes)
/// if classes[hash] == nil { classes[hash] = fingerprinter.normalized }
/// ```
/// ``normalized`` and ``tag`` describe the statement hashed last. Use one fingerprinter per thread.
public struct StatementFingerprinter: Sendable {
    public let engine: Engine
    private var buffer: [UInt8] = []
    private var frames: [FingerprintWriter.Frame] = []
    private var length = 0
    /// The attribution tag of the statement hashed last (see ``StatementFingerprint/tag``).
    public private(set) var tag: String?

    public init(engine: Engine) {
        self.engine = engine
    }

    /// The normalized text of the statement hashed last.
    public var normalized: String { String(decoding: buffer[0..<length], as: UTF8.self) }

    /// The class hash of a statement given as UTF-8 bytes; builds no `String` unless the statement has a tag.
    public mutating func hash(_ sql: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // Both buffers leave `self` while the writer works on them, so no access to `self` overlaps.
        var output = buffer
        var stack = frames
        buffer = []
        frames = []
        let capacity = FingerprintWriter.outputCapacity(forInputLength: sql.count)
        if output.count < capacity {
            // Left uninitialized: the capacity is the worst case, and pages never written cost neither time nor memory.
            output = [UInt8](unsafeUninitializedCapacity: capacity) { _, initialized in initialized = capacity }
        }
        let postgres = engine == .postgres
        var written = 0
        var tagRange: Range<Int>?
        output.withUnsafeMutableBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            var writer = FingerprintWriter(input: sql, output: base, postgres: postgres)
            stack.removeAll(keepingCapacity: true)
            swap(&writer.frames, &stack)
            writer.run()
            swap(&writer.frames, &stack)
            written = writer.count
            tagRange = writer.tag
        }
        buffer = output
        frames = stack
        length = written
        tag = tagRange.map { String(decoding: UnsafeBufferPointer(rebasing: sql[$0]), as: UTF8.self) }
        return buffer.withUnsafeBufferPointer { Self.classHash(UnsafeBufferPointer(rebasing: $0[0..<length])) }
    }

    /// The class hash of a statement.
    public mutating func hash(_ sql: String) -> UInt64 {
        var text = sql
        return text.withUTF8 { hash($0) }
    }

    /// The full fingerprint of a statement.
    public mutating func fingerprint(_ sql: String) -> StatementFingerprint {
        let classHash = hash(sql)
        return StatementFingerprint(normalized: normalized, hash: classHash, tag: tag)
    }

    /// The full fingerprint of a statement given as UTF-8 bytes.
    public mutating func fingerprint<Bytes: Collection<UInt8>>(utf8 sql: Bytes) -> StatementFingerprint {
        let classHash =
            sql.withContiguousStorageIfAvailable { self.hash($0) }
            ?? Array(sql).withUnsafeBufferPointer { self.hash($0) }
        return StatementFingerprint(normalized: normalized, hash: classHash, tag: tag)
    }

    /// FNV-1a 64 over the normalized bytes, leaving out spaces that do not separate two words (outside quoted names).
    static func classHash(_ normalized: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var quote: UInt8 = 0
        for (position, byte) in normalized.enumerated() {
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "`") {
                quote = byte
            } else if byte == UInt8(ascii: " ") {
                let separatesWords =
                    position > 0 && position + 1 < normalized.count && SQLByte.isWord(normalized[position - 1])
                    && SQLByte.isWord(normalized[position + 1])
                if !separatesWords { continue }
            }
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
