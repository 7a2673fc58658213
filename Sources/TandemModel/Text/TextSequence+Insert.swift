extension TextSequence {
    /// Inserts `string` before visible position `position` (0...count) as
    /// typed by `replica`, and returns the operation to send to others.
    ///
    /// The characters get the replica's next sequences. Inserting an empty
    /// string changes nothing and returns an empty operation.
    @discardableResult
    public mutating func insert(_ string: String, at position: Int, by replica: ReplicaID) -> TextInsertion {
        precondition(position >= 0 && position <= count, "insert position \(position) outside 0...\(count)")
        let scalars = Array(string.unicodeScalars)
        let first = nextSequence(for: replica)
        precondition(first <= UInt64.max - UInt64(scalars.count), "sequences of \(replica) exhausted")
        // FugueMax's origins: the visible character before the cursor, and
        // whatever follows it in the full sequence, tombstones included.
        let leftLocation = position > 0 ? locateVisible(position - 1) : nil
        let rightLocation = leftLocation.map { location(after: $0) } ?? firstLocation()
        let insertion = TextInsertion(
            id: CharacterID(replica: replica, sequence: first),
            leftOrigin: leftLocation.map(characterID(at:)),
            rightOrigin: rightLocation.map(characterID(at:)),
            text: string
        )
        guard !scalars.isEmpty else { return insertion }
        let log = logNumber(for: replica)
        // Nothing stands between the two origins, so no concurrent insertion
        // can compete for the spot: place the run right after the left one.
        place(
            log: log, first: first, scalars: scalars[...],
            left: insertion.leftOrigin, right: insertion.rightOrigin, after: leftLocation
        )
        return insertion
    }

    /// Whether ``apply(_:)-(TextInsertion)`` would succeed now: both origins
    /// have arrived (or the insertion is already in the text).
    public func canApply(_ insertion: TextInsertion) -> Bool {
        if let left = insertion.leftOrigin, !contains(left), !contains(insertion.id) { return false }
        if let right = insertion.rightOrigin, !contains(right) { return false }
        return true
    }

    /// Merges an insertion from another replica.
    ///
    /// Idempotent: characters already in the text are skipped. Throws
    /// ``TextError/Code/missingOrigin`` when an origin has not arrived (hold
    /// the operation and retry after applying others), and
    /// ``TextError/Code/invalidOperation`` for operations no correct replica
    /// sends. Neither error changes the text.
    public mutating func apply(_ insertion: TextInsertion) throws(TextError) {
        let scalars = Array(insertion.text.unicodeScalars)
        guard !scalars.isEmpty else { return }
        let first = insertion.id.sequence
        guard first > 0, first <= UInt64.max - UInt64(scalars.count) else {
            throw TextError(.invalidOperation, "sequences \(first) + \(scalars.count) out of range", character: insertion.id)
        }
        let all = first..<(first + UInt64(scalars.count))
        let parts = logIndex[insertion.id.replica].map { logs[Int($0)].unknownParts(of: all) } ?? [all]
        guard !parts.isEmpty else { return }
        // Check every origin before changing anything. A part after the
        // first has an earlier character of this insertion, already here,
        // as its left origin.
        if parts[0].lowerBound == first, let left = insertion.leftOrigin, !contains(left) {
            throw .missingOrigin(left)
        }
        if let right = insertion.rightOrigin {
            guard contains(right) else { throw .missingOrigin(right) }
            guard !all.contains(right.sequence) || right.replica != insertion.id.replica else {
                throw TextError(.invalidOperation, "insertion is its own right origin", character: right)
            }
        }
        let isNewReplica = logIndex[insertion.id.replica] == nil
        let log = logNumber(for: insertion.id.replica)
        for (index, part) in parts.enumerated() {
            let left = part.lowerBound == first
                ? insertion.leftOrigin
                : CharacterID(replica: insertion.id.replica, sequence: part.lowerBound - 1)
            let offset = Int(part.lowerBound - first)
            do {
                try integrate(
                    log: log, first: part.lowerBound,
                    scalars: scalars[offset..<(offset + part.count)],
                    left: left, right: insertion.rightOrigin
                )
            } catch {
                // Rejected before anything was placed: leave no empty log behind.
                if index == 0 && isNewReplica {
                    logs.removeLast()
                    logIndex[insertion.id.replica] = nil
                }
                throw error
            }
        }
    }

    /// FugueMax's placement of a remote run between its origins, in the
    /// list form Weidner and Kleppmann prove equivalent to the tree (it is
    /// Gentle's "YjsMod"): scan the characters that already stand between
    /// the origins and skip those that sort before the new run.
    private mutating func integrate(
        log: Int, first: UInt64, scalars: ArraySlice<Unicode.Scalar>,
        left: CharacterID?, right: CharacterID?
    ) throws(TextError) {
        let leftLocation = left.flatMap { locate($0) }
        // Usual case, an insertion made with nothing concurrent: the right
        // origin still directly follows the left one, so no scan is needed.
        let next = leftLocation.map { location(after: $0) } ?? firstLocation()
        if let next, let right, characterID(at: next) == right {
            place(log: log, first: first, scalars: scalars, left: left, right: right, after: leftLocation)
            return
        }
        if next == nil && right == nil {
            place(log: log, first: first, scalars: scalars, left: left, right: right, after: leftLocation)
            return
        }
        // Collect the region strictly between the origins, as pieces of runs.
        var region = try Region(of: self, after: leftLocation, before: right)
        var destination = 0
        if region.length > 0 {
            destination = region.placement(
                of: CharacterID(replica: logs[log].id, sequence: first), left: left, right: right, in: self
            )
        }
        let after = destination == 0 ? leftLocation : region.location(ofCharacter: destination - 1)
        place(log: log, first: first, scalars: scalars, left: left, right: right, after: after)
    }

    /// Puts new characters right after `location` and logs them: their
    /// scalars, leaf and origins. Extends the run ending at `location` when
    /// the new characters continue it, which is what keeps typing one run.
    mutating func place(
        log: Int, first: UInt64, scalars: ArraySlice<Unicode.Scalar>,
        left: CharacterID?, right: CharacterID?, after location: Location?
    ) {
        let length = scalars.count
        precondition(length < Int(UInt32.max), "insertion of \(length) characters is too long")
        if let location {
            let run = run(at: location)
            if location.offset + 1 == Int(run.length), Int(run.replica) == log, run.end == first,
               !run.isDeleted, Int(run.length) + length <= Int(UInt32.max) {
                leaves[location.leaf].runs[location.run].length += UInt32(length)
                logs[log].add(first: first, scalars: scalars, leaf: location.leaf)
                logs[log].addRecord(first: first, length: UInt64(length), left: left, right: right)
                adjustVisible(leaf: location.leaf, by: length)
                applyPendingDeletions(log: log, range: first..<(first + UInt64(length)))
                return
            }
        }
        logs[log].add(first: first, scalars: scalars, leaf: leaf(after: location))
        logs[log].addRecord(first: first, length: UInt64(length), left: left, right: right)
        insertRun(TextRun(sequence: first, replica: UInt32(log), length: UInt32(length), deletedIn: 0), after: location)
        applyPendingDeletions(log: log, range: first..<(first + UInt64(length)))
    }
}
