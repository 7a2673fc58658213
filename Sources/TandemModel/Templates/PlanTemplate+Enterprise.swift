extension PlanTemplate {
    /// Large customers: three months, an executive sponsor, and a security
    /// review that gates everything technical (the approval gate).
    public static let enterprise = PlanTemplate(
        name: "enterprise",
        title: "Enterprise onboarding",
        summary: "12 weeks; many teams, security-review approval gate, executive sponsor",
        participants: 50, expertise: .low, approval: .securityReview, durationDays: 84,
        roles: [
            Role("onboarding-manager", "Onboarding manager", .internal),
            Role("technical-lead", "Technical lead", .internal),
            Role("executive-sponsor", "Executive sponsor", .customer),
            Role("customer-champion", "Customer champion", .customer),
            Role("security-reviewer", "Security reviewer", .customer),
        ],
        goals: [
            Goal("Roll out to every region", .customer, measure: "all regional teams active by day 84"),
            Goal("Security approval without rework", .shared, measure: "review passed on the first submission"),
            Goal("Documented business case met", .shared, measure: "sponsor confirms the agreed KPI at the 90-day review"),
            Goal("Reference customer", .internal, measure: "sponsor agrees to a case study"),
        ],
        phases: [
            Phase("Kickoff and alignment", [
                Task("kickoff", "Executive kickoff: outcomes and success measures", day: 5, estimate: 1,
                     r: ["onboarding-manager"], a: "onboarding-manager", c: ["executive-sponsor", "customer-champion"], i: ["technical-lead"],
                     checklist: ["Document the business case", "Name owners on both sides", "Agree the check-in cadence"]),
                Task("stakeholders", "Map stakeholders and approvers", day: 10, estimate: 2,
                     r: ["customer-champion"], a: "customer-champion", c: ["onboarding-manager"], after: ["kickoff"]),
            ]),
            Phase("Security review", [
                Task("questionnaire", "Complete the security questionnaire", day: 18, estimate: 5,
                     r: ["technical-lead"], a: "technical-lead", c: ["security-reviewer"], after: ["kickoff"],
                     resources: [Resource("Security overview", "https://trust.example.com/overview", .document)]),
                Task("pentest", "Share the penetration-test report", day: 20, estimate: 1,
                     r: ["technical-lead"], a: "technical-lead", i: ["security-reviewer"], after: ["kickoff"]),
                Task("security-approval", "Security review approval (gate)", day: 30, estimate: 10,
                     r: ["security-reviewer"], a: "security-reviewer", c: ["technical-lead"], i: ["executive-sponsor", "onboarding-manager"],
                     after: ["questionnaire", "pentest"],
                     checklist: ["Data-processing agreement signed", "SSO and SCIM approved", "Data residency confirmed"]),
            ]),
            Phase("Technical integration", [
                Task("sso", "Set up SSO and SCIM provisioning", day: 40, estimate: 5,
                     r: ["technical-lead"], a: "technical-lead", c: ["security-reviewer"], after: ["security-approval"],
                     resources: [Resource("SCIM guide", "https://docs.example.com/scim", .document)]),
                Task("integration", "Integrate with the data warehouse", day: 50, estimate: 10,
                     r: ["technical-lead"], a: "technical-lead", c: ["customer-champion"], after: ["security-approval"],
                     subtasks: [
                        Task("integration-design", "Agree the data model", day: 44, estimate: 3, r: ["technical-lead"], a: "technical-lead", c: ["customer-champion"]),
                        Task("integration-build", "Build and test the pipeline", day: 50, estimate: 6, r: ["technical-lead"], a: "technical-lead"),
                     ]),
                Task("pilot", "Pilot with one region", day: 60, estimate: 7,
                     r: ["customer-champion"], a: "executive-sponsor", c: ["onboarding-manager"], after: ["sso", "integration"]),
            ]),
            Phase("Enablement", [
                Task("train-trainers", "Train the trainers", day: 66, estimate: 3,
                     r: ["onboarding-manager"], a: "onboarding-manager", i: ["customer-champion"], after: ["pilot"],
                     resources: [Resource("Trainer kit", "https://academy.example.com/trainer-kit", .document),
                                 Resource("Admin course", "https://academy.example.com/admin", .video)]),
                Task("regional-rollout", "Regional rollout", day: 80, estimate: 10,
                     r: ["customer-champion"], a: "executive-sponsor", c: ["onboarding-manager"], after: ["train-trainers"]),
            ]),
            Phase("Go-live and review", [
                Task("golive", "Go live for all regions", day: 84, estimate: 1,
                     r: ["customer-champion"], a: "executive-sponsor", i: ["onboarding-manager", "technical-lead"], after: ["regional-rollout"]),
                Task("value-review", "90-day value review with the sponsor", day: 90, estimate: 1,
                     r: ["onboarding-manager"], a: "onboarding-manager", c: ["executive-sponsor"], after: ["golive"]),
            ]),
        ]
    )
}
