/// A minimal edit script between two scalar arrays: Myers' O(ND)
/// difference algorithm in its linear-space form (bisect on the middle
/// snake, as in diff-match-patch), after trimming the common prefix and
/// suffix. Typical edits (a few changed places in a long text) cost about
/// O(N·D) with small D.
///
/// A budget bounds the work on pathological inputs (two long unrelated
/// texts): once spent, the parts still undecided are replaced wholesale,
/// which stays correct but is no longer minimal.
enum TextDiff {
    /// Replace `old` (a range of the old text) by `new` (a range of the new
    /// text). Hunks are in order, non-overlapping and never adjacent.
    struct Hunk: Hashable {
        var old: Range<Int>
        var new: Range<Int>
    }

    /// Inner-loop steps allowed before falling back to wholesale replacement.
    static let defaultBudget = 50_000_000

    static func hunks(from old: [UInt32], to new: [UInt32], budget: Int = defaultBudget) -> [Hunk] {
        var differ = Differ(a: old, b: new, budget: budget)
        differ.diff(0..<old.count, 0..<new.count)
        return differ.hunks
    }

    private struct Differ {
        let a: [UInt32]
        let b: [UInt32]
        var budget: Int
        var hunks: [Hunk] = []

        init(a: [UInt32], b: [UInt32], budget: Int) {
            self.a = a
            self.b = b
            self.budget = budget
        }

        /// Appends the hunk, merging it with the previous one when they touch.
        mutating func emit(_ old: Range<Int>, _ new: Range<Int>) {
            guard !old.isEmpty || !new.isEmpty else { return }
            if let last = hunks.last, last.old.upperBound == old.lowerBound, last.new.upperBound == new.lowerBound {
                hunks[hunks.count - 1] = Hunk(old: last.old.lowerBound..<old.upperBound, new: last.new.lowerBound..<new.upperBound)
            } else {
                hunks.append(Hunk(old: old, new: new))
            }
        }

        mutating func diff(_ oldRange: Range<Int>, _ newRange: Range<Int>) {
            var aLow = oldRange.lowerBound, aHigh = oldRange.upperBound
            var bLow = newRange.lowerBound, bHigh = newRange.upperBound
            while aLow < aHigh && bLow < bHigh && a[aLow] == b[bLow] {
                aLow += 1
                bLow += 1
            }
            while aLow < aHigh && bLow < bHigh && a[aHigh - 1] == b[bHigh - 1] {
                aHigh -= 1
                bHigh -= 1
            }
            if aLow == aHigh || bLow == bHigh || budget <= 0 {
                emit(aLow..<aHigh, bLow..<bHigh)
                return
            }
            if let (x, y) = bisect(aLow..<aHigh, bLow..<bHigh) {
                diff(aLow..<x, bLow..<y)
                diff(x..<aHigh, y..<bHigh)
            } else {
                emit(aLow..<aHigh, bLow..<bHigh)
            }
        }

        /// A point (x, y) on a shortest edit path, found where the forward
        /// and backward searches meet; `nil` when the budget runs out.
        mutating func bisect(_ oldRange: Range<Int>, _ newRange: Range<Int>) -> (Int, Int)? {
            let aBase = oldRange.lowerBound, bBase = newRange.lowerBound
            let n = oldRange.count, m = newRange.count
            let maxD = (n + m + 1) / 2
            let offset = maxD
            let width = 2 * maxD + 2
            var forward = [Int](repeating: -1, count: width)
            var backward = [Int](repeating: -1, count: width)
            forward[offset + 1] = 0
            backward[offset + 1] = 0
            let delta = n - m
            // With an odd delta the paths meet during a forward step.
            let meetsForward = delta % 2 != 0
            var k1Start = 0, k1End = 0, k2Start = 0, k2End = 0
            for d in 0..<maxD {
                var k1 = -d + k1Start
                while k1 <= d - k1End {
                    let index = offset + k1
                    var x1 = (k1 == -d || (k1 != d && forward[index - 1] < forward[index + 1]))
                        ? forward[index + 1] : forward[index - 1] + 1
                    var y1 = x1 - k1
                    let snakeStart = x1
                    while x1 < n && y1 < m && a[aBase + x1] == b[bBase + y1] {
                        x1 += 1
                        y1 += 1
                    }
                    budget -= 1 + x1 - snakeStart
                    forward[index] = x1
                    if x1 > n {
                        k1End += 2
                    } else if y1 > m {
                        k1Start += 2
                    } else if meetsForward {
                        let other = offset + delta - k1
                        if other >= 0 && other < width && backward[other] != -1 && x1 >= n - backward[other] {
                            return (aBase + x1, bBase + y1)
                        }
                    }
                    k1 += 2
                }
                var k2 = -d + k2Start
                while k2 <= d - k2End {
                    let index = offset + k2
                    var x2 = (k2 == -d || (k2 != d && backward[index - 1] < backward[index + 1]))
                        ? backward[index + 1] : backward[index - 1] + 1
                    var y2 = x2 - k2
                    let snakeStart = x2
                    while x2 < n && y2 < m && a[aBase + n - x2 - 1] == b[bBase + m - y2 - 1] {
                        x2 += 1
                        y2 += 1
                    }
                    budget -= 1 + x2 - snakeStart
                    backward[index] = x2
                    if x2 > n {
                        k2End += 2
                    } else if y2 > m {
                        k2Start += 2
                    } else if !meetsForward {
                        let other = offset + delta - k2
                        if other >= 0 && other < width && forward[other] != -1 {
                            let x1 = forward[other]
                            let y1 = offset + x1 - other
                            if x1 >= n - x2 { return (aBase + x1, bBase + y1) }
                        }
                    }
                    k2 += 2
                }
                if budget <= 0 { return nil }
            }
            return nil
        }
    }
}
