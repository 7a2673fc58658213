import TandemModel

/// Picking up commits made elsewhere (another `tandemd` on a shared store, an
/// admin command): the plan's hub, if loaded, catches up from the log and
/// delivers to its live subscribers. Catching up from the log rather than
/// from the message that announced the change means a lost announcement
/// costs latency, never data.
extension SyncServer {
    /// Another process moved `plan`'s head to `head`. Cheap when this server
    /// is already there (its own commits are announced back to it too).
    public func planAdvanced(_ plan: EntityID, head: UInt64) async {
        guard let hub = registry.loadedHub(plan), hub.currentHead < head else { return }
        await refresh(hub)
    }

    /// The loaded plans and the head each is at here: what a safety refresh
    /// compares with the store's heads.
    public func loadedPlanHeads() -> [EntityID: UInt64] {
        var heads: [EntityID: UInt64] = [:]
        for hub in registry.loadedHubs { heads[hub.plan.id] = hub.currentHead }
        return heads
    }

    private func refresh(_ hub: PlanHub) async {
        do {
            try await hub.refresh()
        } catch {
            // The next announcement or the next safety refresh tries again.
            logger.warning("could not refresh a plan from the store", metadata: ["plan": "\(hub.plan.id.short())", "error": "\(error)"])
        }
    }
}
