import Foundation
import Testing
import TandemModel
import TandemServer

/// `plans`, `history`, `conflicts`, `state` and `replicas` on a server that
/// has been through real concurrent edits over TCP.
@Suite("Admin reports", .timeLimit(.minutes(1)))
struct AdminReportTests {
    @Test("plans: operations, sizes, members, replicas, last activity")
    func plans() async throws {
        try await AdminHarness.with { harness in
            let scenario = try await harness.concurrentEdits()
            let output = try await AdminReports.plans(store: harness.store)
            guard case .array(let plans)? = output.json["plans"], let plan = plans.first else { Issue.record("no plans in \(output.json)"); return }
            let head = try await harness.store.head(plan: scenario.plan.id)
            #expect(plan["operations"] == .int(Int64(head)))
            #expect(plan["members"] == .int(2))
            #expect(plan["replicas"] == .int(2))
            if case .int(let raw)? = plan["rawBytes"], case .int(let compressed)? = plan["compressedBytes"] {
                #expect(raw > 0 && compressed > 0 && compressed < raw)
            } else { Issue.record("sizes missing") }
            #expect(plan["lastActivity"] != .null)
            #expect(output.text.contains(scenario.plan.id.short()) && output.text.contains("Acme rollout"))
        }
    }

    @Test("history: every operation on the task with author name, time, replica and sequence")
    func history() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let output = try await AdminReports.history(store: harness.store, plan: s.plan.id.short(), entity: s.task.short())
            guard case .array(let operations)? = output.json["operations"] else { Issue.record("no operations"); return }
            let titles = operations.filter { $0["field"] == .string("title") }
            #expect(titles.map { $0["authorName"] } .contains(.string("Ana")))
            #expect(titles.map { $0["authorName"] } .contains(.string("Bo")))
            #expect(titles.contains { $0["value"] == .string("Configure SSO (Okta)") })
            #expect(titles.contains { $0["value"] == .string("Configure SSO (Azure AD)") })
            #expect(operations.first?["verb"] == .string("create"))
            let sequences = operations.compactMap { op -> Int64? in if case .int(let n)? = op["sequence"] { n } else { nil } }
            #expect(sequences == sequences.sorted() && sequences.allSatisfy { $0 > 0 })
            #expect(output.text.contains("Bo") && output.text.contains("title"))
        }
    }

    @Test("conflicts: both values, both authors, the winner; filters by entity, member and time")
    func conflicts() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let output = try await AdminReports.conflicts(store: harness.store, plan: s.plan.id.description)
            guard case .array(let conflicts)? = output.json["conflicts"] else { Issue.record("no conflicts"); return }
            try #require(conflicts.count == 1)
            let c = conflicts[0]
            #expect(c["field"] == .string("title"))
            #expect(c["decidedBy"] == .string(c["winner"]?["time"] == c["loser"]?["time"] ? "replica" : "clock"))
            #expect(c["entity"] == .string(s.task.description))
            let values = Set([c["winner"]?["value"], c["loser"]?["value"]].compactMap { $0 })
            #expect(values == [.string("Configure SSO (Okta)"), .string("Configure SSO (Azure AD)")])
            #expect(Set([c["winner"]?["authorName"], c["loser"]?["authorName"]].compactMap { $0 }) == [.string("Ana"), .string("Bo")])
            // The winner is what the plan shows.
            let shown = try await harness.store.loadDocument(plan: s.plan.id).document[s.task]?.fields["title"]?.value
            #expect(shown.map { JSONValue.string($0.string ?? "") } == c["winner"]?["value"])

            let byAna = try await AdminReports.conflicts(store: harness.store, plan: s.plan.id.description, member: "ana")
            #expect(byAna.json["conflicts"] == output.json["conflicts"])
            let byNobody = try await AdminReports.conflicts(store: harness.store, plan: s.plan.id.description, member: "Carla")
            #expect(byNobody.json["conflicts"] == .array([]))
            let otherEntity = try await AdminReports.conflicts(store: harness.store, plan: s.plan.id.description, entity: s.plan.id.description)
            #expect(otherEntity.json["conflicts"] == .array([]))
            let future = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
            let later = try await AdminReports.conflicts(store: harness.store, plan: s.plan.id.description, since: future)
            #expect(later.json["conflicts"] == .array([]))
            let until = try await AdminReports.conflicts(store: harness.store, plan: s.plan.id.description, until: future)
            #expect(until.json["conflicts"] == output.json["conflicts"])
        }
    }

    @Test("state: now equals the served document; --seq and --at travel back")
    func state() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let now = try await AdminReports.state(store: harness.store, plan: s.plan.id.description)
            #expect(now.json.rendered() == (try await harness.store.loadDocument(plan: s.plan.id).document.canonicalText()))
            #expect(now.json.rendered() == s.ana.replica.document.canonicalText())

            let before = try await AdminReports.state(store: harness.store, plan: s.plan.id.description, at: .sequence(s.headBeforeRenames))
            let text = before.json.rendered()
            #expect(text.contains("Configure SSO") && !text.contains("Okta") && !text.contains("Azure"))
            let origin = try await AdminReports.state(store: harness.store, plan: s.plan.id.description, at: .sequence(0))
            #expect(!origin.json.rendered().contains("Acme rollout"))
            let longAgo = try await AdminReports.state(store: harness.store, plan: s.plan.id.description, at: .time(1_000))
            #expect(longAgo.json == origin.json)
            let future = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
            let atFuture = try await AdminReports.state(store: harness.store, plan: s.plan.id.description, at: .time(future))
            #expect(atFuture.json == now.json)
        }
    }

    @Test("replicas: member, counters sent, last seen, behind")
    func replicas() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let output = try await AdminReports.replicas(store: harness.store, plan: s.plan.id.description)
            guard case .array(let replicas)? = output.json["replicas"] else { Issue.record("no replicas"); return }
            let ana = try #require(replicas.first { $0["replica"] == .string(s.ana.replica.replicaID.description) })
            let bo = try #require(replicas.first { $0["replica"] == .string(s.bo.replica.replicaID.description) })
            #expect(ana["memberName"] == .string("Ana") && bo["memberName"] == .string("Bo"))
            // Every operation Ana made reached the server, in one unbroken range of counters.
            let made = Int64(s.ana.replica.document.version.highest(s.ana.replica.replicaID))
            #expect(ana["operations"] == .int(made) && ana["highestCounter"] == .int(made))
            #expect(ana["versionVector"] == .object([s.ana.replica.replicaID.description: .array([.array([.int(1), .int(made)])])]))
            #expect(bo["operations"] == .int(1))
            #expect(ana["lastSeen"] != .null)
            #expect(replicas.contains { $0["server"] == .bool(true) && $0["replica"] == .string(s.plan.serverReplica.description) })
            #expect(output.text.contains("Ana") && output.text.contains("Bo"))
        }
    }

    @Test("replicas: each replica's server cursor is how far it pulled, and behind is the head minus it")
    func replicaCursors() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            // Bo pulls everything; Ana then edits and pushes, so Bo is one operation behind.
            try await harness.sync(s.bo)
            try s.ana.replica.edit { plan in try plan.editTask(s.task, title: "Configure SSO (Okta, SCIM)") }
            try await harness.sync(s.ana)
            let head = try await harness.store.head(plan: s.plan.id)
            let expected = [s.ana.replica.replicaID: try s.ana.replica.cursor(), s.bo.replica.replicaID: try s.bo.replica.cursor()]
            #expect(expected[s.ana.replica.replicaID] == head && expected[s.bo.replica.replicaID] == head - 1)
            // The server writes cursors about once a second: wait for them.
            func entry(_ replica: ReplicaID, in replicas: [JSONValue]) -> JSONValue? {
                replicas.first { $0["replica"] == .string(replica.description) }
            }
            var recorded: [JSONValue] = []
            for _ in 0..<50 {
                let output = try await AdminReports.replicas(store: harness.store, plan: s.plan.id.description)
                guard case .array(let replicas)? = output.json["replicas"] else { Issue.record("no replicas"); return }
                recorded = replicas
                if expected.allSatisfy({ entry($0.key, in: replicas)?["serverCursor"] == .int(Int64($0.value)) }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            for (replica, cursor) in expected {
                let entry = try #require(entry(replica, in: recorded))
                #expect(entry["serverCursor"] == .int(Int64(cursor)))
                #expect(entry["behind"] == .int(Int64(head - cursor)))
                #expect(entry["behindIsLowerBound"] == .bool(false))
            }
        }
    }
}
