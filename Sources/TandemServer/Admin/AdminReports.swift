import TandemModel

/// What an admin command prints: a table for people, JSON for scripts.
public struct AdminOutput: Sendable {
    public var text: String
    public var json: JSONValue
    /// `false` when the command found something wrong (`verify`): the exit status is 1.
    public var succeeded: Bool = true

    public init(text: String, json: JSONValue, succeeded: Bool = true) {
        self.text = text
        self.json = json
        self.succeeded = succeeded
    }

    public func rendered(json asJSON: Bool) -> String { asJSON ? json.rendered(pretty: true) : text }
}

/// The admin commands as functions of the store, shared by `tandemd admin`
/// and the tests.
public enum AdminReports {
    static func time(_ milliseconds: Int64?) -> String {
        guard let milliseconds, milliseconds > 0 else { return "-" }
        return Instant(milliseconds: milliseconds).description
    }

    static func jsonTime(_ milliseconds: Int64?) -> JSONValue {
        guard let milliseconds, milliseconds > 0 else { return .null }
        return .string(Instant(milliseconds: milliseconds).description)
    }

    static func ranges(_ list: [ClosedRange<UInt64>]) -> String {
        list.isEmpty ? "-" : list.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }

    static func value(_ value: Value?) -> String {
        guard let value else { return "-" }
        let text = value.json.rendered()
        return text.count > 40 ? String(text.prefix(39)) + "…" : text
    }

    // MARK: plans

    public static func plans(store: any ServerAdminStore) async throws -> AdminOutput {
        var table = TextTable("PLAN", "TITLE", "CUSTOMER", "OPS", "SIZE", "COMPRESSED", "MEMBERS", "REPLICAS", "LAST ACTIVITY")
        var items: [JSONValue] = []
        for plan in try await store.plans() {
            let summary = try await PlanInspector(store: store, plan: plan.id).summary
            table.append([plan.id.short(), plan.title, plan.customer, "\(summary.operations)", formatBytes(summary.rawBytes),
                          formatBytes(summary.compressedBytes), "\(summary.members)", "\(summary.replicas)", time(summary.lastActivityMilliseconds)])
            items.append(.object([
                "plan": .string(plan.id.description), "title": .string(plan.title), "customer": .string(plan.customer),
                "operations": .int(Int64(summary.operations)), "head": .int(Int64(summary.head)),
                "rawBytes": .int(Int64(summary.rawBytes)), "compressedBytes": .int(Int64(summary.compressedBytes)),
                "snapshotBytes": .int(Int64(summary.snapshotBytes)),
                "members": .int(Int64(summary.members)), "replicas": .int(Int64(summary.replicas)),
                "lastActivity": jsonTime(summary.lastActivityMilliseconds),
            ]))
        }
        let text = items.isEmpty ? "no plans; create one with 'tandemd plan create'" : table.rendered
        return AdminOutput(text: text, json: .object(["plans": .array(items)]))
    }

    // MARK: history

    public static func history(store: any ServerAdminStore, plan: String, entity: String) async throws -> AdminOutput {
        let inspector = try await PlanInspector(store: store, plan: try await PlanInspector.resolvePlan(plan, store: store))
        let id = try inspector.resolveEntity(entity)
        let entries = inspector.history(of: id)
        var table = TextTable("SEQ", "TIME", "AUTHOR", "REPLICA", "OPERATION", "CHANGE", "FIELD", "VALUE", "WAS")
        var items: [JSONValue] = []
        for entry in entries {
            let change = entry.change
            table.append(["\(entry.sequence)", change.time.description, entry.authorName, entry.replica.description, change.operation.description,
                          change.verb, change.field ?? "-", value(change.value), change.verb == "set" ? value(change.previousValue) : ""])
            items.append(.object([
                "sequence": .int(Int64(entry.sequence)), "time": .string(change.time.description), "operation": .string(change.operation.description),
                "replica": .string(entry.replica.description), "author": change.author.map { .string($0.description) } ?? .null,
                "authorName": .string(entry.authorName), "verb": .string(change.verb), "field": change.field.map { .string($0) } ?? .null,
                "value": change.value?.json ?? .null, "previousValue": change.previousValue?.json ?? .null,
                "previousOperation": change.previousOperation.map { .string($0.description) } ?? .null,
            ]))
        }
        var text = "\(inspector.label(of: id)) \(id) in plan \(inspector.plan.id.short()): \(entries.count) operations\n"
        var pruned: JSONValue = .null
        if inspector.prunedThrough > 0 {
            // What compaction folded away, summarised by the state it left.
            let state = inspector.base?.document[id]
            let fields = state.map { st in st.fields.keys.sorted().map { "\($0)=\(value(st.fields[$0]?.value))" }.joined(separator: " ") } ?? "absent"
            text += "operations up to sequence \(inspector.prunedThrough) were pruned by compaction; at sequence \(inspector.base?.sequence ?? inspector.prunedThrough) it was: \(fields)\n"
            pruned = .object(["through": .int(Int64(inspector.prunedThrough)), "baseSequence": inspector.base.map { .int(Int64($0.sequence)) } ?? .null,
                              "stateAtBase": state.map { s in .object(Dictionary(uniqueKeysWithValues: s.fields.map { ($0.key, $0.value.value.json) })) } ?? .null])
        }
        text += table.rendered
        return AdminOutput(text: text, json: .object(["plan": .string(inspector.plan.id.description), "entity": .string(id.description),
                                                      "label": .string(inspector.label(of: id)), "operations": .array(items), "pruned": pruned]))
    }

    // MARK: conflicts

    public static func conflicts(store: any ServerAdminStore, plan: String, entity: String? = nil, member: String? = nil,
                                 since: Int64? = nil, until: Int64? = nil) async throws -> AdminOutput {
        let inspector = try await PlanInspector(store: store, plan: try await PlanInspector.resolvePlan(plan, store: store))
        let filter = PlanInspector.ConflictFilter(entity: try entity.map(inspector.resolveEntity), member: member, since: since, until: until)
        let entries = inspector.conflicts(filter)
        var table = TextTable("ENTITY", "FIELD", "WINNER", "BY", "AT", "SEQ", "LOSER", "BY", "AT", "SEQ", "DECIDED BY")
        var items: [JSONValue] = []
        for entry in entries {
            let c = entry.conflict
            table.append(["\(c.entity.short()) \(inspector.label(of: c.entity))", c.field,
                          value(c.winner.value), entry.winnerAuthor, c.winner.time.description, "\(entry.winnerSequence)",
                          value(c.loser.value), entry.loserAuthor, c.loser.time.description, "\(entry.loserSequence)", decidedBy(c)])
            func write(_ w: Conflict.Write, _ author: String, _ sequence: UInt64) -> JSONValue {
                .object(["operation": .string(w.operation.description), "value": w.value.json, "author": w.author.map { .string($0.description) } ?? .null,
                         "authorName": .string(author), "time": .string(w.time.description), "sequence": .int(Int64(sequence))])
            }
            items.append(.object([
                "entity": .string(c.entity.description), "label": .string(inspector.label(of: c.entity)), "field": .string(c.field),
                "winner": write(c.winner, entry.winnerAuthor, entry.winnerSequence), "loser": write(c.loser, entry.loserAuthor, entry.loserSequence),
                "decidedBy": .string(c.winner.time == c.loser.time ? "replica" : "clock"),
            ]))
        }
        let text = entries.isEmpty ? "no concurrent overwrites in plan \(inspector.plan.id.short())"
            : "\(entries.count) concurrent overwrites resolved by last-writer-wins (the later clock wins; equal clocks: the greater replica id)\n" + table.rendered
        return AdminOutput(text: text, json: .object(["plan": .string(inspector.plan.id.description), "conflicts": .array(items)]))
    }

    /// Why the winner won: its later clock, or (equal clocks) its greater replica id.
    static func decidedBy(_ conflict: Conflict) -> String {
        conflict.winner.time == conflict.loser.time
            ? "same clock; greater replica \(conflict.winner.operation.replica)" : "later clock"
    }

    // MARK: state

    public static func state(store: any ServerAdminStore, plan: String, at point: PlanInspector.Point = .head) async throws -> AdminOutput {
        let inspector = try await PlanInspector(store: store, plan: try await PlanInspector.resolvePlan(plan, store: store))
        if let reason = inspector.unreachable(point) { throw ServerStoreError(.invalidRequest, reason) }
        let document = inspector.document(at: point)
        let json = document.canonicalJSON()
        return AdminOutput(text: json.rendered(pretty: true), json: json)
    }

    // MARK: verify

    public static func verify(store: any ServerAdminStore, plan: String? = nil) async throws -> AdminOutput {
        let ids: [EntityID]
        if let plan { ids = [try await PlanInspector.resolvePlan(plan, store: store)] } else { ids = try await store.plans().map(\.id) }
        var lines: [String] = []
        var items: [JSONValue] = []
        var sound = true
        for id in ids {
            let inspector = try await PlanInspector(store: store, plan: id)
            let report = PlanVerifier.verify(inspector, recordedHead: try await store.recordedHead(plan: id))
            sound = sound && report.isSound
            let snapshots = report.snapshots.isEmpty ? "no snapshots" : "snapshots at " + report.snapshots.map(String.init).joined(separator: ", ")
            lines.append("\(report.isSound ? "ok  " : "FAIL") \(id) \"\(report.title)\": \(report.operations) operations, head \(report.head), \(snapshots)")
            for problem in report.problems { lines.append("     \(problem)") }
            items.append(.object([
                "plan": .string(id.description), "title": .string(report.title), "ok": .bool(report.isSound),
                "operations": .int(Int64(report.operations)), "head": .int(Int64(report.head)),
                "snapshots": .array(report.snapshots.map { .int(Int64($0)) }),
                "problems": .array(report.problems.map { .object(["code": .string($0.code), "message": .string($0.message)]) }),
            ]))
        }
        let problems = items.reduce(0) { total, item in
            if case .array(let list)? = item["problems"] { return total + list.count } else { return total }
        }
        lines.append(sound ? "all \(ids.count) plans verified" : "\(problems) \(problems == 1 ? "problem" : "problems") found")
        return AdminOutput(text: lines.joined(separator: "\n"), json: .object(["ok": .bool(sound), "plans": .array(items)]), succeeded: sound)
    }

    // MARK: replicas

    public static func replicas(store: any ServerAdminStore, plan: String) async throws -> AdminOutput {
        let inspector = try await PlanInspector(store: store, plan: try await PlanInspector.resolvePlan(plan, store: store))
        var table = TextTable("REPLICA", "MEMBER", "SENT (COUNTERS)", "OPS", "LAST PUSH SEQ", "CURSOR", "FIRST SEEN", "LAST SEEN", "BEHIND")
        var items: [JSONValue] = []
        for entry in inspector.replicas {
            table.append([entry.replica.description, entry.memberName, ranges(entry.sent), "\(entry.operations)",
                          entry.lastSequence.map(String.init) ?? "-", entry.cursor.map(String.init) ?? "-",
                          time(entry.firstSeenMilliseconds), time(entry.lastSeenMilliseconds),
                          entry.isServer ? "-" : entry.cursor == nil ? "≥ \(entry.behind)" : "\(entry.behind)"])
            items.append(.object([
                "replica": .string(entry.replica.description), "member": entry.member.map { .string($0.description) } ?? .null,
                "memberName": .string(entry.memberName), "server": .bool(entry.isServer),
                "versionVector": .object([entry.replica.description: .array(entry.sent.map { .array([.int(Int64($0.lowerBound)), .int(Int64($0.upperBound))]) })]),
                "highestCounter": .int(Int64(entry.sent.last?.upperBound ?? 0)),
                "operations": .int(Int64(entry.operations)), "lastPushSequence": entry.lastSequence.map { .int(Int64($0)) } ?? .null,
                "serverCursor": entry.cursor.map { .int(Int64($0)) } ?? .null, "firstSeen": jsonTime(entry.firstSeenMilliseconds), "lastSeen": jsonTime(entry.lastSeenMilliseconds),
                "behind": .int(Int64(entry.behind)), "behindIsLowerBound": .bool(entry.cursor == nil),
            ]))
        }
        let text = """
            plan \(inspector.plan.id.short()) at sequence \(inspector.head); CURSOR is how far the replica has pulled (as of its last \
            delivery, recorded within a second); BEHIND is the head minus it, or "≥ N" after its last push when it never pulled
            """ + "\n" + table.rendered
        return AdminOutput(text: text, json: .object(["plan": .string(inspector.plan.id.description), "head": .int(Int64(inspector.head)), "replicas": .array(items)]))
    }
}
