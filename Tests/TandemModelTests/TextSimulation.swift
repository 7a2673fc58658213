@testable import TandemModel
import TandemTesting

/// Replicas of one text editing concurrently and exchanging operations in
/// random order, with duplicates, holding insertions whose origins have not
/// arrived. Replica 0's integration order feeds the FugueMax tree oracle.
struct TextSimulation {
    enum Op {
        case insertion(TextInsertion)
        case deletion(TextDeletion)
    }

    var random: SeededRandom
    var ids: [ReplicaID]
    var texts: [TextSequence]
    /// Operations not yet delivered to each replica (duplicates allowed).
    var inboxes: [[Op]]
    /// Insertions each replica could not apply yet.
    var held: [[TextInsertion]]
    /// Insertions in the order replica 0 integrated them.
    var replica0Insertions: [TextInsertion] = []
    /// Problems found along the way (a local edit that disagreed with a String).
    var failures: [String] = []

    init(seed: UInt64, replicas: Int) {
        var random = SeededRandom(seed: seed)
        ids = (0..<replicas).map { _ in ReplicaID.random(using: &random) }
        self.random = random
        texts = Array(repeating: TextSequence(), count: replicas)
        inboxes = Array(repeating: [], count: replicas)
        held = Array(repeating: [], count: replicas)
    }

    /// Sends `op` from replica `from` to every other replica.
    private mutating func broadcast(_ op: Op, from: Int) {
        for other in texts.indices where other != from { inboxes[other].append(op) }
    }

    /// One random local edit at replica `r`, checked against the same edit on
    /// a plain string: the sequential specification.
    mutating func edit(_ r: Int) {
        var model = TextModelString(scalars: Array(texts[r].text.unicodeScalars))
        let count = texts[r].count
        if count > 0 && random.chance(0.35) {
            let start = random.below(count)
            let length = 1 + random.below(min(4, count - start))
            let deletion = texts[r].delete(range: start..<(start + length))
            model.delete(start..<(start + length))
            if deletion.count != length { failures.append("deletion named \(deletion.count) of \(length)") }
            broadcast(.deletion(deletion), from: r)
        } else {
            // Favour the ends and the middle so concurrent edits collide.
            let position = random.chance(0.5) ? [0, count, count / 2][random.below(3)] : random.below(count + 1)
            let string = textRandomString(length: 1 + random.below(4), using: &random)
            let insertion = texts[r].insert(string, at: position, by: ids[r])
            model.insert(string, at: position)
            if r == 0 { replica0Insertions.append(insertion) }
            broadcast(.insertion(insertion), from: r)
        }
        if textScalars(texts[r].text) != model.scalars.map(\.value) {
            failures.append("replica \(r): local edit differs from the String model")
        }
    }

    /// Delivers one random pending operation to replica `r`, sometimes twice.
    mutating func deliverOne(_ r: Int) {
        guard !inboxes[r].isEmpty else { return }
        let op = inboxes[r].remove(at: random.below(inboxes[r].count))
        if random.chance(0.1) { inboxes[r].append(op) }
        switch op {
        case .deletion(let deletion):
            texts[r].apply(deletion)
        case .insertion(let insertion):
            integrate(insertion, at: r)
        }
    }

    private mutating func integrate(_ insertion: TextInsertion, at r: Int) {
        do {
            try texts[r].apply(insertion)
            if r == 0 { replica0Insertions.append(insertion) }
        } catch where error.code == .missingOrigin {
            if texts[r].canApply(insertion) { failures.append("canApply true but apply threw \(error)") }
            held[r].append(insertion)
            return
        } catch {
            failures.append("apply threw \(error)")
            return
        }
        // Something new arrived: retry what was held.
        let waiting = held[r]
        held[r] = []
        for insertion in waiting { integrate(insertion, at: r) }
    }

    /// Random interleaving of edits and deliveries.
    mutating func run(steps: Int) {
        for _ in 0..<steps {
            let r = random.below(texts.count)
            if random.chance(0.55) { edit(r) } else {
                for _ in 0..<(1 + random.below(3)) { deliverOne(r) }
            }
        }
    }

    /// Delivers everything everywhere.
    mutating func syncAll() {
        for r in texts.indices {
            while !inboxes[r].isEmpty { deliverOne(r) }
            if !held[r].isEmpty { failures.append("replica \(r) still holds \(held[r].count) insertions") }
        }
    }
}
