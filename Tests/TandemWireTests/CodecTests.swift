import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
import TandemModel
import TandemWire

@Suite("Wire codec")
struct CodecTests {
    @Test("the frame decoder gives the same frames however the bytes are split (drip-fed one byte at a time)")
    func dripFeed() throws {
        let frames = VectorMessages.valid.map { $0.message.frame() }
        var pairs: [(ByteBuffer, [Frame])] = []
        for frame in frames { pairs.append((ByteBuffer(bytes: frame.bytes), [frame])) }
        pairs.append((ByteBuffer(bytes: frames.flatMap(\.bytes)), frames))
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { FrameDecoder() }
    }

    @Test("operation batches round-trip, random ones included, and stay a few bytes per operation")
    func batchRoundTrip() throws {
        for ops in [VectorMessages.typicalEdits, VectorMessages.everyAction, []] {
            #expect(try OperationBatch.decode(OperationBatch.encode(ops)) == ops)
        }
        var plan = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(7)))
        let planID = try plan.createPlan(.init(title: "Bench", customer: "Acme"))
        let phase = try plan.addPhase(title: "Setup")
        for index in 0..<200 {
            let task = try plan.addTask(.init(title: "Task \(index)"), in: phase)
            try plan.editTask(task, title: "Task \(index) (renamed)")
            try plan.setStatus(task, .inProgress, at: Instant(milliseconds: 1_780_000_000_000))
        }
        _ = planID
        let ops = plan.replica.takeOutbox()
        let encoded = OperationBatch.encode(ops)
        #expect(try OperationBatch.decode(encoded) == ops)
        let perOperation = Double(encoded.count) / Double(ops.count)
        let compressed = Deflate.compress(encoded)
        #expect(perOperation < Double(ops.map(\.encoded.count).reduce(0, +)) / Double(ops.count))
        #expect(Double(compressed.count) / Double(ops.count) < 8)
    }

    @Test("every truncation and single-byte mutation of a batch is an error or a valid batch, never a crash")
    func batchMutations() throws {
        let encoded = OperationBatch.encode(VectorMessages.everyAction)
        for length in 0..<encoded.count {
            #expect(throws: WireError.self) { try OperationBatch.decode(Array(encoded.prefix(length))) }
        }
        for index in 0..<encoded.count {
            for value in [0x00, 0x01, 0x7F, 0x80, 0xFF] as [UInt8] {
                var mutated = encoded
                mutated[index] = value
                _ = try? OperationBatch.decode(mutated)
            }
        }
    }

    @Test("compression round-trips and inflation never exceeds the declared size")
    func compression() throws {
        let payload = Array("tandem ".utf8) + [UInt8](repeating: 7, count: 10_000)
        let compressed = Deflate.compress(payload)
        #expect(try Deflate.inflate(compressed[...], length: payload.count) == payload)
        #expect(throws: WireError.self) { try Deflate.inflate(compressed[...], length: payload.count - 1) }
        #expect(throws: WireError.self) { try Deflate.inflate(compressed[...], length: payload.count + 1) }
        let limits = WireLimits()
        #expect(limits.inflationAllowance(compressedBytes: 1_000) == 100_000)
        #expect(limits.inflationAllowance(compressedBytes: 1_000_000) == limits.maxInflatedBytes)
    }

    @Test("large payloads are compressed only within the receiver's ratio limit")
    func compressionRatio() throws {
        // 1 MiB of one byte compresses ~1000×: above the ratio limit, so it is sent raw and still decodes.
        let message = Message.error(WireError(.internalError, String(repeating: "a", count: 4000)))
        let frame = message.frame(compressAbove: 0)
        #expect(try Message.decode(frame) == message)
        let ops = Message.operations(Operations(from: 0, to: 1, operations: Array(repeating: VectorMessages.typicalEdits, count: 1).flatMap { $0 }))
        #expect(try Message.decode(ops.frame(compressAbove: 0)) == ops)
    }
}
