@testable import TandemModel
import TandemTesting

/// Several replicas of one plan making random edits offline and exchanging
/// operations in random orders, with duplicates and delays.
struct ReplicaSimulation {
    var random: SeededRandom
    var replicas: [PlanReplica]
    /// Every operation made by any replica, in the order made.
    var pool: [Operation] = []
    let root: EntityID

    static let fields = ["title", "status", "due", "owner", "estimate"]
    static let kinds: [EntityKind] = ["phase", "task", "item"]

    init(seed: UInt64, replicaCount: Int) {
        random = SeededRandom(seed: seed)
        var replicas: [PlanReplica] = []
        for index in 0..<replicaCount {
            // Skewed wall clocks: some replicas run ahead of others.
            let base = UInt64(1_700_000_000_000) + UInt64(Int.random(in: 0..<5_000, using: &random))
            replicas.append(PlanReplica(replicaID: ReplicaID(UInt64(index + 1) * 0x1000_0000_0000_0001), wallClock: { base }))
        }
        let root = replicas[0].create("plan", under: nil)
        self.root = root
        self.replicas = replicas
        let first = self.replicas[0].takeOutbox()
        pool.append(contentsOf: first)
        for index in 1..<replicaCount { for op in first { self.replicas[index].receive(op) } }
    }

    /// One random local edit on replica `index`.
    mutating func edit(_ index: Int) {
        var replica = replicas[index]
        let known = replica.document.entities.keys.sorted()
        let target = random.pick(known)
        switch Int.random(in: 0..<115, using: &random) {
        case 100..<108:
            let length = replica.document[target]?.texts["body"]?.count ?? 0
            replica.insertText(random.pick(["Hello ", "world", "✓ ", "SSO first. "]), at: Int.random(in: 0...length, using: &random), in: "body", of: target)
        case 108..<112:
            let length = replica.document[target]?.texts["body"]?.count ?? 0
            if length > 0 {
                let start = Int.random(in: 0..<length, using: &random)
                replica.deleteText(start..<min(length, start + Int.random(in: 1...4, using: &random)), in: "body", of: target)
            }
        case 112..<115:
            let current = replica.document[target]?.text("body") ?? ""
            replica.replaceText(in: "body", of: target, with: random.chance(0.5) ? current + " (edited)" : String(current.reversed()))
        case 0..<25:
            let parent = random.chance(0.7) ? target : root
            let siblings = replica.document.allChildren(of: parent)
            let after = siblings.isEmpty || random.chance(0.5) ? nil : random.pick(siblings)
            replica.create(random.pick(Self.kinds), under: parent, after: after, atStart: after == nil && random.chance(0.2))
        case 25..<55:
            replica.set(target, random.pick(Self.fields), randomValue(known))
        case 55..<63:
            if target != root { replica.delete(target) }
        case 63..<70:
            replica.restore(target)
        case 70..<85:
            // A locally valid move: never under itself or its own descendant.
            let parent = random.pick(known)
            if target != root, !replica.document.isAncestorForTest(target, of: parent) {
                let siblings = replica.document.allChildren(of: parent).filter { $0 != target }
                replica.move(target, under: parent, after: siblings.isEmpty || random.chance(0.5) ? nil : random.pick(siblings))
            }
        case 85..<93:
            replica.add(.reference(random.pick(known)), to: "informed", of: target)
        default:
            let members = replica.document[target]?.members(of: "informed") ?? []
            if let element = members.isEmpty ? nil : random.pick(members) {
                replica.remove(element, from: "informed", of: target)
            }
        }
        pool.append(contentsOf: replica.takeOutbox())
        replicas[index] = replica
    }

    mutating func randomValue(_ known: [EntityID]) -> Value {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return .string(random.pick(["a", "b", "kick-off", "Go live ✓", ""]))
        case 1: return .int(Int64.random(in: -3...30, using: &random))
        case 2: return .bool(random.chance(0.5))
        case 3: return .date(CalendarDate(daysSinceEpoch: Int32.random(in: 20_000...20_100, using: &random)))
        case 4: return .reference(random.pick(known))
        default: return .symbol(random.pick(["todo", "done", "blocked"]))
        }
    }

    /// Replica `index` receives a random selection of the pool, shuffled, some twice.
    mutating func partialSync(_ index: Int) {
        var batch = pool.filter { _ in random.chance(0.4) }
        batch += batch.filter { _ in random.chance(0.2) }
        batch.shuffle(using: &random)
        for op in batch { replicas[index].receive(op) }
    }

    /// Everyone receives everything, each in its own random order with duplicates.
    mutating func deliverAll() {
        for index in replicas.indices {
            var batch = pool + pool.filter { _ in random.chance(0.1) }
            batch.shuffle(using: &random)
            for op in batch { replicas[index].receive(op) }
        }
    }

    /// Runs `steps` random steps: edits, mostly, and partial syncs.
    mutating func run(steps: Int) {
        for _ in 0..<steps {
            let index = Int.random(in: 0..<replicas.count, using: &random)
            if random.chance(0.15) { partialSync(index) } else { edit(index) }
        }
    }
}

extension PlanDocument {
    func isAncestorForTest(_ ancestor: EntityID, of node: EntityID) -> Bool { tree.isAncestor(ancestor, of: node) }

    /// Every entity is placed and reaches a root without a cycle.
    func treeIsSound() -> Bool {
        for id in entities.keys {
            guard tree.node(id) != nil else { return false }
            var seen: Set<EntityID> = []
            var current: EntityID? = id
            while let node = current {
                guard seen.insert(node).inserted else { return false }
                guard let place = tree.node(node) else { return false }
                current = place.parent
            }
        }
        return true
    }
}
