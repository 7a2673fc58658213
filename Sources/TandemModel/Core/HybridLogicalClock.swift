/// A hybrid logical clock (Kulkarni et al., 2014) for one replica.
///
/// `tick()` stamps a local operation; `observe(_:)` folds in a remote one so
/// that later local stamps sort after everything seen. A remote reading more
/// than `maximumDrift` ahead of the wall clock is not adopted: one client with
/// a broken clock must not drag every replica's clock into the future.
public struct HybridLogicalClock: Sendable {
    /// Milliseconds since 1970 from the wall clock.
    public typealias WallClock = @Sendable () -> UInt64

    public private(set) var last: HybridTimestamp
    public let maximumDriftMilliseconds: UInt64
    private let wallClock: WallClock

    public init(
        last: HybridTimestamp = .zero,
        maximumDriftMilliseconds: UInt64 = 5 * 60 * 1000,
        wallClock: @escaping WallClock = SystemWallClock.milliseconds
    ) {
        self.last = last
        self.maximumDriftMilliseconds = maximumDriftMilliseconds
        self.wallClock = wallClock
    }

    /// A new timestamp, strictly greater than every one returned or observed before.
    public mutating func tick() -> HybridTimestamp {
        let wall = HybridTimestamp(milliseconds: wallClock())
        last = wall > last ? wall : HybridTimestamp(rawValue: last.rawValue &+ 1)
        return last
    }

    /// Folds in a timestamp seen on a remote operation.
    ///
    /// - Returns: `false` when the reading is too far in the future to adopt.
    @discardableResult
    public mutating func observe(_ remote: HybridTimestamp) -> Bool {
        guard remote.milliseconds <= wallClock() &+ maximumDriftMilliseconds else { return false }
        if remote > last { last = remote }
        return true
    }
}

/// Reads the system clock without Foundation.
public enum SystemWallClock {
    @Sendable public static func milliseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1000 + UInt64(spec.tv_nsec) / 1_000_000
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
