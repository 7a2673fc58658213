/// Positions of characters in the full sequence (tombstones included) for a
/// flat list of runs in document order. The encoder uses it to spot origins
/// that are plain neighbours; the decoder to rebuild them and to check that
/// every origin stands on the correct side of its character.
struct TextOrderIndex {
    private let runs: [TextRun]
    /// Full-sequence position of each run's first character.
    private let starts: [Int]
    /// Per replica, its runs' indices sorted by sequence.
    private let byReplica: [[Int]]

    init(runs: [TextRun], replicaCount: Int) {
        self.runs = runs
        var starts: [Int] = []
        starts.reserveCapacity(runs.count)
        var position = 0
        var byReplica = [[Int]](repeating: [], count: replicaCount)
        for (index, run) in runs.enumerated() {
            starts.append(position)
            position += Int(run.length)
            byReplica[Int(run.replica)].append(index)
        }
        for replica in byReplica.indices {
            byReplica[replica].sort { runs[$0].sequence < runs[$1].sequence }
        }
        self.starts = starts
        self.byReplica = byReplica
    }

    /// Total characters, tombstones included.
    var length: Int { (starts.last ?? 0) + Int(runs.last?.length ?? 0) }

    /// Runs of `replica`, sorted by sequence.
    func runs(of replica: Int) -> [TextRun] { byReplica[replica].map { runs[$0] } }

    /// The full-sequence position of character `sequence` of `replica`.
    func position(replica: Int, sequence: UInt64) -> Int? {
        guard replica >= 0, replica < byReplica.count else { return nil }
        let list = byReplica[replica]
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if runs[list[mid]].sequence <= sequence { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let run = runs[list[low - 1]]
        guard sequence < run.end else { return nil }
        return starts[list[low - 1]] + Int(sequence - run.sequence)
    }

    /// The character at full-sequence `position`, as (replica, sequence).
    func character(at position: Int) -> (replica: Int, sequence: UInt64)? {
        guard position >= 0, position < length else { return nil }
        var low = 0, high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] <= position { low = mid + 1 } else { high = mid }
        }
        let run = runs[low - 1]
        return (Int(run.replica), run.sequence + UInt64(position - starts[low - 1]))
    }
}
