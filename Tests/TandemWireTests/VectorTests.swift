import Foundation
import NIOCore
import NIOEmbedded
import Testing
import TandemModel
import TandemWire

/// The codec against `Protocol/vectors/`: every valid frame decodes to its
/// documented meaning and re-encodes to the same bytes; every malformed one
/// fails with its documented error code.
///
/// `TANDEM_WRITE_VECTORS=1 swift test --filter VectorTests` rewrites the files
/// from `VectorMessages` (then review the diff: the vectors are the spec).
@Suite("Protocol vectors")
struct VectorTests {
    @Test("valid frames decode to their documented meaning and re-encode byte for byte")
    func validFrames() throws {
        if ProcessInfo.processInfo.environment["TANDEM_WRITE_VECTORS"] == "1" { try Self.writeVectors() }
        let vectors = try Vectors.load("frames.json")
        #expect(vectors.count == VectorMessages.valid.count)
        for vector in vectors {
            let name = vector["name"] as! String
            let bytes = Vectors.bytes(vector["hex"] as! String)
            var slice = bytes[...]
            let frame = try #require(try Frame.split(&slice, maxFrameBytes: WireLimits.default.maxFrameBytes), "\(name): incomplete frame")
            #expect(slice.isEmpty, "\(name): bytes after the frame")
            let message = try Message.decode(frame)
            let decoded = try JSONSerialization.data(withJSONObject: Vectors.describe(message), options: [.sortedKeys])
            let expected = try JSONSerialization.data(withJSONObject: vector["decoded"]!, options: [.sortedKeys])
            #expect(decoded == expected, "\(name): decoded meaning differs")
            // Re-encoding is byte-exact for uncompressed frames; compressed bytes depend on zlib's version.
            if !frame.isCompressed {
                #expect(Vectors.hex(message.frame(compressAbove: .max).bytes) == vector["hex"] as? String, "\(name): re-encoding differs")
            } else {
                #expect(try Message.decode(message.frame(compressAbove: 0)) == message)
            }
        }
    }

    @Test("malformed frames fail with their documented error code")
    func malformedFrames() throws {
        for vector in try Vectors.load("malformed.json") {
            let name = vector["name"] as! String
            let code = vector["error"] as! String
            let bytes = Vectors.bytes(vector["hex"] as! String)
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameBytes: WireLimits.default.maxFrameBytes)))
            var failure: WireError?
            do {
                try channel.writeInbound(ByteBuffer(bytes: bytes))
                if vector["eof"] as? Bool == true { _ = try channel.finish() }
                while let frame = try channel.readInbound(as: Frame.self) {
                    _ = try Message.decode(frame)
                }
            } catch let error as WireError {
                failure = error
            }
            _ = try? channel.finish()
            #expect(failure?.code.rawValue == code, "\(name): expected \(code), got \(failure.map { "\($0)" } ?? "no error")")
        }
    }

    static func writeVectors() throws {
        let valid: [[String: Any]] = VectorMessages.valid.map { name, message, compress in
            let frame = message.frame(compressAbove: compress ? 0 : .max)
            return ["name": name, "hex": Vectors.hex(frame.bytes), "compressed": frame.isCompressed, "decoded": Vectors.describe(message)]
        }
        try Vectors.write("frames.json", valid)
        try Vectors.write("malformed.json", MalformedVectors.all.map { vector in
            var out: [String: Any] = ["name": vector.name, "hex": Vectors.hex(vector.bytes), "error": vector.code, "why": vector.why]
            if vector.eof { out["eof"] = true }
            return out
        })
    }
}

/// Hostile or broken input, each with the error code the spec requires.
enum MalformedVectors {
    struct Vector {
        let name: String
        let bytes: [UInt8]
        let code: String
        let why: String
        var eof = false
    }

    static func frame(_ type: UInt8, flags: UInt8 = 0, _ payload: [UInt8]) -> [UInt8] {
        Frame(type: type, flags: flags, payload: payload).bytes
    }

    /// An `ADMIN_REQUEST` payload (id 1, command `plans`) with these argument names, each valued "x".
    static func adminArguments(_ names: [String]) -> [UInt8] {
        var w = ByteWriter()
        w.varint(UInt64(1)); w.string("plans"); w.varint(names.count)
        for name in names { w.string(name); w.string("x") }
        return w.bytes
    }

    static func compressed(_ type: UInt8, declared: Int, _ raw: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.varint(declared)
        writer.raw(Deflate.compress(raw, level: 9))
        return frame(type, flags: Frame.compressedFlag, writer.bytes)
    }

    static var all: [Vector] {
        let hello = Message.hello(Hello(replica: VectorMessages.client, token: "tdm_x", agent: "t")).payload()
        var badMagic = hello
        badMagic.replaceSubrange(0..<4, with: Array("HTTP".utf8))
        var tooMany = ByteWriter()
        tooMany.varint(UInt64(1)) // batch id
        tooMany.varint(0); tooMany.varint(0); tooMany.varint(0) // empty tables
        tooMany.varint(UInt64(10_001))
        var badIndex = ByteWriter()
        badIndex.varint(UInt64(1))
        badIndex.varint(1); badIndex.fixed64(0xAA) // one replica
        badIndex.varint(0); badIndex.varint(0) // no names, no entities
        badIndex.varint(1) // one operation
        badIndex.byte(0x43); badIndex.varint(0); badIndex.varint(1) // delete with logical 0, replica 0, counter 1
        badIndex.signed(1000); badIndex.varint(0) // time, no author
        badIndex.varint(5) // entity index 5 of an empty table
        var zeroReplica = ByteWriter()
        zeroReplica.varint(UInt64(1)); zeroReplica.varint(1); zeroReplica.fixed64(0)
        zeroReplica.varint(0); zeroReplica.varint(0); zeroReplica.varint(0)
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        // One operation on entity 1@aa, field "notes": header byte, then the action body.
        func oneOperation(header: UInt8, writtenLogical: UInt64 = 7, entities: (inout ByteWriter) -> Void = { w in w.varint(1); w.varint(0); w.varint(1); w.varint(1) },
                          _ body: (inout ByteWriter) -> Void) -> [UInt8] {
            var w = ByteWriter()
            w.varint(UInt64(1)) // batch id
            w.varint(2); w.fixed64(0xAA); w.fixed64(0xBB) // two replicas
            w.varint(1); w.string("notes") // one name
            entities(&w) // by default one entity, 1@aa: one run of replica 0, length 1, counter Δ1
            w.varint(1) // one operation
            w.byte(header); w.varint(0); w.varint(2) // replica 0, counter 2
            w.signed(1000) // time (logical 0 when the header says so)
            if header & 0x40 == 0 { w.varint(writtenLogical) }
            w.varint(0) // no author
            body(&w)
            return w.bytes
        }
        // A set of entity 0, field 0, value null, then `previous` as given.
        func setWithPrevious(_ previous: (inout ByteWriter) -> Void) -> [UInt8] {
            oneOperation(header: 0x42) { w in w.varint(0); w.varint(0); w.byte(0); previous(&w) }
        }
        let loggedZero = oneOperation(header: 0x03, writtenLogical: 0) { w in w.varint(0) }
        let entitiesOutOfOrder = oneOperation(header: 0x43, entities: { w in
            w.varint(2); w.varint(1); w.varint(1); w.varint(4); w.varint(0); w.varint(1); w.varint(1) // run of replica 1, then of replica 0
        }) { w in w.varint(0) }
        let entityDeltaZero = oneOperation(header: 0x43, entities: { w in
            w.varint(2); w.varint(0); w.varint(2); w.varint(1); w.varint(0) // 1@aa twice
        }) { w in w.varint(0) }
        let entityRunTooLong = oneOperation(header: 0x43, entities: { w in
            w.varint(1); w.varint(0); w.varint(2); w.varint(1); w.varint(1) // a run of 2 in a table of 1
        }) { w in w.varint(0) }
        let previousNoneWithValue = setWithPrevious { w in w.varint(4 << 2 | 0) }
        let previousBeforeCounterOne = setWithPrevious { w in w.varint(2 << 2 | 2) } // 2 before counter 2
        let previousReplicaOutside = setWithPrevious { w in w.varint(2 << 2 | 3); w.varint(5) }
        let unknownAction = oneOperation(header: 10) { w in w.varint(0) }
        // HELLO whose token is "tdm_" then 0xC3 0x28 (a lead byte without its continuation).
        var invalidToken = ByteWriter()
        invalidToken.raw(WireProtocol.magic); invalidToken.varint(1); invalidToken.varint(1); invalidToken.varint(0xAA)
        invalidToken.varint(6); invalidToken.raw([0x74, 0x64, 0x6D, 0x5F, 0xC3, 0x28])
        invalidToken.varint(0); invalidToken.varint(1); invalidToken.raw([0x74])
        // A batch whose one name is 0xFF 0xFE: never valid UTF-8.
        var invalidName = ByteWriter()
        invalidName.varint(UInt64(1))
        invalidName.varint(1); invalidName.fixed64(0xAA)
        invalidName.varint(1); invalidName.varint(2); invalidName.raw([0xFF, 0xFE])
        invalidName.varint(0); invalidName.varint(0)
        let emptyInsertion = oneOperation(header: 8) { w in
            w.varint(0); w.varint(0) // entity 0, field 0
            w.varint(1); w.fixed64(0xAA) // text replicas
            w.varint(1); w.varint(1); w.varint(0); w.varint(0) // id 1@aa, no origins
            w.string("") // no characters
        }
        let originOutsideTable = oneOperation(header: 8) { w in
            w.varint(0); w.varint(0)
            w.varint(1); w.fixed64(0xAA)
            w.varint(1); w.varint(6) // id 6@aa
            w.varint(2); w.varint(5) // left origin on text replica 1 of a table of 1
            w.varint(0); w.string("x")
        }
        return [
            Vector(name: "unknown-type", bytes: frame(0x42, []), code: "unknown-message", why: "0x42 is no message type"),
            Vector(name: "length-below-two", bytes: [0, 0, 0, 1, 0x01], code: "malformed-frame", why: "a frame holds at least its type and flags"),
            Vector(name: "length-too-large", bytes: [0x7F, 0xFF, 0xFF, 0xFF, 0x02, 0x00], code: "frame-too-large", why: "refused from the length alone, before 2 GiB are awaited"),
            Vector(name: "lying-length", bytes: [0, 0, 0, 40, 0x05, 0x00, 0x2A], code: "malformed-frame", why: "the length promises 40 bytes and the connection closes after 3", eof: true),
            Vector(name: "unknown-flags", bytes: frame(0x05, flags: 0x02, [0x2A]), code: "malformed-frame", why: "flag bit 1 is not defined"),
            Vector(name: "truncated-varint", bytes: frame(0x03, [0x80]), code: "malformed-message", why: "a varint whose continuation bit is set on the last byte"),
            Vector(name: "overlong-varint", bytes: frame(0x05, [0x80, 0x00]), code: "malformed-message", why: "a padded varint; each value has exactly one encoding"),
            Vector(name: "varint-too-long", bytes: frame(0x05, [UInt8](repeating: 0xFF, count: 10) + [0x01]), code: "malformed-message", why: "more than 64 bits"),
            Vector(name: "trailing-bytes", bytes: frame(0x05, [0x2A, 0x00]), code: "malformed-message", why: "bytes after the last field"),
            Vector(name: "hello-bad-magic", bytes: frame(0x01, badMagic), code: "malformed-message", why: "HELLO must start with 'TNDM'"),
            Vector(name: "hello-invalid-utf8", bytes: frame(0x01, invalidToken.bytes), code: "malformed-message", why: "the token's bytes are not UTF-8 (0xC3 without its continuation byte)"),
            Vector(name: "batch-name-invalid-utf8", bytes: frame(0x02, invalidName.bytes), code: "malformed-message", why: "a name in the batch's table is not UTF-8"),
            Vector(name: "batch-too-many-operations", bytes: frame(0x02, tooMany.bytes), code: "batch-too-large", why: "more than the 10,000 operations a batch may hold"),
            Vector(name: "batch-entity-index-out-of-range", bytes: frame(0x02, badIndex.bytes), code: "malformed-message", why: "entity index 5 in an empty entity table"),
            Vector(name: "batch-replica-zero", bytes: frame(0x02, zeroReplica.bytes), code: "malformed-message", why: "replica id 0 is reserved"),
            Vector(name: "batch-unknown-action", bytes: frame(0x02, unknownAction), code: "malformed-message", why: "action 10 is not defined (1–9 are)"),
            Vector(name: "batch-text-empty-insertion", bytes: frame(0x02, emptyInsertion), code: "malformed-message", why: "a text insertion inserts at least one character"),
            Vector(name: "batch-text-origin-outside-table", bytes: frame(0x02, originOutsideTable), code: "malformed-message", why: "a character id names text replica 1 of a table of 1"),
            Vector(name: "batch-logical-zero-written", bytes: frame(0x02, loggedZero), code: "malformed-message", why: "a logical clock part of 0 is written as header bit 6, never as a varint 0"),
            Vector(name: "batch-entity-runs-out-of-order", bytes: frame(0x02, entitiesOutOfOrder), code: "malformed-message", why: "entity table runs must follow the replica table's order"),
            Vector(name: "batch-entity-counter-repeated", bytes: frame(0x02, entityDeltaZero), code: "malformed-message", why: "counters in an entity run increase: a delta of 0 repeats an entity"),
            Vector(name: "batch-entity-run-too-long", bytes: frame(0x02, entityRunTooLong), code: "malformed-message", why: "a run longer than the entities left in the table"),
            Vector(name: "batch-previous-none-with-value", bytes: frame(0x02, previousNoneWithValue), code: "malformed-message", why: "previous form 0 (none) with a non-zero value"),
            Vector(name: "batch-previous-before-counter-one", bytes: frame(0x02, previousBeforeCounterOne), code: "malformed-message", why: "an operation-relative previous reaching counter 0"),
            Vector(name: "batch-previous-replica-outside", bytes: frame(0x02, previousReplicaOutside), code: "malformed-message", why: "previous names replica 2 of a table of 2"),
            Vector(name: "zip-bomb-declared", bytes: compressed(0x03, declared: 1 << 30, zeros), code: "inflation-limit", why: "1 KiB declaring 1 GiB: refused before inflating"),
            Vector(name: "zip-bomb-lying", bytes: compressed(0x03, declared: 100, zeros), code: "inflation-limit", why: "declares 100 bytes, inflates to 1 MiB: stopped at 101"),
            Vector(name: "admin-request-duplicate-argument", bytes: frame(0x07, adminArguments(["plan", "plan"])), code: "malformed-message", why: "an argument named twice"),
            Vector(name: "admin-request-too-many-arguments", bytes: frame(0x07, adminArguments((0..<17).map { "a\($0)" })), code: "malformed-message", why: "17 arguments; at most 16"),
            Vector(name: "admin-response-unknown-flags", bytes: frame(0x87, [0x01, 0x02, 0x00]), code: "malformed-message", why: "ADMIN_RESPONSE flags other than bit 0"),
            Vector(name: "replica-digest-unknown-status", bytes: frame(0x08, [0x01, 0x09, 0x00, 0x00, 0x00]), code: "malformed-message", why: "REPLICA_DIGEST status 9"),
            Vector(name: "not-zlib", bytes: frame(0x03, flags: Frame.compressedFlag, [0x0A, 0xDE, 0xAD, 0xBE, 0xEF]), code: "bad-compression", why: "not a zlib stream"),
        ]
    }
}
