import Foundation
import Testing
@testable import TandemServer
import TandemModel
import TandemSync
import TandemWire

/// Live deliveries are encoded once per view and shared (``DeliveryFrameCache``):
/// the cache keeps views apart, and subscribers of both views, watching at
/// once, each get exactly their view.
@Suite("Shared delivery frames", .timeLimit(.minutes(1)))
struct SharedDeliveryTests {
    static func frames(_ count: Int, bytes: Int = 10) -> DeliveryFrameCache.Frames {
        (0..<count).map { _ in (Frame(type: 1, payload: [UInt8](repeating: 7, count: bytes)), Message.ping(nonce: 0)) }
    }

    @Test("a range is encoded once per view; old ranges are evicted; large frames are not kept")
    func cacheKeysAndLimits() {
        let cache = DeliveryFrameCache()
        var encodings = 0
        let encode = { encodings += 1; return Self.frames(1) }
        let customer = DeliveryFrameCache.Key(after: 4, through: 5, customerView: true)
        let full = DeliveryFrameCache.Key(after: 4, through: 5, customerView: false)
        for _ in 0..<3 { _ = cache.frames(for: customer, encode: encode) }
        #expect(encodings == 1)
        _ = cache.frames(for: full, encode: encode)
        #expect(encodings == 2)
        for after in UInt64(10)..<UInt64(10 + DeliveryFrameCache.capacity) {
            _ = cache.frames(for: .init(after: after, through: after + 1, customerView: true), encode: encode)
        }
        #expect(cache.count == DeliveryFrameCache.capacity)
        _ = cache.frames(for: customer, encode: encode)
        #expect(encodings == 3 + DeliveryFrameCache.capacity)
        let large = DeliveryFrameCache.Key(after: 100, through: 200, customerView: false)
        for _ in 0..<2 { _ = cache.frames(for: large, encode: { encodings += 1; return Self.frames(2, bytes: DeliveryFrameCache.maximumBytes / 2 + 1) }) }
        #expect(encodings == 5 + DeliveryFrameCache.capacity)
    }

    @Test("internal and customer watchers at once: customers never get internal-only data, everyone converges to their view")
    func bothViewsLive() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            func client(_ name: String, _ side: Side) async throws -> TestClient {
                let added = try await harness.addMember(plan, name: name, side: side)
                return TestClient(name: name, member: added.member, token: added.token, snapshots: false)
            }
            let writer = try await client("Ana", .internal)
            let insiders = [try await client("Ivy", .internal), try await client("Ian", .internal)]
            let customers = [try await client("Bo", .customer), try await client("Cy", .customer)]
            let options = SyncOptions(responseTimeout: .seconds(10), pollInterval: .milliseconds(10), digestInterval: .milliseconds(50))
            let watchers = ([writer] + insiders + customers).map { client in
                Task { try await harness.client(token: client.token, replica: client.replica, options: options).watch() }
            }
            defer { for watcher in watchers { watcher.cancel() } }
            // The writer too: it edits a plan it must have received first.
            try await LiveSyncTests.waitUntil { ([writer] + insiders + customers).allSatisfy { $0.replica.document.operationCount > 0 } }
            let marker = "INTERNAL-\(UInt64.random(in: 1...UInt64.max))"
            for round in 0..<8 {
                try writer.replica.edit { plan in
                    let phase = try plan.addPhase(title: "Phase \(round)")
                    _ = try plan.addRiskNote("\(marker) \(round)", severity: .low, about: phase)
                }
                try await Task.sleep(for: .milliseconds(15))
            }
            let full = { writer.replica.document.canonicalText() }
            let customerView = { writer.replica.document.customerViewText }
            try await LiveSyncTests.waitUntil {
                writer.replica.pendingCount == 0 && insiders.allSatisfy { $0.replica.document.canonicalText() == full() }
                    && customers.allSatisfy { $0.replica.document.canonicalText() == customerView() }
            }
            #expect(full().contains("\(marker) 7") && customerView().contains("Phase 7") && !customerView().contains(marker))
            for insider in insiders { #expect(insider.replica.document.canonicalText() == full()) }
            for customer in customers {
                #expect(customer.replica.document.canonicalText() == customerView())
                #expect(!customer.replica.document.canonicalText().contains(marker))
            }
        }
    }
}
