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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries, linked directly: no extra package to build.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // The CRDT core and the plan schema. No storage, no networking, no Foundation I/O.
        .target(name: "TandemModel"),
        // The replica store: operation log, pending uploads, cursors, snapshots, in SQLite.
        .target(name: "TandemStore", dependencies: ["TandemModel", "CSQLite"]),
        // Schedule, follow-ups, reports and analytics: pure functions of plan state.
        .target(name: "TandemReports", dependencies: ["TandemModel"]),
        // The `tandem` command tree (a library, so tests drive it in-process).
        .target(name: "TandemCLI", dependencies: [
            "TandemModel", "TandemStore", "TandemReports",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "tandem", dependencies: ["TandemCLI"]),
        .executableTarget(name: "tandem-bench", dependencies: ["TandemModel", "TandemStore", "TandemReports", "CZlib"]),

        .testTarget(name: "TandemModelTests", dependencies: ["TandemModel"]),
        .testTarget(name: "TandemStoreTests", dependencies: ["TandemStore", "TandemModel"]),
        .testTarget(name: "TandemCLITests", dependencies: ["TandemCLI", "TandemStore", "TandemModel"]),
        .testTarget(name: "TandemReportsTests", dependencies: ["TandemReports", "TandemModel"]),
    ]
)
