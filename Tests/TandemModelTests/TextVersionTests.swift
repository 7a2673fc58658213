import Testing
@testable import TandemModel
import TandemTesting

@Suite struct TextVersionTests {
    @Test(arguments: 0..<60)
    func markersRebuildTheTextOfTheirTime(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed) + 2_024)
        var simulation = TextSimulation(seed: random.next(), replicas: 2 + random.below(3))
        var taken: [(TextVersion, [UInt32])] = []
        for _ in 0..<8 {
            simulation.run(steps: 5 + random.below(25))
            let marker = simulation.texts[0].versionMarker()
            taken.append((marker, textScalars(simulation.texts[0].text)))
        }
        simulation.syncAll()
        let text = simulation.texts[0]
        for (marker, expected) in taken {
            #expect(textScalars(text.text(at: marker)) == expected, "seed \(seed)")
        }
        // Markers survive an encoding round trip of the sequence.
        var writer = ByteWriter()
        text.encode(into: &writer)
        var reader = ByteReader(writer.bytes)
        let decoded = try TextSequence(decoding: &reader)
        for (marker, expected) in taken {
            #expect(textScalars(decoded.text(at: marker)) == expected, "seed \(seed)")
        }
    }

    @Test func aMarkerIsSmall() {
        var text = TextSequence()
        let replica = ReplicaID(1)
        for i in 0..<2_000 { text.insert("word ", at: (i * 7) % (text.count + 1), by: replica) }
        text.delete(range: 100..<900)
        let marker = text.versionMarker()
        var writer = ByteWriter()
        marker.encode(into: &writer)
        #expect(writer.bytes.count < 20)
        #expect(marker.inserted[replica] == [1..<10_001])
    }

    @Test func deletionsWithinOneEpochMergeIntoOneTombstone() {
        var text = TextSequence()
        text.insert("hello world", at: 0, by: ReplicaID(1))
        let before = text.versionMarker()
        // Backspacing "world" one key at a time.
        for position in (6..<11).reversed() { text.delete(range: position..<(position + 1)) }
        var tombstones = 0
        text.forEachRun { if $0.isDeleted { tombstones += 1 } }
        #expect(tombstones == 1)
        #expect(text.text(at: before) == "hello world")
        #expect(text.text == "hello ")
    }
}
