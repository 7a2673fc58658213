import Logging
import PostgresNIO
import ServiceLifecycle
import TandemModel
import TandemServer

/// Keeps one `tandemd` instance's loaded plans up to date with commits that
/// other instances make on the same PostgreSQL store:
///
/// - LISTEN on ``PostgresServerStore/notificationChannel``: each notice
///   ("plan head") makes the plan's hub, if loaded here, catch up from the log
///   and deliver to its live subscribers;
/// - on every (re)connection of the listener, and every `safetyInterval`,
///   the heads of all loaded plans are read in one query and any plan behind
///   catches up. So a notification lost while the listener was down, or
///   dropped for any reason, costs latency, never data.
///
/// A `Service`; stops on graceful shutdown.
public struct PlanChangeFollower: Service {
    let store: PostgresServerStore
    let server: SyncServer
    let logger: Logger
    let safetyInterval: Duration
    let reconnectDelay: Duration

    public init(store: PostgresServerStore, server: SyncServer, logger: Logger,
                safetyInterval: Duration = .seconds(5), reconnectDelay: Duration = .seconds(1)) {
        self.store = store
        self.server = server
        self.logger = logger
        self.safetyInterval = safetyInterval
        self.reconnectDelay = reconnectDelay
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { tasks in
                tasks.addTask { await listen() }
                tasks.addTask { await sweep() }
                await tasks.waitForAll()
            }
        }
    }

    private func listen() async {
        while !Task.isCancelled {
            do {
                try await store.client.withConnection { connection in
                    try await connection.listen(on: PostgresServerStore.notificationChannel) { notifications in
                        logger.debug("listening for plan changes", metadata: ["channel": "\(PostgresServerStore.notificationChannel)"])
                        // Whatever was announced while we were not listening.
                        await catchUp()
                        for try await notification in notifications {
                            guard let notice = PlanHeadNotice(payload: notification.payload) else { continue }
                            await server.planAdvanced(notice.plan, head: notice.head)
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("the plan-change listener lost PostgreSQL; reconnecting", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: reconnectDelay)
        }
    }

    private func sweep() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: safetyInterval) } catch { return }
            await catchUp()
        }
    }

    /// One query for the heads of every loaded plan; the ones behind catch up.
    func catchUp() async {
        let loaded = server.loadedPlanHeads()
        guard !loaded.isEmpty else { return }
        do {
            for (plan, head) in try await store.heads(plans: Array(loaded.keys)) where head > loaded[plan] ?? 0 {
                await server.planAdvanced(plan, head: head)
            }
        } catch {
            logger.warning("could not read plan heads for the safety refresh", metadata: ["error": "\(error)"])
        }
    }
}

extension PostgresServerStore {
    /// The recorded heads of `plans` in one query (unknown ids are left out).
    public func heads(plans: [EntityID]) async throws -> [EntityID: UInt64] {
        try await mapErrors("read plan heads") {
            let rows = try await client.query("SELECT id, head FROM plans WHERE id = ANY(\(plans.map(\.description)))", logger: logger)
            var result: [EntityID: UInt64] = [:]
            for try await (id, head) in rows.decode((String, Int64).self) {
                if let plan = EntityID(id) { result[plan] = UInt64(bitPattern: head) }
            }
            return result
        }
    }
}
