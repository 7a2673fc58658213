import Foundation
import Testing
import TandemCLI
import TandemModel
import TandemStore

/// `tandem doc …`, `tandem comment …` and text-valued task descriptions, end to end.
@Suite("CLI: documents, versions, time travel, comments in $EDITOR")
struct DocCommandTests {
    /// An executable editor script in the harness directory; `$1` is the file to edit.
    static func editor(_ h: CLIHarness, _ script: String) throws -> String {
        let path = h.directory + "/editor-\(UUID().uuidString.prefix(8)).sh"
        try ("#!/bin/sh\n" + script + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    static func write(_ text: String, in h: CLIHarness, as name: String) throws {
        try text.write(toFile: h.directory + "/" + name, atomically: true, encoding: .utf8)
    }

    /// The id of the only document (or the one titled `title`).
    static func docID(_ h: CLIHarness, _ title: String? = nil) throws -> String {
        let docs = try #require(try h.json("doc", "list") as? [[String: Any]])
        let doc = try #require(docs.first { title == nil || $0["title"] as? String == title })
        return try #require(doc["id"] as? String)
    }

    /// Runs with `input` as standard input.
    static func run(_ h: CLIHarness, stdin input: String, _ arguments: String...) -> CLIHarness.Result {
        let output = CapturedOutput()
        let context = CLIContext(environment: h.environment, output: output, workingDirectory: h.directory,
                                 readStandardInput: { Data(input.utf8) })
        let status = TandemCLI.run(arguments, context: context)
        return CLIHarness.Result(status: status, out: output.standardOutput, err: output.standardError)
    }

    /// Delivers each store's pending operations to the other, as a sync would.
    static func exchange(_ a: CLIHarness, _ b: CLIHarness) throws {
        let storeA = try ReplicaStore(at: a.store), storeB = try ReplicaStore(at: b.store)
        let fromA = try storeA.pendingOperations(), fromB = try storeB.pendingOperations()
        try storeB.receive(fromA)
        try storeA.receive(fromB)
        try storeA.markAcknowledged(fromA.map(\.id))
        try storeB.markAcknowledged(fromB.map(\.id))
    }

    @Test func writeVersionDiffAndReadBack() throws {
        var h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        try Self.write("Kick-off agenda.\nGoals.\nOwners.\nDates.\n", in: h, as: "agenda.md")
        #expect(h.ok("doc", "new", "Kick-off agenda", "--file", "agenda.md").contains("added document"))
        let doc = try Self.docID(h)
        #expect(h.ok("doc", "list").contains("Kick-off agenda  plan  39"))
        #expect(h.ok("doc", "show", doc) == "Kick-off agenda.\nGoals.\nOwners.\nDates.\n")
        #expect(h.ok("doc", "version", doc, "draft").contains("saved version 'draft'"))

        h.environment["EDITOR"] = "sed -i s/Goals/Success-measures/"
        #expect(h.ok("doc", "edit", "Kick-off agenda").hasPrefix("updated document \(doc.prefix(8)): +"))
        #expect(h.ok("doc", "edit", doc) == "no change\n", "nothing left to replace")
        h.ok("doc", "version", doc, "sent")

        #expect(h.ok("doc", "show", doc, "--version", "draft") == "Kick-off agenda.\nGoals.\nOwners.\nDates.\n")
        #expect(h.ok("doc", "show", doc, "--version", "sent") == "Kick-off agenda.\nSuccess-measures.\nOwners.\nDates.\n")
        #expect(h.ok("doc", "diff", doc, "draft", "sent") == """
            --- draft
            +++ sent
            @@ -1,4 +1,4 @@
             Kick-off agenda.
            -Goals.
            +Success-measures.
             Owners.
             Dates.

            """)
        let same = h.run("doc", "diff", doc, "sent")
        #expect(same.status == 0 && same.out.isEmpty && same.err.contains("no differences between 'sent' and 'current'"))
        let diff = try #require(try h.json("doc", "diff", doc, "draft", "current") as? [String: Any])
        let hunk = try #require((diff["hunks"] as? [[String: Any]])?.first)
        #expect((hunk["lines"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["context", "removed", "added", "context", "context"])

        let shown = try #require(try h.json("doc", "show", doc, "--version", "draft") as? [String: Any])
        #expect(shown["text"] as? String == "Kick-off agenda.\nGoals.\nOwners.\nDates.\n")
        #expect(shown["title"] as? String == "Kick-off agenda")
        #expect((shown["versions"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["draft", "sent"])

        h.ok("doc", "rename", doc, "Kick-off call agenda")
        let list = try #require(try h.json("doc", "list") as? [[String: Any]])
        #expect(list.first?["title"] as? String == "Kick-off call agenda")
        #expect(list.first?["versions"] as? [String] == ["draft", "sent"])
    }

    @Test func logAndTimeTravel() throws {
        var h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("doc", "new", "Notes")
        let doc = try Self.docID(h)
        for text in ["one\n", "one\ntwo\n", "ONE\ntwo\n"] {
            try Self.write(text, in: h, as: "next.txt")
            h.ok("doc", "edit", doc, "--file", "next.txt")
        }
        h.ok("doc", "version", doc, "v1")
        #expect(h.ok("doc", "edit", doc, "--file", "next.txt") == "no change\n")
        let log = try #require(try h.json("doc", "log", doc) as? [String: Any])
        let sessions = try #require(log["sessions"] as? [[String: Any]])
        #expect(sessions.count == 1, "one author, one sitting: \(sessions)")
        #expect(sessions.first?["authorName"] as? String == "Ana Ruiz")
        let edits = try #require(sessions.first?["edits"] as? [[String: Any]])
        // One operation per edit; a replaced word is a deletion and an insertion.
        #expect(edits.map { $0["inserted"] as? Int } == [4, 4, 0, 3])
        #expect(edits.map { $0["deleted"] as? Int } == [0, 0, 3, 0])
        #expect(sessions.first?["inserted"] as? Int == 11)
        #expect((log["versions"] as? [[String: Any]])?.first?["name"] as? String == "v1")

        // Each edit's own moment shows the text right after it.
        let times = edits.compactMap { $0["time"] as? String }
        #expect(h.ok("doc", "show", doc, "--at", times[0]) == "one\n")
        #expect(h.ok("doc", "show", doc, "--at", times[1]) == "one\ntwo\n")
        #expect(h.ok("doc", "show", doc, "--at", times[2]) == "\ntwo\n")
        #expect(h.ok("doc", "show", doc, "--at", "2020-01-01") == "")
        let atJSON = try #require(try h.json("doc", "show", doc, "--at", times[3]) as? [String: Any])
        #expect(atJSON["text"] as? String == "ONE\ntwo\n")
        #expect(atJSON["at"] as? String == times[3])

        let text = h.ok("doc", "log", doc)
        #expect(text.contains("Ana Ruiz  +11 −3  (4 edits"))
        #expect(text.contains("version 'v1' by Ana Ruiz"))
        h.environment["EDITOR"] = try Self.editor(h, "printf 'ONE\\ntwo\\nthree\\n' > \"$1\"")
        h.ok("doc", "edit", doc, "--as", "Bo Chen")
        #expect(h.ok("doc", "log", doc).contains("Bo Chen  +6 −0  (1 edit"))
    }

    @Test func standardInputAndTaskDocuments() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("task", "add", "Security review", "--phase", "Setup")
        let task = try h.taskID("Security review")
        let created = Self.run(h, stdin: "Q1. Do you support SSO?\n", "doc", "new", "Questionnaire", "--task", String(task.prefix(6)), "--file", "-")
        #expect(created.status == 0, "\(created.err)")
        let doc = try Self.docID(h)
        #expect(h.ok("doc", "list").contains("task: Security review"))
        let list = try #require(try h.json("doc", "list") as? [[String: Any]])
        #expect(list.first?["task"] as? String == task)
        let edited = Self.run(h, stdin: "Q1. Do you support SAML SSO?\n", "doc", "edit", doc, "--file", "-")
        #expect(edited.out == "updated document \(doc.prefix(8)): +5 −0 characters\n")
        #expect(h.ok("doc", "show", "questionnaire") == "Q1. Do you support SAML SSO?\n")
        #expect(h.ok("task", "show", task).contains("document     Questionnaire (\(doc.prefix(8)), 29 characters)"))
        // A document goes with its task.
        h.ok("task", "delete", task)
        #expect(h.ok("doc", "list").contains("no documents yet"))
    }

    @Test func errorsSayWhatToDo() throws {
        var h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.environment["EDITOR"] = nil
        h.environment["VISUAL"] = nil
        #expect(h.run("doc", "list").out.contains("no documents yet"))
        #expect(h.run("doc", "new", " ").err.contains("the document title cannot be empty [empty-text]"))
        #expect(h.run("doc", "new", "X", "--task", "ffffffffffff").status == 2)
        #expect(h.run("doc", "new", "X", "--file", "missing.txt").err.contains("[unreadable-file]"))
        #expect(h.run("doc", "new", "X", "--file", "missing.txt").status == 1)
        #expect(h.run("doc", "show", "nothing").err.contains("[unknown-document]"))
        h.ok("doc", "new", "Notes")
        let doc = try Self.docID(h)
        h.ok("doc", "version", doc, "v1")
        #expect(h.run("doc", "version", doc, "v1").err.contains("[duplicate-version]"))
        #expect(h.run("doc", "version", doc, "current").err.contains("[invalid-value]"))
        let unknown = h.run("doc", "show", doc, "--version", "v2")
        #expect(unknown.status == 2 && unknown.err.contains("its versions are: v1") && unknown.err.contains("[unknown-version]"))
        #expect(h.run("doc", "diff", doc, "v9", "current").err.contains("[unknown-version]"))
        #expect(h.run("doc", "show", doc, "--version", "v1", "--at", "2026-03-20").status == 2)
        #expect(h.run("doc", "show", doc, "--at", "yesterday").err.contains("[invalid-date]"))

        let noEditor = h.run("doc", "edit", doc)
        #expect(noEditor.status == 2 && noEditor.err.contains("[no-editor]") && noEditor.err.contains("--file"))
        h.environment["EDITOR"] = "false"
        let failing = h.run("doc", "edit", doc)
        #expect(failing.status == 1 && failing.err.contains("exited with status 1; nothing was changed [editor-failed]"))
        h.environment["EDITOR"] = h.directory + "/no-such-editor"
        let missing = h.run("doc", "edit", doc)
        #expect(missing.status == 1 && missing.err.contains("not found"))
        // $VISUAL comes first.
        h.environment["VISUAL"] = try Self.editor(h, "printf 'from visual' > \"$1\"")
        h.ok("doc", "edit", doc)
        #expect(h.ok("doc", "show", doc) == "from visual\n")
        // The newline an editor adds to a file that lacked one is not an edit.
        h.environment["VISUAL"] = try Self.editor(h, "printf '\\n' >> \"$1\"")
        #expect(h.ok("doc", "edit", doc) == "no change\n")
        #expect(try #require(try h.json("doc", "show", doc) as? [String: Any])["text"] as? String == "from visual")
        #expect(h.run("doc", "edit", "ffffffffffff").err.contains("[unknown-document]"))
        #expect(h.run("comment", "add", "ffffffffffff").err.contains("[unknown-id]"), "the subject is checked before the editor opens")
    }

    @Test func commentsInTheEditor() throws {
        var h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("task", "add", "SSO", "--phase", "Setup")
        let task = try h.taskID("SSO")
        #expect(h.run("comment", "add", task).err.contains("[no-editor]"))
        h.environment["EDITOR"] = try Self.editor(h, "printf '\\nWaiting on IT.\\nThey reply Friday.\\n\\n' > \"$1\"")
        #expect(h.ok("comment", "add", task).hasPrefix("added comment"))
        h.environment["EDITOR"] = try Self.editor(h, "printf '  \\n' > \"$1\"")
        let empty = h.run("comment", "add", task)
        #expect(empty.status == 2 && empty.err.contains("the comment cannot be empty [empty-text]"))
        try Self.write("From a file.", in: h, as: "c.txt")
        h.ok("comment", "add", task, "--file", "c.txt", "--as", "Bo Chen")
        #expect(h.run("comment", "add", task, "text", "--file", "c.txt").status == 2)
        var comments = try #require(try h.json("comment", "list", task) as? [[String: Any]])
        #expect(comments.compactMap { $0["text"] as? String } == ["Waiting on IT.\nThey reply Friday.", "From a file."])
        let first = try #require(comments.first?["id"] as? String)
        h.environment["EDITOR"] = "sed -i s/Friday/Monday/"
        #expect(h.ok("comment", "edit", first) == "updated comment \(first.prefix(8))\n")
        #expect(h.ok("comment", "edit", first, "Waiting on IT.\nThey reply Monday.") == "no change\n")
        comments = try #require(try h.json("comment", "list", task) as? [[String: Any]])
        #expect(comments.first?["text"] as? String == "Waiting on IT.\nThey reply Monday.")
        #expect(h.run("comment", "edit", task, "x").err.contains("[wrong-kind]"))
        #expect(h.ok("task", "show", task).contains("comment      Ana Ruiz: Waiting on IT."))
    }

    /// Two stores edit one document offline, exchange operations as a sync
    /// would, and both edits survive; a version taken on one reads the same
    /// on the other, without the edits made after it.
    @Test func twoReplicasEditDifferentSentencesOffline() throws {
        let ana = CLIHarness.withPlan()
        defer { ana.cleanUp() }
        var bo = CLIHarness()
        defer { bo.cleanUp() }
        bo.ok("init", "--as", "Bo Chen")
        try Self.write("We connect the CRM. We map the fields. We test with ten records.\n", in: ana, as: "plan.md")
        ana.ok("doc", "new", "Integration plan", "--file", "plan.md")
        ana.ok("task", "add", "Connect CRM", "--phase", "Setup", "--description", "Use the sandbox. Then production.")
        try Self.exchange(ana, bo)
        let doc = try Self.docID(bo)
        let task = try bo.taskID("Connect CRM")

        // Offline: Ana edits the first sentence, Bo the last.
        try Self.write("We connect the HubSpot CRM. We map the fields. We test with ten records.\n", in: ana, as: "plan.md")
        ana.ok("doc", "edit", doc, "--file", "plan.md")
        bo.environment["EDITOR"] = "sed -i s/ten/fifty/"
        bo.ok("doc", "edit", doc)
        ana.ok("task", "edit", task, "--description", "Use the sandbox first. Then production.")
        bo.ok("task", "edit", task, "--description", "Use the sandbox. Then production on Monday.")
        try Self.exchange(ana, bo)
        let merged = "We connect the HubSpot CRM. We map the fields. We test with fifty records.\n"
        #expect(ana.ok("doc", "show", doc) == merged)
        #expect(bo.ok("doc", "show", doc) == merged)
        for h in [ana, bo] {
            let shown = try #require(try h.json("task", "show", task) as? [String: Any])
            #expect(shown["description"] as? String == "Use the sandbox first. Then production on Monday.")
        }

        // A version on Ana's side, then more concurrent edits on both sides.
        ana.ok("doc", "version", doc, "agreed")
        try Self.exchange(ana, bo)
        try Self.write("We connect the HubSpot CRM. We map every field. We test with fifty records.\n", in: ana, as: "plan.md")
        ana.ok("doc", "edit", doc, "--file", "plan.md")
        bo.environment["EDITOR"] = try Self.editor(bo, "sed -i 's/records/records, then go live/' \"$1\"")
        bo.ok("doc", "edit", doc)
        try Self.exchange(ana, bo)
        let final = "We connect the HubSpot CRM. We map every field. We test with fifty records, then go live.\n"
        for h in [ana, bo] {
            #expect(h.ok("doc", "show", doc) == final)
            #expect(h.ok("doc", "show", doc, "--version", "agreed") == merged)
            #expect(h.ok("doc", "diff", doc, "agreed").contains("-We connect the HubSpot CRM. We map the fields. We test with fifty records.\n+\(final)"))
        }
        #expect(try ana.plan().document == bo.plan().document)
        let log = try #require(try bo.json("doc", "log", doc) as? [String: Any])
        let authors = (log["sessions"] as? [[String: Any]])?.compactMap { $0["authorName"] as? String } ?? []
        #expect(Set(authors) == ["Ana Ruiz", "Bo Chen"])
    }
}
