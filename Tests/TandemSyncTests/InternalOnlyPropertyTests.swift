import Testing
import TandemModel
import TandemWire
import TandemTesting

/// Customer replicas fed only what ``InternalOnlyIndex`` does not withhold, in
/// random orders, converge with each other and with the server's customer
/// view (the digest `tandem sync` checks), and hold no internal content.
@Suite("Internal-only property")
struct InternalOnlyPropertyTests {
    static let marker = "SECRET-PROPERTY-MARKER"

    /// A member editing offline: their replica, and how far into the log it has read.
    struct Editor {
        var plan: OnboardingPlan
        var read = 0
        let seesInternal: Bool
    }

    @Test("customers converge with each other and the server's customer view under random delivery orders", arguments: Array(1...6) as [UInt64])
    func customersConverge(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        var server = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(1)))
        try server.createPlan(.init(title: "Acme rollout", customer: "Acme"))
        let sides: [Side] = [.internal, .internal, .customer, .customer]
        let members = try sides.enumerated().map { try server.addMember(name: "Member \($0.offset)", side: $0.element) }
        var log = server.replica.takeOutbox()
        var index = InternalOnlyIndex()
        var withheld: [Bool] = log.map { index.record($0) }
        var editors = sides.enumerated().map { offset, side in
            Editor(plan: OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(UInt64(10 + offset)), author: members[offset])), seesInternal: side == .internal)
        }

        for _ in 0..<6 {
            for e in editors.indices.shuffled(using: &rng) {
                // Sync: read the log (customers only what is not withheld), edit offline, push.
                for position in editors[e].read..<log.count where editors[e].seesInternal || !withheld[position] {
                    editors[e].plan.replica.receive(log[position])
                }
                editors[e].read = log.count
                RandomEdits.apply(count: 5, to: &editors[e].plan, rng: &rng)
                if editors[e].seesInternal { Self.internalEdits(count: 4, to: &editors[e].plan, rng: &rng) }
                for operation in editors[e].plan.replica.takeOutbox() {
                    log.append(operation)
                    withheld.append(index.record(operation))
                }
            }
        }

        var full = PlanDocument()
        for operation in log { full.apply(operation) }
        #expect(InternalOnlyIndex(document: full) == index, "the index rebuilt from a document equals the one kept in log order")
        #expect(withheld.contains(true) && withheld.contains(false))
        let visible = zip(log, withheld).filter { !$0.1 }.map(\.0)
        let serverView = full.canonicalText(excluding: { index.contains($0.id) })
        let serverDigest = PlanDigest.of(full, excluding: { index.contains($0.id) })
        #expect(full.canonicalText().contains(Self.marker) && !serverView.contains(Self.marker))

        var texts: Set<String> = []
        for _ in 0..<3 {
            var customer = PlanDocument()
            for operation in visible.shuffled(using: &rng) { customer.apply(operation) }
            texts.insert(customer.canonicalText())
            #expect(PlanDigest.of(customer) == serverDigest)
            #expect(!ByteSearch.contains(customer.encodedSnapshot(), Array(Self.marker.utf8)))
        }
        #expect(texts == [serverView])

        // The snapshot customers are sent: same view, no internal bytes, and it keeps merging.
        let redacted = full.withholding(index)
        let bytes = redacted.encodedSnapshot()
        #expect(!ByteSearch.contains(bytes, Array(Self.marker.utf8)))
        var installed = try PlanDocument(snapshot: bytes)
        #expect(installed.canonicalText() == serverView)
        var late = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(99), document: installed, author: members[2]))
        RandomEdits.apply(count: 10, to: &late, rng: &rng)
        var replayed = PlanDocument()
        let more = late.replica.takeOutbox()
        for operation in (visible + more).shuffled(using: &rng) { replayed.apply(operation) }
        for operation in more { installed.apply(operation) }
        #expect(installed.canonicalText() == replayed.canonicalText())
    }

    /// Internal-only edits: risk notes, internal comments and their edits, health, deletions, all carrying the marker.
    static func internalEdits(count: Int, to plan: inout OnboardingPlan, rng: inout SeededRandom) {
        for step in 0..<count {
            let subjects = plan.allTasks.map(\.id) + plan.phases.map(\.id)
            let comments = plan.internalSectionID.map { plan.document.children(of: $0).filter { plan.document[$0]?.kind == .internalComment } } ?? []
            let risks = plan.riskNotes.map(\.id)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: _ = try? plan.addRiskNote("\(marker) risk \(step)", severity: .high, about: subjects.randomElement(using: &rng))
            case 1 where !subjects.isEmpty: _ = try? plan.addInternalComment(on: subjects.randomElement(using: &rng)!, text: "\(marker) comment \(step)")
            case 2 where !comments.isEmpty: _ = try? plan.editComment(comments.randomElement(using: &rng)!, text: "edited \(marker) \(rng.next() % 100)")
            case 3: try? plan.setHealth([.green, .amber, .red].randomElement(using: &rng)!)
            case 4 where !risks.isEmpty: try? plan.delete(risks.randomElement(using: &rng)!)
            default: _ = try? plan.addRiskNote("\(marker) fallback", severity: .low)
            }
        }
    }
}
