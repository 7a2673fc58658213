import Testing
@testable import TandemModel
import TandemTesting

@Suite struct TextDiffTests {
    let alice = ReplicaID(0xA11CE)
    let bob = ReplicaID(0xB0B)

    private func hunks(_ old: String, _ new: String) -> [TextDiff.Hunk] {
        TextDiff.hunks(from: textScalars(old), to: textScalars(new))
    }

    /// Applying the hunks must rebuild the new text.
    private func apply(_ hunks: [TextDiff.Hunk], _ old: [UInt32], _ new: [UInt32]) -> [UInt32] {
        var result = old
        for hunk in hunks.reversed() { result.replaceSubrange(hunk.old, with: new[hunk.new]) }
        return result
    }

    @Test func trimsAndFindsSmallEdits() {
        #expect(hunks("same", "same").isEmpty)
        #expect(hunks("abc", "abXc") == [TextDiff.Hunk(old: 2..<2, new: 2..<3)])
        #expect(hunks("abXc", "abc") == [TextDiff.Hunk(old: 2..<3, new: 2..<2)])
        #expect(hunks("The cat sat.", "The dog sat.") == [TextDiff.Hunk(old: 4..<7, new: 4..<7)])
    }

    @Test(arguments: 0..<200)
    func hunksRebuildTheNewTextMinimally(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 123)
        let old = textScalars(textRandomString(length: random.below(60), using: &random))
        var new = old
        var edits = 0
        for _ in 0..<random.below(6) {
            let position = random.below(new.count + 1)
            if random.chance(0.5) && position < new.count {
                new.remove(at: position)
            } else {
                new.insert(UInt32(("a" as Unicode.Scalar).value) + UInt32(random.below(26)), at: position)
            }
            edits += 1
        }
        let found = TextDiff.hunks(from: old, to: new)
        #expect(apply(found, old, new) == new, "seed \(seed)")
        // Minimal: never more changed characters than the edits made.
        let changed = found.reduce(0) { $0 + $1.old.count + $1.new.count }
        #expect(changed <= edits, "seed \(seed): \(changed) > \(edits)")
    }

    @Test func budgetFallsBackToWholesaleReplacement() {
        let old = (0..<300).map { UInt32($0 % 7) }
        let new = (0..<300).map { UInt32($0 % 5 + 100) }
        let found = TextDiff.hunks(from: old, to: new, budget: 10)
        #expect(apply(found, old, new) == new)
    }

    @Test func replaceAllProducesTheNewText() throws {
        var text = TextSequence()
        text.insert("Hello wörld, how are you?", at: 0, by: alice)
        var remote = text
        let (insertions, deletions) = text.replaceAll(with: "Hello world, how are we?", by: alice)
        #expect(text.text == "Hello world, how are we?")
        #expect(insertions.map(\.text) == ["o", "we"])
        #expect(deletions.map(\.count) == [1, 3])
        for deletion in deletions { remote.apply(deletion) }
        for insertion in insertions.reversed() { try remote.apply(insertion) }
        #expect(remote == text)
    }

    @Test func offlineEditsToDifferentSentencesBothSurvive() throws {
        let paragraph = "The first sentence is short. The second one is longer and says more. The third ends it."
        var base = TextSequence()
        base.insert(paragraph, at: 0, by: alice)
        var a = base, b = base
        let fromA = a.replaceAll(
            with: "The first sentence is brief. The second one is longer and says more. The third ends it.", by: alice)
        let fromB = b.replaceAll(
            with: "The first sentence is short. The second one is longer and says more. The third closes the paragraph.", by: bob)
        for deletion in fromB.deletions { a.apply(deletion) }
        for insertion in fromB.insertions { try a.apply(insertion) }
        for insertion in fromA.insertions { try b.apply(insertion) }
        for deletion in fromA.deletions { b.apply(deletion) }
        #expect(a == b)
        #expect(a.text == "The first sentence is brief. The second one is longer and says more. The third closes the paragraph.")
    }
}
