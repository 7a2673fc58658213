import Testing
@testable import TandemModel

@Suite("Plan schema rules")
struct SchemaTests {
    @Test func createsAPlanWithItsInternalSection() throws {
        let f = try PlanFixture()
        let info = try #require(f.plan.info)
        #expect(info.title == "Acme onboarding")
        #expect(info.customer == "Acme")
        #expect(info.expertise == .medium)
        #expect(f.plan.internalSectionID != nil)
        #expect(f.plan.members.map(\.name) == ["Olivia", "Carl"])
        #expect(f.plan.phases.map(\.title) == ["Kick-off"])
        #expect(f.plan.tasks(in: f.phase).map(\.title) == ["Kick-off call", "Connect CRM"])
    }

    @Test func refusesATargetBeforeTheStart() throws {
        var plan = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(1)))
        #expect(throws: PlanError.self) {
            try plan.createPlan(.init(title: "X", customer: "Y", start: CalendarDate(year: 2026, month: 3, day: 1), target: CalendarDate(year: 2026, month: 2, day: 1)))
        }
    }

    @Test func editsNeedAPlan() {
        var plan = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(1)))
        let error = #expect(throws: PlanError.self) { try plan.addPhase(title: "P") }
        #expect(error?.code == .noPlan)
    }

    @Test func unknownMemberIsRefused() throws {
        var f = try PlanFixture()
        let error = #expect(throws: PlanError.self) { try f.plan.assign(f.kickoff, .responsible, f.phase) }
        #expect(error?.code == .unknownMember)
        #expect(error?.message.contains("not a member") == true)
    }

    @Test func twoAccountableMembersAreRefused() throws {
        var f = try PlanFixture()
        let error = #expect(throws: PlanError.self) {
            try f.plan.setRACI(f.kickoff, .accountable, [f.internalMember, f.customerMember])
        }
        #expect(error?.code == .duplicateAccountable)
        try f.plan.setRACI(f.kickoff, .accountable, [f.customerMember])
        #expect(f.plan.task(f.kickoff).accountable == f.customerMember)
    }

    @Test func raciSetsReplaceTheRole() throws {
        var f = try PlanFixture()
        try f.plan.setRACI(f.kickoff, .informed, [f.internalMember, f.customerMember])
        #expect(Set(f.plan.task(f.kickoff).informed) == [f.internalMember, f.customerMember])
        try f.plan.setRACI(f.kickoff, .informed, [f.customerMember])
        #expect(f.plan.task(f.kickoff).informed == [f.customerMember])
    }

    @Test func dependencyCyclesAreRefusedWithThePath() throws {
        var f = try PlanFixture()
        let third = try f.plan.addTask(.init(title: "Go live"), in: f.phase)
        try f.plan.addDependency(f.integrate, dependsOn: f.kickoff)
        try f.plan.addDependency(third, dependsOn: f.integrate, lagDays: 2)
        let error = #expect(throws: PlanError.self) { try f.plan.addDependency(f.kickoff, dependsOn: third) }
        #expect(error?.code == .dependencyCycle)
        #expect(error?.message.contains("Kick-off call") == true)
        let selfError = #expect(throws: PlanError.self) { try f.plan.addDependency(f.kickoff, dependsOn: f.kickoff) }
        #expect(selfError?.code == .dependencyCycle)
        #expect(f.plan.dependencies(of: third).map(\.lagDays) == [2])
    }

    @Test func malformedDatesAreRefused() throws {
        for text in ["2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", "tomorrow", ""] {
            let error = #expect(throws: PlanError.self) { try OnboardingPlan.parseDate(text) }
            #expect(error?.code == .invalidDate, "\(text)")
        }
        #expect(try OnboardingPlan.parseDate("2028-02-29") == CalendarDate(year: 2028, month: 2, day: 29))
        #expect(try OnboardingPlan.parseInstant("2026-03-31T15:00Z").description == "2026-03-31T15:00:00.000Z")
    }

    @Test func statusOutsideTheAllowedSetIsRefused() throws {
        let error = #expect(throws: PlanError.self) { try TaskStatus.parse("finished", code: .invalidStatus) }
        #expect(error?.code == .invalidStatus)
        #expect(error?.message.contains("todo, in-progress, blocked, done") == true)
        #expect(try TaskStatus.parse("IN_PROGRESS") == .inProgress)
    }

    @Test func doneRecordsCompletionAndReopenClearsIt() throws {
        var f = try PlanFixture()
        let when = Instant(milliseconds: 1_767_225_600_000)
        try f.plan.setStatus(f.kickoff, .done, at: when)
        #expect(f.plan.task(f.kickoff).completed == when)
        try f.plan.setStatus(f.kickoff, .todo, at: when)
        #expect(f.plan.task(f.kickoff).completed == nil)
    }

    @Test func tasksCannotMoveUnderThemselves() throws {
        var f = try PlanFixture()
        let sub = try f.plan.addTask(.init(title: "Sub"), in: f.kickoff)
        #expect(f.plan.task(sub).parentTask == f.kickoff)
        #expect(f.plan.task(sub).phase == f.phase)
        let error = #expect(throws: PlanError.self) { try f.plan.moveTask(f.kickoff, to: sub) }
        #expect(error?.code == .invalidMove)
    }

    @Test func tasksGoOnlyInPhasesOrTasks() throws {
        var f = try PlanFixture()
        let error = #expect(throws: PlanError.self) { try f.plan.addTask(.init(title: "T"), in: f.customerMember) }
        #expect(error?.code == .wrongKind)
        let empty = #expect(throws: PlanError.self) { try f.plan.addTask(.init(title: "  "), in: f.phase) }
        #expect(empty?.code == .emptyText)
    }

    @Test func checklistItemsHaveOwners() throws {
        var f = try PlanFixture()
        let item = try f.plan.addChecklistItem(to: f.integrate, title: "API key", owner: f.customerMember)
        try f.plan.setChecked(item, true)
        #expect(f.plan.checklist(of: f.integrate) == [ChecklistItemView(id: item, title: "API key", done: true, owner: f.customerMember)])
    }

    @Test func formsArePrefilledThenConfirmed() throws {
        var f = try PlanFixture()
        let form = try f.plan.addForm(title: "Integration details", on: f.integrate)
        let crm = try f.plan.addFormField(to: form, label: "CRM", required: true)
        let seats = try f.plan.addFormField(to: form, label: "Seats")
        #expect(throws: PlanError.self) { try f.plan.confirm(seats) }
        try f.plan.prefill(crm, with: "HubSpot", source: "sales call 2026-01-02")
        try f.plan.confirm(crm)
        try f.plan.fill(seats, with: "40")
        let fields = f.plan.formFields(of: form)
        #expect(fields.map(\.value) == ["HubSpot", "40"])
        #expect(fields.allSatisfy { $0.confirmed })
        #expect(fields[0].source == "sales call 2026-01-02")
    }

    @Test func feedbackRatingsAreOneToFive() throws {
        var f = try PlanFixture()
        #expect(throws: PlanError.self) { try f.plan.addFeedback(on: f.phase, by: f.customerMember, rating: 6) }
        try f.plan.addFeedback(on: f.phase, by: f.customerMember, rating: 4, text: "Smooth")
        #expect(f.plan.feedback(on: f.phase).map(\.side) == [.customer])
    }

    @Test func resourcesNeedAWebAddress() throws {
        var f = try PlanFixture()
        #expect(throws: PlanError.self) { try f.plan.addResource(to: f.integrate, title: "Guide", url: "not a url", kind: .article) }
        try f.plan.addResource(to: f.integrate, title: "Guide", url: "https://docs.example/crm", kind: .video)
        #expect(f.plan.resources(of: f.integrate).map(\.kind) == [.video])
    }

    @Test func internalNotesLiveInTheInternalSection() throws {
        var f = try PlanFixture()
        let note = try f.plan.addRiskNote("Champion may leave", severity: .high, about: f.integrate)
        try f.plan.addInternalComment(on: f.integrate, text: "Push on pricing later")
        try f.plan.addComment(on: f.integrate, text: "Which CRM edition?")
        try f.plan.setHealth(.amber)
        #expect(f.plan.document.ancestors(of: note).first == f.plan.internalSectionID)
        #expect(f.plan.comments(on: f.integrate).map(\.isInternal) == [true, false] || f.plan.comments(on: f.integrate).map(\.isInternal) == [false, true])
        #expect(f.plan.health == .amber)
        // The canonical export without internal-only kinds has none of it.
        let customerView = f.plan.document.canonicalText { $0.kind.isInternalOnly }
        #expect(!customerView.contains("Champion may leave"))
        #expect(!customerView.contains("Push on pricing"))
    }

    @Test func deleteAndRestoreKeepEverything() throws {
        var f = try PlanFixture()
        try f.plan.editTask(f.integrate, title: "Connect the CRM")
        try f.plan.delete(f.integrate)
        #expect(f.plan.tasks(in: f.phase).map(\.id) == [f.kickoff])
        #expect(throws: PlanError.self) { try f.plan.editTask(f.integrate, title: "x") }
        try f.plan.restore(f.integrate)
        #expect(f.plan.task(f.integrate).title == "Connect the CRM")
        #expect(f.plan.tasks(in: f.phase).map(\.id) == [f.kickoff, f.integrate])
    }

    @Test func historySaysWhoChangedWhatFromWhat() throws {
        var f = try PlanFixture()
        f.plan.replica.author = f.internalMember
        try f.plan.editTask(f.integrate, due: CalendarDate(year: 2026, month: 1, day: 25))
        f.plan.replica.author = f.customerMember
        try f.plan.editTask(f.integrate, due: CalendarDate(year: 2026, month: 1, day: 30))
        let changes = History.changes(to: f.integrate, field: Field.due, in: f.plan.replica.outbox)
        #expect(changes.map(\.value) == [.date(CalendarDate(year: 2026, month: 1, day: 20)!), .date(CalendarDate(year: 2026, month: 1, day: 25)!), .date(CalendarDate(year: 2026, month: 1, day: 30)!)])
        #expect(changes.map(\.previousValue) == [.null, .date(CalendarDate(year: 2026, month: 1, day: 20)!), .date(CalendarDate(year: 2026, month: 1, day: 25)!)])
        #expect(changes.last?.author == f.customerMember)
    }
}
