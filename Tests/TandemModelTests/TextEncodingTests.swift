import Testing
@testable import TandemModel
import TandemTesting

@Suite struct TextEncodingTests {
    /// A replica mid-session: tombstones of several epochs, runs from
    /// several replicas, sometimes deletions still waiting for characters.
    private func randomDocument(seed: Int) -> (TextSequence, [TextVersion]) {
        var random = SeededRandom(seed: UInt64(seed) + 9_000)
        var simulation = TextSimulation(seed: random.next(), replicas: 2 + random.below(3))
        var markers: [TextVersion] = []
        for _ in 0..<(1 + random.below(4)) {
            simulation.run(steps: 5 + random.below(40))
            markers.append(simulation.texts[0].versionMarker())
        }
        // Deletions first, so some wait for their characters.
        let inbox = simulation.inboxes[0]
        let deletions = inbox.filter { if case .deletion = $0 { true } else { false } }
        let insertions = inbox.filter { if case .insertion = $0 { true } else { false } }
        simulation.inboxes[0] = deletions
        for _ in 0..<deletions.count { simulation.deliverOne(0) }
        simulation.inboxes[0] = insertions
        for _ in 0..<random.below(insertions.count + 1) { simulation.deliverOne(0) }
        return (simulation.texts[0], markers)
    }

    private func roundTrip(_ text: TextSequence) throws -> (TextSequence, [UInt8]) {
        var writer = ByteWriter()
        text.encode(into: &writer)
        var reader = ByteReader(writer.bytes)
        let decoded = try TextSequence(decoding: &reader)
        #expect(reader.isAtEnd)
        return (decoded, writer.bytes)
    }

    @Test(arguments: 0..<200)
    func encodeThenDecodeGivesTheSameSequence(seed: Int) throws {
        let (text, markers) = randomDocument(seed: seed)
        let (decoded, bytes) = try roundTrip(text)
        #expect(decoded == text, "seed \(seed)")
        #expect(textScalars(decoded.text) == textScalars(text.text))
        #expect(decoded.pendingDeletions == text.pendingDeletions)
        #expect(decoded.invariantViolations().isEmpty, "seed \(seed): \(decoded.invariantViolations())")
        for marker in markers { #expect(decoded.text(at: marker) == text.text(at: marker)) }
        // Deterministic: the copy encodes to the same bytes.
        var again = ByteWriter()
        decoded.encode(into: &again)
        #expect(again.bytes == bytes, "seed \(seed)")
        // And it keeps working: the same edit on both gives the same result.
        var original = text, copy = decoded
        let replica = ReplicaID(0x5EED)
        original.insert("zz", at: original.count / 2, by: replica)
        copy.insert("zz", at: copy.count / 2, by: replica)
        #expect(original == copy)
    }

    @Test func emptySequenceRoundTrips() throws {
        let (decoded, bytes) = try roundTrip(TextSequence())
        #expect(decoded == TextSequence())
        #expect(bytes.count < 10)
    }

    @Test(arguments: 0..<40)
    func corruptedBytesNeverCrash(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed) + 31_337)
        let (text, _) = randomDocument(seed: seed)
        var writer = ByteWriter()
        text.encode(into: &writer)
        let bytes = writer.bytes
        // Every truncation must throw.
        for length in 0..<bytes.count {
            var reader = ByteReader(Array(bytes[0..<length]))
            #expect(throws: DecodingError.self) { try TextSequence(decoding: &reader) }
        }
        // Random mutations must throw or give a sound sequence.
        for _ in 0..<300 {
            var mutated = bytes
            for _ in 0..<(1 + random.below(3)) {
                let index = random.below(mutated.count)
                mutated[index] = random.chance(0.5) ? UInt8(truncatingIfNeeded: random.next()) : mutated[index] ^ (1 << UInt8(random.below(8)))
            }
            var reader = ByteReader(mutated)
            guard var decoded = try? TextSequence(decoding: &reader) else { continue }
            #expect(decoded.invariantViolations().isEmpty)
            _ = decoded.text
            decoded.insert("x", at: decoded.count, by: ReplicaID(7))
            if decoded.count > 1 { decoded.delete(range: 0..<1) }
            #expect(decoded.invariantViolations().isEmpty)
        }
    }

    @Test(arguments: 0..<50)
    func operationsRoundTrip(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed) + 4_242)
        var simulation = TextSimulation(seed: random.next(), replicas: 3)
        simulation.run(steps: 40)
        var versions = [simulation.texts[1].versionMarker()]
        for inbox in simulation.inboxes {
            for op in inbox {
                var writer = ByteWriter()
                switch op {
                case .insertion(let insertion):
                    insertion.encode(into: &writer)
                    var reader = ByteReader(writer.bytes)
                    #expect(try TextInsertion(decoding: &reader) == insertion)
                    #expect(reader.isAtEnd)
                case .deletion(let deletion):
                    deletion.encode(into: &writer)
                    var reader = ByteReader(writer.bytes)
                    #expect(try TextDeletion(decoding: &reader) == deletion)
                    #expect(reader.isAtEnd)
                }
                // Truncations throw; mutations throw or decode to something.
                for length in 0..<writer.bytes.count {
                    var reader = ByteReader(Array(writer.bytes[0..<length]))
                    switch op {
                    case .insertion: #expect(throws: DecodingError.self) { try TextInsertion(decoding: &reader) }
                    case .deletion: #expect(throws: DecodingError.self) { try TextDeletion(decoding: &reader) }
                    }
                }
            }
        }
        versions.append(TextVersion(inserted: [ReplicaID(1): [1..<5, 9..<12], ReplicaID(2): [3..<4]], deletionEpoch: 7))
        for version in versions {
            var writer = ByteWriter()
            version.encode(into: &writer)
            var reader = ByteReader(writer.bytes)
            #expect(try TextVersion(decoding: &reader) == version)
            for length in 0..<writer.bytes.count {
                var reader = ByteReader(Array(writer.bytes[0..<length]))
                #expect(throws: DecodingError.self) { try TextVersion(decoding: &reader) }
            }
        }
    }

    @Test func insertionDecodingRejectsNonsense() {
        var writer = ByteWriter()
        writer.varint(UInt64(1))
        writer.fixed64(1)
        writer.varint(UInt64(5))  // id names replica 4 of 1
        var reader = ByteReader(writer.bytes)
        #expect(throws: DecodingError.self) { try TextInsertion(decoding: &reader) }
        var empty = ByteWriter()
        TextInsertion(id: CharacterID(replica: ReplicaID(1), sequence: 1), leftOrigin: nil, rightOrigin: nil, text: "").encode(into: &empty)
        var emptyReader = ByteReader(empty.bytes)
        #expect(throws: DecodingError.self) { try TextInsertion(decoding: &emptyReader) }
    }
}
