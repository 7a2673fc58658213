extension TextSequence {
    /// Checks the internal bookkeeping (cached counts, leaf order, the
    /// per-character leaf map, run bounds) and returns what is wrong. For
    /// tests; O(n).
    func invariantViolations() -> [String] {
        var problems: [String] = []
        if order.count != leaves.count { problems.append("order has \(order.count) leaves of \(leaves.count)") }
        var total = 0
        for (position, leaf) in order.enumerated() {
            let leaf = Int(leaf)
            if Int(rankOfLeaf[leaf]) != position { problems.append("leaf \(leaf) rank \(rankOfLeaf[leaf]) != \(position)") }
            let runs = leaves[leaf].runs
            if runs.count > TextLeaf.maxRuns { problems.append("leaf \(leaf) holds \(runs.count) runs") }
            let visible = runs.reduce(0) { $0 + $1.visibleLength }
            if visible != leaves[leaf].visible { problems.append("leaf \(leaf) caches \(leaves[leaf].visible), holds \(visible)") }
            total += visible
            if total > 0, leafCounts.find(total - 1).position > position {
                problems.append("prefix count wrong at leaf position \(position)")
            }
            for run in runs {
                if run.length == 0 { problems.append("empty run in leaf \(leaf)") }
                if run.deletedIn > epoch { problems.append("tombstone from future epoch \(run.deletedIn)") }
                for sequence in run.sequence..<run.end where logs[Int(run.replica)].leaf(of: sequence) != leaf {
                    problems.append("character \(sequence) of log \(run.replica) mapped to the wrong leaf")
                    break
                }
            }
        }
        if total != count { problems.append("count \(count) but \(total) visible") }
        let known = logs.reduce(0) { $0 + $1.characterCount }
        var placed = 0
        forEachRun { placed += Int($0.length) }
        if known != placed { problems.append("\(known) characters logged, \(placed) placed") }
        return problems
    }
}
