import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback port that accepts connections and never says a byte: the kernel completes the handshake for the
/// backlog, so nothing needs to accept for a client to wait on it.
private final class SilentListener: @unchecked Sendable {
    let port: Int
    private let descriptor: Int32

    init?() {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, size) }
        }
        var length = size
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard descriptor >= 0, bound == 0, named == 0, listen(descriptor, 16) == 0 else { return nil }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func stop() { close(descriptor) }
}

/// A server that accepts and never answers (a stopped process, another protocol on the port): the scan gives up
/// after its connect timeout (10 s) with exit 3, for either engine, instead of hanging a nightly job (issue 13:
/// 30 s until killed).
struct SilentServerTests {
    @Test(arguments: ["postgres://nobody@127.0.0.1:PORT/shop", "mysql://nobody@127.0.0.1:PORT/shop"])
    func aServerThatNeverAnswersIsAConnectionFailureWithinTheTimeout(url: String) throws {
        let listener = try #require(SilentListener())
        defer { listener.stop() }
        let start = Date()
        let result = try CommandRunner.run(
            ["scan", url.replacingOccurrences(of: "PORT", with: String(listener.port)), "-q", "--no-history"],
            environment: ["PGCONNECT_TIMEOUT": ""])
        let seconds = Date().timeIntervalSince(start)
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(seconds < 25, "\(seconds) s")
        #expect(result.stderr.contains("127.0.0.1:\(listener.port)"), "\(result.stderr)")
    }
}
