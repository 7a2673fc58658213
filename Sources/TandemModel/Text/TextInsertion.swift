/// One insertion into a ``TextSequence``: a run of characters typed at one
/// place, as sent to other replicas.
///
/// The characters get ids `id`, `id + 1`, … in order. As FugueMax requires,
/// each insertion carries both neighbours it was typed between: `leftOrigin`
/// is the visible character before the cursor (`nil` at the start of the
/// text) and `rightOrigin` the character right after `leftOrigin` in the
/// full sequence, deleted ones included (`nil` at the end). Inside the run,
/// character `k > 0` has character `k - 1` as its left origin and shares the
/// run's right origin.
public struct TextInsertion: Hashable, Sendable, CustomStringConvertible {
    /// The id of the first inserted character.
    public let id: CharacterID
    public let leftOrigin: CharacterID?
    public let rightOrigin: CharacterID?
    /// The inserted characters. Lengths and positions count Unicode scalars.
    public let text: String

    public init(id: CharacterID, leftOrigin: CharacterID?, rightOrigin: CharacterID?, text: String) {
        self.id = id
        self.leftOrigin = leftOrigin
        self.rightOrigin = rightOrigin
        self.text = text
    }

    /// The number of inserted characters (Unicode scalars).
    public var length: Int { text.unicodeScalars.count }

    /// Scalar by scalar: `String`'s own `==` treats canonically equivalent
    /// texts ("é" and "e" + combining accent) as equal, but they are
    /// different characters with different ids here.
    public static func == (lhs: TextInsertion, rhs: TextInsertion) -> Bool {
        lhs.id == rhs.id && lhs.leftOrigin == rhs.leftOrigin && lhs.rightOrigin == rhs.rightOrigin
            && lhs.text.unicodeScalars.elementsEqual(rhs.text.unicodeScalars)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(leftOrigin)
        hasher.combine(rightOrigin)
        for scalar in text.unicodeScalars { hasher.combine(scalar.value) }
    }

    public var description: String {
        "insert \(text.debugDescription) as \(id) between \(leftOrigin?.description ?? "start") and \(rightOrigin?.description ?? "end")"
    }
}

extension TextInsertion {
    /// Writes the insertion for an operation batch: the replica ids it
    /// mentions, then the ids as small indices, then the UTF-8 text.
    public func encode(into writer: inout ByteWriter) {
        var replicas = TextReplicaTable()
        _ = replicas.index(of: id.replica)
        if let leftOrigin { _ = replicas.index(of: leftOrigin.replica) }
        if let rightOrigin { _ = replicas.index(of: rightOrigin.replica) }
        replicas.encode(into: &writer)
        CharacterID.encode(id, replicas: &replicas, into: &writer)
        CharacterID.encode(leftOrigin, replicas: &replicas, into: &writer)
        CharacterID.encode(rightOrigin, replicas: &replicas, into: &writer)
        writer.string(text)
    }

    /// Reads what ``encode(into:)`` wrote, checking every field.
    public init(decoding reader: inout ByteReader) throws(DecodingError) {
        let start = reader.offset
        let replicas = try TextReplicaTable.decode(from: &reader)
        guard let id = try CharacterID.decode(from: &reader, replicas: replicas) else {
            throw DecodingError("insertion without an id", at: start)
        }
        let leftOrigin = try CharacterID.decode(from: &reader, replicas: replicas)
        let rightOrigin = try CharacterID.decode(from: &reader, replicas: replicas)
        let text = try reader.string()
        let length = text.unicodeScalars.count
        guard length > 0 else { throw DecodingError("empty insertion", at: start) }
        guard id.sequence <= UInt64.max - UInt64(length) else {
            throw DecodingError("insertion sequences overflow", at: start)
        }
        self.init(id: id, leftOrigin: leftOrigin, rightOrigin: rightOrigin, text: text)
    }
}
