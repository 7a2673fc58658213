import Testing
import TandemModel
import TandemWire
import TandemTesting

/// Admin responses of any size travel as parts under the frame limit and
/// reassemble to the same body; the admin messages survive a frame round trip.
@Suite("Admin messages")
struct AdminMessageTests {
    @Test("bodies of random sizes split into parts under the frame limit and reassemble exactly (seeded)")
    func partsReassemble() throws {
        var random = SeededRandom(seed: 0x5EED_AD31)
        for round in 0..<60 {
            let textBytes = Int(random.next() % (round < 50 ? 5_000 : 3_000_000))
            let text = String(repeating: "é|", count: textBytes / 3)
            let json = "{\"n\":\(round)}"
            let body = AdminResponseBody(status: round % 3 == 0 ? .problems : .ok, text: text, json: json)
            let partBytes = round < 50 ? Int(random.next() % 700) + 1 : AdminResponsePart.maxPartBytes
            let parts = body.parts(id: UInt64(round), partBytes: partBytes)
            #expect(parts.dropLast().allSatisfy(\.more) && parts.last?.more == false)
            var joined: [UInt8] = []
            for part in parts {
                let frame = Message.adminResponse(part).frame()
                #expect(frame.bytes.count <= WireLimits.default.maxFrameBytes)
                guard case .adminResponse(let decoded) = try Message.decode(frame) else { Issue.record("not an ADMIN_RESPONSE"); return }
                #expect(decoded == part)
                joined += decoded.data
            }
            #expect(try AdminResponseBody(decoding: joined) == body)
        }
    }

    @Test("a truncated body is malformed, not a crash")
    func truncatedBody() {
        let bytes = AdminResponseBody(status: .failed, code: "not-found", text: "no plan", json: "{}").encoded()
        for cut in 0..<bytes.count {
            #expect(throws: WireError.self) { try AdminResponseBody(decoding: Array(bytes.prefix(cut))) }
        }
    }

    @Test("admin and probe messages round-trip through frames")
    func roundTrip() throws {
        let messages: [Message] = [
            .adminRequest(AdminRequest(id: 9, command: "state", arguments: ["plan": "3f9a", "seq": "12"])),
            .adminWelcome(AdminWelcome(version: 1, name: "ops", maxFrameBytes: 1 << 22, agent: "tandemd")),
            .digestAt(DigestProbe(id: 1, sequence: 77)),
            .replicaDigest(ReplicaDigest(id: 1, status: .unsyncedEdits, cursor: 70)),
        ]
        for message in messages { #expect(try Message.decode(message.frame(compressAbove: 0)) == message) }
    }
}

