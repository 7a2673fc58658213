// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tandem",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TandemModel", targets: ["TandemModel"]),
        .executable(name: "tandem-bench", targets: ["tandem-bench"]),
    ],
    targets: [
        // The CRDT core and the plan schema. No storage, no networking, no Foundation I/O.
        .target(name: "TandemModel"),
        .executableTarget(
            name: "tandem-bench",
            dependencies: ["TandemModel"]
        ),
        .testTarget(name: "TandemModelTests", dependencies: ["TandemModel"]),
    ]
)
