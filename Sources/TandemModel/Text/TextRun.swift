/// Consecutive characters of one replica that stand next to each other in
/// the text and share a deletion state. One insertion stays one run until an
/// insertion inside it or a partial deletion splits it.
///
/// 24 bytes: the replica is an index into the sequence's replica logs.
struct TextRun: Hashable {
    var sequence: UInt64
    var replica: UInt32
    var length: UInt32
    /// 0 while visible; otherwise the deletion epoch of the tombstone (see
    /// ``TextVersion``).
    var deletedIn: UInt32

    var isDeleted: Bool { deletedIn != 0 }
    var visibleLength: Int { deletedIn == 0 ? Int(length) : 0 }
    var end: UInt64 { sequence + UInt64(length) }

    @inline(__always)
    func contains(replica: UInt32, sequence: UInt64) -> Bool {
        self.replica == replica && sequence >= self.sequence && sequence < end
    }
}
