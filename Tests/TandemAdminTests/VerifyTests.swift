import Testing
import TandemModel
import TandemServer

/// `verify` on a sound store, then on deliberately corrupted ones: each fault
/// is caught with a message that names it and where it is.
@Suite("Admin verify", .timeLimit(.minutes(1)))
struct VerifyTests {
    static func problems(_ output: AdminOutput) -> [(code: String, message: String)] {
        guard case .array(let plans)? = output.json["plans"] else { return [] }
        return plans.flatMap { plan -> [(code: String, message: String)] in
            guard case .array(let list)? = plan["problems"] else { return [] }
            return list.compactMap { problem in
                guard case .string(let code)? = problem["code"], case .string(let message)? = problem["message"] else { return nil }
                return (code, message)
            }
        }
    }

    @Test("a store that has been through concurrent edits and a compaction verifies")
    func soundStore() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            _ = try await AdminReports.compact(store: harness.store, plan: s.plan.id.description)
            let output = try await AdminReports.verify(store: harness.store)
            #expect(output.succeeded, "\(output.text)")
            #expect(output.text.contains("all 1 plans verified"))
        }
    }

    @Test("a deleted row is a sequence gap and a head mismatch")
    func deletedRow() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let head = try await harness.store.head(plan: s.plan.id)
            try harness.tamper("DELETE FROM operations WHERE seq = 3")
            try harness.tamper("DELETE FROM operations WHERE seq = \(head)")
            let output = try await AdminReports.verify(store: harness.store, plan: s.plan.id.short())
            #expect(!output.succeeded)
            let problems = Self.problems(output)
            #expect(problems.contains { $0.code == "sequence-gap" && $0.message == "sequence 3 is missing from the log" })
            #expect(problems.contains { $0.code == "head-mismatch" && $0.message.contains("recorded head is \(head) but the log ends at \(head - 1)") })
            #expect(output.text.contains("FAIL"))
        }
    }

    @Test("a duplicated row is the same operation id stored twice")
    func duplicatedRow() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let head = try await harness.store.head(plan: s.plan.id)
            // The unique (replica, counter) index forbids an exact copy, so the copy lies in its counter column.
            try harness.tamper("""
                INSERT INTO operations (plan, seq, replica, counter, time, bytes)
                SELECT plan, \(head + 1), replica, counter + 1000000, time, bytes FROM operations WHERE seq = 2;
                UPDATE plans SET head = \(head + 1);
                """)
            let output = try await AdminReports.verify(store: harness.store)
            #expect(!output.succeeded)
            let problems = Self.problems(output)
            #expect(problems.contains { $0.code == "duplicate-operation" && $0.message.hasSuffix("is stored twice, at sequences 2 and \(head + 1)") })
            #expect(problems.contains { $0.code == "column-mismatch" && $0.message.hasPrefix("sequence \(head + 1):") })
        }
    }

    @Test("a tampered snapshot differs from the replayed log; a garbled one does not decode")
    func tamperedSnapshot() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            // The log is kept, so every snapshot can be checked against it (a pruned log's base cannot).
            _ = try await AdminReports.compact(store: harness.store, plan: s.plan.id.description, prune: false)
            let head = try await harness.store.head(plan: s.plan.id)
            // The snapshot claims the head but holds the state of an earlier point.
            let stale = PlanInspector.Point.sequence(s.headBeforeRenames)
            let old = try await PlanInspector(store: harness.store, plan: s.plan.id).document(at: stale).encodedSnapshot()
            let hex = old.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
            try harness.tamper("UPDATE snapshots SET bytes = X'\(hex)' WHERE seq = \(head)")
            var problems = Self.problems(try await AdminReports.verify(store: harness.store))
            #expect(problems.contains { $0.code == "snapshot-mismatch" && $0.message.contains("snapshot at sequence \(head) differs from the log replayed to \(head)") })
            #expect(problems.contains { $0.code == "loaded-state-mismatch" })

            try harness.tamper("UPDATE snapshots SET bytes = X'00FF00FF' WHERE seq = \(head)")
            problems = Self.problems(try await AdminReports.verify(store: harness.store))
            #expect(problems.contains { $0.code == "snapshot-undecodable" && $0.message.contains("sequence \(head)") })
        }
    }

    @Test("an operation whose author is not the member its replica is bound to")
    func authorMismatch() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let ana = Int64(bitPattern: s.ana.replica.replicaID.rawValue)
            try harness.tamper("UPDATE replicas SET member = '\(s.bo.member)' WHERE replica = \(ana)")
            let problems = Self.problems(try await AdminReports.verify(store: harness.store))
            #expect(problems.contains { $0.code == "author-mismatch" && $0.message.hasSuffix("is bound to member \(s.bo.member.short())") })
        }
    }

    @Test("an operation naming an entity created later, and a replica's counters out of order")
    func causality() async throws {
        try await AdminHarness.with { harness in
            let plan = try await PlanAdministration(store: harness.store).createPlan(OnboardingPlan.Details(title: "Acme", customer: "Acme"))
            let document = try await harness.store.loadDocument(plan: plan.id).document
            var author = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(0xABCD), document: document))
            let phase = try author.addPhase(title: "Setup")
            let operations = author.replica.takeOutbox()
            // The phase's title reaches the log before the phase: committed straight to the store, past the server's validation.
            _ = try await harness.store.commit(plan: plan.id, operations: Array(operations.reversed()))
            let problems = Self.problems(try await AdminReports.verify(store: harness.store))
            #expect(problems.contains { $0.code == "causality" && $0.message.contains("names entity \(phase.short()) created later") })
            #expect(problems.contains { $0.code == "counter-order" && $0.message.hasPrefix("replica \(ReplicaID(0xABCD)):") })
        }
    }
}
