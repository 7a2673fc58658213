import Logging
import TandemModel

/// Closes the connections of revoked members, whoever revoked them: the
/// server polls the store's revocations (one indexed query, by default every
/// second), so a revocation written by another process on the same data
/// directory (`tandemd member revoke`) closes the member's open connections
/// within about one poll interval.
///
/// `@unchecked Sendable`: all state is guarded by `lock`.
final class RevocationWatcher: @unchecked Sendable {
    struct Key: Hashable {
        let plan: EntityID
        let member: EntityID
    }

    private let store: any ServerStore
    private let logger: Logger
    private let lock = NSLockLite()
    private var connections: [UInt64: (key: Key, revoke: @Sendable () -> Void)] = [:]
    /// Every revocation seen so far, so that a connection that authenticated
    /// just before its member was revoked is caught when it registers.
    private var revoked: Set<Key> = []
    private var seen: UInt64 = 0

    init(store: any ServerStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Registers an authenticated connection; `revoke` is called (once) when
    /// its member is revoked. - Returns: false when the member already is.
    func register(_ id: UInt64, plan: EntityID, member: EntityID, revoke: @escaping @Sendable () -> Void) -> Bool {
        let key = Key(plan: plan, member: member)
        return lock.withLock {
            if revoked.contains(key) { return false }
            connections[id] = (key, revoke)
            return true
        }
    }

    func unregister(_ id: UInt64) {
        _ = lock.withLock { connections.removeValue(forKey: id) }
    }

    /// One poll: reads revocations newer than the last seen and revokes the
    /// matching connections. - Returns: how many connections it revoked.
    @discardableResult
    func poll() async throws -> Int {
        let after = lock.withLock { seen }
        let fresh = try await store.revocations(after: after)
        guard let last = fresh.last else { return 0 }
        let doomed: [(UInt64, @Sendable () -> Void)] = lock.withLock {
            for revocation in fresh { revoked.insert(Key(plan: revocation.plan, member: revocation.member)) }
            seen = max(seen, last.sequence)
            let hit = connections.filter { revoked.contains($0.value.key) }
            for id in hit.keys { connections[id] = nil }
            return hit.map { ($0.key, $0.value.revoke) }
        }
        for (id, revoke) in doomed {
            logger.info("closing a revoked member's connection", metadata: ["connection": "\(id)"])
            revoke()
        }
        return doomed.count
    }

    /// Polls every `interval` until cancelled; a failed poll is logged and retried.
    func run(every interval: Duration) async {
        while !Task.isCancelled {
            do {
                try await poll()
            } catch {
                logger.warning("cannot read revocations; retrying", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}

/// A connection's "revoked" mark, set from the watcher's task and read by
/// the connection's loop. `@unchecked Sendable`: guarded by `lock`.
final class RevocationFlag: @unchecked Sendable {
    private let lock = NSLockLite()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}
