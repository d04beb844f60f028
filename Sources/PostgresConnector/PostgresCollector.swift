import AdvisorCore

/// What every collector knows about the server before it runs: which SQL variant to use.
public struct PostgresServer: Sendable {
    /// `server_version_num`, e.g. 150008.
    public var versionNumber: Int

    public init(versionNumber: Int) {
        self.versionNumber = versionNumber
    }

    /// 12 for 120017, 17 for 170002.
    public var major: Int { versionNumber / 10_000 }
}

/// One part of a scan: runs its queries from `Queries/postgres` and adds what they return to the
/// snapshot (data, the facet it provides, notices for what it could not read).
///
/// A `ServerError` thrown from `collect` becomes a notice and the scan goes on; a `ConnectionError`
/// ends the scan with what was collected so far.
protocol PostgresCollector: Sendable {
    /// For progress lines and notices: "statements", "indexes".
    static var name: String { get }
    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws
}
