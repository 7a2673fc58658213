/// A named version of a ``TextSequence``: a marker, not a copy of the text.
///
/// A marker holds two things:
/// - `inserted`: per replica, the ranges of character sequences the text
///   held (normally one range `1...n` per replica, so a few bytes each);
/// - `deletionEpoch`: the sequence stamps every tombstone with the epoch it
///   was deleted in, and taking a marker closes the current epoch. A
///   character deleted in an epoch up to `deletionEpoch` was already deleted
///   at this version.
///
/// Characters never move once placed and tombstones keep their text, so
/// ``TextSequence/text(at:)`` rebuilds the version by walking the sequence
/// and keeping the characters that were inserted and not yet deleted then.
/// Epochs are local history: a marker is meaningful for the sequence it came
/// from and for that sequence's later states and encoded copies, not for
/// another replica's sequence.
public struct TextVersion: Hashable, Sendable {
    /// Per replica, sorted disjoint ranges of the sequences inserted.
    public let inserted: [ReplicaID: [Range<UInt64>]]
    /// Tombstones stamped with this epoch or an earlier one were deleted.
    public let deletionEpoch: UInt32

    public init(inserted: [ReplicaID: [Range<UInt64>]], deletionEpoch: UInt32) {
        self.inserted = inserted
        self.deletionEpoch = deletionEpoch
    }

    /// Whether character `id` had been inserted at this version.
    public func contains(_ id: CharacterID) -> Bool {
        guard let ranges = inserted[id.replica] else { return false }
        var low = 0, high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].lowerBound <= id.sequence { low = mid + 1 } else { high = mid }
        }
        return low > 0 && ranges[low - 1].contains(id.sequence)
    }
}

extension TextVersion {
    /// Writes the marker: the epoch, then per replica (in id order, so equal
    /// markers encode equally) its ranges as gaps and lengths.
    public func encode(into writer: inout ByteWriter) {
        writer.varint(UInt64(deletionEpoch))
        writer.varint(inserted.count)
        for replica in inserted.keys.sorted() {
            let ranges = inserted[replica]!
            writer.fixed64(replica.rawValue)
            writer.varint(ranges.count)
            var previousEnd: UInt64 = 0
            for range in ranges {
                writer.varint(range.lowerBound - previousEnd)
                writer.varint(UInt64(range.count))
                previousEnd = range.upperBound
            }
        }
    }

    /// Reads what ``encode(into:)`` wrote, checking every field.
    public init(decoding reader: inout ByteReader) throws(DecodingError) {
        let start = reader.offset
        let epoch = try reader.varint()
        guard epoch <= UInt64(UInt32.max) else { throw DecodingError("deletion epoch too large", at: start) }
        let replicaCount = try reader.count(max: reader.remaining / 9, "replica count")
        var inserted: [ReplicaID: [Range<UInt64>]] = [:]
        for _ in 0..<replicaCount {
            let at = reader.offset
            let replica = ReplicaID(try reader.fixed64())
            guard inserted[replica] == nil else { throw DecodingError("replica \(replica) listed twice", at: at) }
            let rangeCount = try reader.count(max: reader.remaining / 2, "range count")
            var ranges: [Range<UInt64>] = []
            ranges.reserveCapacity(rangeCount)
            var previousEnd: UInt64 = 0
            for _ in 0..<rangeCount {
                let rangeStart = reader.offset
                let gap = try reader.varint()
                let length = try reader.varint()
                // Sequences start at 1 and ranges are sorted, disjoint, not touching.
                guard length > 0, gap > 0,
                      gap <= UInt64.max - previousEnd, length <= UInt64.max - (previousEnd + gap) else {
                    throw DecodingError("invalid version range", at: rangeStart)
                }
                let lower = previousEnd + gap
                ranges.append(lower..<(lower + length))
                previousEnd = lower + length
            }
            inserted[replica] = ranges
        }
        self.init(inserted: inserted, deletionEpoch: UInt32(epoch))
    }
}
