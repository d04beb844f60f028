#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a query log's bytes come from: a file, standard input (`-`) or bytes in memory; gzip
/// compression is recognised by its magic bytes and undone while reading.
public struct QueryLogInput: Sendable {
    enum Source: Sendable {
        case path(String)
        case standardInput
        case memory([UInt8])
    }

    let source: Source
    /// The name used in statements' origins and in errors.
    public let name: String

    /// A file, or standard input for `-`.
    public init(path: String) {
        source = path == "-" ? .standardInput : .path(path)
        name = path
    }

    /// Bytes already in memory (tests, benchmarks).
    public init(bytes: [UInt8], name: String = "<input>") {
        source = .memory(bytes)
        self.name = name
    }

    /// Opens the input for reading in chunks.
    func openSource() throws -> any LogByteSource {
        let raw: any LogByteSource
        switch source {
        case .memory(let bytes): raw = MemoryByteSource(bytes: bytes)
        case .standardInput: raw = FileByteSource(descriptor: 0, closeWhenDone: false)
        case .path(let path):
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else {
                throw InputError(file: name, reason: "cannot open: \(String(cString: strerror(errno)))")
            }
            raw = FileByteSource(descriptor: descriptor, closeWhenDone: true)
        }
        let peeking = PeekingByteSource(raw)
        guard try peeking.startsWithGzipMagic(name: name) else { return peeking }
        return try GzipByteSource(peeking, name: name)
    }
}

/// Bytes handed out in chunks.
protocol LogByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes; 0 at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

final class MemoryByteSource: LogByteSource {
    private let bytes: [UInt8]
    private var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress?.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}

/// read(2), named apart from `LogByteSource.read`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

final class FileByteSource: LogByteSource {
    private let descriptor: Int32
    private let closeWhenDone: Bool

    init(descriptor: Int32, closeWhenDone: Bool) {
        self.descriptor = descriptor
        self.closeWhenDone = closeWhenDone
    }

    deinit { if closeWhenDone { close(descriptor) } }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = systemRead(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            // A signal interrupting the read is no error; anything else is.
            if errno != EINTR {
                throw InputError(file: "", reason: "cannot read: \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// Reads the first bytes ahead so the format of the bytes (gzip or not) can be told before reading on.
final class PeekingByteSource: LogByteSource {
    private let source: any LogByteSource
    private var peeked: [UInt8] = []

    init(_ source: any LogByteSource) { self.source = source }

    func startsWithGzipMagic(name: String) throws -> Bool {
        var head = [UInt8](repeating: 0, count: 2)
        var filled = 0
        while filled < 2 {
            let count = try head.withUnsafeMutableBytes { (buffer) throws -> Int in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            }
            if count == 0 { break }
            filled += count
        }
        peeked = Array(head[..<filled])
        return peeked == [0x1f, 0x8b]
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !peeked.isEmpty else { return try source.read(into: buffer) }
        let count = min(buffer.count, peeked.count)
        for index in 0..<count { buffer[index] = peeked[index] }
        peeked.removeFirst(count)
        return count
    }
}
