import Testing
@testable import TandemModel
import TandemTesting

/// Convergence and non-interleaving of concurrent edits, over seeded random
/// cases (a failing seed replays the case exactly).
@Suite struct TextConvergenceTests {
    @Test(arguments: 0..<400)
    func replicasConvergeAndMatchTheFugueMaxTree(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) &* 0x2545_F491_4F6C_DD1D)
        var simulation = TextSimulation(seed: random.next(), replicas: 2 + random.below(4))
        simulation.run(steps: 10 + random.below(50))
        simulation.syncAll()
        #expect(simulation.failures.isEmpty, "seed \(seed): \(simulation.failures)")
        let first = simulation.texts[0]
        for text in simulation.texts {
            #expect(textScalars(text.text) == textScalars(first.text), "seed \(seed)")
            #expect(text == first, "seed \(seed)")
            #expect(text.hashValue == first.hashValue, "seed \(seed)")
            #expect(text.invariantViolations().isEmpty, "seed \(seed): \(text.invariantViolations())")
        }
        // The list algorithm must order characters exactly as FugueMax's tree.
        var tree = TextFugueTree()
        for insertion in simulation.replica0Insertions { tree.insert(insertion) }
        #expect(tree.order() == first.allCharacterIDs(), "seed \(seed)")
    }

    @Test func concurrentWordsAtOneSpotDoNotInterleave() throws {
        for (aForward, bForward) in [(true, true), (false, false), (true, false), (false, true)] {
            var base = TextSequence()
            let setup = base.insert("12", at: 0, by: ReplicaID(9))
            var a = base, b = base
            _ = setup
            let aOps = type("abc", at: 1, into: &a, by: ReplicaID(1), forward: aForward)
            let bOps = type("xyz", at: 1, into: &b, by: ReplicaID(2), forward: bForward)
            for op in bOps { try a.apply(op) }
            for op in aOps { try b.apply(op) }
            #expect(a.text == b.text)
            #expect(["1abcxyz2", "1xyzabc2"].contains(a.text), "got \(a.text)")
        }
    }

    /// Types `word` one character at a time, left to right or (cursor kept
    /// in place) right to left.
    private func type(_ word: String, at position: Int, into text: inout TextSequence, by replica: ReplicaID, forward: Bool) -> [TextInsertion] {
        let scalars = Array(word.unicodeScalars)
        var ops: [TextInsertion] = []
        for (offset, scalar) in (forward ? scalars : scalars.reversed()).enumerated() {
            ops.append(text.insert(String(scalar), at: forward ? position + offset : position, by: replica))
        }
        return ops
    }

    @Test(arguments: 0..<100)
    func randomConcurrentWordsStayWhole(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed) + 1_000)
        var base = TextSequence()
        base.insert(textRandomString(length: 3 + random.below(10), using: &random), at: 0, by: ReplicaID(99))
        if random.chance(0.5) { base.delete(range: 1..<2) }  // a tombstone near the spot
        let position = random.below(base.count + 1)
        let writers = 2 + random.below(3)
        var replicas = Array(repeating: base, count: writers)
        var words: [String] = []
        var ops: [[TextInsertion]] = []
        for w in 0..<writers {
            // Distinct letters per writer, so a word can be found in the result.
            let letters = Array("abcdefghijklmnopqrstuvwxyz".unicodeScalars)[(w * 5)..<(w * 5 + 5)]
            var view = String.UnicodeScalarView()
            for _ in 0..<(1 + random.below(5)) { view.append(letters.randomElement(using: &random)!) }
            let word = String(view)
            words.append(word)
            ops.append(type(word, at: position, into: &replicas[w], by: ReplicaID(UInt64(w + 1)), forward: random.chance(0.5)))
        }
        for w in 0..<writers {
            for other in 0..<writers where other != w {
                for op in ops[other] { try replicas[w].apply(op) }
            }
        }
        let result = replicas[0].text
        for w in 0..<writers {
            #expect(replicas[w].text == result)
            #expect(scalarSearch(textScalars(words[w]), in: textScalars(result)), "seed \(seed): \(words[w]) interleaved in \(result)")
        }
    }

    /// Substring search on scalars: `String.contains` works on grapheme
    /// clusters, and a word's last letter can fuse with a combining mark
    /// that follows it.
    private func scalarSearch(_ needle: [UInt32], in haystack: [UInt32]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}

/// Long sessions, so leaves split and remote insertions land in big texts.
@Suite struct TextLongSessionTests {
    @Test(arguments: 0..<6)
    func longSessionsConvergeAndMatchTheTree(seed: Int) {
        var simulation = TextSimulation(seed: UInt64(seed) &+ 77_000, replicas: 3)
        for _ in 0..<4 {
            simulation.run(steps: 300)
            simulation.syncAll()
        }
        #expect(simulation.failures.isEmpty, "seed \(seed): \(simulation.failures)")
        let first = simulation.texts[0]
        #expect(first.leaves.count > 1, "the session should split leaves")
        for text in simulation.texts {
            #expect(text == first)
            #expect(text.invariantViolations().isEmpty, "seed \(seed): \(text.invariantViolations())")
        }
        var tree = TextFugueTree()
        for insertion in simulation.replica0Insertions { tree.insert(insertion) }
        #expect(tree.order() == first.allCharacterIDs(), "seed \(seed)")
    }
}
