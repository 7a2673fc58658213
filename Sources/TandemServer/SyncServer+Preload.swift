import TandemModel

extension SyncServer {
    /// Loads a plan into memory now rather than on its first connection, and
    /// returns its head. A warm-up for a server that expects its plans' members
    /// soon; the benchmark uses it to measure the memory a loaded plan takes.
    @discardableResult
    public func preload(plan: EntityID) async throws -> UInt64 {
        try await registry.hub(for: plan).currentHead
    }
}
