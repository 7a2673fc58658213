import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TandemModel
import TandemWire

/// The client sync engine: `syncOnce()` pushes what is pending, pulls what is
/// new and proves convergence with a digest; `watch()` stays connected, live
/// both ways, and reconnects with exponential backoff and jitter.
public struct SyncClient: Sendable {
    public let endpoint: SyncEndpoint
    public let token: String
    public let replica: any SyncReplica
    public let options: SyncOptions
    public let logger: Logger
    private let group: any EventLoopGroup

    public init(endpoint: SyncEndpoint, token: String, replica: any SyncReplica, options: SyncOptions = SyncOptions(),
                logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.endpoint = endpoint
        self.token = token
        self.replica = replica
        self.options = options
        self.logger = logger
        self.group = group
    }

    /// One sync: push, pull, compare digests. Throws `digest-mismatch` when the
    /// replica and the server disagree, and a connection error when the
    /// connection fails (nothing is lost: run it again).
    public func syncOnce(events: (@Sendable (SyncEvent) -> Void)? = nil) async throws -> SyncReport {
        try await session(live: false, events: events)
    }

    /// Stays connected until cancelled: pushes local operations as they
    /// appear, receives others' as they are committed, and reconnects after a
    /// lost connection with exponential backoff and full jitter.
    public func watch(events: (@Sendable (SyncEvent) -> Void)? = nil) async throws {
        var attempt = 0
        let converged = NIOLockedValueBox(false)
        while !Task.isCancelled {
            do {
                converged.withLockedValue { $0 = false }
                _ = try await session(live: true, events: { event in
                    if case .converged = event { converged.withLockedValue { $0 = true } }
                    events?(event)
                })
            } catch is CancellationError {
                return
            } catch let error as WireError where error.code == .digestMismatch || error.code == .authenticationFailed || error.code == .revoked || error.code == .cursorAhead || error.code == .historyPruned
                        || error.code == .tlsFailed || error.code == .tlsRequired {
                throw error
            } catch {
                events?(.disconnected(reason: "\(error)"))
                logger.info("sync connection lost", metadata: ["error": "\(error)"])
            }
            // A connection that got as far as converging starts the backoff afresh.
            attempt = converged.withLockedValue { $0 } ? 1 : attempt + 1
            let delay = Backoff.delay(attempt: attempt, initial: options.initialBackoff, maximum: options.maximumBackoff)
            events?(.reconnecting(after: delay, attempt: attempt))
            try? await Task.sleep(for: delay)
        }
    }

    private func session(live: Bool, events: (@Sendable (SyncEvent) -> Void)?) async throws -> SyncReport {
        let limits = options.limits
        let endpoint = self.endpoint
        let channel = try await FrameConnection.open(to: endpoint, trustedCertificatesPEM: options.trustedCertificatesPEM, limits: limits,
                                                     connectTimeout: options.connectTimeout, group: group)
        let replica = self.replica, token = self.token, options = self.options, logger = self.logger
        // A TLS failure surfaces as the connection ending; this keeps the reason to report it as `tls-failed`.
        let tlsFailure = NIOLockedValueBox<WireError?>(nil)
        do {
            return try await converse(channel, replica: replica, token: token, options: options, live: live, logger: logger, events: events, tlsFailure: tlsFailure)
        } catch {
            if let failure = tlsFailure.withLockedValue({ $0 }) ?? ClientTLS.describe(error, endpoint: endpoint) { throw failure }
            throw error
        }
    }

    private func converse(_ channel: NIOAsyncChannel<Frame, Frame>, replica: any SyncReplica, token: String, options: SyncOptions, live: Bool,
                          logger: Logger, events: (@Sendable (SyncEvent) -> Void)?, tlsFailure: NIOLockedValueBox<WireError?>) async throws -> SyncReport {
        let endpoint = self.endpoint
        return try await channel.executeThenClose { inbound, outbound in
            let (stream, continuation) = AsyncStream<ClientEvent>.makeStream()
            return try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    do {
                        for try await frame in inbound { continuation.yield(.frame(frame)) }
                        continuation.yield(.closed(nil))
                    } catch {
                        if let failure = ClientTLS.describe(error, endpoint: endpoint) { tlsFailure.withLockedValue { $0 = failure } }
                        continuation.yield(.closed("\(error)"))
                    }
                }
                tasks.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: options.pollInterval)
                        continuation.yield(.tick)
                    }
                }
                defer { tasks.cancelAll() }
                let session = SyncSession(replica: replica, token: token, options: options, live: live, outbound: outbound, logger: logger, events: events)
                return try await session.run(stream)
            }
        }
    }
}

/// Reconnect delays: exponential, capped, with full jitter (a random delay up
/// to the exponential bound), so many clients losing one server do not all
/// come back at the same instant.
public enum Backoff {
    public static func delay(attempt: Int, initial: Duration, maximum: Duration) -> Duration {
        let exponent = min(max(attempt - 1, 0), 20)
        let bound = min(initial * (1 << exponent), maximum)
        let fraction = Double.random(in: 0.5...1.0)
        return bound * fraction
    }
}
