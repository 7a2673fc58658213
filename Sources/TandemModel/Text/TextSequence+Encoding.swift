/// The binary form of a whole ``TextSequence``, tombstones included.
///
/// Column by column, so that similar values sit together and the varints
/// stay small (and compress well):
///
/// 1. format byte, deletion epoch, replica table (8 bytes per replica);
/// 2. per replica, its known sequences as spans (gap, length);
/// 3. the text of every character ever inserted, deleted ones included, as
///    one UTF-8 string, replica by replica in sequence order;
/// 4. the runs in document order: replica indices run-length encoded,
///    first sequences as signed deltas from the end of the same replica's
///    previous run, lengths, a deleted bit per run, and the tombstones'
///    epochs run-length encoded;
/// 5. per replica, its insertion records: lengths (they tile the spans,
///    so starts are implied) and one byte saying whether each origin is
///    absent, the plain document neighbour, or written out;
/// 6. deletions still waiting for their characters.
///
/// Decoding checks every count, range and cross-reference, so untrusted
/// bytes give a ``DecodingError`` and never a crash or an inconsistent text.
extension TextSequence {
    static let encodingFormat: UInt8 = 1

    /// How an origin is written: absent (start or end of text), the
    /// character right next to the record in the full sequence, or an id.
    private enum OriginMode: UInt8 {
        case none = 0, neighbour = 1, explicit = 2
    }

    /// Runs in document order with neighbours that continue each other
    /// merged, so the encoding does not depend on how leaves were split.
    private func mergedRuns() -> [TextRun] {
        var runs: [TextRun] = []
        forEachRun { run in
            if let last = runs.last, last.replica == run.replica, last.end == run.sequence,
               last.deletedIn == run.deletedIn, Int(last.length) + Int(run.length) <= Int(UInt32.max) {
                runs[runs.count - 1].length += run.length
            } else {
                runs.append(run)
            }
        }
        return runs
    }

    /// Writes the whole state, tombstones and their text included, in the
    /// columnar form described above.
    public func encode(into writer: inout ByteWriter) {
        writer.byte(Self.encodingFormat)
        writer.varint(UInt64(epoch))
        // Logs first, so a run's replica number is also its table index.
        var table = TextReplicaTable()
        for log in logs { _ = table.index(of: log.id) }
        for replica in pendingDeletions.keys.sorted() { _ = table.index(of: replica) }
        table.encode(into: &writer)

        for index in table.ids.indices {
            let spans = index < logs.count ? logs[index].spans : []
            writer.varint(spans.count)
            var previousEnd: UInt64 = 0
            for span in spans {
                writer.varint(span.first - previousEnd)
                writer.varint(span.scalars.count)
                previousEnd = span.end
            }
        }

        var utf8: [UInt8] = []
        for log in logs {
            for span in log.spans { appendUTF8(span.scalars[...], to: &utf8) }
        }
        writer.varint(utf8.count)
        writer.raw(utf8)

        let runs = mergedRuns()
        writer.varint(runs.count)
        encodeRunColumns(runs, replicaCount: table.ids.count, into: &writer)

        let order = TextOrderIndex(runs: runs, replicaCount: table.ids.count)
        for index in table.ids.indices {
            // Replicas known only from pending deletions have no records.
            let records = index < logs.count ? logs[index].records : []
            writer.varint(records.count)
            for record in records { writer.varint(record.length) }
            for record in records {
                let left = originMode(record.left, of: (index, record.first), offset: -1, order: order)
                let right = originMode(record.right, of: (index, record.end - 1), offset: 1, order: order)
                writer.byte(left.rawValue + 3 * right.rawValue)
                if left == .explicit { encodeOrigin(record.left!, relativeTo: record.first, table: &table, into: &writer) }
                if right == .explicit { encodeOrigin(record.right!, relativeTo: record.first, table: &table, into: &writer) }
            }
        }

        writer.varint(pendingDeletions.count)
        for replica in pendingDeletions.keys.sorted() {
            writer.varint(table.index(of: replica))
            let ranges = pendingDeletions[replica]!
            writer.varint(ranges.count)
            var previousEnd: UInt64 = 0
            for range in ranges {
                writer.varint(range.lowerBound - previousEnd)
                writer.varint(UInt64(range.count))
                previousEnd = range.upperBound
            }
        }
    }

    private func encodeRunColumns(_ runs: [TextRun], replicaCount: Int, into writer: inout ByteWriter) {
        // Replica indices, run-length encoded as (index, repeat) pairs.
        var index = 0
        while index < runs.count {
            var repeats = 1
            while index + repeats < runs.count && runs[index + repeats].replica == runs[index].replica { repeats += 1 }
            writer.varint(UInt64(runs[index].replica))
            writer.varint(repeats)
            index += repeats
        }
        var previousEnd = [UInt64](repeating: 0, count: replicaCount)
        for run in runs {
            writer.signed(Int64(bitPattern: run.sequence &- previousEnd[Int(run.replica)]))
            previousEnd[Int(run.replica)] = run.end
        }
        for run in runs { writer.varint(UInt64(run.length)) }
        var bits: UInt8 = 0
        for (index, run) in runs.enumerated() {
            if run.isDeleted { bits |= 1 << UInt8(index % 8) }
            if index % 8 == 7 || index == runs.count - 1 {
                writer.byte(bits)
                bits = 0
            }
        }
        // Epochs of the tombstones, as (epoch, repeat) pairs.
        let epochs = runs.filter(\.isDeleted).map(\.deletedIn)
        index = 0
        while index < epochs.count {
            var repeats = 1
            while index + repeats < epochs.count && epochs[index + repeats] == epochs[index] { repeats += 1 }
            writer.varint(UInt64(epochs[index]))
            writer.varint(repeats)
            index += repeats
        }
    }

    private func originMode(
        _ origin: CharacterID?, of character: (replica: Int, sequence: UInt64), offset: Int, order: TextOrderIndex
    ) -> OriginMode {
        guard let origin else { return .none }
        guard let position = order.position(replica: character.replica, sequence: character.sequence),
              let neighbour = order.character(at: position + offset) else { return .explicit }
        let id = CharacterID(replica: logs[neighbour.replica].id, sequence: neighbour.sequence)
        return id == origin ? .neighbour : .explicit
    }

    private func encodeOrigin(_ origin: CharacterID, relativeTo first: UInt64, table: inout TextReplicaTable, into writer: inout ByteWriter) {
        writer.varint(table.index(of: origin.replica))
        writer.signed(Int64(bitPattern: origin.sequence &- first))
    }

    /// Reads what ``encode(into:)`` wrote, checking everything.
    public init(decoding reader: inout ByteReader) throws(DecodingError) {
        var decoder = TextStateDecoder()
        self = try decoder.decode(&reader)
    }
}
