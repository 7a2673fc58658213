/// A token bucket: `capacity` tokens, refilled at `rate` per second.
///
/// `reserve` always succeeds and says how long to wait before the reserved
/// work may proceed (the bucket goes into debt); `take` succeeds only when the
/// tokens are there. Time comes from the caller, so tests need no clock.
struct TokenBucket: Hashable, Sendable {
    let capacity: Double
    let rate: Double
    private(set) var tokens: Double
    private var last: ContinuousClock.Instant

    init(capacity: Int, ratePerSecond: Int, now: ContinuousClock.Instant) {
        self.capacity = Double(max(capacity, 1))
        self.rate = Double(max(ratePerSecond, 1))
        self.tokens = self.capacity
        self.last = now
    }

    private mutating func refill(_ now: ContinuousClock.Instant) {
        guard now > last else { return }
        let elapsed = now - last
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(capacity, tokens + seconds * rate)
        last = now
    }

    /// Takes `count` tokens if there are that many.
    mutating func take(_ count: Int = 1, now: ContinuousClock.Instant) -> Bool {
        refill(now)
        guard tokens >= Double(count) else { return false }
        tokens -= Double(count)
        return true
    }

    /// Takes `count` tokens (at most a full bucket's worth, so any request can
    /// be met) and returns how long the caller must wait for them to exist.
    mutating func reserve(_ count: Int, now: ContinuousClock.Instant) -> Duration {
        refill(now)
        tokens -= min(Double(count), capacity)
        guard tokens < 0 else { return .zero }
        return .nanoseconds(Int64((-tokens / rate * 1e9).rounded(.up)))
    }
}
