import Foundation

/// The server figures of one `tandem-bench sync` run, written as JSON for
/// `benchmarks/report.py` (which turns them into docs/performance.md's tables).
/// Times are seconds, medians over the runs stated.
struct SyncResults: Codable {
    struct Ingest: Codable {
        var operations: Int
        var runs: Int
        var opsPerSecond: Double
        var minimum: Double
        /// The same batches committed straight into a store (no network, validation or publishing).
        var storeOnlyOpsPerSecond: Double
        /// Client and server CPU (one process) to the last ACK.
        var cpuSeconds: Double
        var wholeSyncSeconds: Double
        /// The baseline store's database pages per operation after the commits.
        var storeBytesPerOperation: Double?
    }

    struct ParallelIngest: Codable {
        var clients: Int
        var operations: Int
        var batch: Int
        var runs: Int
        var opsPerSecond: Double
    }

    struct CatchUp: Codable {
        var operations: Int
        var runs: Int
        var sqliteSeconds: Double
        var memorySeconds: Double
        var snapshotSeconds: Double
    }

    struct FanOut: Codable {
        var clients: Int
        var pushes: Int
        var runs: Int
        var p50Seconds: Double
        var p99Seconds: Double
    }

    struct Memory: Codable {
        /// Idle connected clients, or loaded plans.
        var count: Int
        var runs: Int
        /// Median growth of the resident set over `count`, in bytes per client or plan.
        var bytesEach: Double
        var residentBeforeBytes: Double
        /// For plans: the operations in each and its snapshot size.
        var operationsEach: Int?
        var snapshotBytesEach: Int?
    }

    var loadBefore: Double = 0
    var loadAfter: Double = 0
    var bytesPerOperationRaw: Double = 0
    var bytesPerOperationCompressed: Double = 0
    var bytesPerOperationSingle: Double = 0
    var ingest: [Ingest] = []
    var parallelIngest: ParallelIngest?
    var catchUp: [CatchUp] = []
    var fanOut: [FanOut] = []
    var idleClient: Memory?
    var loadedPlan: Memory?

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
