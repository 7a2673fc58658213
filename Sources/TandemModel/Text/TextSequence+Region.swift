extension TextSequence {
    /// The characters strictly between an insertion's two origins, where
    /// concurrent insertions compete, with FugueMax's choice among them.
    struct Region {
        /// Part of one run inside the region.
        struct Piece {
            var location: Location
            var replica: UInt32
            var sequence: UInt64
            var length: Int
            /// Index of the piece's first character within the region.
            var start: Int
        }

        private(set) var pieces: [Piece] = []
        private(set) var length = 0
        /// Per replica, the region's pieces as (first, end, start), sorted,
        /// so "is this origin inside the region?" is a binary search.
        private var byReplica: [UInt32: [(first: UInt64, end: UInt64, start: Int)]] = [:]

        /// Walks from just after `left` (the start when `nil`) up to the
        /// character `right` (the end when `nil`). Throws when `right` is
        /// not after `left`, which only a faulty replica can cause.
        init(of text: TextSequence, after left: Location?, before right: CharacterID?) throws(TextError) {
            var cursor = left.map { text.location(after: $0) } ?? text.firstLocation()
            let rightLog = right.flatMap { text.logIndex[$0.replica] }
            var reachedRight = right == nil
            while let location = cursor {
                let run = text.run(at: location)
                let sequence = run.sequence + UInt64(location.offset)
                var count = Int(run.length) - location.offset
                if let right, run.replica == rightLog, right.sequence >= sequence, right.sequence < run.end {
                    count = Int(right.sequence - sequence)
                    reachedRight = true
                }
                if count > 0 {
                    pieces.append(Piece(location: location, replica: run.replica, sequence: sequence, length: count, start: length))
                    length += count
                }
                if reachedRight && right != nil { break }
                cursor = text.nextRun(after: location)
            }
            guard reachedRight else {
                throw TextError(.invalidOperation, "right origin \(right!) does not follow the left origin", character: right)
            }
        }

        /// The region index of `id`, if the character lies in the region.
        private func regionIndex(of id: CharacterID?, in text: TextSequence) -> Int? {
            guard let id, let log = text.logIndex[id.replica], let list = byReplica[log] else { return nil }
            var low = 0, high = list.count
            while low < high {
                let mid = (low + high) / 2
                if list[mid].first <= id.sequence { low = mid + 1 } else { high = mid }
            }
            guard low > 0, id.sequence < list[low - 1].end else { return nil }
            return list[low - 1].start + Int(id.sequence - list[low - 1].first)
        }

        /// How many region characters precede the new run (whose first id is
        /// `id`) under FugueMax.
        ///
        /// For each character `o` in turn, compare its origins with ours.
        /// A left origin before ours means `o` belongs to an enclosing
        /// subtree: stop. A left origin inside the region means `o` hangs
        /// under an earlier region character: skip it. With the same left
        /// origin, `o` is a sibling: siblings are ordered by right origin,
        /// later first, then by id; one whose right origin is inside the
        /// region may still turn out to come first, so scanning goes on
        /// without committing ("scanning") until that is settled.
        mutating func placement(of id: CharacterID, left: CharacterID?, right: CharacterID?, in text: TextSequence) -> Int {
            for piece in pieces {
                byReplica[piece.replica, default: []].append((piece.sequence, piece.sequence + UInt64(piece.length), piece.start))
            }
            for key in byReplica.keys { byReplica[key]!.sort { $0.first < $1.first } }

            var destination = 0
            var scanning = false
            for piece in pieces {
                let log = text.logs[Int(piece.replica)]
                var sequence = piece.sequence
                let end = piece.sequence + UInt64(piece.length)
                var index = piece.start
                while sequence < end {
                    guard let record = log.record(containing: sequence) else { return destination }
                    // Inside a record, a character's left origin is its
                    // predecessor, which is the previous region character
                    // unless this is a piece's first: skip them in bulk.
                    if sequence != piece.sequence && sequence != record.first {
                        let stop = min(record.end, end)
                        index += Int(stop - sequence)
                        sequence = stop
                        continue
                    }
                    if !scanning { destination = index }
                    let otherLeft = sequence == record.first
                        ? record.left : CharacterID(replica: log.id, sequence: sequence - 1)
                    if otherLeft != left {
                        if regionIndex(of: otherLeft, in: text) == nil { return destination }
                        // Left origin inside the region: a descendant, skip.
                    } else if record.right == right {
                        if id < CharacterID(replica: log.id, sequence: sequence) { return destination }
                        scanning = false
                    } else if regionIndex(of: record.right, in: text) != nil {
                        // Its right origin is before ours: we may follow it.
                        scanning = true
                    } else {
                        scanning = false
                    }
                    index += 1
                    sequence += 1
                }
            }
            return scanning ? destination : length
        }

        /// Where region character `index` sits.
        func location(ofCharacter index: Int) -> Location {
            var low = 0, high = pieces.count
            while low < high {
                let mid = (low + high) / 2
                if pieces[mid].start <= index { low = mid + 1 } else { high = mid }
            }
            var location = pieces[low - 1].location
            location.offset += index - pieces[low - 1].start
            return location
        }
    }
}
