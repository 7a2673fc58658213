import Testing
@testable import TandemModel
import TandemTesting

@Suite("VersionVector: compact text form")
struct VersionVectorCompactTests {
    @Test func writesRangesPerReplicaInOrder() {
        var vector = VersionVector()
        let a = ReplicaID(0x3f9a_0c1d_22e4_b801), b = ReplicaID(0x0000_0000_0000_0002)
        for counter in 1...40 { vector.insert(OperationID(replica: a, counter: UInt64(counter))) }
        for counter in [1, 2, 3, 7, 9, 10] { vector.insert(OperationID(replica: b, counter: UInt64(counter))) }
        #expect(vector.compact == "0000000000000002:1-3,7,9-10;3f9a0c1d22e4b801:1-40")
        #expect(VersionVector(compact: vector.compact) == vector)
        #expect(VersionVector().compact == "")
        #expect(VersionVector(compact: "") == VersionVector())
    }

    @Test(arguments: 0..<50)
    func roundTripsRandomVectors(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 99)
        var vector = VersionVector()
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            let replica = ReplicaID.random(using: &random)
            for _ in 0..<Int.random(in: 1...30, using: &random) {
                vector.insert(OperationID(replica: replica, counter: UInt64.random(in: 1...60, using: &random)))
            }
        }
        if random.chance(0.2) { vector.insert(OperationID(replica: ReplicaID(7), counter: .max)) }
        let parsed = VersionVector(compact: vector.compact)
        #expect(parsed == vector, "seed \(seed): \(vector.compact)")
        #expect(parsed?.count == vector.count)
    }

    @Test func acceptsOnlyTheCanonicalSpelling() {
        let bad = [
            "3f9a0c1d22e4b801", "3f9a0c1d22e4b801:", "3f9a0c1d22e4b801:0-3", "3f9a0c1d22e4b801:3-1", "3f9a0c1d22e4b801:2-2",
            "3f9a0c1d22e4b801:01-3", "3f9a0c1d22e4b801:1-3,4-5", "3f9a0c1d22e4b801:4-5,1-2", "3f9a0c1d22e4b801:1-3,2",
            "3F9A0C1D22E4B801:1", "3f9a0c1d:1", "0000000000000000:1", "3f9a0c1d22e4b801:1;0000000000000002:1",
            "0000000000000002:1;0000000000000002:3", "0000000000000002:1;", "0000000000000002:+1", "0000000000000002:1-18446744073709551616",
            "0000000000000002:1 ", "0000000000000002:1--2",
        ]
        for text in bad { #expect(VersionVector(compact: text) == nil, "\(text)") }
        #expect(VersionVector(compact: "0000000000000002:1-3,5;3f9a0c1d22e4b801:18446744073709551615")?.count == 5)
    }
}
