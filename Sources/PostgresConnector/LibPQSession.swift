import CLibPQ

/// The libpq client library this binary is linked against, e.g. 150020 for 15.20.
public var libpqVersion: Int { Int(PQlibVersion()) }
