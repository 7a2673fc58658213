/// Strongly connected components (Tarjan's algorithm, iterative so a long
/// chain cannot overflow the stack) and one loop through each.
enum CycleFinder {
    /// Components with a cycle: more than one node, or a node with an edge to itself.
    static func cyclicComponents(nodeCount: Int, successors: [[Int]], among candidates: [Int]) -> [[Int]] {
        var index = [Int](repeating: -1, count: nodeCount)
        var low = [Int](repeating: 0, count: nodeCount)
        var onStack = [Bool](repeating: false, count: nodeCount)
        var stack: [Int] = []
        var counter = 0
        var result: [[Int]] = []
        let allowed = Set(candidates)
        for root in candidates where index[root] == -1 {
            // Frames: (node, next successor position).
            var frames: [(Int, Int)] = [(root, 0)]
            index[root] = counter; low[root] = counter; counter += 1
            stack.append(root); onStack[root] = true
            while !frames.isEmpty {
                let (node, position) = frames[frames.count - 1]
                let next = successors[node]
                if position < next.count {
                    frames[frames.count - 1].1 += 1
                    let successor = next[position]
                    guard allowed.contains(successor) else { continue }
                    if index[successor] == -1 {
                        index[successor] = counter; low[successor] = counter; counter += 1
                        stack.append(successor); onStack[successor] = true
                        frames.append((successor, 0))
                    } else if onStack[successor] {
                        low[node] = min(low[node], index[successor])
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last { low[parent.0] = min(low[parent.0], low[node]) }
                if low[node] == index[node] {
                    var component: [Int] = []
                    while let top = stack.popLast() {
                        onStack[top] = false
                        component.append(top)
                        if top == node { break }
                    }
                    if component.count > 1 || successors[node].contains(node) { result.append(component.sorted()) }
                }
            }
        }
        return result.sorted { $0[0] < $1[0] }
    }

    /// A shortest loop from the component's first node back to itself.
    static func loop(in component: [Int], successors: [[Int]]) -> [Int] {
        let members = Set(component)
        let start = component[0]
        var previous: [Int: Int] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]; head += 1
            for successor in successors[node] where members.contains(successor) {
                if successor == start {
                    var path = [node]
                    while let back = previous[path.last!] { path.append(back) }
                    return Array(path.reversed())
                }
                if previous[successor] == nil, successor != start {
                    previous[successor] = node
                    queue.append(successor)
                }
            }
        }
        return [start]
    }
}
