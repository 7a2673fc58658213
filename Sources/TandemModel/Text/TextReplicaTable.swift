/// The replica ids an encoded text operation or state refers to, written once
/// up front so every later mention costs a small index instead of 8 bytes.
struct TextReplicaTable {
    private(set) var ids: [ReplicaID] = []
    private var positions: [ReplicaID: Int] = [:]

    init() {}

    /// The position of `replica`, adding it when new.
    mutating func index(of replica: ReplicaID) -> Int {
        if let position = positions[replica] { return position }
        positions[replica] = ids.count
        ids.append(replica)
        return ids.count - 1
    }

    func encode(into writer: inout ByteWriter) {
        writer.varint(ids.count)
        for id in ids { writer.fixed64(id.rawValue) }
    }

    static func decode(from reader: inout ByteReader) throws(DecodingError) -> TextReplicaTable {
        let start = reader.offset
        // Each id takes 8 bytes, which bounds the count by what is left.
        let count = try reader.count(max: reader.remaining / 8, "replica count")
        var table = TextReplicaTable()
        for _ in 0..<count {
            let id = ReplicaID(try reader.fixed64())
            guard table.positions[id] == nil else { throw DecodingError("replica \(id) listed twice", at: start) }
            _ = table.index(of: id)
        }
        return table
    }
}
