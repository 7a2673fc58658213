/// A distribution of whole-day values: percentiles and a histogram, so a
/// typical value is never shown without its spread (seed 1 on why averages of
/// time-to-value mislead).
public struct Distribution: Hashable, Sendable {
    public struct Bin: Hashable, Sendable {
        /// Values v with lower <= v < upper.
        public let lower: Int
        public let upper: Int
        public let count: Int
    }

    /// The observed values, ascending.
    public let values: [Int]
    /// Cases not observed yet (e.g. plans that have not reached value): counted, never averaged in.
    public let unfinished: Int
    public let binWidth: Int

    public init(_ values: [Int], unfinished: Int = 0, binWidth: Int = 7) {
        self.values = values.sorted()
        self.unfinished = unfinished
        self.binWidth = max(1, binWidth)
    }

    public var count: Int { values.count }

    /// The nearest-rank percentile: the value at rank ⌈p/100 × n⌉ (1-based) of the sorted values.
    public func percentile(_ p: Double) -> Int? {
        guard !values.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(values.count)).rounded(.up))
        return values[min(max(rank, 1), values.count) - 1]
    }

    public var p10: Int? { percentile(10) }
    public var p50: Int? { percentile(50) }
    public var p90: Int? { percentile(90) }
    public var mean: Double? { values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count) }

    /// Fixed-width bins from the bin holding the smallest value to the one holding the largest.
    public var histogram: [Bin] {
        guard let first = values.first, let last = values.last else { return [] }
        let low = floorDiv(first, binWidth) * binWidth
        let high = floorDiv(last, binWidth) * binWidth
        var counts = [Int](repeating: 0, count: (high - low) / binWidth + 1)
        for v in values { counts[(v - low) / binWidth] += 1 }
        return counts.enumerated().map { i, c in Bin(lower: low + i * binWidth, upper: low + (i + 1) * binWidth, count: c) }
    }

    private func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
