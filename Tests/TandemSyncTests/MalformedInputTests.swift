import NIOCore
import NIOPosix
import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire

/// Hostile bytes on real connections: each gets an ERROR frame with its
/// documented code and a closed connection, while a well-behaved client of
/// the same server keeps syncing.
@Suite("Malformed input over TCP", .timeLimit(.minutes(1)))
struct MalformedInputTests {
    /// Sends raw bytes, then reads until the server closes; returns the frames it sent.
    static func exchange(port: Int, _ bytes: [UInt8], halfClose: Bool = false) async throws -> [Frame] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            if !bytes.isEmpty { try await outbound.write(ByteBuffer(bytes: bytes)) }
            if halfClose { outbound.finish() }
            var received: [UInt8] = []
            for try await chunk in inbound { received += Array(chunk.readableBytesView) }
            var slice = received[...]
            var frames: [Frame] = []
            while let frame = try Frame.split(&slice, maxFrameBytes: 1 << 24) { frames.append(frame) }
            return frames
        }
    }

    static func errorCode(_ frames: [Frame]) -> String? {
        guard let last = frames.last, case .error(let error)? = try? Message.decode(last) else { return nil }
        return error.code.rawValue
    }

    @Test("each malformed input gets its error frame and a close; another client still syncs")
    func catalogue() async throws {
        try await ServerHarness.with(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, handshakeTimeout: .seconds(1))) { harness in
            let plan = try await harness.createPlan()
            let good = try await harness.addMember(plan, name: "Good")
            let client = TestClient(name: "Good", member: good.member, token: good.token)
            _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
            let hello = Message.hello(Hello(replica: .random(), token: good.token, agent: "t")).frame().bytes
            let badToken = Message.hello(Hello(replica: .random(), token: "tdm_nope", agent: "t")).frame().bytes
            let cases: [(String, [UInt8], String, Bool)] = [
                ("message before handshake", Message.push(Push(batch: 1, operations: [])).frame().bytes, "unexpected-message", false),
                ("unknown message type", RawFrames.frame(0x42, []), "unknown-message", false),
                ("bad varint", RawFrames.frame(0x01, [0x54, 0x4E, 0x44, 0x4D, 0xFF]), "malformed-message", false),
                ("overlong varint", RawFrames.frame(0x01, [0x54, 0x4E, 0x44, 0x4D, 0x81, 0x00]), "malformed-message", false),
                ("invalid UTF-8 in the token", RawFrames.hello(token: [0x74, 0x64, 0x6D, 0x5F, 0xC3, 0x28]), "malformed-message", false),
                ("length below two", [0, 0, 0, 1, 0x01], "malformed-frame", false),
                ("frame too large", [0x7F, 0xFF, 0xFF, 0xFF, 0x01, 0x00], "frame-too-large", false),
                ("zip bomb", RawFrames.compressed(0x01, declared: 1 << 30, [UInt8](repeating: 0, count: 1 << 20)), "inflation-limit", false),
                ("lying zip bomb after handshake", hello + RawFrames.compressed(0x02, declared: 1000, [UInt8](repeating: 0, count: 1 << 20)), "inflation-limit", false),
                ("truncated frame then close", [0, 0, 0, 50, 0x01, 0x00, 0x54], "malformed-frame", true),
                ("unknown token", badToken, "authentication-failed", false),
                ("second hello", hello + hello, "unexpected-message", false),
                ("silence", [], "handshake-timeout", false),
            ]
            for (name, bytes, code, halfClose) in cases {
                let frames = try await Self.exchange(port: harness.port, bytes, halfClose: halfClose)
                #expect(Self.errorCode(frames) == code, "\(name)")
                // The server is unharmed: a good client still syncs between hostile ones.
                try client.replica.edit { plan in _ = try plan.addPhase(title: "After \(name)") }
                let report = try await harness.client(token: client.token, replica: client.replica).syncOnce()
                #expect(report.acknowledged == 2) // the phase's create and its title
            }
        }
    }

    @Test("forged authorship, another replica's operations and unknown entities are refused one by one; later operations still sync")
    func refusedOperationsAreSetAside() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let ana = try await harness.addMember(plan, name: "Ana", side: .internal)
            let bo = try await harness.addMember(plan, name: "Bo", side: .customer)
            let client = TestClient(name: "Bo", member: bo.member, token: bo.token)
            _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
            try client.replica.edit { plan in _ = try plan.addPhase(title: "Before") }
            client.replica.author = ana.member // forging: Bo's replica writes as Ana
            try client.replica.edit { plan in _ = try plan.addPhase(title: "Forged") }
            client.replica.author = bo.member
            try client.replica.edit { plan in _ = try plan.addPhase(title: "After") }
            let report = try await harness.client(token: client.token, replica: client.replica, options: SyncOptions(batchSize: 2)).syncOnce()
            #expect(report.refused.count == 2) // the forged create and its title
            #expect(report.refused.allSatisfy { $0.code == "author-mismatch" })
            #expect(client.replica.pendingCount == 0)
            let server = try await harness.serverText(plan)
            #expect(server.contains("Before") && server.contains("After") && !server.contains("Forged"))
            // The next sync is clean and converged (the digest leaves the refused operations out).
            let again = try await harness.client(token: client.token, replica: client.replica).syncOnce()
            #expect(again.refused.isEmpty)
        }
    }
}

/// Hand-made frames for hostile input.
enum RawFrames {
    static func frame(_ type: UInt8, flags: UInt8 = 0, _ payload: [UInt8]) -> [UInt8] {
        Frame(type: type, flags: flags, payload: payload).bytes
    }

    static func compressed(_ type: UInt8, declared: Int, _ raw: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.varint(declared)
        writer.raw(Deflate.compress(raw, level: 9))
        return frame(type, flags: Frame.compressedFlag, writer.bytes)
    }

    /// A HELLO whose token is `token`'s raw bytes (which need not be UTF-8).
    static func hello(token: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.raw(WireProtocol.magic)
        writer.varint(1); writer.varint(1); writer.varint(0x1234)
        writer.varint(token.count); writer.raw(token)
        writer.varint(0)
        writer.varint(1); writer.raw([0x74])
        return frame(0x01, writer.bytes)
    }
}
