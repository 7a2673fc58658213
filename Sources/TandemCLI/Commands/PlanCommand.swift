import ArgumentParser
import TandemModel

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Create, show or edit the plan.",
        subcommands: [Create.self, Show.self, Edit.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the plan, blank or from a segment template.",
            discussion: """
            Examples:
              tandem plan create --customer "Acme Corp"
              tandem plan create --customer "Acme Corp" --template enterprise --start 2026-03-02 \\
                --role onboarding-manager="Ana Ruiz <ana@vendor.example>" --role customer-champion="Bo Chen <bo@acme.example>"
            Roles not mapped with --role become placeholder members; rename them with 'tandem member edit'.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "The customer's name.") var customer: String
        @Option(help: "Plan title (default: '<customer> onboarding').") var title: String?
        @Option(help: "Template name (see 'tandem template list').") var template: String?
        @Option(help: "Start date, YYYY-MM-DD (default: today).") var start: String?
        @Option(help: "Target go-live date, YYYY-MM-DD (default: start + the template's duration).") var target: String?
        @Option(help: "Number of participants on the customer side.") var participants: Int?
        @Option(help: "Technical expertise of the point person: low, medium, high.") var expertise: String?
        @Option(help: "Internal approval needed: none, manager, executive, security-review.") var approval: String?
        @Option(name: .customLong("role"), help: ArgumentHelp("Map a template role to a new member: ROLE=\"Name <email>\".", valueName: "role=member"))
        var roles: [String] = []

        func run() throws {
            let session = try Session(global)
            let template = try template.map { name in
                guard let found = PlanTemplate.named(name) else {
                    throw CLIError("unknown-template", "there is no template '\(name)'; templates are: \(PlanTemplate.catalog.map(\.name).joined(separator: ", "))")
                }
                return found
            }
            if !roles.isEmpty, template == nil {
                throw CLIError("role-without-template", "--role maps a template's role placeholders; add --template NAME")
            }
            let startDate = try Parse.optionalDate(start, "start date") ?? session.today()
            let targetDate = try Parse.optionalDate(target, "target date") ?? template.map { startDate.adding(days: $0.durationDays) }
            let details = OnboardingPlan.Details(
                title: title ?? "\(customer) onboarding", customer: customer, start: startDate, target: targetDate,
                participants: participants ?? template?.participants,
                expertise: try Parse.symbol(expertise, as: Expertise.self) ?? template?.expertise,
                approval: try Parse.symbol(approval, as: ApprovalLevel.self) ?? template?.approval,
                template: template?.name
            )
            let roleMap = try roles.map { text -> (String, String) in
                guard let equals = text.firstIndex(of: "=") else {
                    throw CLIError("invalid-role", "'\(text)' is not ROLE=MEMBER, e.g. --role customer-champion=\"Bo Chen <bo@acme.example>\"")
                }
                return (String(text[..<equals]), String(text[text.index(after: equals)...]))
            }
            let (planID, created, mappedRoles) = try session.write { plan, _ in
                if plan.planID != nil {
                    throw CLIError("plan-exists", "this store already holds a plan; see it with 'tandem plan show' or use another --store")
                }
                let planID = try plan.createPlan(details)
                var mapped: [String: EntityID] = [:]
                for (key, person) in roleMap {
                    guard let role = template?.roles.first(where: { $0.key == key }) else {
                        throw PlanError(.invalidValue, "template '\(template?.name ?? "")' has no role '\(key)'; its roles are: \(template?.roles.map(\.key).joined(separator: ", ") ?? "")")
                    }
                    let (name, email) = Parse.person(person)
                    mapped[key] = try plan.addMember(name: name, email: email, side: role.side, role: role.title)
                }
                // The person creating the plan (the --as / default member) joins it on the
                // internal side, taking the template's first unmapped internal role, so
                // their default member resolves from the first command on.
                if session.quietActingMember(in: plan) == nil, let creator = session.actingMemberName {
                    let (name, email) = Parse.person(creator)
                    let role = template?.roles.first { $0.side == .internal && mapped[$0.key] == nil }
                    let member = try plan.addMember(name: name, email: email, side: .internal, role: role?.title)
                    if let role { mapped[role.key] = member }
                }
                guard let template else { return (planID, nil as TemplateInstantiation?, Set<String>()) }
                // The acting member may be one of the people just added: attribute the template's work to them.
                if plan.replica.author == nil { plan.replica.author = session.quietActingMember(in: plan) }
                return (planID, try template.instantiate(into: &plan, start: startDate, roles: mapped), Set(mapped.keys))
            }
            Out.line("created plan \(planID.short())  \(details.title)")
            if let created, let template {
                Out.line("from template '\(template.name)': \(created.phases.count) phases, \(created.tasks.count) tasks, \(created.goals.count) goals, \(created.roles.count) role members")
                let placeholders = template.roles.filter { !mappedRoles.contains($0.key) }
                if !placeholders.isEmpty {
                    Out.line("placeholder members for: \(placeholders.map(\.key).joined(separator: ", ")); rename with 'tandem member edit'")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the plan's attributes.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let plan = try Session(global).read()
            _ = try plan.requirePlan()
            let info = plan.info!
            if format.json { return Out.json(JSONViews.plan(info)) }
            Out.line("\(info.title)  (\(info.id.short()))")
            Out.line("customer      \(info.customer)")
            Out.line("start         \(info.start?.description ?? "—")")
            Out.line("target        \(info.target?.description ?? "—")")
            Out.line("participants  \(info.participants.map(String.init) ?? "—")")
            Out.line("expertise     \(info.expertise?.rawValue ?? "—")")
            Out.line("approval      \(info.approval?.rawValue ?? "—")")
            Out.line("template      \(info.template ?? "—")")
            Out.line("members \(plan.members.count), goals \(plan.goals.count), phases \(plan.phases.count), tasks \(plan.allTasks.count)")
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change plan attributes.")
        @OptionGroup var global: GlobalOptions
        @Option var title: String?
        @Option var customer: String?
        @Option(help: "YYYY-MM-DD") var start: String?
        @Option(help: "YYYY-MM-DD") var target: String?
        @Option var participants: Int?
        @Option(help: "low, medium, high") var expertise: String?
        @Option(help: "none, manager, executive, security-review") var approval: String?

        func run() throws {
            let session = try Session(global)
            let startDate = try Parse.optionalDate(start, "start date")
            let targetDate = try Parse.optionalDate(target, "target date")
            let expertiseValue = try Parse.symbol(expertise, as: Expertise.self)
            let approvalValue = try Parse.symbol(approval, as: ApprovalLevel.self)
            try session.write { plan, _ in
                try plan.editPlan(title: title, customer: customer, start: startDate, target: targetDate,
                                  participants: participants, expertise: expertiseValue, approval: approvalValue)
            }
            Out.line("plan updated")
        }
    }
}
