import TandemModel

/// `tandemd member add|list|revoke` as functions of the store, so tests run
/// them without a process.
extension AdminReports {
    /// A plan's members with a token that is not revoked.
    public static func members(store: any ServerStore, plan: String) async throws -> AdminOutput {
        let id = try await PlanInspector.resolvePlan(plan, store: store)
        let members = try await store.members(plan: id)
        var table = TextTable("MEMBER", "NAME", "SIDE", "ACCESS", "ROLE", "ADDED")
        for member in members {
            table.append([member.member.short(), member.name, member.side.rawValue, member.access.rawValue, member.role ?? "-", time(member.createdMilliseconds)])
        }
        let text = members.isEmpty ? "plan \(id.short()) has no members with a token; add one with 'tandemd member add'" : table.rendered
        return AdminOutput(text: text, json: .object([
            "plan": .string(id.description),
            "members": .array(members.map(memberJSON)),
        ]))
    }

    /// A new member and their token (shown once).
    public static func addedMember(_ member: MemberRecord, token: String) -> AdminOutput {
        let text = """
            member \(member.member)
            access \(member.access.rawValue)
            token  \(token)
            join with: tandem join HOST:PORT \(token)
            """
        var json = memberJSON(member)
        if case .object(var fields) = json {
            fields["token"] = .string(token)
            json = .object(fields)
        }
        return AdminOutput(text: text, json: json)
    }

    /// Revokes a member named by id or a unique prefix (at least 4 digits).
    public static func revoke(store: any ServerStore, plan: String, member: String) async throws -> AdminOutput {
        let planID = try await PlanInspector.resolvePlan(plan, store: store)
        let memberID = try await resolveMember(member, plan: planID, store: store)
        let revoked = try await PlanAdministration(store: store).revokeMember(plan: planID, member: memberID)
        let text = revoked
            ? "revoked member \(memberID.short()) of plan \(planID.short()): their token is refused from now on, and a running server closes their connections within about a second"
            : "member \(memberID.short()) of plan \(planID.short()) was already revoked"
        return AdminOutput(text: text, json: .object([
            "plan": .string(planID.description), "member": .string(memberID.description), "revoked": .bool(revoked),
        ]))
    }

    static func resolveMember(_ text: String, plan: EntityID, store: any ServerStore) async throws -> EntityID {
        if let id = EntityID(text) { return id }
        let matches = try await store.members(plan: plan).filter { $0.member.description.hasPrefix(text.lowercased()) }
        guard text.count >= 4, matches.count == 1 else {
            throw ServerStoreError(.notFound, matches.count > 1 ? "'\(text)' names \(matches.count) members; give more digits"
                                                                : "plan \(plan.short()) has no member '\(text)' with an active token (revoked ones are named by their full id); list them with 'tandemd member list'")
        }
        return matches[0].member
    }

    static func memberJSON(_ member: MemberRecord) -> JSONValue {
        .object([
            "plan": .string(member.plan.description), "member": .string(member.member.description), "name": .string(member.name),
            "side": .string(member.side.rawValue), "access": .string(member.access.rawValue),
            "role": member.role.map(JSONValue.string) ?? .null, "added": jsonTime(member.createdMilliseconds),
        ])
    }
}
