// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "dbadvisor",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dbadvisor", targets: ["dbadvisor"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Model, plan parsers, rules, engine. Foundation only: no database library in sight.
        .target(name: "AdvisorCore", dependencies: ["CZlib"]),
        .target(name: "AdvisorReport", dependencies: ["AdvisorCore"]),
        // The history store (SQLite through GRDB): runs over time, deltas since the previous run, trends.
        .target(
            name: "AdvisorHistory",
            dependencies: ["AdvisorCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // The SQL under Queries/, compiled into the binary (see Queries/README.md).
        .target(
            name: "AdvisorQueries", path: "Queries",
            exclude: ["README.md"],
            resources: [.embedInCode("postgres"), .embedInCode("mysql")]),
        // zlib, to stream-decompress `.gz` query logs.
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .systemLibrary(
            name: "CMySQL", pkgConfig: "mysqlclient",
            providers: [.apt(["default-libmysqlclient-dev"]), .brew(["mysql-client"])]),
        .target(name: "PostgresConnector", dependencies: ["CLibPQ", "AdvisorCore", "AdvisorQueries"]),
        .target(name: "MySQLConnector", dependencies: ["CMySQL", "AdvisorCore", "AdvisorQueries"]),
        .executableTarget(
            name: "dbadvisor",
            dependencies: [
                "AdvisorCore", "AdvisorReport", "AdvisorHistory", "PostgresConnector", "MySQLConnector",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]),
        // Throughput benchmark: `swift run -c release dbadvisor-bench` (prints MB/s, never asserts).
        .executableTarget(
            name: "dbadvisor-bench",
            dependencies: ["AdvisorCore", "AdvisorReport", "AdvisorQueries", "PostgresConnector", "MySQLConnector"]),
        .target(name: "TestSupport", dependencies: ["AdvisorCore"], path: "Tests/TestSupport"),
        .testTarget(name: "AdvisorCoreTests", dependencies: ["AdvisorCore", "TestSupport"]),
        .testTarget(
            name: "AdvisorReportTests", dependencies: ["AdvisorReport", "AdvisorCore", "TestSupport"],
            exclude: ["Snapshots"]),
        .testTarget(
            name: "ConnectorTests",
            dependencies: [
                "PostgresConnector", "MySQLConnector", "AdvisorCore", "AdvisorHistory", "TestSupport", "dbadvisor",
            ]),
        .testTarget(name: "CLITests", dependencies: ["dbadvisor", "TestSupport"]),
        .testTarget(
            name: "AdvisorHistoryTests", dependencies: ["AdvisorHistory", "AdvisorCore", "TestSupport", "dbadvisor"]),
    ],
    swiftLanguageModes: [.v6]
)
