import TandemWire

/// The per-connection limits that depend on time: frame rate, operation
/// pacing and idleness. A value type that is told what happened and when, and
/// answers what to do; ``ServerConnection`` performs it. Tested without
/// sockets or clocks (`TrafficPolicyTests`).
struct TrafficPolicy: Sendable {
    let limits: ConnectionLimits
    private var frames: TokenBucket
    private var operations: TokenBucket
    private var lastActivity: ContinuousClock.Instant
    /// When our `PING` went out, if one is unanswered.
    private var pingSent: ContinuousClock.Instant?
    private var nextNonce: UInt64 = 1

    init(limits: ConnectionLimits, now: ContinuousClock.Instant) {
        self.limits = limits
        frames = TokenBucket(capacity: limits.frameBurst, ratePerSecond: limits.framesPerSecond, now: now)
        operations = TokenBucket(capacity: limits.operationBurst, ratePerSecond: limits.operationsPerSecond, now: now)
        lastActivity = now
    }

    /// A frame arrived: nil when it is within the rate, else the error to close with.
    mutating func frameArrived(at now: ContinuousClock.Instant) -> WireError? {
        lastActivity = now
        pingSent = nil
        guard frames.take(now: now) else {
            return WireError(.rateLimited, "more than \(limits.framesPerSecond) frames per second (burst \(limits.frameBurst)); slow down")
        }
        return nil
    }

    /// A `PUSH` of `count` operations arrived: how long to pause the connection
    /// before handling it, so that it stays within its operations per second.
    mutating func pace(operations count: Int, at now: ContinuousClock.Instant) -> Duration {
        operations.reserve(count, now: now)
    }

    /// A message was written to the peer. Our own `PING` is no sign of life.
    mutating func sent(_ message: Message, at now: ContinuousClock.Instant) {
        if case .ping = message { return }
        lastActivity = now
    }

    /// Time passed. Only authenticated connections are pinged (a `PING` before
    /// `WELCOME` would break the protocol; the handshake timeout covers them).
    /// A connection is closed only once a `PING` has gone unanswered for half
    /// the timeout, so a tick that comes late (a busy server) pings first
    /// instead of closing a peer that was never asked.
    mutating func tick(at now: ContinuousClock.Instant, authenticated: Bool) -> ServerConnectionStateMachine.Action {
        guard authenticated else { return .none }
        let silence = now - lastActivity
        guard silence >= limits.idleTimeout / 2 else { return .none }
        guard let pinged = pingSent else {
            pingSent = now
            defer { nextNonce += 1 }
            return .send(.ping(nonce: nextNonce))
        }
        if silence >= limits.idleTimeout, now - pinged >= limits.idleTimeout / 2 {
            return .fail(WireError(.idleTimeout, "no traffic for \(limits.idleTimeout) (a PING went unanswered); reconnect"))
        }
        return .none
    }

    /// How often the connection should be ticked to notice idleness in time.
    static func tickInterval(_ limits: ConnectionLimits) -> Duration {
        max(min(limits.idleTimeout / 8, .seconds(5)), .milliseconds(20))
    }
}
