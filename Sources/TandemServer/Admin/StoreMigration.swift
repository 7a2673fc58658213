import TandemModel
import TandemWire

/// `tandemd migrate-store`: copies every plan of one store into another —
/// plans, members with their token hashes and revocations, replicas, the log
/// with its sequences, snapshots — then reads each plan back from the target
/// and checks it: rows and counts equal, heads equal, and the digest of the
/// document the target rebuilds equal to the source's.
///
/// Plans already in the target (with `allowNonEmpty`) are left alone when
/// identical, so an interrupted copy can be run again; a differing one is a
/// problem. Stop the servers on the source first: a plan written during the
/// copy is caught by the verification as a difference only if it changed
/// between its export and its check.
public enum StoreMigration {
    public static func run(from source: any ServerStoreExporting, to target: any ServerStoreImporting & ServerStoreExporting,
                           sourceName: String, targetName: String, allowNonEmpty: Bool) async throws -> AdminOutput {
        let plans = try await source.plans()
        let existing = Set(try await target.plans().map(\.id))
        if !existing.isEmpty && !allowNonEmpty {
            throw ServerStoreError(.invalidRequest, "\(targetName) already holds \(existing.count) plans; migrate into an empty store, or pass --allow-non-empty to copy only the plans it lacks")
        }
        var table = TextTable("PLAN", "TITLE", "OPERATIONS", "HEAD", "MEMBERS", "REPLICAS", "SNAPSHOTS", "DIGEST", "RESULT")
        var items: [JSONValue] = []
        var problems: [String] = []
        var totals = (operations: 0, members: 0, replicas: 0, snapshots: 0, copied: 0)
        for plan in plans {
            let exported = try await source.exportPlan(plan.id)
            let alreadyThere = existing.contains(plan.id)
            if !alreadyThere { try await target.importPlan(exported) }
            // Read back through the target's own code paths, not from what was sent.
            let copied = try await target.exportPlan(plan.id)
            let expected = try digest(of: exported)
            let rebuilt = PlanDigest.of(try await target.loadDocument(plan: plan.id).document)
            var differences: [String] = []
            if copied.head != exported.head { differences.append("head \(copied.head) ≠ \(exported.head)") }
            if copied.log.count != exported.log.count { differences.append("\(copied.log.count) operations ≠ \(exported.log.count)") }
            else if copied.log != exported.log { differences.append("log rows differ") }
            if copied.members != exported.members { differences.append("members differ") }
            if copied.replicas != exported.replicas { differences.append("replicas differ") }
            if copied.snapshots != exported.snapshots { differences.append("snapshots differ") }
            if copied.record != exported.record { differences.append("plan record differs") }
            if rebuilt != expected { differences.append("digest \(PlanDigest.hex(rebuilt).prefix(12)) ≠ \(PlanDigest.hex(expected).prefix(12))") }
            let result = !differences.isEmpty ? "MISMATCH" : (alreadyThere ? "already there" : "copied")
            for difference in differences { problems.append("\(plan.id): \(difference)") }
            if differences.isEmpty && !alreadyThere { totals.copied += 1 }
            totals.operations += exported.log.count
            totals.members += exported.members.count
            totals.replicas += exported.replicas.count
            totals.snapshots += exported.snapshots.count
            table.append([plan.id.short(), plan.title, "\(exported.log.count)", "\(exported.head)", "\(exported.members.count)", "\(exported.replicas.count)",
                          "\(exported.snapshots.count)", String(PlanDigest.hex(expected).prefix(12)), result])
            items.append(.object([
                "plan": .string(plan.id.description), "title": .string(plan.title), "result": .string(result),
                "operations": .int(Int64(exported.log.count)), "head": .int(Int64(exported.head)),
                "members": .int(Int64(exported.members.count)), "replicas": .int(Int64(exported.replicas.count)),
                "snapshots": .int(Int64(exported.snapshots.count)), "digest": .string(PlanDigest.hex(expected)),
                "differences": .array(differences.map(JSONValue.string)),
            ]))
        }
        // Server-wide admin tokens (hashes only), then read back like the plans.
        let tokens = try await source.exportAdminTokens()
        try await target.importAdminTokens(tokens)
        let copiedTokens = Set(try await target.exportAdminTokens())
        for token in tokens where !copiedTokens.contains(token) { problems.append("admin token \(token.record.name): differs or missing in the target") }
        let ok = problems.isEmpty
        var lines = ["\(sourceName) → \(targetName)", table.rendered]
        lines.append(ok
            ? "copied \(totals.copied) of \(plans.count) plans (\(totals.operations) operations, \(totals.members) members, \(totals.replicas) replicas, \(totals.snapshots) snapshots) and \(tokens.count) admin tokens; verified: rows, heads and digests equal"
            : "\(problems.count) \(problems.count == 1 ? "difference" : "differences") found:\n" + problems.map { "  " + $0 }.joined(separator: "\n"))
        let json: JSONValue = .object([
            "ok": .bool(ok), "source": .string(sourceName), "target": .string(targetName), "plans": .array(items),
            "totals": .object(["plans": .int(Int64(plans.count)), "copied": .int(Int64(totals.copied)), "operations": .int(Int64(totals.operations)),
                               "members": .int(Int64(totals.members)), "replicas": .int(Int64(totals.replicas)), "snapshots": .int(Int64(totals.snapshots)),
                               "adminTokens": .int(Int64(tokens.count))]),
        ])
        return AdminOutput(text: lines.joined(separator: "\n"), json: json, succeeded: ok)
    }

    /// The digest of the document an exported plan describes: its newest
    /// snapshot plus the log after it, as a server would load it.
    static func digest(of plan: ExportedPlan) throws -> [UInt8] {
        var document = PlanDocument()
        var position: UInt64 = 0
        if let snapshot = plan.snapshots.max(by: { $0.sequence < $1.sequence }) {
            document = try PlanDocument(snapshot: snapshot.bytes)
            position = snapshot.sequence
        }
        for row in plan.log where row.sequence > position { document.apply(try Operation(decoding: row.bytes)) }
        return PlanDigest.of(document)
    }
}
