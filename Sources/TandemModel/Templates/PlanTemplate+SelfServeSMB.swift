extension PlanTemplate {
    /// Small teams with a technical point person: two weeks, mostly self-serve,
    /// with videos instead of meetings (asynchronous education).
    public static let selfServeSMB = PlanTemplate(
        name: "smb",
        title: "Self-serve SMB onboarding",
        summary: "2 weeks; small team, technical point person, no internal approval",
        participants: 3, expertise: .high, approval: .none, durationDays: 14,
        roles: [
            Role("onboarding-manager", "Onboarding manager", .internal),
            Role("customer-champion", "Customer champion", .customer),
        ],
        goals: [
            Goal("First workflow live", .shared, measure: "one real workflow running in production by day 14"),
            Goal("Team self-sufficient", .customer, measure: "every invited user active in week 2"),
        ],
        phases: [
            Phase("Kickoff", [
                Task("welcome", "Welcome call and success criteria", day: 1, estimate: 1,
                     r: ["onboarding-manager"], a: "onboarding-manager", i: ["customer-champion"],
                     checklist: ["Agree the first workflow", "Confirm go-live date"]),
                Task("account", "Create the account and invite the team", day: 2, estimate: 1,
                     r: ["customer-champion"], a: "customer-champion", after: ["welcome"],
                     resources: [Resource("Inviting your team", "https://docs.example.com/invite", .video)]),
            ]),
            Phase("Setup", [
                Task("configure", "Configure the first workflow", day: 7, estimate: 3,
                     r: ["customer-champion"], a: "customer-champion", c: ["onboarding-manager"], after: ["account"],
                     resources: [Resource("Workflow basics", "https://docs.example.com/workflows", .video)]),
                Task("import", "Import existing data", day: 8, estimate: 2,
                     r: ["customer-champion"], a: "customer-champion", after: ["account"],
                     resources: [Resource("Import guide", "https://docs.example.com/import", .article)]),
            ]),
            Phase("Go-live", [
                Task("review", "Review the workflow together", day: 11, estimate: 1,
                     r: ["onboarding-manager"], a: "onboarding-manager", c: ["customer-champion"], after: ["configure", "import"]),
                Task("golive", "Go live", day: 14, estimate: 1,
                     r: ["customer-champion"], a: "customer-champion", i: ["onboarding-manager"], after: ["review"]),
            ]),
        ]
    )
}
