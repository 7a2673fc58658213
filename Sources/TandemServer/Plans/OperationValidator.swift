import TandemModel
import TandemWire

/// The checks every pushed operation passes before it is stored.
///
/// A value type over a ``ValidationView`` of the plan: it takes in every
/// operation it accepts, so a batch may create an entity and edit it, and the
/// next batch may be checked while this one is still being made durable.
/// Refusals are per operation; the rest of the batch goes on.
/// Roles (which member may change what) plug in through `policy`.
///
/// For a member who does not see internal-only data, an internal-only entity
/// is refused exactly like one that does not exist (`unknown-entity`, the
/// same words), so refusals cannot be used to learn what the section holds.
struct OperationValidator {
    /// The plan, with every operation accepted so far taken in.
    private(set) var view: ValidationView
    let writer: MemberRecord
    var member: EntityID { writer.member }
    let replica: ReplicaID
    let limits: WireLimits
    let nowMilliseconds: UInt64
    let maximumDriftMilliseconds: UInt64
    let policy: any WritePolicy

    init(view: ValidationView, writer: MemberRecord, replica: ReplicaID, limits: WireLimits,
         nowMilliseconds: UInt64, maximumDriftMilliseconds: UInt64 = 5 * 60 * 1000, policy: any WritePolicy) {
        self.view = view
        self.writer = writer
        self.replica = replica
        self.limits = limits
        self.nowMilliseconds = nowMilliseconds
        self.maximumDriftMilliseconds = maximumDriftMilliseconds
        self.policy = policy
    }

    /// Nil when the operation may be stored; else the code and reason.
    mutating func check(_ op: Operation) -> (Refusal.Code, String)? {
        if op.id.replica != replica {
            return (.wrongReplica, "operation \(op.id) was made by replica \(op.id.replica), not this connection's replica \(replica)")
        }
        if op.author != member {
            return (.authorMismatch, "operation \(op.id) names author \(op.author?.short() ?? "none"), but this connection is member \(member.short())")
        }
        if op.time.milliseconds > nowMilliseconds &+ maximumDriftMilliseconds {
            return (.futureTime, "operation \(op.id) is stamped \(op.time), more than \(maximumDriftMilliseconds / 1000) s ahead of the server's clock")
        }
        // Only a long string can make an operation large (names, positions and
        // observed tags are bounded by the decoder), so only then is it measured.
        if Self.longestString(in: op.action) > limits.maxOperationBytes / 2, op.encoded.count > limits.maxOperationBytes {
            return (.operationTooLarge, "operation \(op.id) takes \(op.encoded.count) bytes; the limit is \(limits.maxOperationBytes)")
        }
        if let entity = firstMissingReference(of: op) {
            return (.unknownEntity, "operation \(op.id) (\(op.action.verb)) names entity \(entity.short()), which this plan does not have")
        }
        if let reason = policy.refusal(of: op, by: writer, in: view) {
            return (.forbidden, reason)
        }
        view.record(op)
        return nil
    }

    private static func longestString(in action: Action) -> Int {
        let value: Value
        switch action {
        case .set(_, _, let v, _), .addToSet(_, _, let v), .removeFromSet(_, _, let v, _): value = v
        case .insertText(_, _, let insertion): return insertion.text.utf8.count
        default: return 0
        }
        if case .string(let text) = value { return text.utf8.count }
        return 0
    }

    private func exists(_ entity: EntityID) -> Bool {
        guard view.holds(entity) else { return false }
        return writer.seesInternalOnly || !view.internalOnly.contains(entity)
    }

    /// Every entity the operation needs: its target, new parent, referenced
    /// value and author, the first one that does not exist (no array per operation).
    private func firstMissingReference(of op: Operation) -> EntityID? {
        func missing(_ entity: EntityID?) -> EntityID? {
            guard let entity, !exists(entity) else { return nil }
            return entity
        }
        let found: EntityID?
        switch op.action {
        case .create(_, let parent, _):
            found = missing(parent)
        case .set(let entity, _, let value, _), .addToSet(let entity, _, let value), .removeFromSet(let entity, _, let value, _):
            if case .reference(let target) = value { found = missing(entity) ?? missing(target) } else { found = missing(entity) }
        case .delete(let entity), .restore(let entity), .insertText(let entity, _, _), .deleteText(let entity, _, _):
            found = missing(entity)
        case .move(let entity, let parent, _):
            found = missing(entity) ?? missing(parent)
        }
        return found ?? missing(op.author)
    }
}

/// Decides whether a member may make an operation (roles, internal-only data).
/// The server's default is ``RolePolicy``.
public protocol WritePolicy: Sendable {
    /// A reason to refuse (sent with code `forbidden`), or nil to allow.
    ///
    /// Called after the generic checks, so every entity the operation names
    /// exists and, for a member without internal access, is not internal-only.
    /// The reason is sent to the member: it must not quote internal content.
    /// - Parameter plan: the plan with every operation accepted before this one
    ///   (earlier in the batch, or in batches not yet durable) taken in.
    func refusal(of operation: Operation, by member: MemberRecord, in plan: ValidationView) -> String?
}

/// Allows every operation of an authenticated member (tests of other rules;
/// never the server's default).
public struct AllowAllMembers: WritePolicy {
    public init() {}
    public func refusal(of operation: Operation, by member: MemberRecord, in plan: ValidationView) -> String? { nil }
}
