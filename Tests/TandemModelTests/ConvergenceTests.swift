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

    @Test("the tree is its log replayed in stamp order, whatever the arrival order (late creates may skip the replay)", arguments: 0..<300)
    func treeIsItsLogReplayed(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) ^ 0x5EED_0F_7EE)
        var sim = ReplicaSimulation(seed: UInt64(seed) &+ 50_000, replicaCount: Int.random(in: 2...6, using: &random))
        sim.run(steps: Int.random(in: 20...120, using: &random))
        sim.deliverAll()
        for replica in sim.replicas {
            let tree = replica.document.tree
            var replayed = MoveTree(chunkLimit: 3)
            for entry in tree.log {
                replayed.record(stamp: entry.stamp, entity: entry.entity, parent: entry.parent, position: entry.position, isCreate: entry.isCreate)
            }
            #expect(replayed == tree, "seed \(seed)")
            #expect(replayed.redoCount == 0 && replayed.commutedCount == 0)
        }
    }

    @Test("any entries in any arrival order give the tree of stamp order, even creates stamped before their parent's or entries naming nodes not yet created",
          arguments: 0..<300)
    func moveTreeIsOrderIndependent(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) &* 0x9E37_79B9)
        let ids = (1...Int.random(in: 3...10, using: &random)).map { EntityID(OperationID(replica: ReplicaID(9), counter: UInt64($0))) }
        typealias Entry = (stamp: OperationStamp, entity: EntityID, parent: EntityID?, position: Position, isCreate: Bool)
        var entries: [Entry] = []
        var times = Array(1...UInt64(4 * ids.count)).shuffled(using: &random)
        func stamp() -> OperationStamp {
            OperationStamp(time: HybridTimestamp(milliseconds: times.removeLast(), logical: 0), replica: ReplicaID(UInt64(Int.random(in: 1...3, using: &random))))
        }
        // No causality: a create may be stamped before its parent's, a move before its node exists.
        for id in ids {
            let parent: EntityID? = random.chance(0.25) ? nil : random.pick(ids)
            entries.append((stamp(), id, parent, Position(digits: [UInt32(Int.random(in: 1...5, using: &random))]), true))
        }
        for _ in 0..<Int.random(in: 0...(2 * ids.count), using: &random) {
            entries.append((stamp(), random.pick(ids), random.pick(ids), Position(digits: [UInt32(Int.random(in: 1...5, using: &random))]), false))
        }
        // What a document knows and passes along: when each parent's create was stamped.
        let created = Dictionary(entries.filter(\.isCreate).map { ($0.entity, $0.stamp) }, uniquingKeysWith: min)
        var inOrder = MoveTree()
        for e in entries.sorted(by: { $0.stamp < $1.stamp }) {
            inOrder.record(stamp: e.stamp, entity: e.entity, parent: e.parent, position: e.position, isCreate: e.isCreate)
        }
        for _ in 0..<4 {
            // Tiny chunks, so insertions split them and replays cross their edges.
            var shuffled = MoveTree(chunkLimit: Int.random(in: 2...5, using: &random))
            for e in entries.shuffled(using: &random) {
                shuffled.record(stamp: e.stamp, entity: e.entity, parent: e.parent, position: e.position, isCreate: e.isCreate,
                                parentCreated: e.parent.flatMap { created[$0] })
            }
            #expect(shuffled == inOrder, "seed \(seed)")
            #expect(shuffled.children == inOrder.children && shuffled.roots == inOrder.roots, "seed \(seed)")
        }
    }

    @Test("a create recorded before its parent exists is replayed when the parent's earlier-stamped create arrives")
    func createBeforeItsParent() {
        func id(_ n: UInt64) -> EntityID { EntityID(OperationID(replica: ReplicaID(5), counter: n)) }
        func stamp(_ ms: UInt64) -> OperationStamp { OperationStamp(time: HybridTimestamp(milliseconds: ms, logical: 0), replica: ReplicaID(5)) }
        let root = id(1), parent = id(2), child = id(3), other = id(4)
        var tree = MoveTree()
        tree.record(stamp: stamp(1), entity: root, parent: nil, position: Position(digits: [1]), isCreate: true)
        tree.record(stamp: stamp(10), entity: other, parent: root, position: Position(digits: [2]), isCreate: true)
        // The child (stamp 5) arrives first: its parent does not exist, so it does not apply yet.
        tree.record(stamp: stamp(5), entity: child, parent: parent, position: Position(digits: [1]), isCreate: true)
        #expect(tree.node(child) == nil)
        // The parent's create (stamp 3) comes before the child's in stamp order: the child applies after all.
        tree.record(stamp: stamp(3), entity: parent, parent: root, position: Position(digits: [1]), isCreate: true, parentCreated: stamp(1))
        #expect(tree.node(child)?.parent == parent)
        var inOrder = MoveTree()
        for (s, e, p) in [(1, root, nil), (3, parent, root), (5, child, parent), (10, other, root)] as [(UInt64, EntityID, EntityID?)] {
            inOrder.record(stamp: stamp(s), entity: e, parent: p, position: Position(digits: [e == other ? 2 : 1]), isCreate: true)
        }
        #expect(tree == inOrder)
    }

    @Test("merging two replicas' offline creates under shared parents needs no replay, and equals the in-order tree")
    func lateCreatesCommute() {
        var ana = PlanReplica(replicaID: ReplicaID(1), wallClock: { 1_000 })
        let root = ana.create("plan", under: nil)
        let phases = (0..<3).map { _ in ana.create("phase", under: root) }
        let shared = ana.takeOutbox()
        var bo = PlanReplica(replicaID: ReplicaID(2), wallClock: { 1_000 })
        shared.forEach { bo.receive($0) }
        // Both create tasks offline at the same wall-clock time: their stamps interleave.
        for index in 0..<60 {
            _ = ana.create("task", under: phases[index % 3])
            _ = bo.create("task", under: phases[(index + 1) % 3])
        }
        let fromAna = ana.takeOutbox(), fromBo = bo.takeOutbox()
        fromBo.forEach { ana.receive($0) }
        fromAna.forEach { bo.receive($0) }
        #expect(ana.document == bo.document)
        #expect(ana.document.tree.redoCount == 0 && bo.document.tree.redoCount == 0, "a late create replayed the log")
        #expect(ana.document.tree.commutedCount > 0 || bo.document.tree.commutedCount > 0, "no create arrived late: the test proves nothing")
        var inOrder = PlanDocument()
        for operation in (shared + fromAna + fromBo).sorted(by: { $0.stamp < $1.stamp }) { inOrder.apply(operation) }
        #expect(inOrder.tree == ana.document.tree)
        #expect(ana.document.descendants(of: root).count == 3 + 120)
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
