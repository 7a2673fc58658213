import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire
import TandemTesting

/// Catch-up from any cursor equals a full replay (PITFALLS: reading changes by
/// version must not miss values a later transaction overwrote).
@Suite("Catch-up from every cursor", .timeLimit(.minutes(1)))
struct CatchUpTests {
    @Test("a replica holding the log up to any cursor, then catching up, equals the server's plan")
    func everyCursor() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            var writers: [TestClient] = []
            for index in 0..<3 {
                let added = try await harness.addMember(plan, name: "W\(index)")
                writers.append(TestClient(name: "W\(index)", member: added.member, token: added.token))
            }
            var rng = SeededRandom(seed: 42)
            for round in 0..<3 {
                for writer in writers {
                    _ = try await harness.client(token: writer.token, replica: writer.replica).syncOnce()
                    var local = rng
                    writer.replica.edit { (plan: inout OnboardingPlan) -> Void in RandomEdits.apply(count: 6 + round, to: &plan, rng: &local) }
                    rng = local
                    _ = try await harness.client(token: writer.token, replica: writer.replica, options: SyncOptions(batchSize: 3)).syncOnce()
                }
            }
            let log = try await harness.store.operations(plan: plan.id, after: 0, limit: 100_000)
            let head = try #require(log.last?.sequence)
            let server = try await harness.serverText(plan)
            let reader = try await harness.addMember(plan, name: "Reader", side: .internal)
            // The reader's own member entity is at the end of the log now; every cursor before it is tested.
            for cursor in stride(from: UInt64(0), through: head, by: 3) {
                let replica = InMemorySyncReplica(author: reader.member, supportsSnapshots: false)
                try replica.receive(log.filter { $0.sequence <= cursor }.map(\.operation), cursor: cursor)
                let report = try await harness.client(token: reader.token, replica: replica).syncOnce()
                #expect(report.sequence >= head)
                let expected = try await harness.serverText(plan)
                #expect(replica.document.canonicalText() == expected, "catch-up from \(cursor) differs from a full replay")
            }
            #expect(!server.isEmpty)
        }
    }
}
