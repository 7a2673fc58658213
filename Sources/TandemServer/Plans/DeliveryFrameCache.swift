import TandemWire

/// The encoded (and compressed) `OPS` frames of recent deliveries, shared by
/// a plan's subscribers.
///
/// A published batch reaches every live subscriber as the same range of the
/// log, and there are only two views of a range: the whole plan and the
/// customer view (internal-only operations withheld). Without sharing, 500
/// subscribers meant 500 encodings and compressions of the same bytes. A
/// subscriber whose own operations are in the range gets them filtered out
/// (no echo), so its frames differ: it encodes its own and does not use this.
///
/// The log is immutable below the head, so a key's frames never go stale;
/// only a few recent ranges are kept (fan-out reads the newest), and only
/// small ones (a catch-up's large chunks are seldom shared).
///
/// `@unchecked Sendable`: `entries` is guarded by `lock`.
final class DeliveryFrameCache: @unchecked Sendable {
    struct Key: Hashable {
        /// The range `(after, through]` of the log the frames cover.
        let after: UInt64
        let through: UInt64
        /// Whether the frames are the customer view.
        let customerView: Bool
    }

    typealias Frames = [(frame: Frame, message: Message)]

    /// Ranges kept; fan-out needs one, a few cover subscribers a batch or two behind.
    static let capacity = 8
    /// Frames larger than this (in all) are not kept.
    static let maximumBytes = 256 * 1024

    private let lock = NSLockLite()
    private var entries: [(key: Key, frames: Frames)] = []

    /// The frames for `key`, made by `encode` unless already cached.
    func frames(for key: Key, encode: () -> Frames) -> Frames {
        if let cached = lock.withLock({ entries.first { $0.key == key }?.frames }) { return cached }
        let frames = encode()
        guard frames.reduce(0, { $0 + $1.frame.payload.count }) <= Self.maximumBytes else { return frames }
        lock.withLock {
            guard !entries.contains(where: { $0.key == key }) else { return }
            if entries.count >= Self.capacity { entries.removeFirst() }
            entries.append((key, frames))
        }
        return frames
    }

    var count: Int { lock.withLock { entries.count } }
}
