import TandemModel

/// What a member may do in one plan (not to be confused with the free-text
/// `role`, a job title such as "CSM"). Kept by the server with the member's
/// token, never in the replicated document, so no member can grant it.
///
/// | access | reads | writes |
/// |---|---|---|
/// | `owner` | everything | everything, including membership |
/// | `internal-editor` | everything | everything but membership |
/// | `customer-editor` | the customer view | shared entries, not the plan's settings nor membership |
/// | `viewer` | by side: internal viewers everything, customer viewers the customer view | nothing |
///
/// The full matrix, and the rules no one may break, are in `RolePolicy` and docs/security.md.
public enum AccessRole: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case owner
    case internalEditor = "internal-editor"
    case customerEditor = "customer-editor"
    case viewer

    public var description: String { rawValue }

    /// The access a member gets when none is named: editors of their own side.
    public static func defaultAccess(for side: Side) -> AccessRole {
        side == .internal ? .internalEditor : .customerEditor
    }

    /// Parses user input, or throws an error listing the values.
    public static func parse(_ text: String) throws -> AccessRole {
        guard let access = AccessRole(rawValue: text.lowercased()) else {
            throw ServerStoreError(.invalidRequest, "'\(text)' is not an access role; use one of: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return access
    }

    /// Whether a member of `side` may hold this access: owners and internal
    /// editors are the vendor's people, customer editors the customer's.
    public func fits(_ side: Side) -> Bool {
        switch self {
        case .owner, .internalEditor: side == .internal
        case .customerEditor: side == .customer
        case .viewer: true
        }
    }

    public var canWrite: Bool { self != .viewer }

    /// Whether the member receives internal-only data.
    public func seesInternalOnly(side: Side) -> Bool {
        switch self {
        case .owner, .internalEditor: true
        case .customerEditor: false
        case .viewer: side == .internal
        }
    }
}

extension MemberRecord {
    /// Whether this member receives internal-only data (else the customer view).
    public var seesInternalOnly: Bool { access.seesInternalOnly(side: side) }
}
