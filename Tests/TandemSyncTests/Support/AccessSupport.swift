import Foundation
import TandemModel
import TandemServer
import TandemSync
import TandemWire

extension ServerHarness {
    /// Adds a member with an access role; the default is the editor of `side`.
    func addMember(_ plan: PlanRecord, name: String, side: Side, access: AccessRole?) async throws -> (member: EntityID, token: String) {
        let (record, token) = try await PlanAdministration(store: store).addMember(plan: plan.id, name: name, side: side, role: nil, access: access)
        return (record.member, token)
    }

    /// The plan's canonical JSON as customers see it: without internal-only entities.
    func customerText(_ plan: PlanRecord) async throws -> String {
        let document = try await store.loadDocument(plan: plan.id).document
        let index = InternalOnlyIndex(document: document)
        return document.canonicalText(excluding: { index.contains($0.id) })
    }

    /// The canonical JSON a member of `side` converges on.
    func text(_ plan: PlanRecord, side: Side) async throws -> String {
        side == .internal ? try await serverText(plan) : try await customerText(plan)
    }

    /// One sync of `client`; the codes of the operations the server refused.
    func syncRefusals(_ client: TestClient) async throws -> [RefusedOperation] {
        try await self.client(token: client.token, replica: client.replica).syncOnce().refused
    }
}

/// Byte searches for the internal-only proof.
enum ByteSearch {
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, Array(haystack[index..<(index + needle.count)]) == needle { return true }
            index += 1
        }
        return false
    }

    /// Every regular file under `directory` (the SQLite database, its -wal and -shm, anything else).
    static func files(under directory: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var result: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = directory + "/" + path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue { result.append(full) }
        }
        return result
    }

    /// The payloads a byte stream of frames carries, inflated when compressed,
    /// plus the raw stream itself: where a marker could be seen on the wire.
    static func wireViews(_ stream: [UInt8]) throws -> [[UInt8]] {
        var views: [[UInt8]] = [stream]
        var rest = stream[...]
        while let frame = try Frame.split(&rest, maxFrameBytes: 64 << 20) {
            views.append(frame.payload)
            if frame.isCompressed {
                var reader = ByteReader(frame.payload)
                let length = try reader.varint()
                views.append(try Deflate.inflate(frame.payload[reader.offset...], length: Int(length)))
            }
        }
        return views
    }
}

extension ServerHarness {
    /// How many of the plan's operations customers receive.
    func customerOperationCount(_ plan: PlanRecord) async throws -> Int {
        var index = InternalOnlyIndex()
        return try await store.operations(plan: plan.id, after: 0, limit: 1_000_000).filter { !index.record($0.operation) }.count
    }
}

extension PlanDocument {
    /// This (internal) replica's canonical JSON as a customer would hold it.
    var customerViewText: String {
        let index = InternalOnlyIndex(document: self)
        return canonicalText(excluding: { index.contains($0.id) })
    }
}
