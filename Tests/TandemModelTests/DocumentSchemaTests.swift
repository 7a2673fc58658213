import Testing
@testable import TandemModel

/// Documents, named versions, and descriptions and comments as text fields.
@Suite("Schema: documents, versions, text-valued descriptions and comments")
struct DocumentSchemaTests {
    @Test func documentsLiveOnThePlanOrATask() throws {
        var f = try PlanFixture()
        let onPlan = try f.plan.addDocument(title: "Success plan", body: "Why we are here.")
        let onTask = try f.plan.addDocument(title: "CRM field map", on: f.integrate)
        #expect(f.plan.documents.map(\.id) == [onPlan, onTask])
        #expect(f.plan.documents.map(\.task) == [nil, f.integrate])
        #expect(try f.plan.requireDocument(onPlan).body == "Why we are here.")
        #expect(try f.plan.requireDocument(onTask).body == "")
        #expect(f.plan.document[onTask]?.texts[Field.body] == nil, "an empty body makes no text operations")
        try f.plan.renameDocument(onTask, to: "CRM field mapping")
        #expect(try f.plan.requireDocument(onTask).title == "CRM field mapping")
        // A document goes with its task.
        try f.plan.delete(f.integrate)
        #expect(f.plan.documents.map(\.id) == [onPlan])
        #expect(throws: PlanError.self) { try f.plan.requireDocument(onTask) }
    }

    @Test func documentEditsAreValidated() throws {
        var f = try PlanFixture()
        let doc = try f.plan.addDocument(title: "Notes")
        #expect(throws: PlanError.self) { try f.plan.addDocument(title: "  ") }
        #expect(throws: PlanError.self) { try f.plan.addDocument(title: "X", on: f.phase) }
        #expect(throws: PlanError.self) { try f.plan.renameDocument(doc, to: "") }
        #expect(throws: PlanError.self) { try f.plan.editDocument(f.kickoff, body: "not a document") }
        #expect(try f.plan.editDocument(doc, body: "") == false)
        #expect(try f.plan.editDocument(doc, body: "text") == true)
        #expect(try f.plan.editDocument(doc, body: "text") == false)
        #expect(try f.plan.editDocument(doc, body: "") == true, "a body may be emptied")
    }

    @Test func versionNamesAreCheckedAndVersionsAreMarkers() throws {
        var f = try PlanFixture()
        let doc = try f.plan.addDocument(title: "Notes", body: String(repeating: "A long body. ", count: 500))
        let before = f.plan.replica.outbox.count
        let version = try f.plan.addVersion(of: doc, named: "draft 1")
        let made = f.plan.replica.outbox.dropFirst(before)
        // A marker, not a copy: a create and two short fields.
        #expect(made.count == 3)
        #expect(made.reduce(0) { $0 + $1.encoded.count } < 120)
        let view = try f.plan.version(named: "draft 1", of: doc)
        #expect(view.id == version && view.document == doc)
        #expect(view.vector == VersionVector(compact: f.plan.document[version]![Field.vector].string!))
        #expect(view.vector!.contains(made.first!.id) == false, "the vector is the plan's before the version")

        func refusal(_ name: String) -> PlanError.Code? {
            do { try f.plan.addVersion(of: doc, named: name); return nil } catch { return error.code }
        }
        #expect(refusal("draft 1") == .duplicateVersion)
        #expect(refusal("current") == .invalidValue)
        #expect(refusal(" ") == .emptyText)
        #expect(refusal(" padded") == .invalidValue)
        #expect(refusal("two\nlines") == .invalidValue)
        #expect(refusal(String(repeating: "x", count: 101)) == .invalidValue)
        #expect(throws: PlanError.self) { try f.plan.addVersion(of: f.kickoff, named: "v") }
        #expect(throws: PlanError.self) { try f.plan.version(named: "nope", of: doc) }
        do {
            _ = try f.plan.version(named: "nope", of: doc)
        } catch {
            #expect(error.code == .unknownVersion)
            #expect(error.message.contains("draft 1"))
        }
    }

    @Test func twoReplicasNamingAVersionAlikeKeepTheEarlierOne() throws {
        let f = try PlanFixture()
        var a = f.plan
        let doc = try a.addDocument(title: "Notes", body: "v")
        var b = f.fork(replica: 2)
        for op in a.replica.outbox where !b.document.version.contains(op.id) { b.replica.receive(op) }
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        let first = try a.addVersion(of: doc, named: "final")
        try b.editDocument(doc, body: "v2")
        let second = try b.addVersion(of: doc, named: "final")
        exchange(&a, &b)
        let earlier = a.document[first]!.created < b.document[second]!.created ? first : second
        #expect(try a.version(named: "final", of: doc).id == earlier)
        #expect(try b.version(named: "final", of: doc).id == earlier)
        #expect(a.versions(of: doc).count == 2)
    }

    @Test func aDamagedMarkerIsReportedNotMisread() throws {
        var f = try PlanFixture()
        let doc = try f.plan.addDocument(title: "Notes", body: "x")
        let version = try f.plan.addVersion(of: doc, named: "v1")
        f.plan.replica.set(version, Field.vector, .string("not a vector"))
        #expect(f.plan.versions(of: doc).first?.vector == nil)
        #expect(throws: PlanError.self) { try f.plan.version(named: "v1", of: doc) }
    }

    @Test func editingFromWhatTheEditorShowedKeepsEditsThatArrivedMeanwhile() throws {
        let f = try PlanFixture()
        var a = f.plan
        let doc = try a.addDocument(title: "Notes", body: "First sentence. Second sentence.")
        var b = f.fork(replica: 2)
        for op in a.replica.outbox where !b.document.version.contains(op.id) { b.replica.receive(op) }
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        // A opens the editor on this text…
        let shown = a.document[doc]!.texts[Field.body]!
        // …B's edit arrives while it is open…
        try b.editDocument(doc, body: "First sentence. Second sentence, revised.")
        for op in b.replica.takeOutbox() { a.replica.receive(op) }
        // …and A saves its own change to the first sentence.
        #expect(try a.editDocument(doc, from: shown, to: "The first sentence. Second sentence.") == true)
        #expect(a.document[doc]!.text(Field.body) == "The first sentence. Second sentence, revised.")
        for op in a.replica.takeOutbox() { b.replica.receive(op) }
        #expect(b.document[doc]!.text(Field.body) == "The first sentence. Second sentence, revised.")
        // Saving what was shown changes nothing.
        #expect(try a.editDocument(doc, from: shown, to: shown.text) == false)
    }

    @Test func descriptionsMergeCharacterByCharacter() throws {
        let f = try PlanFixture()
        var a = f.plan
        try a.editTask(f.integrate, description: "Connect the CRM. Map the fields. Test with ten records.")
        var b = f.fork(replica: 2)
        for op in a.replica.outbox where !b.document.version.contains(op.id) { b.replica.receive(op) }
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        try a.editTask(f.integrate, description: "Connect the HubSpot CRM. Map the fields. Test with ten records.")
        try b.editTask(f.integrate, description: "Connect the CRM. Map the fields. Test with fifty records.")
        exchange(&a, &b)
        let merged = "Connect the HubSpot CRM. Map the fields. Test with fifty records."
        #expect(a.task(f.integrate).description == merged)
        #expect(b.task(f.integrate).description == merged)
        #expect(a.document == b.document)
        // An empty description clears it.
        try a.editTask(f.integrate, description: "")
        #expect(a.task(f.integrate).description == nil)
        let added = try a.addTask(.init(title: "Train admins", description: "Two sessions."), in: f.phase)
        #expect(a.task(added).description == "Two sessions.")
        #expect(a.document[added]!.fields[Field.description] == nil, "descriptions are no longer string fields")
    }

    @Test func commentsAreTextFieldsAndStayNonEmpty() throws {
        let f = try PlanFixture()
        var a = f.plan
        let comment = try a.addComment(on: f.integrate, text: "Which CRM edition do you run? We need the API.")
        let note = try a.addInternalComment(on: f.integrate, text: "Pricing later")
        #expect(a.comments(on: f.integrate).map(\.text).sorted() == ["Pricing later", "Which CRM edition do you run? We need the API."])
        #expect(a.document[comment]!.texts[Field.text] != nil)
        var b = f.fork(replica: 2)
        for op in a.replica.outbox where !b.document.version.contains(op.id) { b.replica.receive(op) }
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        try a.editComment(comment, text: "Which CRM edition do you run? We need the REST API.")
        try b.editComment(comment, text: "Which Salesforce edition do you run? We need the API.")
        exchange(&a, &b)
        let merged = "Which Salesforce edition do you run? We need the REST API."
        #expect(a.comments(on: f.integrate).first { $0.id == comment }?.text == merged)
        #expect(b.comments(on: f.integrate).first { $0.id == comment }?.text == merged)
        #expect(try a.editComment(note, text: "Pricing later") == false)
        #expect(throws: PlanError(.emptyText, "the comment cannot be empty")) { try a.editComment(comment, text: " \n") }
        #expect(throws: PlanError(.emptyText, "the comment cannot be empty")) { try a.addComment(on: f.integrate, text: "") }
        #expect(throws: PlanError.self) { try a.editComment(f.integrate, text: "a task") }
    }

    @Test func oldStringDescriptionsMigrateOnceEvenWhenTwoPeopleEditThem() throws {
        let f = try PlanFixture()
        var a = f.plan
        // A description written by the earlier schema: a plain string field.
        a.replica.set(f.integrate, Field.description, .string("Connect the CRM. Then test."))
        #expect(a.task(f.integrate).description == "Connect the CRM. Then test.")
        var b = f.fork(replica: 2)
        for op in a.replica.outbox where !b.document.version.contains(op.id) { b.replica.receive(op) }
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        try a.editTask(f.integrate, description: "Connect the HubSpot CRM. Then test.")
        try b.editTask(f.integrate, description: "Connect the CRM. Then test twice.")
        exchange(&a, &b)
        // Both migrated the old text; the copies share ids, so it appears once.
        #expect(a.task(f.integrate).description == "Connect the HubSpot CRM. Then test twice.")
        #expect(a.document == b.document)
        #expect(a.document[f.integrate]![Field.description] == .null)
        // Old string comments read too, and migrate on edit.
        let comment = a.replica.create(.comment, under: f.integrate)
        a.replica.set(comment, Field.text, .string("Old comment"))
        #expect(a.comments(on: f.integrate).map(\.text) == ["Old comment"])
        try a.editComment(comment, text: "Old comment, edited")
        #expect(a.comments(on: f.integrate).map(\.text) == ["Old comment, edited"])
    }
}
