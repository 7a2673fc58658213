import TandemModel

/// The server's write rules: what each access role may change, and what no
/// one may do because it would leak internal-only data or break the plan.
///
/// Rules for everyone, owners included:
/// - the plan root and the internal section are made with the plan, by the
///   server: members create no roots, no second plan or internal section, and
///   never delete, restore or move those two;
/// - internal-only kinds (risk notes, internal comments) are created only
///   inside the internal section;
/// - nothing moves into or out of the internal section (moving in would hide
///   a shared entry from customers who hold it; moving out would expose one);
/// - a shared entry never refers to an internal-only one (customers would
///   receive the reference and could not resolve it).
///
/// By access:
/// - `viewer`: no writes at all;
/// - `customer-editor`: no membership (member entities), no plan settings (the
///   plan root's fields); internal-only entities are invisible to them and are
///   refused by the validator as unknown entities, before this policy runs;
/// - `internal-editor`: everything else, but no membership;
/// - `owner`: everything else.
///
/// Reasons name kinds and rules only, never content, so a refusal tells a
/// customer nothing about the internal section.
public struct RolePolicy: WritePolicy {
    public init() {}

    public func refusal(of operation: Operation, by member: MemberRecord, in plan: ValidationView) -> String? {
        let access = member.access
        guard access.canWrite else { return "viewers cannot change the plan" }
        if let reason = Self.structural(operation, plan: plan) { return reason }
        let kind = operation.action.target.flatMap { plan.kind(of: $0) }
        if kind == .member || operation.action.createdKind == .member, access != .owner {
            return "only the plan's owners change membership"
        }
        if kind == .plan, access == .customerEditor {
            return "the plan's settings are changed by the vendor's team"
        }
        return nil
    }

    /// The rules that hold whatever the access.
    static func structural(_ operation: Operation, plan: ValidationView) -> String? {
        let internalOnly = plan.internalOnly
        switch operation.action {
        case .create(let kind, let parent, _):
            guard let parent else { return "plans are created by the server, not by members" }
            if kind == .plan || kind == .internalSection { return "the plan root and its internal section are created with the plan, by the server" }
            if kind.isInternalOnly, !internalOnly.contains(parent) { return "a \(kind) belongs in the internal section" }
        case .move(let entity, let parent, _):
            if let reason = fixed(entity, plan, "moved") { return reason }
            if internalOnly.contains(entity) != internalOnly.contains(parent) {
                return "entries cannot move into or out of the internal section"
            }
        case .delete(let entity):
            if let reason = fixed(entity, plan, "deleted") { return reason }
        case .restore(let entity):
            if let reason = fixed(entity, plan, "restored") { return reason }
        case .set(let entity, _, let value, _), .addToSet(let entity, _, let value), .removeFromSet(let entity, _, let value, _):
            if case .reference(let target) = value, internalOnly.contains(target), !internalOnly.contains(entity) {
                return "a shared entry cannot refer to an internal-only one"
            }
        case .insertText, .deleteText:
            break
        }
        return nil
    }

    private static func fixed(_ entity: EntityID, _ plan: ValidationView, _ verb: String) -> String? {
        guard let kind = plan.kind(of: entity), kind == .plan || kind == .internalSection else { return nil }
        return "the \(kind == .plan ? "plan" : "internal section") itself cannot be \(verb)"
    }
}

extension Action {
    /// The kind a `create` makes (nil for other actions).
    var createdKind: EntityKind? {
        if case .create(let kind, _, _) = self { return kind }
        return nil
    }
}
