import Testing
@testable import TandemModel
import TandemTesting

@Suite struct TextSequenceTests {
    let alice = ReplicaID(0xA11CE)
    let bob = ReplicaID(0xB0B)

    @Test(arguments: 0..<20)
    func localEditsBehaveLikeAString(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 500)
        var text = TextSequence()
        var model = TextModelString()
        for step in 0..<600 {
            if text.count > 0 && random.chance(0.4) {
                let start = random.below(text.count)
                let end = min(text.count, start + 1 + random.below(random.chance(0.1) ? 60 : 4))
                text.delete(range: start..<end)
                model.delete(start..<end)
            } else {
                let position = random.below(text.count + 1)
                let string = textRandomString(length: 1 + random.below(random.chance(0.1) ? 40 : 3), using: &random)
                text.insert(string, at: position, by: alice)
                model.insert(string, at: position)
            }
            #expect(text.count == model.scalars.count)
            if step % 50 == 0 { #expect(text.invariantViolations().isEmpty, "seed \(seed): \(text.invariantViolations())") }
        }
        #expect(textScalars(text.text) == model.scalars.map(\.value))
        #expect(text.invariantViolations().isEmpty)
    }

    @Test func sequencesAreConsecutivePerReplica() {
        var text = TextSequence()
        let first = text.insert("héllo", at: 0, by: alice)
        #expect(first.id == CharacterID(replica: alice, sequence: 1))
        #expect(first.leftOrigin == nil && first.rightOrigin == nil)
        #expect(first.length == 5)
        let second = text.insert("!", at: 5, by: alice)
        #expect(second.id.sequence == 6)
        #expect(second.leftOrigin == CharacterID(replica: alice, sequence: 5))
        let third = text.insert("¡", at: 0, by: bob)
        #expect(third.id == CharacterID(replica: bob, sequence: 1))
        #expect(third.rightOrigin == CharacterID(replica: alice, sequence: 1))
        #expect(text.text == "¡héllo!")
        #expect(text.nextSequence(for: alice) == 7)
        #expect(text.nextSequence(for: ReplicaID(42)) == 1)
    }

    @Test func rightOriginIncludesTombstones() {
        var text = TextSequence()
        text.insert("abc", at: 0, by: alice)
        text.delete(range: 1..<2)  // "ac", b is a tombstone
        let insertion = text.insert("x", at: 1, by: alice)
        #expect(insertion.leftOrigin == CharacterID(replica: alice, sequence: 1))
        #expect(insertion.rightOrigin == CharacterID(replica: alice, sequence: 2))
        #expect(text.text == "axc")
    }

    @Test func applyingTwiceChangesNothing() throws {
        var source = TextSequence()
        let insertion = source.insert("hello", at: 0, by: alice)
        let deletion = source.delete(range: 1..<3)
        var copy = TextSequence()
        try copy.apply(insertion)
        try copy.apply(insertion)
        copy.apply(deletion)
        copy.apply(deletion)
        try copy.apply(insertion)
        #expect(copy.text == "hlo")
        #expect(copy == source)
    }

    @Test func missingOriginIsReportedAndHeld() throws {
        var source = TextSequence()
        let first = source.insert("ab", at: 0, by: alice)
        let second = source.insert("X", at: 1, by: bob)
        var copy = TextSequence()
        #expect(!copy.canApply(second))
        #expect(throws: TextError.missingOrigin(CharacterID(replica: alice, sequence: 1))) { try copy.apply(second) }
        #expect(copy.isEmpty, "a failed apply changes nothing")
        try copy.apply(first)
        #expect(copy.canApply(second))
        try copy.apply(second)
        #expect(copy.text == "aXb")
    }

    @Test func partlyKnownInsertionsApplyTheirNewPart() throws {
        var source = TextSequence()
        let whole = source.insert("abcd", at: 0, by: alice)
        // A replica that saw only "ab" (say, from a snapshot) then gets all four.
        var copy = TextSequence()
        try copy.apply(TextInsertion(id: whole.id, leftOrigin: nil, rightOrigin: nil, text: "ab"))
        try copy.apply(whole)
        #expect(copy.text == "abcd")
        #expect(copy == source)
    }

    @Test func deletionsBeforeTheirInsertionsWait() throws {
        var source = TextSequence()
        let insertion = source.insert("hello", at: 0, by: alice)
        let deletion = source.delete(range: 0..<2)
        var copy = TextSequence()
        copy.apply(deletion)
        #expect(copy.pendingDeletions[alice] == [1..<3])
        try copy.apply(insertion)
        #expect(copy.text == "llo")
        #expect(copy.pendingDeletions.isEmpty)
        #expect(copy == source)
    }

    @Test func hostileOperationsAreRejectedWithoutCrashing() throws {
        var text = TextSequence()
        text.insert("abc", at: 0, by: alice)
        let a = CharacterID(replica: alice, sequence: 1), c = CharacterID(replica: alice, sequence: 3)
        // Right origin before the left one.
        #expect(throws: TextError.self) {
            try text.apply(TextInsertion(id: CharacterID(replica: bob, sequence: 1), leftOrigin: c, rightOrigin: a, text: "x"))
        }
        #expect(text.text == "abc")
        #expect(throws: TextError.self) {
            try text.apply(TextInsertion(id: CharacterID(replica: bob, sequence: UInt64.max), leftOrigin: nil, rightOrigin: nil, text: "xy"))
        }
        // Deleting an enormous unknown range costs nothing and breaks nothing.
        text.apply(TextDeletion(runs: [.init(replica: alice, first: 2, length: 1 << 60)]))
        #expect(text.text == "a")
        let expected: [Range<UInt64>] = [4..<((1 << 60) + 2)]
        #expect(text.pendingDeletions[alice] == expected, "\(String(describing: text.pendingDeletions))")
        #expect(text.invariantViolations().isEmpty)
    }

    @Test func emptyInsertionsAndDeletionsAreHarmless() throws {
        var text = TextSequence()
        let empty = text.insert("", at: 0, by: alice)
        #expect(empty.length == 0)
        try text.apply(empty)
        #expect(text.delete(range: 0..<0).isEmpty)
        #expect(text.isEmpty && text.text == "")
    }

    @Test func insertionEqualityIsScalarExact() {
        let id = CharacterID(replica: alice, sequence: 1)
        let precomposed = TextInsertion(id: id, leftOrigin: nil, rightOrigin: nil, text: "\u{E9}")
        let decomposed = TextInsertion(id: id, leftOrigin: nil, rightOrigin: nil, text: "e\u{301}")
        #expect(precomposed.text == decomposed.text)  // String equality is canonical
        #expect(precomposed != decomposed)
    }
}
