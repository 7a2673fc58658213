import Foundation
import TandemModel

/// An editing trace in the format of Joseph Gentle's editing-traces dataset
/// (CC BY 4.0): `{startContent, endContent, txns: [{patches: [[pos, ndel, ins]]}]}`,
/// positions in Unicode code points. Shared by the trace test and the benchmark.
public struct EditingTrace: Sendable {
    public var startContent: String
    public var endContent: String
    /// (position, deleted count, inserted text), applied in order.
    public var patches: [(position: Int, deleted: Int, inserted: String)]

    /// Parses the (already decompressed) JSON. Decodable rather than
    /// JSONSerialization: the latter peaks near 1 GB of RSS on a 16 MB trace.
    public init(json: Data) throws {
        let file = try JSONDecoder().decode(File.self, from: json)
        startContent = file.startContent
        endContent = file.endContent
        patches = file.txns.flatMap { $0.patches.map { ($0.position, $0.deleted, $0.inserted) } }
    }

    /// Replays the trace into a fresh sequence as one replica's local edits.
    public func replay(by replica: ReplicaID = ReplicaID(1)) -> TextSequence {
        var text = TextSequence()
        if !startContent.isEmpty { text.insert(startContent, at: 0, by: replica) }
        for patch in patches {
            if patch.deleted > 0 { text.delete(range: patch.position..<(patch.position + patch.deleted)) }
            if !patch.inserted.isEmpty { text.insert(patch.inserted, at: patch.position, by: replica) }
        }
        return text
    }

    /// One patch is `[position, deleted, inserted]`.
    private struct Patch: Decodable {
        var position: Int
        var deleted: Int
        var inserted: String

        init(from decoder: any Decoder) throws {
            var fields = try decoder.unkeyedContainer()
            position = try fields.decode(Int.self)
            deleted = try fields.decode(Int.self)
            inserted = try fields.decode(String.self)
        }
    }

    private struct Transaction: Decodable {
        var patches: [Patch]
    }

    private struct File: Decodable {
        var startContent: String
        var endContent: String
        var txns: [Transaction]
    }
}
