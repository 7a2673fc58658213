/// Names one character of a ``TextSequence``: the replica that typed it and
/// that replica's sequence number in this text.
///
/// Sequences start at 1 and are allocated per text and per replica: a
/// replica's next sequence is the highest one it already has from itself in
/// the text, plus one, so no separate counter is stored. The characters of one
/// insertion get consecutive sequences.
public struct CharacterID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The replica that typed the character.
    public let replica: ReplicaID
    /// Its sequence among that replica's characters in this text, from 1.
    public let sequence: UInt64

    public init(replica: ReplicaID, sequence: UInt64) {
        self.replica = replica
        self.sequence = sequence
    }

    /// Orders by replica, then sequence. This is the tie-break FugueMax uses
    /// between concurrent insertions with the same origins; it says nothing
    /// about where the characters stand in the text.
    public static func < (lhs: CharacterID, rhs: CharacterID) -> Bool {
        (lhs.replica, lhs.sequence) < (rhs.replica, rhs.sequence)
    }

    /// `sequence@replica`, e.g. `12@3f9a0c1d22e4b801`.
    public var description: String { "\(sequence)@\(replica)" }
}

extension CharacterID {
    /// Writes the id; `nil` stands for the start or the end of the text.
    ///
    /// One varint carries presence and the replica id's position among
    /// `replicas` (0 means `nil`), so an absent origin costs one byte.
    static func encode(_ id: CharacterID?, replicas: inout TextReplicaTable, into writer: inout ByteWriter) {
        guard let id else {
            writer.varint(UInt64(0))
            return
        }
        writer.varint(UInt64(replicas.index(of: id.replica)) + 1)
        writer.varint(id.sequence)
    }

    static func decode(
        from reader: inout ByteReader, replicas: TextReplicaTable
    ) throws(DecodingError) -> CharacterID? {
        let start = reader.offset
        let tag = try reader.varint()
        if tag == 0 { return nil }
        guard tag <= UInt64(replicas.ids.count) else {
            throw DecodingError("character id names replica \(tag - 1) of \(replicas.ids.count)", at: start)
        }
        let sequence = try reader.varint()
        guard sequence > 0 else { throw DecodingError("character sequence 0", at: start) }
        return CharacterID(replica: replicas.ids[Int(tag - 1)], sequence: sequence)
    }
}
