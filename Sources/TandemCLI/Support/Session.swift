import TandemModel
import TandemStore

/// One command's use of the store: opens it, loads the plan, resolves the
/// acting member, and wraps edits in a single transaction.
struct Session {
    let store: ReplicaStore
    let options: GlobalOptions
    let context: CLIContext

    init(_ options: GlobalOptions) throws {
        self.options = options
        self.context = CLIContext.current
        // Tests lower the snapshot threshold so that crash tests cross snapshot refreshes.
        let threshold = context.environment["TANDEM_SNAPSHOT_THRESHOLD"].flatMap { Int($0) }.map { max(1, $0) } ?? 1000
        self.store = try ReplicaStore(at: options.storeDirectory, snapshotThreshold: threshold)
    }

    var output: any CLIOutput { context.output }

    /// The plan as stored (snapshot + tail), for reading.
    func read() throws -> OnboardingPlan {
        var plan = OnboardingPlan(replica: try store.load())
        plan.replica.author = try actingMember(in: plan, required: false)
        return plan
    }

    /// Loads, edits and commits in one transaction; nothing is written when `body` throws.
    func write<T>(_ body: (inout OnboardingPlan, EntityResolver) throws -> T) throws -> T {
        try store.update { replica in
            var plan = OnboardingPlan(replica: replica)
            plan.replica.author = try actingMember(in: plan, required: false)
            let result = try body(&plan, EntityResolver(plan: plan))
            replica = plan.replica
            return result
        }
    }

    /// The member named by `--as`, else the store's default member.
    ///
    /// An explicit `--as` that matches nobody is an error; a default that no
    /// longer matches (e.g. set before the member was added) leaves edits
    /// without an author, and says so on stderr rather than silently.
    func actingMember(in plan: OnboardingPlan, required: Bool) throws -> EntityID? {
        if let name = options.actingMember {
            return try EntityResolver(plan: plan).member(name)
        }
        guard let name = try store.setting("member") else {
            if required {
                throw CLIError("no-acting-member", "who are you? pass --as MEMBER, or set a default with 'tandem config set member NAME'")
            }
            return nil
        }
        do {
            return try EntityResolver(plan: plan).member(name)
        } catch {
            if required { throw error }
            if plan.planID != nil, !plan.members.isEmpty {
                output.errorLine("warning: default member '\(name)' is not in this plan; fix it with 'tandem config set member NAME'")
            }
            return nil
        }
    }

    /// The acting member if it resolves, else nil, without warnings.
    /// The name given by --as or the store's default member, resolved or not.
    var actingMemberName: String? { options.actingMember ?? ((try? store.setting("member")) ?? nil) }

    func quietActingMember(in plan: OnboardingPlan) -> EntityID? {
        guard let name = options.actingMember ?? (try? store.setting("member")) ?? nil else { return nil }
        return try? EntityResolver(plan: plan).member(name)
    }

    func today() throws -> CalendarDate { try context.today() }
}
