import TandemModel

/// Applies 1,000,000 field writes from 10 replicas to one plan document and
/// reports time (median of `runs`) and resident memory afterwards.
///
/// Operations are generated in chunks outside the timed region, so the figure
/// is the cost of merging, not of making test data; only one chunk is alive
/// at a time, so the memory figure is the document's, not the input's.
func runModelBenchmark(runs: Int, operations: Int = 1_000_000, replicas: Int = 10, entities: Int = 10_000) {
    print("model: \(operations) field writes from \(replicas) replicas onto \(entities) tasks, \(runs) runs")
    let fields = ["title", "status", "due", "estimate", "owner", "notes"]
    let baseline = residentMegabytes()
    var times: [Double] = []
    var outcome = ""
    for run in 0..<runs {
        var author = PlanReplica(replicaID: ReplicaID(1), wallClock: { 1_767_225_600_000 })
        let plan = author.create(.plan, under: nil)
        let phase = author.create(.phase, under: plan)
        var tasks: [EntityID] = []
        tasks.reserveCapacity(entities)
        for _ in 0..<entities { tasks.append(author.create(.task, under: phase)) }
        let setup = author.takeOutbox()

        var document = PlanDocument()
        let setupStart = ContinuousClock.now
        for op in setup { document.apply(op) }
        let setupTime = ContinuousClock.now - setupStart

        var writers = (0..<replicas).map { index in
            PlanReplica(replicaID: ReplicaID(UInt64(index + 2) &* 0x9E37_79B9_7F4A_7C15), wallClock: { 1_767_225_600_000 + UInt64(index) })
        }
        var counters = [UInt64](repeating: 1, count: replicas)
        var random = SeededRandom(seed: UInt64(run) + 1)
        var elapsed = Duration.zero
        let chunk = 10_000
        var made = 0
        while made < operations {
            // Round-robin batches of 1,000 per replica, like interleaved sync batches.
            var batch: [Operation] = []
            batch.reserveCapacity(chunk)
            while batch.count < chunk && made + batch.count < operations {
                let writer = (made + batch.count) / 1_000 % replicas
                for _ in 0..<min(1_000, chunk - batch.count, operations - made - batch.count) {
                    let entity = tasks[Int(random.next() % UInt64(entities))]
                    let field = fields[Int(random.next() % UInt64(fields.count))]
                    let value: Value = random.next() & 1 == 0 ? .int(Int64(random.next() % 1000)) : .string("v\(random.next() % 100)")
                    let id = OperationID(replica: writers[writer].replicaID, counter: counters[writer])
                    counters[writer] += 1
                    batch.append(Operation(id: id, time: HybridTimestamp(milliseconds: 1_767_225_600_000 + UInt64(made + batch.count)), author: nil,
                                           action: .set(entity: entity, field: field, value: value, previous: nil)))
                }
            }
            let start = ContinuousClock.now
            for op in batch { document.apply(op) }
            elapsed += ContinuousClock.now - start
            made += batch.count
        }
        _ = writers.count
        writers.removeAll()
        times.append(elapsed.seconds)
        outcome = "setup (\(setup.count) creates) \(format(setupTime.seconds * 1000)) ms; document holds \(document.operationCount) operations, \(document.entities.count) entities"
    }
    let median = times.sorted()[times.count / 2]
    print("  apply \(operations) writes: median \(format(median * 1000)) ms (\(format(Double(operations) / median / 1e6)) M ops/s); runs: \(times.map { format($0 * 1000) }.joined(separator: ", ")) ms")
    print("  \(outcome)")
    print("  resident memory after: \(format(residentMegabytes())) MB (process baseline before: \(format(baseline)) MB)")
    print("  targets: under 1,000 ms and under 200 MB")
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

func format(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}

/// Two replicas each add `count` tasks offline under the same 20 phases at the
/// same wall-clock time (so their stamps interleave), then one merges the
/// other's: the case that made a replicated move tree quadratic when every
/// late create replayed the later log. Prints the merge time per size and per
/// create: flat means linear.
func runConcurrentCreatesBenchmark(runs: Int, sizes: [Int] = [1_000, 10_000, 100_000]) {
    print("model: merging two replicas' concurrent offline creates (tasks under 20 shared phases, interleaved stamps), \(runs) runs")
    for count in sizes {
        var times: [Double] = []
        var replays = 0
        for _ in 0..<runs {
            var ana = PlanReplica(replicaID: ReplicaID(1), wallClock: { 1_767_225_600_000 })
            let plan = ana.create(.plan, under: nil)
            let phases = (0..<20).map { _ in ana.create(.phase, under: plan) }
            let shared = ana.takeOutbox()
            var bo = PlanReplica(replicaID: ReplicaID(2), wallClock: { 1_767_225_600_000 })
            for operation in shared { bo.receive(operation) }
            for index in 0..<count {
                _ = ana.create(.task, under: phases[index % 20])
                _ = bo.create(.task, under: phases[(index * 7) % 20])
            }
            _ = ana.takeOutbox()
            let fromBo = bo.takeOutbox()
            let start = ContinuousClock.now
            for operation in fromBo { ana.receive(operation) }
            times.append((ContinuousClock.now - start).seconds)
            replays = ana.document.treeRedoCount
        }
        let median = times.sorted()[times.count / 2]
        print("  \(count) + \(count) creates: merge median \(format(median * 1000)) ms, \(format(median / Double(count) * 1e9)) ns per create merged; tree entries replayed: \(replays)")
    }
}
