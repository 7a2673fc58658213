import Foundation
import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire

/// The role matrix of docs/security.md, rule by rule, over real TCP against
/// the server's default `RolePolicy`: each rule once allowed and once refused.
@Suite("Access roles", .serialized, .timeLimit(.minutes(1)))
struct AccessTests {
    /// A plan with one member of each kind, all synced, and a few entities to aim at.
    struct Team {
        let plan: PlanRecord
        let owner, editor, customer, customerViewer, internalViewer: TestClient
        let phase, task, riskNote, internalComment, section, memberEntity: EntityID
    }

    static func team(_ harness: ServerHarness) async throws -> Team {
        let plan = try await harness.createPlan()
        func join(_ name: String, _ side: Side, _ access: AccessRole?) async throws -> TestClient {
            let added = try await harness.addMember(plan, name: name, side: side, access: access)
            let client = TestClient(name: name, member: added.member, token: added.token)
            _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
            return client
        }
        let owner = try await join("Olga", .internal, .owner)
        let editor = try await join("Ana", .internal, nil)
        let customer = try await join("Bo", .customer, nil)
        let customerViewer = try await join("Vic", .customer, .viewer)
        let internalViewer = try await join("Ivy", .internal, .viewer)
        let (phase, task, riskNote, comment) = try owner.replica.edit { plan in
            let phase = try plan.addPhase(title: "Setup")
            let task = try plan.addTask(.init(title: "Connect the CRM"), in: phase)
            let risk = try plan.addRiskNote("Champion may leave", severity: .high, about: task)
            let comment = try plan.addInternalComment(on: task, text: "Push for the bigger tier")
            return (phase, task, risk, comment)
        }
        let section = owner.replica.plan.internalSectionID!
        for client in [owner, editor, customer, customerViewer, internalViewer] {
            _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
        }
        return Team(plan: plan, owner: owner, editor: editor, customer: customer, customerViewer: customerViewer, internalViewer: internalViewer,
                    phase: phase, task: task, riskNote: riskNote, internalComment: comment, section: section, memberEntity: customer.member)
    }

    /// Makes `edit` on the client's replica, syncs, and returns the refusal (nil when stored).
    static func outcome(_ harness: ServerHarness, _ client: TestClient, _ edit: (inout OnboardingPlan) throws -> Void) async throws -> RefusedOperation? {
        try client.replica.edit(edit)
        let refused = try await harness.syncRefusals(client)
        return refused.first
    }

    /// A raw operation, for what the schema API would not make on that replica.
    static func raw(_ action: Action) -> (inout OnboardingPlan) throws -> Void {
        { plan in plan.replica.make(action) }
    }

    static let position = Position.between(nil, nil)

    @Test("viewers write nothing, on either side; editors' ordinary edits are stored")
    func viewers() async throws {
        try await ServerHarness.with { harness in
            let team = try await Self.team(harness)
            for viewer in [team.customerViewer, team.internalViewer] {
                let refusal = try await Self.outcome(harness, viewer) { try $0.editTask(team.task, title: "Renamed by a viewer") }
                #expect(refusal?.code == "forbidden" && refusal?.reason == "viewers cannot change the plan", "\(viewer.name): \(String(describing: refusal))")
                #expect(try await Self.outcome(harness, viewer) { _ = try $0.addComment(on: team.task, text: "a viewer's comment") }?.code == "forbidden")
            }
            #expect(try await Self.outcome(harness, team.customer) { try $0.editTask(team.task, title: "Renamed by the customer") } == nil)
            #expect(try await Self.outcome(harness, team.editor) { _ = try $0.addTask(.init(title: "Vendor task"), in: team.phase) } == nil)
            // Internal viewers read internal-only data; customer viewers do not.
            #expect(team.internalViewer.replica.document[team.riskNote] != nil)
            #expect(team.customerViewer.replica.document[team.riskNote] == nil)
        }
    }

    @Test("customers: shared entries yes; plan settings and membership no")
    func customerRules() async throws {
        try await ServerHarness.with { harness in
            let team = try await Self.team(harness)
            let bo = team.customer
            #expect(try await Self.outcome(harness, bo) { _ = try $0.addTask(.init(title: "Customer task"), in: team.phase) } == nil)
            #expect(try await Self.outcome(harness, bo) { _ = try $0.addComment(on: team.task, text: "Looks good") } == nil)
            #expect(try await Self.outcome(harness, bo) { _ = try $0.addGoal(title: "Retire the spreadsheet", side: .customer) } == nil)

            let settings = try await Self.outcome(harness, bo) { try $0.editPlan(title: "Renamed plan") }
            #expect(settings?.code == "forbidden" && settings?.reason.contains("plan's settings") == true, "\(String(describing: settings))")
            let join = try await Self.outcome(harness, bo) { _ = try $0.addMember(name: "Mallory", side: .internal) }
            #expect(join?.code == "forbidden" && join?.reason.contains("membership") == true)
            let rename = try await Self.outcome(harness, bo, Self.raw(.set(entity: team.editor.member, field: Field.name, value: .string("Mallory"), previous: nil)))
            #expect(rename?.code == "forbidden" && rename?.reason.contains("membership") == true)
            let misplaced = try await Self.outcome(harness, bo, Self.raw(.create(kind: .riskNote, parent: team.task, position: Self.position)))
            #expect(misplaced?.code == "forbidden" && misplaced?.reason.contains("internal section") == true)
        }
    }

    @Test("customers aiming at internal-only entities get the same refusal as for entities that do not exist")
    func internalIsUnknownToCustomers() async throws {
        try await ServerHarness.with { harness in
            let team = try await Self.team(harness)
            let bo = team.customer
            let nowhere = EntityID(OperationID(replica: ReplicaID(0xDEAD), counter: 7))
            let aims: [(String, (EntityID) -> Action)] = [
                ("set", { .set(entity: $0, field: Field.text, value: .string("edited"), previous: nil) }),
                ("create under", { .create(kind: .comment, parent: $0, position: Self.position) }),
                ("delete", { .delete(entity: $0) }),
                ("move into", { .move(entity: team.task, parent: $0, position: Self.position) }),
                ("refer to", { .set(entity: team.task, field: Field.predecessor, value: .reference($0), previous: nil) }),
            ]
            for (label, action) in aims {
                for target in [team.riskNote, team.internalComment, team.section] {
                    let hidden = try await Self.outcome(harness, bo, Self.raw(action(target)))
                    let missing = try await Self.outcome(harness, bo, Self.raw(action(nowhere)))
                    #expect(hidden?.code == "unknown-entity" && missing?.code == "unknown-entity", "\(label): \(String(describing: hidden))")
                    // Same words, once the ids are blanked out.
                    let blank = { (refusal: RefusedOperation?) in
                        (refusal?.reason ?? "").replacingOccurrences(of: "\(refusal?.operation.description ?? "-")", with: "#")
                            .replacingOccurrences(of: target.short(), with: "#").replacingOccurrences(of: nowhere.short(), with: "#")
                    }
                    #expect(blank(hidden) == blank(missing), "\(label): '\(hidden?.reason ?? "")' vs '\(missing?.reason ?? "")'")
                }
            }
            // The owner's view still holds everything, untouched.
            _ = try await harness.client(token: team.owner.token, replica: team.owner.replica).syncOnce()
            #expect(team.owner.replica.plan.riskNotes.map(\.text) == ["Champion may leave"])
        }
    }

    @Test("internal editors: internal-only data yes; membership, boundary moves, leaking references no")
    func internalEditorRules() async throws {
        try await ServerHarness.with { harness in
            let team = try await Self.team(harness)
            let ana = team.editor
            #expect(try await Self.outcome(harness, ana) { _ = try $0.addRiskNote("Budget cut", severity: .medium) } == nil)
            #expect(try await Self.outcome(harness, ana) { _ = try $0.addInternalComment(on: team.phase, text: "Slow legal team") } == nil)
            #expect(try await Self.outcome(harness, ana) { try $0.setHealth(.amber) } == nil)
            #expect(try await Self.outcome(harness, ana) { try $0.editPlan(title: "Acme rollout (phase 2)") } == nil)

            let join = try await Self.outcome(harness, ana) { _ = try $0.addMember(name: "Zed", side: .internal) }
            #expect(join?.code == "forbidden" && join?.reason == "only the plan's owners change membership")
            let hide = try await Self.outcome(harness, ana, Self.raw(.move(entity: team.task, parent: team.section, position: Self.position)))
            #expect(hide?.code == "forbidden" && hide?.reason.contains("into or out of the internal section") == true)
            let expose = try await Self.outcome(harness, ana, Self.raw(.move(entity: team.riskNote, parent: team.phase, position: Self.position)))
            #expect(expose?.code == "forbidden" && expose?.reason.contains("into or out of the internal section") == true)
            let leak = try await Self.outcome(harness, ana, Self.raw(.set(entity: team.task, field: Field.predecessor, value: .reference(team.riskNote), previous: nil)))
            #expect(leak?.code == "forbidden" && leak?.reason.contains("cannot refer to an internal-only") == true)
            let misplaced = try await Self.outcome(harness, ana, Self.raw(.create(kind: .internalComment, parent: team.phase, position: Self.position)))
            #expect(misplaced?.code == "forbidden")
            // Internal entries may refer to shared ones (that is what subjects are).
            #expect(try await Self.outcome(harness, ana, Self.raw(.set(entity: team.riskNote, field: Field.subject, value: .reference(team.phase), previous: nil))) == nil)
        }
    }

    @Test("owners change membership; nobody deletes or moves the plan or its internal section, nor makes roots")
    func ownerRules() async throws {
        try await ServerHarness.with { harness in
            let team = try await Self.team(harness)
            let olga = team.owner
            #expect(try await Self.outcome(harness, olga) { _ = try $0.addMember(name: "Zed", side: .internal) } == nil)
            #expect(try await Self.outcome(harness, olga, Self.raw(.set(entity: team.memberEntity, field: Field.role, value: .string("Champion"), previous: nil))) == nil)
            let planID = olga.replica.plan.planID!
            for action in [Action.delete(entity: team.section), .delete(entity: planID), .move(entity: team.section, parent: team.phase, position: Self.position),
                           .create(kind: .plan, parent: nil, position: Self.position), .create(kind: .internalSection, parent: planID, position: Self.position)] {
                let refusal = try await Self.outcome(harness, olga, Self.raw(action))
                #expect(refusal?.code == "forbidden", "\(action.verb): \(String(describing: refusal))")
            }
            // Still one plan, one internal section, and everyone converged.
            for client in [team.owner, team.editor, team.customer] {
                _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
            }
            // (Refused operations stay in the owner's local view, so compare what was acknowledged, as `sync` does.)
            #expect(try team.owner.replica.acknowledgedDigest() == PlanDigest.sha256(Array(try await harness.serverText(team.plan).utf8)))
            #expect(try await harness.customerText(team.plan) == team.customer.replica.document.canonicalText())
            #expect(try await harness.serverText(team.plan).components(separatedBy: "\"kind\":\"internal\"").count == 2)
        }
    }

    @Test("authorship cannot be forged: another member's or the server's name as author is refused")
    func forgery() async throws {
        try await ServerHarness.with { harness in
            let team = try await Self.team(harness)
            let bo = team.customer
            for forged in [team.owner.member, team.editor.member, nil] as [EntityID?] {
                bo.replica.author = forged
                let refusal = try await Self.outcome(harness, bo) { _ = try $0.addComment(on: team.task, text: "forged") }
                #expect(refusal?.code == "author-mismatch", "\(String(describing: refusal))")
            }
            bo.replica.author = bo.member
            #expect(try await Self.outcome(harness, bo) { _ = try $0.addComment(on: team.task, text: "my own") } == nil)
            let text = try await harness.serverText(team.plan)
            #expect(text.contains("my own") && !text.contains("forged"))
        }
    }

    @Test("member access is kept by the store, defaults by side, and must fit the side")
    func accessRecords() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            _ = try await harness.addMember(plan, name: "Olga", side: .internal, access: .owner)
            _ = try await harness.addMember(plan, name: "Ana", side: .internal, access: nil)
            _ = try await harness.addMember(plan, name: "Bo", side: .customer, access: nil)
            _ = try await harness.addMember(plan, name: "Vic", side: .customer, access: .viewer)
            let members = try await harness.store.members(plan: plan.id)
            // Members added within one millisecond are listed in id order: compare by name.
            let access = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0.access) })
            #expect(access == ["Olga": .owner, "Ana": .internalEditor, "Bo": .customerEditor, "Vic": .viewer])
            await #expect(throws: ServerStoreError.self) { _ = try await harness.addMember(plan, name: "Eve", side: .customer, access: .owner) }
            await #expect(throws: ServerStoreError.self) { _ = try await harness.addMember(plan, name: "Eve", side: .internal, access: .customerEditor) }
            let listed = try await AdminReports.members(store: harness.store, plan: plan.id.description)
            #expect(listed.text.contains("ACCESS") && listed.text.contains("customer-editor") && listed.text.contains("owner"))
            #expect(listed.json.rendered().contains("\"access\":\"viewer\""))
        }
    }
}
