/// A bounded slice of the text's runs, in document order, with its visible
/// length cached so position lookups skip whole leaves.
struct TextLeaf: Hashable {
    /// Splitting at this many runs keeps the scan inside a leaf short and the
    /// array shifts on insertion cheap (at most 64 × 24 bytes).
    static let maxRuns = 64

    var runs: [TextRun] = []
    var visible = 0

    /// The run holding `sequence` of replica `replica`, if this leaf has it.
    func runIndex(replica: UInt32, sequence: UInt64) -> Int? {
        runs.firstIndex { $0.contains(replica: replica, sequence: sequence) }
    }
}
