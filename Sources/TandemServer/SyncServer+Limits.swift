extension SyncServer {
    /// Connections open now (accepted and not yet closed), counted against `maxConnections`.
    public var openConnections: Int { limiter.openConnections }
}
