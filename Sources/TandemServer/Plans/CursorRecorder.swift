import Logging
import TandemModel

/// Collects how far each subscriber has pulled its plan's log and writes the
/// positions in one store transaction about once a second, so a thousand
/// subscribers catching up cost one write, not a thousand synced commits.
///
/// The positions only feed `admin replicas` (the server cursor and how far
/// behind a replica is); a crash loses at most the last second of them and
/// never any operation.
///
/// `@unchecked Sendable`: `pending` and `flushScheduled` are guarded by `lock`.
final class CursorRecorder: @unchecked Sendable {
    private struct Key: Hashable {
        let plan: EntityID
        let replica: ReplicaID
    }

    private let store: any ServerStore
    private let logger: Logger
    private let delay: Duration
    private let lock = NSLockLite()
    private var pending: [Key: UInt64] = [:]
    private var flushScheduled = false

    init(store: any ServerStore, logger: Logger, delay: Duration = .seconds(1)) {
        self.store = store
        self.logger = logger
        self.delay = delay
    }

    /// Remembers a position; the first one noted after a flush schedules the next.
    func note(plan: EntityID, replica: ReplicaID, cursor: UInt64) {
        let schedule: Bool = lock.withLock {
            let key = Key(plan: plan, replica: replica)
            pending[key] = max(pending[key] ?? 0, cursor)
            guard !flushScheduled else { return false }
            flushScheduled = true
            return true
        }
        guard schedule else { return }
        let delay = self.delay
        Task { [self] in
            try? await Task.sleep(for: delay)
            await flush()
        }
    }

    /// Writes every remembered position now (also called when the server stops).
    func flush() async {
        let batch: [ReplicaCursor] = lock.withLock {
            defer {
                pending = [:]
                flushScheduled = false
            }
            return pending.map { ReplicaCursor(plan: $0.key.plan, replica: $0.key.replica, cursor: $0.value) }
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.recordCursors(batch, atMilliseconds: Int64(SystemWallClock.milliseconds()))
        } catch {
            logger.warning("could not record replica cursors", metadata: ["replicas": "\(batch.count)", "error": "\(error)"])
        }
    }
}
