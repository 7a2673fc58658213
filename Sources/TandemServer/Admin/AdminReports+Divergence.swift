import TandemModel
import TandemWire

/// `divergence PLAN`: every connected replica of the plan is asked for the
/// digest of its state at the server's current sequence, and compared with
/// the digest of what that replica should hold: the plan as its member may
/// see it (``DivergenceView``).
extension AdminReports {
    static func divergence(store: any ServerAdminStore, registry: PlanRegistry, plan text: String, timeout: Duration) async throws -> AdminOutput {
        let plan = try await PlanInspector.resolvePlan(text, store: store)
        let hub = try await registry.hub(for: plan)
        try await hub.refresh()
        let members = Dictionary(try await store.members(plan: plan).map { ($0.member, $0) }, uniquingKeysWith: { a, _ in a })
        let (sequence, expected) = try DivergenceView.digests(hub)
        let results = await registry.probes.probe(plan: plan, sequence: sequence, timeout: timeout)
        var table = TextTable("CONNECTION", "REPLICA", "MEMBER", "VIEW", "CURSOR", "RESULT", "REPLICA DIGEST", "EXPECTED")
        var items: [JSONValue] = []
        var diverged = 0
        for result in results {
            let p = result.participant
            let view = DivergenceView(member: members[p.member])
            let want = expected[view]!
            var cursor: UInt64?
            var got: [UInt8]?
            let verdict: String
            switch result.outcome {
            case nil where !p.answersProbes: verdict = "cannot answer (client without digest probes)"
            case nil: verdict = "no answer within \(timeout)"
            case .notSubscribed?: verdict = "not subscribed"
            case .answered(let answer)?:
                cursor = answer.cursor
                switch answer.status {
                case .behind: verdict = "behind (cursor \(answer.cursor))"
                case .ahead: verdict = "ahead (cursor \(answer.cursor))"
                case .unsyncedEdits: verdict = "unsynced edits in flight"
                case .digest where answer.algorithm != PlanDigest.algorithm: verdict = "unknown digest algorithm '\(answer.algorithm)'"
                case .digest:
                    got = answer.bytes
                    if answer.bytes == want { verdict = "converged" } else { verdict = "DIVERGED"; diverged += 1 }
                }
            }
            let name = members[p.member]?.name ?? p.member.short()
            table.append(["\(p.connection)", p.replica.description, name, view.description, cursor.map(String.init) ?? "-", verdict,
                          got.map { String(PlanDigest.hex($0).prefix(12)) } ?? "-", String(PlanDigest.hex(want).prefix(12))])
            items.append(.object([
                "connection": .int(Int64(p.connection)), "replica": .string(p.replica.description), "member": .string(p.member.description),
                "memberName": .string(name), "view": .string(view.description), "cursor": cursor.map { .int(Int64($0)) } ?? .null,
                "result": .string(verdict == "DIVERGED" ? "diverged" : verdict), "digest": got.map { .string(PlanDigest.hex($0)) } ?? .null,
                "expected": .string(PlanDigest.hex(want)),
            ]))
        }
        let heading = results.isEmpty
            ? "no replica of plan \(plan.short()) is connected; nothing to compare at sequence \(sequence)"
            : "plan \(plan.short()) at sequence \(sequence): \(results.count) connected, \(diverged) diverged"
        return AdminOutput(text: results.isEmpty ? heading : heading + "\n" + table.rendered,
                           json: .object(["plan": .string(plan.description), "sequence": .int(Int64(sequence)),
                                          "diverged": .int(Int64(diverged)), "replicas": .array(items)]),
                           succeeded: diverged == 0)
    }
}

/// What a replica should hold: the plan as its member may see it — the whole
/// plan for members who see internal-only data, the customer view (without
/// internal-only entities, as the server sends it) for the others. A replica
/// is compared with its own view, so a customer is never reported diverged
/// for lacking what it must not have.
enum DivergenceView: String, Hashable, Sendable, CustomStringConvertible {
    case whole = "whole plan"
    case customer = "customer view"

    /// A member no longer on record (revoked meanwhile) is compared with the whole plan.
    init(member: MemberRecord?) { self = (member?.seesInternalOnly ?? true) ? .whole : .customer }

    var description: String { rawValue }

    /// Both views' digests at one sequence (the same ones `DIGEST` sends), and that sequence.
    static func digests(_ hub: PlanHub) throws -> (sequence: UInt64, digests: [DivergenceView: [UInt8]]) {
        // The plan may advance between the two reads; read again until they agree.
        for _ in 0..<50 {
            let whole = hub.digest(), customer = hub.customerDigest()
            if whole.sequence == customer.sequence { return (whole.sequence, [.whole: whole.bytes, .customer: customer.bytes]) }
        }
        throw AdminArgumentError(code: "busy", "plan \(hub.plan.id.short()) kept changing while its digests were computed; try again")
    }
}
