import Foundation
import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire

/// The malformed-input catalogue's entries that are well-formed frames with
/// hostile operations (`Protocol/errors.md`, "Malformed input catalogue"):
/// each is refused one by one in the `ACK` with its code, nothing of it is
/// stored, and the connection and the server go on.
@Suite("Malformed operations", .timeLimit(.minutes(1)))
struct OperationCatalogueTests {
    static let now = UInt64(Date().timeIntervalSince1970 * 1000)

    /// HELLO, then one PUSH of `operations`; returns the WELCOME and the ACK's refusals.
    static func push(_ harness: ServerHarness, token: String, replica: ReplicaID,
                     _ operations: (Welcome) -> [TandemModel.Operation]) async throws -> (Welcome, Ack) {
        let connection = try await RawConnection(port: harness.port)
        defer { Task { await connection.close() } }
        guard case .welcome(let welcome)? = try await connection.hello(token: token, replica: replica) else { throw WireError(.unexpectedMessage, "no WELCOME") }
        try await connection.send(Message.push(Push(batch: 7, operations: operations(welcome))).frame().bytes)
        guard case .ack(let ack)? = try await connection.next() else { throw WireError(.unexpectedMessage, "no ACK") }
        return (welcome, ack)
    }

    static func setTitle(_ entity: EntityID, replica: ReplicaID, counter: UInt64 = 1, author: EntityID, milliseconds: UInt64 = now) -> TandemModel.Operation {
        TandemModel.Operation(id: OperationID(replica: replica, counter: counter), time: HybridTimestamp(milliseconds: milliseconds), author: author,
                              action: .set(entity: entity, field: "title", value: .string("hostile"), previous: nil))
    }

    @Test("an operation naming an entity the plan does not have is refused unknown-entity")
    func unknownEntity() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let bo = try await harness.addMember(plan, name: "Bo", side: .internal)
            let replica = ReplicaID.random()
            let nowhere = EntityID(OperationID(replica: ReplicaID(0xDEAD), counter: 99))
            let head = try await harness.store.head(plan: plan.id)
            let (_, ack) = try await Self.push(harness, token: bo.token, replica: replica) { welcome in
                [Self.setTitle(nowhere, replica: replica, author: welcome.member),
                 Self.setTitle(welcome.plan, replica: replica, counter: 2, author: welcome.member)]
            }
            #expect(ack.refusals.map(\.code) == [.unknownEntity])
            #expect(ack.refusals.first?.index == 0)
            #expect(try await harness.store.head(plan: plan.id) == head + 1)   // the valid second operation was stored
        }
    }

    @Test("an operation on another plan's entity is refused; the other plan is untouched")
    func planNotAMemberOf() async throws {
        try await ServerHarness.with { harness in
            let mine = try await harness.createPlan(title: "Mine", customer: "Acme")
            let theirs = try await harness.createPlan(title: "Theirs", customer: "Globex")
            let bo = try await harness.addMember(mine, name: "Bo")
            let before = try await harness.serverText(theirs)
            let replica = ReplicaID.random()
            let (_, ack) = try await Self.push(harness, token: bo.token, replica: replica) { welcome in
                [Self.setTitle(theirs.id, replica: replica, author: welcome.member)]
            }
            #expect(ack.refusals.map(\.code) == [.unknownEntity])
            #expect(try await harness.serverText(theirs) == before)
            #expect(!(try await harness.serverText(mine)).contains("hostile"))
        }
    }

    @Test("a batch captured from one replica and replayed by another is refused wrong-replica, stored once")
    func replayedBatch() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let bo = try await harness.addMember(plan, name: "Bo")
            let eve = try await harness.addMember(plan, name: "Eve")
            let client = TestClient(name: "Bo", member: bo.member, token: bo.token)
            _ = try await harness.client(token: bo.token, replica: client.replica).syncOnce()
            try client.replica.edit { plan in _ = try plan.addPhase(title: "Bo's phase") }
            let captured = try client.replica.pendingOperations()
            _ = try await harness.client(token: bo.token, replica: client.replica).syncOnce()
            let head = try await harness.store.head(plan: plan.id)
            // Eve replays Bo's batch byte for byte on her own connection (her own replica)...
            let (_, ack) = try await Self.push(harness, token: eve.token, replica: .random()) { _ in captured }
            #expect(ack.refusals.count == captured.count)
            #expect(ack.refusals.allSatisfy { $0.code == .wrongReplica })
            // ...and with Bo's replica id she is refused at HELLO: the replica is bound to Bo.
            let hijack = try await RawConnection(port: harness.port)
            guard case .error(let error)? = try await hijack.hello(token: eve.token, replica: client.replica.replicaID) else { Issue.record("no ERROR"); return }
            #expect(error.code == .replicaConflict)
            #expect(try await harness.store.head(plan: plan.id) == head)
        }
    }

    @Test("a timestamp far in the future is refused future-time, and the server's clock is not dragged forward")
    func futureTimestamp() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let bo = try await harness.addMember(plan, name: "Bo", side: .internal)
            let replica = ReplicaID.random()
            let aYearAhead = Self.now + 365 * 86_400_000
            let (_, ack) = try await Self.push(harness, token: bo.token, replica: replica) { welcome in
                [Self.setTitle(welcome.plan, replica: replica, author: welcome.member, milliseconds: aYearAhead),
                 Self.setTitle(welcome.plan, replica: replica, counter: 2, author: welcome.member, milliseconds: Self.now + 6 * 60_000)]
            }
            #expect(ack.refusals.map(\.code) == [.futureTime, .futureTime])
            // The next operation the server mints (an invite) is stamped now, not a year ahead.
            _ = try await harness.addMember(plan, name: "Cy")
            let (document, _) = try await harness.store.loadDocument(plan: plan.id)
            let limit = UInt64(Date().timeIntervalSince1970 * 1000) + 5 * 60_000
            #expect(document.latestTime.milliseconds < limit)
            #expect(!(try await harness.serverText(plan)).contains("hostile"))
        }
    }
}
