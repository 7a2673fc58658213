/// Everything a ``TextSequence`` knows about the characters of one replica,
/// indexed by sequence: their scalars, the leaf each one currently sits in,
/// and the origins they were inserted with.
///
/// A replica's sequences normally arrive in order, so there is one span and
/// lookups are array indexing. Gaps are allowed (an insertion may arrive
/// before an unrelated earlier one of the same replica); each dense range of
/// known sequences is then a span of its own, found by binary search.
struct TextReplicaLog: Hashable {
    /// Consecutive known characters `first ..< first + scalars.count`.
    struct Span: Hashable {
        var first: UInt64
        var scalars: [Unicode.Scalar]
        /// The leaf holding each character; kept up to date when leaves
        /// split, so a remote operation finds its characters without a scan.
        var leaves: [UInt32]
        var end: UInt64 { first + UInt64(scalars.count) }
    }

    /// Characters `first ..< first + length` were inserted with these
    /// origins: character `first` with `left`, each later one with its
    /// predecessor, all with `right`. Consecutive insertions typed one after
    /// the other share one record.
    struct Record: Hashable {
        var first: UInt64
        var length: UInt64
        var left: CharacterID?
        var right: CharacterID?
        var end: UInt64 { first + length }
    }

    let id: ReplicaID
    private(set) var spans: [Span] = []
    private(set) var records: [Record] = []

    init(id: ReplicaID) { self.id = id }

    /// A log rebuilt from an encoding; the caller has validated that the
    /// spans are sorted and apart and that the records tile them.
    init(id: ReplicaID, spans: [Span], records: [Record]) {
        self.id = id
        self.spans = spans
        self.records = records
    }

    /// The highest sequence known, 0 when none.
    var highest: UInt64 { spans.last.map { $0.end - 1 } ?? 0 }

    /// The number of characters known.
    var characterCount: Int { spans.reduce(0) { $0 + $1.scalars.count } }

    /// Index of the last span whose `first` is at most `sequence`, if any.
    private func spanIndex(atOrBefore sequence: UInt64) -> Int? {
        var low = 0, high = spans.count
        while low < high {
            let mid = (low + high) / 2
            if spans[mid].first <= sequence { low = mid + 1 } else { high = mid }
        }
        return low > 0 ? low - 1 : nil
    }

    /// The span holding `sequence` and the offset in it.
    @inline(__always)
    func locate(_ sequence: UInt64) -> (span: Int, offset: Int)? {
        if spans.count == 1 {
            let span = spans[0]
            guard sequence >= span.first, sequence < span.end else { return nil }
            return (0, Int(sequence - span.first))
        }
        guard let index = spanIndex(atOrBefore: sequence), sequence < spans[index].end else { return nil }
        return (index, Int(sequence - spans[index].first))
    }

    func contains(_ sequence: UInt64) -> Bool { locate(sequence) != nil }

    /// The leaf holding known character `sequence`.
    func leaf(of sequence: UInt64) -> Int? {
        guard let (span, offset) = locate(sequence) else { return nil }
        return Int(spans[span].leaves[offset])
    }

    func scalar(_ sequence: UInt64) -> Unicode.Scalar? {
        guard let (span, offset) = locate(sequence) else { return nil }
        return spans[span].scalars[offset]
    }

    /// Calls `body` with the scalars of known characters `range`, in pieces.
    func withScalars(_ range: Range<UInt64>, _ body: (ArraySlice<Unicode.Scalar>) -> Void) {
        var sequence = range.lowerBound
        while sequence < range.upperBound, let (span, offset) = locate(sequence) {
            let take = min(Int(range.upperBound - sequence), spans[span].scalars.count - offset)
            body(spans[span].scalars[offset..<(offset + take)])
            sequence += UInt64(take)
        }
    }

    /// Records that known characters `range` now sit in `leaf`.
    mutating func setLeaf(_ leaf: Int, for range: Range<UInt64>) {
        var sequence = range.lowerBound
        let value = UInt32(leaf)
        while sequence < range.upperBound, let (span, offset) = locate(sequence) {
            let take = min(Int(range.upperBound - sequence), spans[span].scalars.count - offset)
            spans[span].leaves.withUnsafeMutableBufferPointer { leaves in
                for i in offset..<(offset + take) { leaves[i] = value }
            }
            sequence += UInt64(take)
        }
    }

    /// The parts of `range` not known yet, in order.
    func unknownParts(of range: Range<UInt64>) -> [Range<UInt64>] {
        var parts: [Range<UInt64>] = []
        var sequence = range.lowerBound
        while sequence < range.upperBound {
            if let (span, _) = locate(sequence) {
                sequence = min(spans[span].end, range.upperBound)
                continue
            }
            // Unknown from here up to the next span or the end of the range.
            let next = spanIndex(atOrBefore: sequence).map { $0 + 1 } ?? 0
            let stop = next < spans.count ? min(spans[next].first, range.upperBound) : range.upperBound
            parts.append(sequence..<stop)
            sequence = stop
        }
        return parts
    }

    /// Adds characters not known yet, all sitting in `leaf`.
    mutating func add(first: UInt64, scalars: some Collection<Unicode.Scalar>, leaf: Int) {
        let count = scalars.count
        let end = first + UInt64(count)
        let value = UInt32(leaf)
        let before = spanIndex(atOrBefore: first)
        if let before, spans[before].end == first {
            spans[before].scalars.append(contentsOf: scalars)
            spans[before].leaves.append(contentsOf: repeatElement(value, count: count))
            // The new characters may close the gap to the next span.
            if before + 1 < spans.count, spans[before + 1].first == end {
                let next = spans.remove(at: before + 1)
                spans[before].scalars.append(contentsOf: next.scalars)
                spans[before].leaves.append(contentsOf: next.leaves)
            }
            return
        }
        let index = before.map { $0 + 1 } ?? 0
        var span = Span(first: first, scalars: Array(scalars), leaves: Array(repeating: value, count: count))
        if index < spans.count, spans[index].first == end {
            span.scalars.append(contentsOf: spans[index].scalars)
            span.leaves.append(contentsOf: spans[index].leaves)
            spans[index] = span
        } else {
            spans.insert(span, at: index)
        }
    }

    /// Index of the record holding `sequence`.
    private func recordIndex(_ sequence: UInt64) -> Int? {
        if let last = records.last, sequence >= last.first {
            return sequence < last.end ? records.count - 1 : nil
        }
        var low = 0, high = records.count
        while low < high {
            let mid = (low + high) / 2
            if records[mid].first <= sequence { low = mid + 1 } else { high = mid }
        }
        guard low > 0, sequence < records[low - 1].end else { return nil }
        return low - 1
    }

    /// The record holding known character `sequence`.
    func record(containing sequence: UInt64) -> Record? {
        recordIndex(sequence).map { records[$0] }
    }

    /// The origins character `sequence` was inserted with.
    func origins(of sequence: UInt64) -> (left: CharacterID?, right: CharacterID?) {
        guard let index = recordIndex(sequence) else { return (nil, nil) }
        let record = records[index]
        let left = sequence == record.first ? record.left : CharacterID(replica: id, sequence: sequence - 1)
        return (left, record.right)
    }

    /// Adds the origins of new characters, extending the record before them
    /// when they continue it (typing one character after another).
    mutating func addRecord(first: UInt64, length: UInt64, left: CharacterID?, right: CharacterID?) {
        var low = 0, high = records.count
        if let last = records.last, last.first < first {
            low = records.count
        } else {
            while low < high {
                let mid = (low + high) / 2
                if records[mid].first < first { low = mid + 1 } else { high = mid }
            }
        }
        if low > 0 {
            let previous = records[low - 1]
            if previous.end == first, previous.right == right,
               left == CharacterID(replica: id, sequence: first - 1) {
                records[low - 1].length += length
                return
            }
        }
        records.insert(Record(first: first, length: length, left: left, right: right), at: low)
    }
}
