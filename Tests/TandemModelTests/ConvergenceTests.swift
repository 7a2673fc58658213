import Testing
@testable import TandemModel
import TandemTesting

@Suite("CRDT laws over random histories")
struct ConvergenceTests {
    @Test("2–8 replicas converge whatever the order and duplication of delivery", arguments: 0..<400)
    func replicasConverge(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) &* 7919)
        var sim = ReplicaSimulation(seed: UInt64(seed), replicaCount: Int.random(in: 2...8, using: &random))
        sim.run(steps: Int.random(in: 10...80, using: &random))
        sim.deliverAll()
        let reference = sim.replicas[0].document
        for replica in sim.replicas {
            #expect(replica.document.canonicalText() == reference.canonicalText(), "seed \(seed)")
            #expect(replica.document == reference, "seed \(seed): full state differs")
            #expect(replica.document.waitingOperations.isEmpty)
            #expect(replica.document.treeIsSound(), "seed \(seed): cycle or lost node")
        }
    }

    @Test("concurrent moves never create a cycle nor lose a node", arguments: 0..<300)
    func concurrentMovesStayATree(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) ^ 0xABCDEF)
        var replicas = (1...Int.random(in: 3...5, using: &random)).map { PlanReplica(replicaID: ReplicaID(UInt64($0)), wallClock: { 1_000 }) }
        // A shared tree of 8 nodes.
        let root = replicas[0].create("plan", under: nil)
        var nodes: [EntityID] = []
        for _ in 0..<8 { nodes.append(replicas[0].create("task", under: random.chance(0.5) ? root : (nodes.last ?? root))) }
        let base = replicas[0].takeOutbox()
        for index in 1..<replicas.count { base.forEach { replicas[index].receive($0) } }
        // Every replica moves nodes concurrently, each move valid locally.
        var made: [Operation] = base
        for index in replicas.indices {
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let node = random.pick(nodes)
                let parent = random.pick(nodes + [root])
                if !replicas[index].document.isAncestorForTest(node, of: parent) {
                    replicas[index].move(node, under: parent)
                }
            }
            made += replicas[index].takeOutbox()
        }
        for index in replicas.indices {
            for op in made.shuffled(using: &random) { replicas[index].receive(op) }
        }
        for replica in replicas {
            #expect(replica.document.treeIsSound(), "seed \(seed)")
            #expect(replica.document.descendants(of: root).count == nodes.count, "seed \(seed): a node was lost")
            #expect(replica.document == replicas[0].document, "seed \(seed)")
        }
    }

    @Test("snapshot encode → decode gives an identical replica", arguments: 0..<200)
    func snapshotRoundTrip(seed: Int) throws {
        var sim = ReplicaSimulation(seed: UInt64(seed) + 10_000, replicaCount: 3)
        sim.run(steps: 60)
        for replica in sim.replicas {
            let bytes = replica.document.encodedSnapshot()
            let decoded = try PlanDocument(snapshot: bytes)
            #expect(decoded == replica.document, "seed \(seed)")
            #expect(decoded.canonicalText() == replica.document.canonicalText())
            #expect(decoded.encodedSnapshot() == bytes, "seed \(seed): re-encoding differs")
            // The decoded replica keeps merging like the original.
            var original = replica.document, restored = decoded
            for op in sim.pool { original.apply(op); restored.apply(op) }
            #expect(original == restored, "seed \(seed): diverged after load")
        }
    }

    @Test("operation encode → decode is the identity", arguments: 0..<100)
    func operationRoundTrip(seed: Int) throws {
        var sim = ReplicaSimulation(seed: UInt64(seed) + 20_000, replicaCount: 2)
        sim.run(steps: 40)
        for op in sim.pool {
            #expect(try Operation(decoding: op.encoded) == op)
        }
    }
}
