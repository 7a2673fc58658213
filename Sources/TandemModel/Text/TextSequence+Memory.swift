extension TextSequence {
    /// Approximate heap bytes this sequence holds: its arrays' capacities
    /// times their element sizes, dictionaries counted by their entries.
    /// For benchmarks and capacity planning; allocator overhead is not
    /// included.
    public var memoryFootprint: Int {
        var bytes = leaves.capacity * MemoryLayout<TextLeaf>.stride
        for leaf in leaves { bytes += leaf.runs.capacity * MemoryLayout<TextRun>.stride }
        bytes += (order.capacity + rankOfLeaf.capacity) * MemoryLayout<UInt32>.stride
        bytes += leaves.count * MemoryLayout<Int>.stride  // the Fenwick tree
        bytes += logs.capacity * MemoryLayout<TextReplicaLog>.stride
        for log in logs {
            bytes += log.spans.capacity * MemoryLayout<TextReplicaLog.Span>.stride
            bytes += log.records.capacity * MemoryLayout<TextReplicaLog.Record>.stride
            for span in log.spans {
                bytes += span.scalars.capacity * MemoryLayout<Unicode.Scalar>.stride
                bytes += span.leaves.capacity * MemoryLayout<UInt32>.stride
            }
        }
        bytes += logIndex.count * (MemoryLayout<ReplicaID>.stride + MemoryLayout<UInt32>.stride)
        for ranges in pendingDeletions.values { bytes += ranges.capacity * MemoryLayout<Range<UInt64>>.stride }
        return bytes
    }
}
