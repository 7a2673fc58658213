/// Collaborative plain text: a sequence CRDT using FugueMax (Weidner and
/// Kleppmann, "The Art of the Fugue", 2023), which converges and interleaves
/// concurrent insertions as little as possible.
///
/// Local edits (``insert(_:at:by:)``, ``delete(range:)``) change the text and
/// return the operation to send; ``apply(_:)-(TextInsertion)`` and
/// ``apply(_:)-(TextDeletion)`` merge operations from other replicas in any
/// order, any number of times. Positions and lengths count Unicode scalars.
///
/// Layout: characters are stored as runs (``TextRun``) in leaves of at most
/// 64 runs, with a Fenwick tree over the leaves' visible lengths for
/// O(log n) position lookups, and per-replica logs (``TextReplicaLog``) that
/// map a character id to its scalar, its leaf and its origins. Deleted
/// characters stay as tombstones, which merging and ``text(at:)`` need.
///
/// Equality compares the replicated state (characters, order, origins,
/// tombstones, pending deletions), not local history such as deletion
/// epochs or how runs happen to be split into leaves.
public struct TextSequence: Sendable {
    /// Arena of leaves; indices are stable, document order is in `order`.
    var leaves: [TextLeaf] = [TextLeaf()]
    /// Leaf indices in document order.
    var order: [UInt32] = [0]
    /// For each leaf, its position in `order`.
    var rankOfLeaf: [UInt32] = [0]
    /// Visible lengths of the leaves, by position in `order`.
    var leafCounts = TextLeafCounts([0])
    /// Per-replica character logs; runs name a replica by index in here.
    var logs: [TextReplicaLog] = []
    var logIndex: [ReplicaID: UInt32] = [:]
    /// Deletions of characters not received yet, per replica: sorted,
    /// disjoint sequence ranges. They take effect when the characters arrive.
    var pendingDeletions: [ReplicaID: [Range<UInt64>]] = [:]
    /// The epoch current deletions are stamped with; see ``TextVersion``.
    var epoch: UInt32 = 1
    /// The number of visible characters (Unicode scalars).
    public internal(set) var count = 0

    /// An empty text.
    public init() {}

    /// Whether no character is visible.
    public var isEmpty: Bool { count == 0 }

    /// The visible text. O(n): it is assembled from the runs on each call.
    public var text: String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(count + count / 8)
        forEachRun { run in
            guard !run.isDeleted else { return }
            logs[Int(run.replica)].withScalars(run.sequence..<run.end) { appendUTF8($0, to: &utf8) }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The next sequence `replica` would use: one past the highest sequence
    /// the text holds from it.
    public func nextSequence(for replica: ReplicaID) -> UInt64 {
        guard let index = logIndex[replica] else { return 1 }
        return logs[Int(index)].highest + 1
    }

    /// Whether character `id` has arrived (deleted or not).
    public func contains(_ id: CharacterID) -> Bool {
        guard let index = logIndex[id.replica] else { return false }
        return logs[Int(index)].contains(id.sequence)
    }

    /// The ids of the visible characters, in order.
    public var characterIDs: [CharacterID] {
        var ids: [CharacterID] = []
        ids.reserveCapacity(count)
        forEachRun { run in
            guard !run.isDeleted else { return }
            let replica = logs[Int(run.replica)].id
            for sequence in run.sequence..<run.end { ids.append(CharacterID(replica: replica, sequence: sequence)) }
        }
        return ids
    }

    /// Calls `body` with every run, tombstones included, in document order.
    func forEachRun(_ body: (TextRun) -> Void) {
        for leaf in order {
            for run in leaves[Int(leaf)].runs { body(run) }
        }
    }

    /// The log of `replica`, created when the replica is new.
    mutating func logNumber(for replica: ReplicaID) -> Int {
        if let index = logIndex[replica] { return Int(index) }
        logIndex[replica] = UInt32(logs.count)
        logs.append(TextReplicaLog(id: replica))
        return logs.count - 1
    }
}

/// Appends scalars as UTF-8; faster than growing a `String` one scalar at a time.
@inline(__always)
func appendUTF8(_ scalars: ArraySlice<Unicode.Scalar>, to bytes: inout [UInt8]) {
    for scalar in scalars {
        let value = scalar.value
        if value < 0x80 {
            bytes.append(UInt8(value))
        } else if value < 0x800 {
            bytes.append(UInt8(0xC0 | (value >> 6)))
            bytes.append(UInt8(0x80 | (value & 0x3F)))
        } else if value < 0x10000 {
            bytes.append(UInt8(0xE0 | (value >> 12)))
            bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (value & 0x3F)))
        } else {
            bytes.append(UInt8(0xF0 | (value >> 18)))
            bytes.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (value & 0x3F)))
        }
    }
}
