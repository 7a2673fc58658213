/// Reads and validates the encoding written by
/// ``TextSequence/encode(into:)``, then builds the sequence.
///
/// Every count is bounded by the bytes left before anything is allocated,
/// and the parts are cross-checked: runs must tile each replica's known
/// sequences exactly, records must tile them too, origins must name known
/// characters on the correct side, pending deletions must name unknown
/// ones. Bytes that pass describe a sequence this library could have built.
struct TextStateDecoder {
    private var table = TextReplicaTable()
    private var replicaNumbers: [ReplicaID: Int] = [:]
    private var spans: [[Range<UInt64>]] = []

    init() {}

    mutating func decode(_ reader: inout ByteReader) throws(DecodingError) -> TextSequence {
        let start = reader.offset
        let format = try reader.byte()
        guard format == TextSequence.encodingFormat else {
            throw DecodingError("unknown text encoding format \(format)", at: start)
        }
        let epochOffset = reader.offset
        let epoch = try reader.varint()
        guard epoch >= 1, epoch <= UInt64(UInt32.max) else { throw DecodingError("invalid deletion epoch \(epoch)", at: epochOffset) }
        table = try TextReplicaTable.decode(from: &reader)
        let replicaCount = table.ids.count
        for (number, id) in table.ids.enumerated() { replicaNumbers[id] = number }

        let characterCount = try decodeSpans(&reader)
        let scalars = try decodeContent(&reader, characterCount: characterCount)
        let runs = try decodeRuns(&reader, characterCount: characterCount, epoch: UInt32(epoch))
        let order = TextOrderIndex(runs: runs, replicaCount: replicaCount)
        try checkTiling(order, at: reader.offset)
        let records = try decodeRecords(&reader, order: order)
        let pending = try decodePending(&reader)

        // Build: logs in table order, so run replica numbers stay valid.
        var text = TextSequence()
        text.epoch = UInt32(epoch)
        var next = 0
        for replica in 0..<replicaCount {
            var logSpans: [TextReplicaLog.Span] = []
            for range in spans[replica] {
                let count = range.count
                logSpans.append(.init(
                    first: range.lowerBound,
                    scalars: Array(scalars[next..<(next + count)]),
                    leaves: [UInt32](repeating: 0, count: count)
                ))
                next += count
            }
            text.logs.append(TextReplicaLog(id: table.ids[replica], spans: logSpans, records: records[replica]))
            text.logIndex[table.ids[replica]] = UInt32(replica)
        }
        text.pendingDeletions = pending
        text.fill(with: runs)
        return text
    }

    /// Spans per replica; returns the number of characters they hold.
    private mutating func decodeSpans(_ reader: inout ByteReader) throws(DecodingError) -> Int {
        var total = 0
        for _ in table.ids {
            let count = try reader.count(max: reader.remaining / 2, "span count")
            var list: [Range<UInt64>] = []
            list.reserveCapacity(count)
            var previousEnd: UInt64 = 0
            for _ in 0..<count {
                let at = reader.offset
                let gap = try reader.varint()
                let length = try reader.varint()
                // Sequences start at 1; spans are sorted, apart and non-empty.
                guard gap > 0, length > 0, gap <= UInt64.max - previousEnd,
                      length <= UInt64.max - (previousEnd + gap) else {
                    throw DecodingError("invalid span", at: at)
                }
                // Each character needs at least one byte of text later on.
                guard length <= UInt64(reader.remaining), total + Int(length) <= reader.remaining else {
                    throw DecodingError("span of \(length) characters exceeds the data", at: at)
                }
                let first = previousEnd + gap
                list.append(first..<(first + length))
                previousEnd = first + length
                total += Int(length)
            }
            spans.append(list)
        }
        return total
    }

    private func decodeContent(_ reader: inout ByteReader, characterCount: Int) throws(DecodingError) -> [Unicode.Scalar] {
        let at = reader.offset
        let byteCount = try reader.count(max: reader.remaining, "text length")
        let bytes = try reader.raw(byteCount)
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw DecodingError("text is not valid UTF-8", at: at)
        }
        let scalars = Array(string.unicodeScalars)
        guard scalars.count == characterCount else {
            throw DecodingError("text holds \(scalars.count) characters, spans \(characterCount)", at: at)
        }
        return scalars
    }

    private func decodeRuns(_ reader: inout ByteReader, characterCount: Int, epoch: UInt32) throws(DecodingError) -> [TextRun] {
        let at = reader.offset
        let count = try reader.count(max: characterCount, "run count")
        // Every run needs a byte in each of the sequence and length columns.
        guard count <= reader.remaining / 2 else { throw DecodingError("\(count) runs exceed the data", at: at) }
        var runs = [TextRun](repeating: TextRun(sequence: 0, replica: 0, length: 0, deletedIn: 0), count: count)

        var index = 0
        while index < count {
            let pairAt = reader.offset
            let replica = try reader.count(max: table.ids.count - 1, "run replica")
            let repeats = try reader.count(max: count - index, "replica repeat")
            guard repeats > 0 else { throw DecodingError("empty replica repeat", at: pairAt) }
            for i in index..<(index + repeats) { runs[i].replica = UInt32(replica) }
            index += repeats
        }
        // Sequences are deltas from the end of the same replica's previous
        // run, and the lengths come in the next column: read both first.
        var deltas: [UInt64] = []
        deltas.reserveCapacity(count)
        for _ in 0..<count { deltas.append(UInt64(bitPattern: try reader.signed())) }
        for i in 0..<count {
            let lengthAt = reader.offset
            let length = try reader.varint()
            guard length > 0, length <= UInt64(UInt32.max) else { throw DecodingError("invalid run length \(length)", at: lengthAt) }
            runs[i].length = UInt32(length)
        }
        var previousEnd = [UInt64](repeating: 0, count: table.ids.count)
        for i in 0..<count {
            let replica = Int(runs[i].replica)
            let sequence = previousEnd[replica] &+ deltas[i]
            guard sequence > 0, sequence <= UInt64.max - UInt64(runs[i].length) else {
                throw DecodingError("run \(i) has invalid sequences", at: at)
            }
            runs[i].sequence = sequence
            previousEnd[replica] = sequence + UInt64(runs[i].length)
        }

        let bitmap = try reader.raw((count + 7) / 8)
        var tombstones = 0
        for i in 0..<count where bitmap[bitmap.startIndex + i / 8] & (1 << UInt8(i % 8)) != 0 {
            runs[i].deletedIn = UInt32.max  // placeholder, set from the epoch column
            tombstones += 1
        }
        if count % 8 != 0, let last = bitmap.last, last >> UInt8(count % 8) != 0 {
            throw DecodingError("stray bits after the deleted-run bitmap", at: reader.offset - 1)
        }
        var epochs: [UInt32] = []
        epochs.reserveCapacity(tombstones)
        while epochs.count < tombstones {
            let pairAt = reader.offset
            let value = try reader.varint()
            let repeats = try reader.count(max: tombstones - epochs.count, "epoch repeat")
            guard value >= 1, value <= UInt64(epoch), repeats > 0 else {
                throw DecodingError("invalid tombstone epoch \(value)", at: pairAt)
            }
            epochs.append(contentsOf: repeatElement(UInt32(value), count: repeats))
        }
        var next = 0
        for i in 0..<count where runs[i].deletedIn != 0 {
            runs[i].deletedIn = epochs[next]
            next += 1
        }
        return runs
    }

    /// Each replica's runs, sorted by sequence, must cover its spans exactly.
    private func checkTiling(_ order: TextOrderIndex, at offset: Int) throws(DecodingError) {
        for replica in table.ids.indices {
            var expected = spans[replica].makeIterator()
            var current = expected.next()
            var sequence = current?.lowerBound ?? 0
            for run in order.runs(of: replica) {
                guard let span = current, run.sequence == sequence, run.end <= span.upperBound else {
                    throw DecodingError("runs of replica \(table.ids[replica]) do not match its characters", at: offset)
                }
                sequence = run.end
                if sequence == span.upperBound {
                    current = expected.next()
                    sequence = current?.lowerBound ?? 0
                }
            }
            guard current == nil else {
                throw DecodingError("characters of replica \(table.ids[replica]) missing from the runs", at: offset)
            }
        }
    }

    private func decodeRecords(_ reader: inout ByteReader, order: TextOrderIndex) throws(DecodingError) -> [[TextReplicaLog.Record]] {
        var all: [[TextReplicaLog.Record]] = []
        for replica in table.ids.indices {
            let at = reader.offset
            let characters = spans[replica].reduce(0) { $0 + $1.count }
            let count = try reader.count(max: min(characters, reader.remaining), "record count")
            var records: [TextReplicaLog.Record] = []
            records.reserveCapacity(count)
            // Lengths tile the spans, which gives each record's start.
            var spanIndex = 0
            var sequence = spans[replica].first?.lowerBound ?? 0
            for _ in 0..<count {
                let lengthAt = reader.offset
                let length = try reader.varint()
                guard spanIndex < spans[replica].count, length > 0,
                      length <= spans[replica][spanIndex].upperBound - sequence else {
                    throw DecodingError("record length \(length) does not fit the characters", at: lengthAt)
                }
                records.append(.init(first: sequence, length: length, left: nil, right: nil))
                sequence += length
                if sequence == spans[replica][spanIndex].upperBound {
                    spanIndex += 1
                    sequence = spanIndex < spans[replica].count ? spans[replica][spanIndex].lowerBound : 0
                }
            }
            guard spanIndex == spans[replica].count else {
                throw DecodingError("records of replica \(table.ids[replica]) do not cover its characters", at: at)
            }
            for index in records.indices {
                let modeAt = reader.offset
                let mode = try reader.byte()
                guard mode < 9 else { throw DecodingError("invalid origin mode \(mode)", at: modeAt) }
                let record = records[index]
                guard let first = order.position(replica: replica, sequence: record.first),
                      let last = order.position(replica: replica, sequence: record.end - 1) else {
                    throw DecodingError("record characters missing from the runs", at: modeAt)
                }
                let left = try origin(mode % 3, &reader, neighbour: first - 1, relativeTo: record.first, order: order)
                let right = try origin(mode / 3, &reader, neighbour: last + 1, relativeTo: record.first, order: order)
                // Origins must stand outside the record, on their own side.
                if let left {
                    guard let position = position(of: left, in: order), position < first else {
                        throw DecodingError("left origin \(left) does not precede its characters", at: modeAt)
                    }
                }
                if let right {
                    guard let position = position(of: right, in: order), position > last else {
                        throw DecodingError("right origin \(right) does not follow its characters", at: modeAt)
                    }
                }
                records[index].left = left
                records[index].right = right
            }
            all.append(records)
        }
        return all
    }

    private func position(of id: CharacterID, in order: TextOrderIndex) -> Int? {
        guard let replica = replicaNumbers[id.replica] else { return nil }
        return order.position(replica: replica, sequence: id.sequence)
    }

    private func origin(
        _ mode: UInt8, _ reader: inout ByteReader, neighbour: Int, relativeTo first: UInt64, order: TextOrderIndex
    ) throws(DecodingError) -> CharacterID? {
        let at = reader.offset
        switch mode {
        case 0:
            return nil
        case 1:
            guard let (replica, sequence) = order.character(at: neighbour) else {
                throw DecodingError("origin names a neighbour past the text's edge", at: at)
            }
            return CharacterID(replica: table.ids[replica], sequence: sequence)
        default:
            let replica = try reader.count(max: table.ids.count - 1, "origin replica")
            let sequence = first &+ UInt64(bitPattern: try reader.signed())
            guard order.position(replica: replica, sequence: sequence) != nil else {
                throw DecodingError("origin \(sequence)@\(table.ids[replica]) is not in the text", at: at)
            }
            return CharacterID(replica: table.ids[replica], sequence: sequence)
        }
    }

    private func decodePending(_ reader: inout ByteReader) throws(DecodingError) -> [ReplicaID: [Range<UInt64>]] {
        let count = try reader.count(max: table.ids.count, "pending replica count")
        var pending: [ReplicaID: [Range<UInt64>]] = [:]
        for _ in 0..<count {
            let at = reader.offset
            let replica = try reader.count(max: table.ids.count - 1, "pending replica")
            guard pending[table.ids[replica]] == nil else { throw DecodingError("pending replica listed twice", at: at) }
            let rangeCount = try reader.count(max: reader.remaining / 2, "pending range count")
            guard rangeCount > 0 else { throw DecodingError("empty pending list", at: at) }
            var ranges: [Range<UInt64>] = []
            var previousEnd: UInt64 = 0
            var span = 0
            for _ in 0..<rangeCount {
                let rangeAt = reader.offset
                let gap = try reader.varint()
                let length = try reader.varint()
                guard gap > 0, length > 0, gap <= UInt64.max - previousEnd,
                      length <= UInt64.max - (previousEnd + gap) else {
                    throw DecodingError("invalid pending deletion range", at: rangeAt)
                }
                let range = (previousEnd + gap)..<(previousEnd + gap + length)
                // Pending means not arrived: it must not overlap a known span.
                // Both lists are sorted: walk them together.
                while span < spans[replica].count && spans[replica][span].upperBound <= range.lowerBound { span += 1 }
                guard span == spans[replica].count || !spans[replica][span].overlaps(range) else {
                    throw DecodingError("pending deletion names characters already present", at: rangeAt)
                }
                ranges.append(range)
                previousEnd = range.upperBound
            }
            pending[table.ids[replica]] = ranges
        }
        return pending
    }
}
