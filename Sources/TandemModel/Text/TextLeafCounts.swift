/// Prefix sums of the leaves' visible lengths in document order (a Fenwick
/// tree), so finding the leaf at a visible position is O(log leaves).
struct TextLeafCounts: Hashable {
    /// 1-based Fenwick array; `tree[0]` is unused.
    private var tree: [Int] = [0]

    init() {}

    /// Rebuilt whenever a leaf is added, which happens once per
    /// `maxRuns / 2` inserted runs, so O(leaves) there is cheap.
    init(_ counts: [Int]) {
        tree = [0] + counts
        let n = counts.count
        if n > 0 {
            for i in 1...n {
                let parent = i + (i & -i)
                if parent <= n { tree[parent] += tree[i] }
            }
        }
    }

    mutating func add(_ delta: Int, at position: Int) {
        var i = position + 1
        while i < tree.count {
            tree[i] += delta
            i += i & -i
        }
    }

    /// The document-order position of the leaf holding visible index
    /// `index`, and the index within that leaf. Leaves with nothing visible
    /// are skipped. `index` must be below the total.
    func find(_ index: Int) -> (position: Int, remainder: Int) {
        let n = tree.count - 1
        var position = 0
        var remainder = index
        var step = 1
        while step * 2 <= n { step *= 2 }
        while step > 0 {
            let next = position + step
            if next <= n && tree[next] <= remainder {
                position = next
                remainder -= tree[next]
            }
            step /= 2
        }
        return (position, remainder)
    }
}
