import Testing
@testable import TandemModel

@Suite("Text fields inside the plan document")
struct DocumentTextTests {
    @Test func offlineEditsToDifferentSentencesBothSurvive() throws {
        let f = try PlanFixture()
        var a = f.plan
        a.replica.replaceText(in: Field.description, of: f.integrate, with: "Connect the CRM. Use the sandbox first. Then production.")
        var b = f.fork(replica: 2)
        for op in a.replica.outbox where !b.replica.document.version.contains(op.id) { b.replica.receive(op) }
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        a.replica.replaceText(in: Field.description, of: f.integrate, with: "Connect the HubSpot CRM. Use the sandbox first. Then production.")
        b.replica.replaceText(in: Field.description, of: f.integrate, with: "Connect the CRM. Use the sandbox first. Then production on Monday.")
        exchange(&a, &b)
        let merged = "Connect the HubSpot CRM. Use the sandbox first. Then production on Monday."
        #expect(a.document[f.integrate]?.text(Field.description) == merged)
        #expect(b.document[f.integrate]?.text(Field.description) == merged)
        #expect(a.document == b.document)
    }

    @Test func insertionsWaitForTheirOriginCharacters() throws {
        let f = try PlanFixture()
        var a = f.plan
        _ = a.replica.takeOutbox()
        a.replica.insertText("Hello", at: 0, in: "body", of: f.kickoff)
        a.replica.insertText(" world", at: 5, in: "body", of: f.kickoff)
        let textOps = a.replica.takeOutbox()
        var other = f.fork(replica: 3)
        #expect(other.replica.receive(textOps[1]) == .waitingForText(entity: f.kickoff, field: "body"))
        #expect(other.replica.receive(textOps[1]) == .duplicate)
        #expect(other.replica.receive(textOps[0]) == .applied)
        #expect(other.document[f.kickoff]?.text("body") == "Hello world")
        #expect(other.document.waitingOperations.isEmpty)
        #expect(other.document == a.document)
    }

    @Test func textsAppearInTheCanonicalExportAndSnapshots() throws {
        var f = try PlanFixture()
        f.plan.replica.insertText("Agenda: goals, owners, dates", at: 0, in: "body", of: f.kickoff)
        f.plan.replica.deleteText(0..<8, in: "body", of: f.kickoff)
        #expect(f.plan.document.canonicalText().contains("\"texts\":{\"body\":\"goals, owners, dates\"}"))
        let decoded = try PlanDocument(snapshot: f.plan.document.encodedSnapshot())
        #expect(decoded == f.plan.document)
        for op in f.plan.replica.outbox { #expect(try Operation(decoding: op.encoded) == op) }
        let changes = History.changes(to: f.kickoff, field: "body", in: f.plan.replica.outbox)
        #expect(changes.map(\.verb) == ["insert text", "delete text"])
    }
}
