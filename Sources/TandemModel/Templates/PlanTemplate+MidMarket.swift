extension PlanTemplate {
    /// Mid-sized customers: six weeks, a manager's sign-off, an integration and
    /// training for several teams.
    public static let midMarket = PlanTemplate(
        name: "mid-market",
        title: "Mid-market onboarding",
        summary: "6 weeks; several teams, mixed expertise, manager approval",
        participants: 12, expertise: .medium, approval: .manager, durationDays: 42,
        roles: [
            Role("onboarding-manager", "Onboarding manager", .internal),
            Role("technical-lead", "Technical lead", .internal),
            Role("customer-champion", "Customer champion", .customer),
            Role("customer-admin", "Customer IT admin", .customer),
        ],
        goals: [
            Goal("Replace the spreadsheet process", .customer, measure: "old tracker retired by go-live"),
            Goal("Time to first value under 30 days", .shared, measure: "first team using it daily by day 30"),
            Goal("Expansion-ready account", .internal, measure: "health green at the 60-day review"),
        ],
        phases: [
            Phase("Kickoff", [
                Task("kickoff", "Kickoff call: outcomes, owners, dates", day: 3, estimate: 1,
                     r: ["onboarding-manager"], a: "onboarding-manager", c: ["customer-champion"], i: ["technical-lead", "customer-admin"],
                     checklist: ["Document success criteria", "Agree the check-in cadence", "Share this plan"]),
                Task("discovery", "Discovery questionnaire", day: 6, estimate: 2,
                     r: ["customer-champion"], a: "customer-champion", c: ["onboarding-manager"], after: ["kickoff"]),
            ]),
            Phase("Technical setup", [
                Task("sso", "Set up single sign-on", day: 12, estimate: 3,
                     r: ["customer-admin"], a: "customer-admin", c: ["technical-lead"], after: ["kickoff"],
                     resources: [Resource("SSO setup guide", "https://docs.example.com/sso", .document)]),
                Task("integration", "Connect the CRM integration", day: 18, estimate: 5,
                     r: ["technical-lead"], a: "technical-lead", c: ["customer-admin"], after: ["sso"],
                     subtasks: [
                        Task("integration-keys", "Create API credentials", day: 14, estimate: 1, r: ["customer-admin"], a: "customer-admin"),
                        Task("integration-map", "Map fields", day: 17, estimate: 2, r: ["technical-lead"], a: "technical-lead"),
                     ]),
                Task("migration", "Migrate data from the spreadsheet", day: 21, estimate: 3,
                     r: ["technical-lead"], a: "onboarding-manager", c: ["customer-champion"], after: ["discovery"]),
            ]),
            Phase("Training", [
                Task("admin-training", "Admin training", day: 24, estimate: 1,
                     r: ["onboarding-manager"], a: "onboarding-manager", i: ["customer-admin"], after: ["sso"],
                     resources: [Resource("Admin course", "https://academy.example.com/admin", .video)]),
                Task("team-training", "Team training sessions", day: 30, estimate: 3,
                     r: ["customer-champion"], a: "customer-champion", c: ["onboarding-manager"], after: ["admin-training"],
                     resources: [Resource("Getting started", "https://academy.example.com/start", .video)]),
            ]),
            Phase("Go-live", [
                Task("signoff", "Manager sign-off", day: 36, estimate: 2,
                     r: ["customer-champion"], a: "customer-champion", i: ["onboarding-manager"], after: ["integration", "migration"]),
                Task("golive", "Go live", day: 42, estimate: 1,
                     r: ["customer-champion"], a: "onboarding-manager", i: ["technical-lead", "customer-admin"],
                     after: ["signoff", "team-training"]),
            ]),
        ]
    )
}
