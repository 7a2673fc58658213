import Foundation
import NIOCore
import NIOEmbedded
import TandemModel
import TandemWire
import TandemTesting

/// A seeded mutation fuzzer for the frame and batch decoders: deterministic
/// (a seed replays a run), bounded in iterations and time, over the corpus in
/// `Tests/TandemWireTests/FuzzCorpus/` plus seeds made now by the current
/// encoders (so a change of encoding never leaves it fuzzing stale bytes only).
///
/// The property: whatever the bytes, a decoder returns a value or throws a
/// `WireError`, quickly, and what it returns re-encodes to something that
/// decodes to the same value. A crash fails the run (the test process dies),
/// a slow input fails it by time.
enum Fuzz {
    static var corpusDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")
    }

    /// The seeds the current encoders make: every protocol vector frame, every
    /// malformed vector, and raw operation batches. `frame-` files are whole
    /// frames, `batch-` files are batch encodings.
    static func freshSeeds() -> [(name: String, bytes: [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for (name, message, compress) in VectorMessages.valid {
            seeds.append(("frame-\(name)", message.frame(compressAbove: compress ? 0 : .max).bytes))
        }
        for vector in MalformedVectors.all { seeds.append(("frame-malformed-\(vector.name)", vector.bytes)) }
        seeds.append(("batch-typical-edits", OperationBatch.encode(VectorMessages.typicalEdits)))
        seeds.append(("batch-every-action", OperationBatch.encode(VectorMessages.everyAction)))
        seeds.append(("batch-previous-forms", OperationBatch.encode(VectorMessages.previousForms)))
        return seeds
    }

    /// Writes ``freshSeeds()`` into the corpus directory (`TANDEM_WRITE_CORPUS=1`).
    static func writeCorpus() throws {
        try FileManager.default.createDirectory(at: corpusDirectory, withIntermediateDirectories: true)
        for (name, bytes) in freshSeeds() {
            try Data(bytes).write(to: corpusDirectory.appendingPathComponent("\(name).bin"))
        }
    }

    static func committedCorpus() throws -> [(name: String, bytes: [UInt8])] {
        let files = try FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path).filter { $0.hasSuffix(".bin") }.sorted()
        return try files.map { ($0, Array(try Data(contentsOf: corpusDirectory.appendingPathComponent($0)))) }
    }

    /// Small limits, so that inputs reach the limit checks often and a run stays fast.
    static let limits = WireLimits(maxFrameBytes: 1 << 16, maxInflatedBytes: 1 << 18, maxInflationRatio: 100, maxBatchOperations: 512)

    struct Outcome {
        var decoded = 0
        var refused: [String: Int] = [:]
        var slowest: Duration = .zero
        var slowestInput: [UInt8] = []
        var failures: [String] = []

        mutating func refuse(_ error: WireError) { refused[error.code.rawValue, default: 0] += 1 }
    }

    /// Runs one input through the decoders it fits: the frame splitter and
    /// message decoder (and, when `viaNIO`, the NIO frame decoder fed in two
    /// pieces), and the batch decoder.
    static func check(_ bytes: [UInt8], viaNIO: Bool, into outcome: inout Outcome) {
        let start = ContinuousClock.now
        // Frames: split as many as the bytes hold, decode each.
        var slice = bytes[...]
        do {
            while let frame = try Frame.split(&slice, maxFrameBytes: limits.maxFrameBytes) {
                checkMessage(frame, into: &outcome)
            }
        } catch {
            outcome.refuse(error)
        }
        if viaNIO { checkNIO(bytes, into: &outcome) }
        // The same bytes as a batch.
        do {
            let operations = try OperationBatch.decode(bytes, limits: limits)
            outcome.decoded += 1
            if operations.count > bytes.count { outcome.failures.append("\(operations.count) operations from \(bytes.count) bytes") }
            let again = try OperationBatch.decode(OperationBatch.encode(operations), limits: WireLimits(maxBatchOperations: .max))
            if again != operations { outcome.failures.append("batch does not round-trip: \(Vectors.hex(bytes))") }
        } catch {
            outcome.refuse(error)
        }
        let elapsed = ContinuousClock.now - start
        if elapsed > outcome.slowest {
            outcome.slowest = elapsed
            outcome.slowestInput = bytes
        }
    }

    private static func checkMessage(_ frame: Frame, into outcome: inout Outcome) {
        do {
            let message = try Message.decode(frame, limits: limits)
            outcome.decoded += 1
            // What decodes re-encodes (raw, so no limit of ours refuses it) to the same message.
            let wide = WireLimits(maxFrameBytes: .max, maxInflatedBytes: .max, maxInflationRatio: .max, maxBatchOperations: .max)
            let again = try Message.decode(message.frame(compressAbove: .max), limits: wide)
            if again != message { outcome.failures.append("message does not round-trip: \(Vectors.hex(frame.bytes))") }
        } catch {
            outcome.refuse(error)
        }
    }

    private static func checkNIO(_ bytes: [UInt8], into outcome: inout Outcome) {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameBytes: limits.maxFrameBytes)))
        defer { _ = try? channel.finish() }
        let cut = bytes.count / 2
        do {
            try channel.writeInbound(ByteBuffer(bytes: bytes[..<cut]))
            try channel.writeInbound(ByteBuffer(bytes: bytes[cut...]))
            while let frame = try channel.readInbound(as: Frame.self) { checkMessage(frame, into: &outcome) }
        } catch let error as WireError {
            outcome.refuse(error)
        } catch {
            outcome.failures.append("the NIO frame decoder threw a non-wire error \(error) for \(Vectors.hex(bytes))")
        }
    }
}

/// Byte-level mutations of the kinds that find decoder bugs: flipped bits,
/// boundary values, varint-shaped runs, lengths that lie, cut, spliced and
/// repeated ranges.
struct Mutator {
    /// Seeded (`SeededRandom` from TandemTesting, as every seeded test uses): a fuzz run is replayed from its seed.
    var random: SeededRandom
    let corpus: [[UInt8]]

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...Int(random.next() % 4) { step(&bytes) }
        return bytes
    }

    private mutating func index(_ bytes: [UInt8]) -> Int { Int(random.next() % UInt64(max(bytes.count, 1))) }

    private mutating func step(_ bytes: inout [UInt8]) {
        if bytes.isEmpty { bytes = [UInt8(truncatingIfNeeded: random.next())]; return }
        switch random.next() % 10 {
        case 0: bytes[index(bytes)] ^= 1 << UInt8(random.next() % 8)
        case 1: bytes[index(bytes)] = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x3F, 0x40][Int(random.next() % 7)]
        case 2: // a long varint, maybe overlong or beyond 64 bits
            let run = [UInt8](repeating: 0xFF, count: Int(random.next() % 11)) + [UInt8(random.next() % 2)]
            bytes.insert(contentsOf: run, at: index(bytes))
        case 3: bytes.removeSubrange(index(bytes)...)   // truncate
        case 4: // delete a range
            let start = index(bytes)
            bytes.removeSubrange(start..<min(bytes.count, start + Int(random.next() % 16) + 1))
        case 5: // repeat a range
            let start = index(bytes)
            let range = start..<min(bytes.count, start + Int(random.next() % 32) + 1)
            bytes.insert(contentsOf: bytes[range], at: index(bytes))
        case 6: // splice in part of another corpus entry
            let other = corpus[Int(random.next() % UInt64(corpus.count))]
            guard !other.isEmpty else { return }
            let start = Int(random.next() % UInt64(other.count))
            bytes.insert(contentsOf: other[start..<min(other.count, start + Int(random.next() % 64) + 1)], at: index(bytes))
        case 7: // a frame length that lies
            guard bytes.count >= 4 else { return }
            let length = [UInt32(0), 1, 2, UInt32(bytes.count), UInt32(bytes.count - 3), UInt32.max, UInt32(random.next() % 70_000)][Int(random.next() % 7)]
            bytes.replaceSubrange(0..<4, with: [UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)])
        case 8: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: index(bytes))
        default: // set the compressed flag, or a random type
            guard bytes.count >= 6 else { return }
            if random.next() % 2 == 0 { bytes[5] ^= 0x01 } else { bytes[4] = UInt8(truncatingIfNeeded: random.next()) }
        }
    }
}
