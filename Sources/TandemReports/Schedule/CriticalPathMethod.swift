import TandemModel

/// The forward and backward passes over a ``ScheduleInput``, on integer day
/// numbers. Cycles are found first and the edges inside them set aside, so a
/// cyclic plan still gets a schedule for everything else.
struct CriticalPathMethod {
    struct Result {
        var nodes: [NodeTiming]
        var goLive: Int?
        var criticalPath: [Int]
        var cycles: [DependencyCycle]
    }

    let input: ScheduleInput
    let count: Int

    init(_ input: ScheduleInput) {
        self.input = input
        self.count = input.nodes.count
    }

    func run() -> Result {
        var active = [Bool](repeating: true, count: input.edges.count)
        var order = topologicalOrder(active)
        var cycles: [DependencyCycle] = []
        var inCycle = [Bool](repeating: false, count: count)
        if order.count < count {
            // Kahn's algorithm leaves every node in or after a cycle; find the cycles among them.
            let ordered = Set(order)
            let leftover = (0..<count).filter { !ordered.contains($0) }
            var successors = [[Int]](repeating: [], count: count)
            for edge in input.edges { successors[edge.from].append(edge.to) }
            for component in CycleFinder.cyclicComponents(nodeCount: count, successors: successors, among: leftover) {
                let members = Set(component)
                var ignored: [EntityID] = []
                for (e, edge) in input.edges.enumerated() where members.contains(edge.from) && members.contains(edge.to) {
                    active[e] = false
                    if let dependency = edge.dependency { ignored.append(dependency) }
                }
                for node in component { inCycle[node] = true }
                let loop = CycleFinder.loop(in: component, successors: successors)
                cycles.append(DependencyCycle(tasks: loop.compactMap { input.nodes[$0].kind.taskID },
                                              members: component.compactMap { input.nodes[$0].kind.taskID },
                                              ignoredDependencies: ignored.sorted()))
            }
            order = topologicalOrder(active)
        }

        // Forward pass.
        var earlyStart = [Int](repeating: 0, count: count)
        var earlyFinish = [Int](repeating: 0, count: count)
        var incoming = [[Int]](repeating: [], count: count)
        var outgoing = [[Int]](repeating: [], count: count)
        for (e, edge) in input.edges.enumerated() where active[e] {
            incoming[edge.to].append(e)
            outgoing[edge.from].append(e)
        }
        for n in order {
            let node = input.nodes[n]
            if let fixed = node.fixedFinish {
                earlyFinish[n] = fixed
                earlyStart[n] = fixed - node.duration
                continue
            }
            var start = node.earliestStart
            var finishFloor = node.earliestFinish ?? Int.min
            for e in incoming[n] {
                let edge = input.edges[e]
                switch edge.kind {
                case .finishToStart: start = max(start, earlyFinish[edge.from] + edge.lag)
                case .finishToFinish: finishFloor = max(finishFloor, earlyFinish[edge.from] + edge.lag)
                }
            }
            earlyStart[n] = start
            earlyFinish[n] = max(start + node.duration, finishFloor) + node.delay
        }
        var goLive: Int? = nil
        for n in 0..<count where input.nodes[n].kind.taskID != nil {
            goLive = max(goLive ?? earlyFinish[n], earlyFinish[n])
        }
        let anchor = goLive ?? input.today

        // Backward pass: latest dates that keep the projected go-live. A finished
        // successor constrains nothing any more.
        var lateFinish = [Int](repeating: anchor, count: count)
        var lateStart = [Int](repeating: anchor, count: count)
        for n in order.reversed() {
            var latest = anchor
            for e in outgoing[n] {
                let edge = input.edges[e]
                if input.nodes[edge.to].isFinished { continue }
                switch edge.kind {
                case .finishToStart: latest = min(latest, lateStart[edge.to] - edge.lag)
                case .finishToFinish: latest = min(latest, lateFinish[edge.to] - edge.lag)
                }
            }
            lateFinish[n] = latest
            lateStart[n] = latest - (earlyFinish[n] - earlyStart[n])
        }

        let shift = input.target.map { $0 - anchor }
        var timings: [NodeTiming] = []
        timings.reserveCapacity(count)
        for n in 0..<count {
            let node = input.nodes[n]
            let float = lateFinish[n] - earlyFinish[n]
            timings.append(NodeTiming(
                kind: node.kind, earlyStart: earlyStart[n], earlyFinish: earlyFinish[n],
                lateStart: lateStart[n], lateFinish: lateFinish[n], totalFloat: node.isFinished ? 0 : float,
                latestFinishForTarget: shift.map { lateFinish[n] + $0 }, due: node.due,
                isFinished: node.isFinished, isCritical: !node.isFinished && float <= 0, inCycle: inCycle[n]))
        }
        let path = criticalPath(timings, incoming: incoming, earlyStart: earlyStart, earlyFinish: earlyFinish)
        return Result(nodes: timings, goLive: goLive, criticalPath: path, cycles: cycles)
    }

    /// Kahn's algorithm over the active edges, taking ready nodes in index order
    /// so the result is deterministic.
    private func topologicalOrder(_ active: [Bool]) -> [Int] {
        var indegree = [Int](repeating: 0, count: count)
        var successors = [[Int]](repeating: [], count: count)
        for (e, edge) in input.edges.enumerated() where active[e] {
            indegree[edge.to] += 1
            successors[edge.from].append(edge.to)
        }
        var order: [Int] = []
        order.reserveCapacity(count)
        for n in 0..<count where indegree[n] == 0 { order.append(n) }
        var head = 0
        while head < order.count {
            let n = order[head]; head += 1
            for s in successors[n] {
                indegree[s] -= 1
                if indegree[s] == 0 { order.append(s) }
            }
        }
        return order
    }

    /// From the critical task that finishes last, back through the predecessors
    /// that drive each start (or finish), keeping critical tasks only.
    private func criticalPath(_ timings: [NodeTiming], incoming: [[Int]], earlyStart: [Int], earlyFinish: [Int]) -> [Int] {
        var end: Int? = nil
        for n in 0..<count where timings[n].isCritical && timings[n].task != nil {
            if end == nil || earlyFinish[n] > earlyFinish[end!] { end = n }
        }
        guard var current = end else { return [] }
        var path = [current]
        var seen: Set<Int> = [current]
        while true {
            // Follow what drives the finish: the start (finish-to-start) when the
            // node simply runs its duration, else a subtask's finish.
            let node = input.nodes[current]
            let startDriven = earlyStart[current] + node.duration + node.delay == earlyFinish[current]
            var driver: Int? = nil
            for e in incoming[current] {
                let edge = input.edges[e]
                guard driver == nil, timings[edge.from].isCritical, !seen.contains(edge.from) else { continue }
                switch edge.kind {
                case .finishToStart:
                    if startDriven, earlyFinish[edge.from] + edge.lag == earlyStart[current] { driver = edge.from }
                case .finishToFinish:
                    if !startDriven, earlyFinish[edge.from] + edge.lag == earlyFinish[current] { driver = edge.from }
                }
            }
            guard let next = driver else { break }
            path.append(next)
            seen.insert(next)
            current = next
        }
        return path.reversed()
    }
}
