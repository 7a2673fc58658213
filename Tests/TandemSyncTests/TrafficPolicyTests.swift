import Testing
import TandemModel
@testable import TandemServer
import TandemWire

/// The time-dependent limits as values: no sockets, no sleeping.
@Suite("Traffic policy")
struct TrafficPolicyTests {
    let start = ContinuousClock.now

    @Test("a token bucket allows its burst, then its rate; reservations say how long to wait")
    func tokenBucket() {
        var bucket = TokenBucket(capacity: 10, ratePerSecond: 100, now: start)
        for _ in 0..<10 { let took = bucket.take(now: start); #expect(took) }
        let refused = !bucket.take(now: start)
        #expect(refused)
        let refilled = bucket.take(now: start + .milliseconds(11))        // 1.1 tokens refilled
        #expect(refilled)
        var paced = TokenBucket(capacity: 100, ratePerSecond: 1_000, now: start)
        let first = paced.reserve(100, now: start)
        #expect(first == .zero)
        let wait = paced.reserve(500, now: start)                    // at most a bucket's worth is owed: 100 tokens
        #expect(wait >= .milliseconds(99) && wait <= .milliseconds(101))
        let later = paced.reserve(0, now: start + .milliseconds(100))
        #expect(later == .zero)
    }

    @Test("frames beyond the burst and rate are rate-limited; frames within it are not")
    func frameRate() {
        var policy = TrafficPolicy(limits: ConnectionLimits(framesPerSecond: 10, frameBurst: 5), now: start)
        for index in 0..<5 { #expect(policy.frameArrived(at: start + .milliseconds(Int64(index))) == nil) }
        #expect(policy.frameArrived(at: start + .milliseconds(5))?.code == .rateLimited)
        // At the sustained rate a peer is never limited.
        var steady = TrafficPolicy(limits: ConnectionLimits(framesPerSecond: 10, frameBurst: 5), now: start)
        for index in 0..<100 { #expect(steady.frameArrived(at: start + .milliseconds(Int64(index) * 100)) == nil) }
    }

    @Test("operations are paced: a batch within the burst goes at once, more waits for the rate")
    func pacing() {
        var policy = TrafficPolicy(limits: ConnectionLimits(operationsPerSecond: 1_000, operationBurst: 2_000), now: start)
        #expect(policy.pace(operations: 2_000, at: start) == .zero)
        let wait = policy.pace(operations: 500, at: start)
        #expect(wait >= .milliseconds(499) && wait <= .milliseconds(501))
        #expect(policy.pace(operations: 1_000, at: start + .seconds(2)) == .zero)   // the debt of 500 was repaid and 1,500 refilled
    }

    @Test("idleness: a PING at half the timeout, idle-timeout at it; traffic either way resets; unauthenticated connections are left to the handshake timeout")
    func idle() {
        let limits = ConnectionLimits(idleTimeout: .seconds(10))
        var policy = TrafficPolicy(limits: limits, now: start)
        #expect(policy.tick(at: start + .seconds(4), authenticated: true) == .none)
        guard case .send(.ping) = policy.tick(at: start + .seconds(5), authenticated: true) else { Issue.record("no PING"); return }
        #expect(policy.tick(at: start + .seconds(6), authenticated: true) == .none)       // one PING per silence
        policy.sent(.ping(nonce: 1), at: start + .seconds(6))                             // our own PING is no sign of life
        guard case .fail(let error) = policy.tick(at: start + .seconds(10), authenticated: true) else { Issue.record("no idle-timeout"); return }
        #expect(error.code == .idleTimeout)

        var answered = TrafficPolicy(limits: limits, now: start)
        _ = answered.tick(at: start + .seconds(5), authenticated: true)
        #expect(answered.frameArrived(at: start + .seconds(6)) == nil)                     // the PONG
        #expect(answered.tick(at: start + .seconds(10), authenticated: true) == .none)
        answered.sent(.caughtUp(sequence: 1), at: start + .seconds(15))                   // the server talking counts too
        #expect(answered.tick(at: start + .seconds(19), authenticated: true) == .none)

        // A late tick asks before it closes.
        var late = TrafficPolicy(limits: limits, now: start)
        guard case .send(.ping) = late.tick(at: start + .seconds(30), authenticated: true) else { Issue.record("a late tick closed without a PING"); return }
        #expect(late.tick(at: start + .seconds(34), authenticated: true) == .none)
        guard case .fail = late.tick(at: start + .seconds(35), authenticated: true) else { Issue.record("no idle-timeout after the unanswered PING"); return }

        var anonymous = TrafficPolicy(limits: limits, now: start)
        #expect(anonymous.tick(at: start + .seconds(60), authenticated: false) == .none)
    }

    @Test("connections are counted in total and per member, and released")
    func limiter() {
        let limiter = ConnectionLimiter(limits: ConnectionLimits(maxConnections: 3, maxConnectionsPerMember: 2))
        let ana = EntityID(OperationID(replica: ReplicaID(1), counter: 1)), bo = EntityID(OperationID(replica: ReplicaID(1), counter: 2))
        #expect(limiter.admitConnection() == nil && limiter.admitConnection() == nil && limiter.admitConnection() == nil)
        #expect(limiter.admitConnection()?.code == .tooManyConnections)
        #expect(limiter.admit(connection: 1, member: ana) == nil && limiter.admit(connection: 2, member: ana) == nil)
        #expect(limiter.admit(connection: 3, member: ana)?.code == .tooManyConnections)
        #expect(limiter.admit(connection: 3, member: bo) == nil)
        limiter.release(1)
        #expect(limiter.openConnections == 2)
        #expect(limiter.admitConnection() == nil)
        #expect(limiter.admit(connection: 4, member: ana) == nil)
    }

    @Test("inbound credit holds the reader at its limit until the handler catches up, and lets it go on close")
    func credit() async {
        let credit = InboundCredit(limit: 2)
        await credit.acquire()
        await credit.acquire()
        let third = Task { await credit.acquire(); return true }
        try? await Task.sleep(for: .milliseconds(50))
        credit.release()
        #expect(await third.value)
        let blocked = Task { await credit.acquire() }
        credit.close()
        await blocked.value
    }
}
