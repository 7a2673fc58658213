// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tandem",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TandemModel", targets: ["TandemModel"]),
        .library(name: "TandemStore", targets: ["TandemStore"]),
        .executable(name: "tandem", targets: ["tandem"]),
        .executable(name: "tandem-bench", targets: ["tandem-bench"]),
        .executable(name: "tandemd", targets: ["tandemd"]),
        .library(name: "TandemWire", targets: ["TandemWire"]),
        .library(name: "TandemServer", targets: ["TandemServer"]),
        .library(name: "TandemSync", targets: ["TandemSync"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Sync (TandemWire, TandemServer, TandemSync, tandemd).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // TLS for the sync connection (server and client); certificates made inside tests.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        // Observability: metrics API and its Prometheus text backend (tandemd serve --metrics).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The PostgreSQL server store (TandemPostgres): several tandemd instances on one database.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // System libraries, linked directly: no extra package to build.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // The CRDT core and the plan schema. No storage, no networking, no Foundation I/O.
        .target(name: "TandemModel"),
        // Test and benchmark support: editing-trace loading shared by tests and tandem-bench.
        .target(name: "TandemTesting", dependencies: ["TandemModel"]),
        // The replica store: operation log, pending uploads, cursors, snapshots, in SQLite.
        .target(name: "TandemStore", dependencies: ["TandemModel", "CSQLite"]),
        // Schedule, follow-ups, reports and analytics: pure functions of plan state.
        .target(name: "TandemReports", dependencies: ["TandemModel"]),
        // The `tandem` command tree (a library, so tests drive it in-process).
        .target(name: "TandemCLI", dependencies: [
            "TandemModel", "TandemStore", "TandemSync", "TandemServer", "TandemWire",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), "TandemReports",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "tandem", dependencies: ["TandemCLI"]),

        // Sync: the wire codec (frames, messages, compact batches, bounded zlib).
        .target(name: "TandemWire", dependencies: [
            "TandemModel", "CZlib",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The sync server as a Service over NIO, with its SQLite server store.
        .target(name: "TandemServer", dependencies: [
            "TandemModel", "TandemWire", "CSQLite",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // The client sync engine: push pending, pull new, watch, reconnect.
        .target(name: "TandemSync", dependencies: [
            "TandemModel", "TandemWire", "TandemStore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The PostgreSQL server store and the LISTEN/NOTIFY bus between tandemd instances.
        .target(name: "TandemPostgres", dependencies: [
            "TandemServer", "TandemModel",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "tandemd", dependencies: [
            "TandemServer", "TandemReports", "TandemPostgres",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "tandem-bench", dependencies: [
            "TandemModel", "TandemStore", "TandemReports", "CZlib", "CSQLite", "TandemServer", "TandemSync", "TandemWire", "TandemTesting", "TandemPostgres",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        .testTarget(name: "TandemModelTests", dependencies: ["TandemModel", "TandemTesting"]),
        .testTarget(name: "TandemStoreTests", dependencies: ["TandemStore", "TandemModel"]),
        .testTarget(name: "TandemCLITests", dependencies: ["TandemCLI", "TandemStore", "TandemModel"]),
        .testTarget(name: "TandemReportsTests", dependencies: ["TandemReports", "TandemModel"]),
        .testTarget(name: "TandemWireTests", dependencies: [
            "TandemWire", "TandemModel", "TandemTesting",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOTestUtils", package: "swift-nio"),
        ], exclude: ["FuzzCorpus"]),  // read from the source tree by FuzzHarness, not bundled
        .testTarget(name: "TandemSyncTests", dependencies: [
            "TandemSync", "TandemServer", "TandemWire", "TandemStore", "TandemModel", "TandemCLI", "TandemPostgres", "TandemTesting",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "TandemAdminTests", dependencies: [
            "TandemServer", "TandemSync", "TandemWire", "TandemModel", "CSQLite", "TandemTesting",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
    ]
)
