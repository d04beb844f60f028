import CZlib

/// Inflates a gzip (or zlib) stream chunk by chunk; concatenated gzip members (`cat a.gz b.gz`,
/// what log rotation sometimes produces) are read one after the other.
final class GzipByteSource: LogByteSource {
    private let source: any LogByteSource
    private let name: String
    private var stream = z_stream()
    private var input = [UInt8](repeating: 0, count: 1 << 18)
    /// Bytes of `input` filled by the last read; zlib has consumed all but `stream.avail_in` of them.
    private var inputCount = 0
    private var inputEnd = false
    private var finished = false

    init(_ source: any LogByteSource, name: String) throws {
        self.source = source
        self.name = name
        guard CZlib_inflateInitAuto(&stream) == Z_OK else {
            throw InputError(file: name, reason: "cannot start gzip decompression")
        }
    }

    deinit { inflateEnd(&stream) }

    private func refill() throws {
        let count = try input.withUnsafeMutableBytes { try source.read(into: $0) }
        if count == 0 { inputEnd = true }
        inputCount = count
        stream.avail_in = UInt32(count)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            if stream.avail_in == 0 && !inputEnd { try refill() }
            let consumed = inputCount - Int(stream.avail_in)
            let produced = input.withUnsafeMutableBufferPointer { inputBuffer -> (Int32, Int) in
                // next_in may point into `input` only while this closure runs; re-aim it every call.
                stream.next_in = inputBuffer.baseAddress.map { $0 + consumed }
                stream.next_out = base.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(buffer.count)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, buffer.count - Int(stream.avail_out))
            }
            let (status, count) = produced
            if status == Z_STREAM_END {
                if stream.avail_in == 0 && !inputEnd { try refill() }
                if stream.avail_in > 0 {
                    // Another gzip member follows.
                    let remaining = stream.avail_in
                    inflateReset(&stream)
                    stream.avail_in = remaining
                } else {
                    finished = true
                }
                if count > 0 || finished { return count }
                continue
            }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                throw InputError(file: name, reason: "corrupt gzip data (zlib status \(status))")
            }
            if count > 0 { return count }
            if inputEnd && stream.avail_in == 0 {
                throw InputError(file: name, reason: "gzip data ends early: the file is truncated")
            }
        }
    }
}
