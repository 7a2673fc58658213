/// One deletion from a ``TextSequence``, as sent to other replicas: the
/// deleted characters as runs of consecutive ids.
///
/// A deletion names characters, not positions, so it commutes with
/// insertions; deleted characters stay in the sequence as tombstones.
public struct TextDeletion: Hashable, Sendable, CustomStringConvertible {
    /// Characters `first`, `first + 1`, … `first + length - 1` of one replica.
    public struct Run: Hashable, Sendable {
        public let replica: ReplicaID
        public let first: UInt64
        public let length: UInt64

        public init(replica: ReplicaID, first: UInt64, length: UInt64) {
            self.replica = replica
            self.first = first
            self.length = length
        }

        /// The sequences of the run.
        public var sequences: Range<UInt64> { first..<(first + length) }
    }

    /// The deleted characters, in document order at the deleting replica.
    public let runs: [Run]

    public init(runs: [Run]) { self.runs = runs }

    /// The number of characters named.
    public var count: Int { runs.reduce(0) { $0 + Int($1.length) } }

    /// Whether the deletion names no character.
    public var isEmpty: Bool { runs.isEmpty }

    public var description: String {
        "delete " + runs.map { "\($0.first)..<\($0.first + $0.length)@\($0.replica)" }.joined(separator: ", ")
    }
}

extension TextDeletion {
    /// Writes the deletion for an operation batch: the replica ids, then per
    /// run a replica index, the first sequence as a signed delta from the end
    /// of the previous run (a backspaced word is a chain of short hops), and
    /// the length.
    public func encode(into writer: inout ByteWriter) {
        var replicas = TextReplicaTable()
        for run in runs { _ = replicas.index(of: run.replica) }
        replicas.encode(into: &writer)
        writer.varint(runs.count)
        var previousEnd: UInt64 = 0
        for run in runs {
            writer.varint(replicas.index(of: run.replica))
            writer.signed(Int64(bitPattern: run.first &- previousEnd))
            writer.varint(run.length)
            previousEnd = run.first &+ run.length
        }
    }

    /// Reads what ``encode(into:)`` wrote, checking every field.
    public init(decoding reader: inout ByteReader) throws(DecodingError) {
        let replicas = try TextReplicaTable.decode(from: &reader)
        // A run takes at least 3 bytes.
        let count = try reader.count(max: reader.remaining / 3, "deletion run count")
        guard count == 0 || !replicas.ids.isEmpty else {
            throw DecodingError("deletion runs without replicas", at: reader.offset)
        }
        var runs: [Run] = []
        runs.reserveCapacity(count)
        var previousEnd: UInt64 = 0
        for _ in 0..<count {
            let start = reader.offset
            let index = try reader.count(max: replicas.ids.count - 1, "replica index")
            let first = previousEnd &+ UInt64(bitPattern: try reader.signed())
            let length = try reader.varint()
            guard first > 0, length > 0, first <= UInt64.max - length else {
                throw DecodingError("invalid deletion run \(first) + \(length)", at: start)
            }
            runs.append(Run(replica: replicas.ids[index], first: first, length: length))
            previousEnd = first + length
        }
        self.init(runs: runs)
    }
}
