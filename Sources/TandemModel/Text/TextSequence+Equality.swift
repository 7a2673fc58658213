extension TextSequence: Hashable {
    /// A run in replica-id terms, independent of local numbering and leaves.
    private struct CanonicalRun: Hashable {
        var replica: ReplicaID
        var first: UInt64
        var length: UInt64
        var deleted: Bool
    }

    /// A replica's characters and origins, independent of arrival order.
    private struct CanonicalLog: Hashable {
        var spans: [UInt64] = []
        var scalars: [Unicode.Scalar] = []
        var records: [TextReplicaLog.Record] = []
    }

    /// The document order as maximal runs. Deletion epochs are local
    /// history and left out.
    private func canonicalRuns() -> [CanonicalRun] {
        var runs: [CanonicalRun] = []
        forEachRun { run in
            let replica = logs[Int(run.replica)].id
            if let last = runs.last, last.replica == replica, last.first + last.length == run.sequence,
               last.deleted == run.isDeleted {
                runs[runs.count - 1].length += UInt64(run.length)
            } else {
                runs.append(CanonicalRun(replica: replica, first: run.sequence, length: UInt64(run.length), deleted: run.isDeleted))
            }
        }
        return runs
    }

    private func canonicalLogs() -> [ReplicaID: CanonicalLog] {
        var result: [ReplicaID: CanonicalLog] = [:]
        for log in logs where !log.spans.isEmpty {
            var canonical = CanonicalLog()
            for span in log.spans {
                canonical.spans.append(span.first)
                canonical.spans.append(UInt64(span.scalars.count))
                canonical.scalars.append(contentsOf: span.scalars)
            }
            // Records that continue each other (typed in one go but received
            // in pieces) count as one.
            for record in log.records {
                if let last = canonical.records.last, last.end == record.first, last.right == record.right,
                   record.left == CharacterID(replica: log.id, sequence: record.first - 1) {
                    canonical.records[canonical.records.count - 1].length += record.length
                } else {
                    canonical.records.append(record)
                }
            }
            result[log.id] = canonical
        }
        return result
    }

    /// Same characters in the same order with the same text, origins and
    /// deletions, and the same pending deletions. O(n).
    public static func == (lhs: TextSequence, rhs: TextSequence) -> Bool {
        lhs.count == rhs.count && lhs.pendingDeletions == rhs.pendingDeletions
            && lhs.canonicalRuns() == rhs.canonicalRuns() && lhs.canonicalLogs() == rhs.canonicalLogs()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine(canonicalRuns())
    }
}
